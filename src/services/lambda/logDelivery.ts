// Lambda sends what a function writes to CloudWatch Logs, as AWS does: to the log group
// `/aws/lambda/<function>` (or LoggingConfig.LogGroup), in the stream of the execution
// environment (`YYYY/MM/DD/[version]<id>`), an event per line, START, END and REPORT included —
// and as the function's execution role. Creating the group, the stream and putting events
// are authorized like any call that role makes (logs:CreateLogGroup, logs:CreateLogStream,
// logs:PutLogEvents, with lambda:SourceFunctionArn): a role without them gets no logs,
// silently, as on AWS ("provided your function's execution role has the necessary
// permissions"), and the decision log says which permission was missing.
//
// Lines are gathered per stream for a moment and sent in batches, as Lambda's log agent
// does, so a busy function makes a few PutLogEvents calls rather than one per invocation;
// each stream's batches go out in order.

import { AwsError } from '../../aws/errors.js';
import type { LogLine } from '../../runtime/index.js';
import type { LogGroupRef } from '../../store/logs.js';
import { StoreError } from '../../store/store.js';
import { cachedCaller } from '../caller.js';
import type { DecisionLog } from '../decisionLog.js';
import { requestId as newRequestId } from '../ids.js';
import { logsCheck } from '../logs/resources.js';
import { PUT_LIMITS } from '../logs/events.js';
import type { Deps } from '../operation.js';
import { authorizeChecks, syncWorldRevision } from '../pipeline.js';

/** How long lines wait for more to join their batch. */
const GATHER_MS = 25;
/** A line longer than this is cut, as Lambda cuts log lines (256 KB). */
const MAX_LINE_BYTES = 256 * 1024;

export interface LogTarget {
  accountId: string;
  region: string;
  group: string;
  stream: string;
  /** The execution role's credentials (the function's own session). */
  credentials: () => Promise<{ accessKeyId: string }>;
}

interface Pending {
  target: LogTarget;
  lines: LogLine[];
  timer?: NodeJS.Timeout;
  /** The batches of this stream, one after the other. */
  chain: Promise<void>;
}

export class LogDelivery {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly deps: Deps & { decisions: DecisionLog }) {}

  send(target: LogTarget, lines: LogLine[]): void {
    if (lines.length === 0) return;
    const key = JSON.stringify([target.accountId, target.region, target.group, target.stream]);
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { target, lines: [], chain: Promise.resolve() }));
    p.target = target;
    p.lines.push(...lines);
    if (p.lines.length >= PUT_LIMITS.events) this.flush(key, p);
    else p.timer ??= setTimeout(() => this.flush(key, p), GATHER_MS).unref();
  }

  /** Sends everything gathered and waits until it is stored (tests, shutdown). */
  async drain(): Promise<void> {
    for (const [key, p] of this.pending) this.flush(key, p);
    await Promise.all([...this.pending.values()].map((p) => p.chain));
  }

  private flush(key: string, p: Pending): void {
    clearTimeout(p.timer);
    p.timer = undefined;
    const lines = p.lines;
    p.lines = [];
    if (lines.length === 0) return;
    const target = p.target;
    p.chain = p.chain
      .then(() => this.deliver(target, lines))
      .catch((e: unknown) => console.error('Latchkey: delivering function logs failed:', e))
      .finally(() => {
        if (p.lines.length === 0 && !p.timer && this.pending.get(key) === p) this.pending.delete(key);
      });
  }

  private async deliver(target: LogTarget, lines: LogLine[]): Promise<void> {
    const { deps } = this;
    const { accessKeyId } = await target.credentials();
    // No signed request brought this node's caches up to date: a role changed on another node counts now.
    await syncWorldRevision(deps);
    const caller = await cachedCaller(deps, accessKeyId);
    const group: LogGroupRef = { accountId: target.accountId, region: target.region, name: target.group };
    const meta = { region: target.region, requestId: newRequestId(), sourceIp: '127.0.0.1', secureTransport: true, baseUrl: deps.publicUrl(), via: 'logs' as const };
    const allowed = (action: string, stream?: string) =>
      authorizeChecks(deps, 'AccessDeniedException', caller, logsCheck(action, group, stream), meta).then(
        () => true,
        (e: unknown) => {
          if (e instanceof AwsError && e.status === 403) return false;
          throw e;
        },
      );
    const logs = deps.store.logs;
    const now = deps.now().getTime();
    if (!(await logs.getLogGroup(group))) {
      if (!(await allowed('CreateLogGroup'))) return;
      await ignoreExisting(logs.createLogGroup({ ...group, createdAt: now, retentionInDays: null, kmsKeyId: null, logGroupClass: 'STANDARD', tags: {} }));
    }
    if (!(await logs.getLogStream(group, target.stream))) {
      if (!(await allowed('CreateLogStream', target.stream))) return;
      await ignoreExisting(logs.createLogStream(group, target.stream, now));
    }
    for (const batch of batches(lines)) {
      if (!(await allowed('PutLogEvents', target.stream))) return;
      await logs.putLogEvents(group, target.stream, batch, deps.now().getTime());
    }
  }
}

async function ignoreExisting(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof StoreError && e.code === 'AlreadyExists')) throw e;
  }
}

/** PutLogEvents batches: in time order, within the count and size limits, each spanning at most a day. */
function batches(lines: LogLine[]): { timestamp: number; message: string }[][] {
  const events = lines
    .map((l) => ({ timestamp: l.timestamp, message: cut(l.message) }))
    .sort((a, b) => a.timestamp - b.timestamp);
  const out: { timestamp: number; message: string }[][] = [];
  let current: { timestamp: number; message: string }[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message, 'utf8') + PUT_LIMITS.overheadPerEvent;
    const full = current.length === PUT_LIMITS.events || bytes + size > PUT_LIMITS.bytes || (current.length > 0 && e.timestamp - current[0]!.timestamp > PUT_LIMITS.spanMs);
    if (full) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function cut(message: string): string {
  if (Buffer.byteLength(message, 'utf8') <= MAX_LINE_BYTES) return message;
  return Buffer.from(message, 'utf8').subarray(0, MAX_LINE_BYTES).toString('utf8');
}
