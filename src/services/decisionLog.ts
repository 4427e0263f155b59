// Every authorization decision Latchkey makes (API calls, invokes, service events, function
// URLs), kept in memory for the console and appended as JSON lines to `decisions.log` in the
// state directory, rotated by size (`decisions.log.1`, `.2`, …), so `latchkey explain
// <request-id>` can answer after the fact. Nodes sharing a PostgreSQL also write them to the
// database, so any node (and `latchkey explain --database`) finds any node's decisions.

import fs from 'node:fs';
import path from 'node:path';
import type { Decision, StatementReason } from '../iam/index.js';
import type { Store } from '../store/store.js';

export interface DecisionRecord {
  at: string;
  /** The id returned in `x-amzn-RequestId` (for events and URLs: the delivery's own id). */
  requestId: string;
  /** How the request arrived. */
  via?: 'api' | 'event' | 'url' | 'logs';
  caller: string;
  /** The caller's account; absent for services and anonymous callers. */
  callerAccount?: string;
  action: string;
  resource: string;
  resourceAccount?: string;
  decision: Decision['decision'];
  explanation: Decision;
  /** Request-context keys that shaped the decision (aws:SourceArn, aws:SourceAccount, …), when notable. */
  context?: Record<string, string>;
}

/** Whose a policy is: the resource side's belong to the resource's account, the others to the caller's. */
const OWNER_SIDE: Record<StatementReason['policyType'], 'caller' | 'resource'> = {
  identity: 'caller', boundary: 'caller', session: 'caller', scp: 'caller', resource: 'resource', rcp: 'resource',
};

/**
 * A decision as one account may see it: the statements of policies that belong to another
 * account (the other side of a cross-account call) keep their effect and policy type, but not
 * the policy's name, the statement's place or its Sid — as AWS shows one account nothing of
 * another's policies.
 */
export function decisionSeenBy(record: DecisionRecord, accountId: string): DecisionRecord {
  const ownerOf = (r: StatementReason) => (OWNER_SIDE[r.policyType] === 'caller' ? record.callerAccount : record.resourceAccount);
  const reasons = record.explanation.reasons.map((r) =>
    ownerOf(r) === accountId ? r : { policyId: `a policy of account ${ownerOf(r) ?? 'unknown'}`, policyType: r.policyType, statement: -1, sid: undefined, effect: r.effect },
  );
  return { ...record, explanation: { ...record.explanation, reasons } };
}

export interface DecisionFileOptions {
  file: string;
  /** Rotate once the file passes this size. */
  maxBytes?: number;
  /** How many rotated files to keep. */
  keep?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_KEEP = 3;

/** The database's decision log (store.ts, ClusterStore). */
export type SharedDecisions = Pick<Store, 'recordDecisions' | 'findDecisions' | 'recentDecisions'>;

export class DecisionLog {
  private readonly entries: (DecisionRecord | undefined)[];
  private next = 0;
  private count = 0;
  /** Recorded, not yet written: turned into JSON when written, after the answers have gone out. */
  private pending: DecisionRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private flushing = false;
  private size = 0;

  constructor(
    private readonly limit = 10_000,
    private readonly sink?: DecisionFileOptions,
    private readonly shared?: SharedDecisions,
  ) {
    this.entries = new Array<DecisionRecord | undefined>(limit);
    if (sink) {
      fs.mkdirSync(path.dirname(sink.file), { recursive: true });
      this.size = fileSize(sink.file);
    }
  }

  record(entry: DecisionRecord): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
    this.count = Math.min(this.count + 1, this.limit);
    if (this.sink || this.shared) {
      this.pending.push(entry);
      // One write per event-loop turn, however many decisions it made.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    }
  }

  /** A request's decisions: this node's from memory, else every node's from the shared log. */
  async findAnywhere(requestId: string): Promise<DecisionRecord[]> {
    const here = this.find(requestId);
    if (here.length > 0 || !this.shared) return here;
    await this.settled();
    return (await this.shared.findDecisions(requestId)).map((r) => JSON.parse(r) as DecisionRecord);
  }

  /** The last `n` decisions, oldest first: of every node when the log is shared. */
  async recentAnywhere(n = 100): Promise<DecisionRecord[]> {
    if (!this.shared) return this.recent(n);
    await this.settled();
    return (await this.shared.recentDecisions(n)).map((r) => JSON.parse(r) as DecisionRecord);
  }

  /** Resolves once what was recorded so far is in the shared log. */
  async settled(): Promise<void> {
    if (this.flushing) this.flush();
    await this.writing;
  }

  /** The last `n` decisions, oldest first. */
  recent(n = 100): DecisionRecord[] {
    const take = Math.min(n, this.count);
    const out: DecisionRecord[] = [];
    for (let i = take; i > 0; i--) out.push(this.entries[(this.next - i + this.limit) % this.limit]!);
    return out;
  }

  /** The decisions of one request still in memory. */
  find(requestId: string): DecisionRecord[] {
    return this.recent(this.count).filter((e) => e.requestId === requestId);
  }

  /** Writes what is pending now (the server calls it when it stops). */
  flush(): void {
    this.flushing = false;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    const lines = entries.map((entry) => JSON.stringify(entry));
    if (this.shared) {
      const batch = entries.map((entry, i) => ({ requestId: entry.requestId, record: lines[i]! }));
      const shared = this.shared;
      // In order, one batch at a time; like the file, a record rather than a gate.
      this.writing = this.writing.then(() => shared.recordDecisions(batch)).catch((e: unknown) => {
        console.error('Latchkey: could not write decisions to the database:', (e as Error).message);
      });
    }
    if (!this.sink) return;
    const text = `${lines.join('\n')}\n`;
    try {
      if (this.size > 0 && this.size + text.length > (this.sink.maxBytes ?? DEFAULT_MAX_BYTES)) this.rotate();
      fs.appendFileSync(this.sink.file, text);
      this.size += Buffer.byteLength(text);
    } catch (e) {
      // The log is a record, not a gate: a full disk must not fail requests.
      console.error('Latchkey: could not write the decision log:', (e as Error).message);
    }
  }

  private rotate(): void {
    const { file } = this.sink!;
    const keep = this.sink!.keep ?? DEFAULT_KEEP;
    fs.rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    }
    fs.renameSync(file, `${file}.1`);
    this.size = 0;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Every logged decision of a request, newest files last, read back from a state directory. */
export function readDecisions(file: string, requestId: string): DecisionRecord[] {
  const found: DecisionRecord[] = [];
  const files = [file];
  for (let i = 1; fs.existsSync(`${file}.${i}`); i++) files.unshift(`${file}.${i}`);
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      // A cheap test before parsing: most lines are other requests.
      if (!line.includes(requestId)) continue;
      try {
        const record = JSON.parse(line) as DecisionRecord;
        if (record.requestId === requestId) found.push(record);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
  }
  return found;
}
