// The pollers behind SQS event source mappings: one loop per enabled mapping, as Lambda's
// pollers do it — receive a batch from the queue as the function's execution role (long
// polling, so an idle queue costs nothing), invoke the function synchronously with the SQS
// event, delete what was processed (all of it, or all but the `batchItemFailures` the
// function reports when the mapping has ReportBatchItemFailures), and leave failures to the
// queue's visibility timeout and redrive policy.
//
// Each receive and delete is authorized as the execution role (with the queue's policy) and
// recorded in the decision log. A role that can no longer receive or delete stops its
// mapping: State Disabled with a `PROBLEM:` reason. AWS publishes no text for that case; the
// reason here is Latchkey's, worded like the error CreateEventSourceMapping gives.

import { randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { QueueRecord, StoredMessage } from '../../store/sqs.js';
import { cachedCaller } from '../caller.js';
import type { DecisionLog } from '../decisionLog.js';
import type { Deps, OperationContext } from '../operation.js';
import { authorizeChecks, syncWorldRevision } from '../pipeline.js';
import { receiveFrom } from '../sqs/messages.js';
import { queueArn, queueCheck } from '../sqs/resources.js';
import { mappingKey, settled, sqsQueueOf, type EventSourceMappingDoc } from './eventSourceMappings.js';
import { invokeNow, prepareInvocation } from './invoke.js';
import { functionRef } from './resources.js';

/** How long a loop waits before looking again at a mapping whose queue or function is missing. */
const RETRY_MS = 2000;
/** SQS's long-poll maximum: an idle mapping makes one receive every 20 s. */
const LONG_POLL_SECONDS = 20;
/**
 * Nodes sharing a PostgreSQL: one node at a time polls a mapping, holding its lease (renewed
 * while it runs); another takes over within LEASE_MS of the holder's death. Every node looks
 * for mappings made on the others every DISCOVER_MS.
 */
const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const DISCOVER_MS = 5_000;

type PollerDeps = Deps & { decisions: DecisionLog };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/** A message as the function receives it in the SQS event (the AWS-recorded shape and key order). */
function record(m: StoredMessage, queue: QueueRecord) {
  const attributes = Object.entries(m.messageAttributes);
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: m.senderId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
    },
    messageAttributes: Object.fromEntries(attributes.map(([name, a]) => [name, {
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    }])),
    md5OfMessageAttributes: m.md5OfMessageAttributes,
    md5OfBody: m.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queue),
    awsRegion: queue.region,
  };
}

/**
 * The messages to delete after a successful invocation: all of them, or with
 * ReportBatchItemFailures all but those the response lists. A response Lambda cannot read as
 * `{"batchItemFailures":[{"itemIdentifier": <messageId>}…]}` — an identifier that is empty or
 * not in the batch — fails the whole batch (Developer Guide, "Reporting batch item failures").
 */
export function processed(messages: StoredMessage[], payload: Buffer, reportFailures: boolean): StoredMessage[] {
  if (!reportFailures) return messages;
  let response: unknown;
  try {
    response = payload.length === 0 ? null : JSON.parse(payload.toString('utf8'));
  } catch {
    return [];
  }
  if (response === null || typeof response !== 'object') return messages;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return messages;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(messages.map((m) => m.messageId));
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return [];
    failed.add(id);
  }
  return messages.filter((m) => !failed.has(m.messageId));
}

export class EventSourcePollers {
  private readonly loops = new Map<string, AbortController>();
  private closed = false;
  /** This node, as the owner of leases. */
  private readonly node = randomUUID();
  private readonly leased = new Set<string>();
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: PollerDeps) {}

  private get shared(): boolean {
    return this.deps.store.dialect === 'postgres';
  }

  /**
   * Starts the loops of every enabled mapping (at start-up: mappings outlive restarts); on a
   * shared database, keeps looking for the other nodes' new mappings and renewing leases.
   */
  async resumeAll(): Promise<void> {
    await this.discover();
    if (!this.shared || this.closed || this.timers.length > 0) return;
    const every = (ms: number, fn: () => Promise<unknown>) => setInterval(() => void fn().catch(() => undefined), ms).unref();
    this.timers = [every(DISCOVER_MS, () => this.discover()), every(LEASE_RENEW_MS, () => this.renewLeases())];
  }

  private async discover(): Promise<void> {
    const all = await this.deps.store.lambdaView(async (tx) => tx.list<EventSourceMappingDoc>('eventSourceMapping', ''));
    for (const m of all) if (m.Enabled) this.changed(m.accountId, m.region, m.UUID);
  }

  /** Whether this node may poll the mapping now (always, on a database of its own). */
  private async holdLease(key: string): Promise<boolean> {
    if (!this.shared) return true;
    const now = this.deps.now().getTime();
    const held = await this.deps.store.acquireLease(`event-source-mapping:${key}`, this.node, now, now + LEASE_MS);
    if (held) this.leased.add(key);
    else this.leased.delete(key);
    return held;
  }

  private async renewLeases(): Promise<void> {
    for (const key of this.leased) await this.holdLease(key);
  }

  private async dropLease(key: string): Promise<void> {
    if (!this.leased.delete(key)) return;
    await this.deps.store.releaseLease(`event-source-mapping:${key}`, this.node).catch(() => undefined);
  }

  /** A mapping was created, updated or deleted: start its loop if it needs one (a running loop re-reads it). */
  changed(accountId: string, region: string, uuid: string): void {
    const key = mappingKey(accountId, region, uuid);
    if (this.closed || this.loops.has(key)) return;
    const controller = new AbortController();
    this.loops.set(key, controller);
    void this.loop(key, controller.signal)
      .catch((e: unknown) => console.error(`Latchkey: event source mapping ${uuid} stopped:`, e))
      .finally(() => {
        this.loops.delete(key);
        void this.dropLease(key);
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.loops.values()) c.abort();
    // Another node may take the mappings over at once rather than when the leases expire.
    for (const key of [...this.leased]) await this.dropLease(key);
  }

  private async loop(key: string, signal: AbortSignal): Promise<void> {
    const { deps } = this;
    while (!signal.aborted) {
      // No signed request brings this node's caches up to date here: a mapping, function or role
      // changed on another node counts from this round on (the parsed Lambda documents included).
      await syncWorldRevision(deps);
      const stored = await deps.store.lambdaGet<EventSourceMappingDoc>('eventSourceMapping', key);
      if (!stored) return;
      const m = settled(stored, deps.now().getTime());
      if (!m.Enabled) return;
      // A lease held is kept by renewLeases; only a node without it asks each time round.
      if (!this.leased.has(key) && !(await this.holdLease(key).catch(() => false))) {
        await sleep(DISCOVER_MS, signal);
        continue;
      }
      const ran = await this.pollOnce(key, m, signal);
      if (ran === 'retry') await sleep(RETRY_MS, signal);
      if (ran === 'stop') return;
    }
  }

  /** One receive and what follows it. */
  private async pollOnce(key: string, m: EventSourceMappingDoc, signal: AbortSignal): Promise<'ok' | 'retry' | 'stop'> {
    const { deps } = this;
    const queueRef = sqsQueueOf(m.EventSourceArn)!;
    const queue = await deps.store.sqs.getQueue(queueRef);
    if (!queue) return 'retry';
    const [, , , region, accountId, , name, qualifier] = m.FunctionArn.split(':');
    const ref = functionRef(accountId!, region!, name!, qualifier);
    const env = { deps, region: m.region, baseUrl: deps.publicUrl() };
    let inv;
    try {
      inv = await prepareInvocation(env, ref);
    } catch (e) {
      if (e instanceof AwsError) return 'retry';
      throw e;
    }
    const { accessKeyId } = await inv.spec.credentials();
    const caller = await cachedCaller(deps, accessKeyId);
    const asRole = async (action: string) => {
      const ctx = { deps, caller, region: m.region, requestId: randomUUID(), baseUrl: env.baseUrl, input: {} } as OperationContext<unknown>;
      try {
        await authorizeChecks(deps, 'AccessDenied', caller, await queueCheck(ctx, action, queueRef), { ...ctx, sourceIp: '127.0.0.1', secureTransport: true, via: 'event' });
        return true;
      } catch (e) {
        if (e instanceof AwsError && e.status === 403) return false;
        throw e;
      }
    };
    if (!(await asRole('ReceiveMessage'))) return this.stop(key, 'ReceiveMessage');

    const messages = await this.batch(queue, m, signal);
    if (messages.length === 0) return 'ok';
    const event = { Records: messages.map((msg) => record(msg, queue)) };
    let result;
    try {
      // The receive may have waited 20 s: the function as it is now, on any node.
      await syncWorldRevision(deps);
      inv = await prepareInvocation(env, ref);
      result = await invokeNow(inv, { payload: Buffer.from(JSON.stringify(event)), requestId: randomUUID() });
    } catch (e) {
      // Throttled or not runnable: the messages come back after their visibility timeout.
      if (e instanceof AwsError) return 'retry';
      throw e;
    }
    if (result.functionError) return 'ok';
    const done = processed(messages, result.payload, m.FunctionResponseTypes.includes('ReportBatchItemFailures'));
    if (done.length === 0) return 'ok';
    if (!(await asRole('DeleteMessage'))) return this.stop(key, 'DeleteMessage');
    for (const msg of done) await deps.store.sqs.deleteMessage(queueRef, msg.receiptHandle!);
    return 'ok';
  }

  /** Up to BatchSize messages: one long poll, then, with a batching window, more until it is full or the window ends. */
  private async batch(queue: QueueRecord, m: EventSourceMappingDoc, signal: AbortSignal): Promise<StoredMessage[]> {
    const visibilityTimeout = Number(queue.attributes.VisibilityTimeout ?? 30);
    const first = await receiveFrom({ deps: this.deps }, queue, { max: Math.min(10, m.BatchSize), waitSeconds: LONG_POLL_SECONDS, visibilityTimeout, signal });
    const out = [...first];
    const windowEnds = Date.now() + m.MaximumBatchingWindowInSeconds * 1000;
    while (out.length > 0 && out.length < m.BatchSize && Date.now() < windowEnds && !signal.aborted) {
      const wait = Math.min(LONG_POLL_SECONDS, Math.ceil((windowEnds - Date.now()) / 1000));
      const more = await receiveFrom({ deps: this.deps }, queue, { max: Math.min(10, m.BatchSize - out.length), waitSeconds: wait, visibilityTimeout, signal });
      out.push(...more);
    }
    return out;
  }

  private async stop(key: string, action: string): Promise<'stop'> {
    await this.deps.store.lambdaTransact(async (tx) => {
      const m = await tx.get<EventSourceMappingDoc>('eventSourceMapping', key);
      if (!m) return;
      const { settlesAt: _s, ...rest } = m;
      await tx.put('eventSourceMapping', key, {
        ...rest,
        Enabled: false,
        State: 'Disabled',
        StateTransitionReason: `PROBLEM: The function execution role does not have permissions to call ${action} on SQS`,
        LastModified: this.deps.now().getTime(),
      });
    });
    return 'stop';
  }
}
