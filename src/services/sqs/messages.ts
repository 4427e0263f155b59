// SQS messages: send (one or a batch), receive (visibility timeout, long polling up to 20 s,
// receive counts, redrive to a dead-letter queue), delete, change visibility. Limits and
// error texts as AWS records them (research in the issue 13 notes; 1 MiB messages since 2025).

import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { MessageAttributeValue, NewMessage, QueueRecord, QueueRef, StoredMessage } from '../../store/sqs.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { queueSignals } from './longPoll.js';
import { attribute, md5, md5OfMessageAttributes, queueCheck, queueOfUrl, redrivePolicy, SqsErrors } from './resources.js';

const BATCH_MAX = 10;
const BATCH_BYTES = 1_048_576;
const MESSAGE_ATTRIBUTES_MAX = 10;
const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'];

type UrlInput = { QueueUrl: string };
type WireAttribute = { DataType?: string; StringValue?: string; BinaryValue?: Buffer | string };
type SendEntry = { Id?: string; MessageBody?: string; DelaySeconds?: number; MessageAttributes?: Record<string, WireAttribute> };

async function requireQueue(ctx: OperationContext<unknown>, ref: QueueRef): Promise<QueueRecord> {
  const q = await ctx.deps.store.sqs.getQueue(ref);
  if (!q) throw SqsErrors.noQueue();
  return q;
}

/** XML 1.0's characters: what SQS accepts in a body. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function range(name: string, value: number | undefined, min: number, max: number, reason: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw SqsErrors.invalid(`Value ${value} for parameter ${name} is invalid. Reason: ${reason}`);
  }
}

function messageAttributes(given: Record<string, WireAttribute> | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  const entries = Object.entries(given ?? {});
  if (entries.length > MESSAGE_ATTRIBUTES_MAX) throw SqsErrors.invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MESSAGE_ATTRIBUTES_MAX}].`);
  for (const [name, a] of entries) {
    const type = a.DataType ?? '';
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) throw SqsErrors.invalid(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    if (type.startsWith('Binary')) {
      const value = a.BinaryValue === undefined ? '' : Buffer.isBuffer(a.BinaryValue) ? a.BinaryValue.toString('base64') : String(a.BinaryValue);
      if (value === '') throw SqsErrors.invalid(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      out[name] = { DataType: type, BinaryValue: value };
    } else {
      if (!a.StringValue) throw SqsErrors.invalid(`Message (user) attribute '${name}' must contain a non-empty value of type '${type.split('.')[0]}'.`);
      out[name] = { DataType: type, StringValue: a.StringValue };
    }
  }
  return out;
}

function attributesSize(attrs: Record<string, MessageAttributeValue>): number {
  let n = 0;
  for (const [name, a] of Object.entries(attrs)) {
    n += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + (a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? ''));
  }
  return n;
}

/** One message as SendMessage would store it, or the error that refuses it. */
function prepare(ctx: OperationContext<unknown>, q: QueueRecord, entry: SendEntry, now: number): NewMessage {
  if (entry.MessageBody === undefined) throw SqsErrors.missing('MessageBody');
  const body = entry.MessageBody;
  if (body === '') throw SqsErrors.invalid('The request must contain the parameter MessageBody.');
  const bad = INVALID_CHARACTER.exec(body);
  if (bad) {
    throw new AwsError('InvalidMessageContents', `Invalid binary character '#x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is available at http://www.w3.org/TR/REC-xml/#charsets`, 400);
  }
  range('DelaySeconds', entry.DelaySeconds, 0, 900, 'DelaySeconds must be >= 0 and <= 900.');
  const attrs = messageAttributes(entry.MessageAttributes);
  const limit = Number(attribute(q, 'MaximumMessageSize'));
  if (Buffer.byteLength(body, 'utf8') + attributesSize(attrs) > limit) {
    throw SqsErrors.invalid(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);
  }
  const delay = entry.DelaySeconds ?? Number(attribute(q, 'DelaySeconds'));
  return {
    messageId: randomUUID(),
    body,
    md5OfBody: md5(Buffer.from(body, 'utf8')),
    messageAttributes: attrs,
    md5OfMessageAttributes: md5OfMessageAttributes(attrs),
    // The sender's user id (AIDA…, or AROA…:session for a role), as SQS shows SenderId.
    senderId: ctx.caller.userId,
    sentAt: now,
    visibleAt: now + delay * 1000,
  };
}

const sent = (m: NewMessage) => ({
  MD5OfMessageBody: m.md5OfBody,
  ...(m.md5OfMessageAttributes ? { MD5OfMessageAttributes: m.md5OfMessageAttributes } : {}),
  MessageId: m.messageId,
});

/** Batch entries: 1 to 10, ids unique, alphanumeric with - and _, at most 80 characters. */
function checkBatch(entries: { Id?: string }[] | undefined, kind: string): { Id?: string }[] {
  const list = entries ?? [];
  if (list.length === 0) throw new AwsError('EmptyBatchRequest', `There should be at least one ${kind} in the request.`, 400);
  if (list.length > BATCH_MAX) throw new AwsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${BATCH_MAX}. You have sent ${list.length}.`, 400);
  const seen = new Set<string>();
  for (const e of list) {
    const id = e.Id ?? '';
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new AwsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.', 400);
    }
    if (seen.has(id)) throw new AwsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 400);
    seen.add(id);
  }
  return list;
}

const failure = (id: string, e: unknown) => {
  if (!(e instanceof AwsError)) throw e;
  return { Id: id, SenderFault: e.fault === 'Sender', Code: e.code, Message: e.message };
};

// Receipt handles: opaque, new at each receive; they carry the message's sequence number.
const receiptHandle = (seq: number) => Buffer.from(`${seq}:${randomBytes(16).toString('hex')}`).toString('base64url');
function checkHandle(handle: string | undefined): string {
  if (!handle) throw SqsErrors.missing('ReceiptHandle');
  if (!/^\d+:[0-9a-f]{32}$/.test(Buffer.from(handle, 'base64url').toString('utf8'))) throw SqsErrors.receiptHandle(handle);
  return handle;
}

function wanted(names: string[] | undefined, all: string[]): Set<string> {
  const list = names ?? [];
  if (list.includes('All')) return new Set(all);
  return new Set(list.filter((n) => all.includes(n)));
}

function selectMessageAttributes(m: StoredMessage, names: string[] | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(m.messageAttributes)) {
    const take = (names ?? []).some((n) => n === 'All' || n === '.*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
    if (take) out[name] = a;
  }
  return out;
}

function received(m: StoredMessage, systemNames: Set<string>, attributeNames: string[] | undefined) {
  const system: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  const attributes = Object.fromEntries(Object.entries(system).filter(([k]) => systemNames.has(k)));
  const user = selectMessageAttributes(m, attributeNames);
  // The digest covers the attributes returned, which clients check it against.
  const md5OfUser = md5OfMessageAttributes(user);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle!,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5OfUser ? { MD5OfMessageAttributes: md5OfUser } : {}),
    ...(Object.keys(user).length > 0
      ? { MessageAttributes: Object.fromEntries(Object.entries(user).map(([k, a]) => [k, a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') } : a])) }
      : {}),
  };
}

/** Receives up to `max` messages, waiting up to `waitSeconds` for the first; what the caller gets (authorization done). */
export async function receiveFrom(
  ctx: Pick<OperationContext<unknown>, 'deps'>,
  q: QueueRecord,
  opts: { max: number; waitSeconds: number; visibilityTimeout: number; signal?: AbortSignal },
): Promise<StoredMessage[]> {
  const { deps } = ctx;
  const signals = queueSignals(deps);
  const deadline = Date.now() + opts.waitSeconds * 1000;
  const redrive = q.attributes.RedrivePolicy ? redrivePolicy(q.attributes.RedrivePolicy) : undefined;
  const retention = Number(attribute(q, 'MessageRetentionPeriod')) * 1000;
  for (;;) {
    if (opts.signal?.aborted) return [];
    const now = deps.now().getTime();
    const messages = await deps.store.sqs.receiveMessages(q, {
      now,
      max: opts.max,
      visibilityTimeoutMs: opts.visibilityTimeout * 1000,
      newReceiptHandle: receiptHandle,
      retainedAfter: now - retention,
      ...(redrive ? { redrive } : {}),
    });
    if (messages.length > 0 || Date.now() >= deadline) return messages;
    // Long polling: sleep until a message is sent, one becomes visible, or the wait ends — no busy loop.
    const next = await deps.store.sqs.nextVisibleAt(q, now);
    const until = Math.min(deadline, next === null ? deadline : Date.now() + (next - now));
    await signals.wait(q, Math.max(1, until - Date.now()), opts.signal);
  }
}

export const messageOperations: ServiceOperations = {
  SendMessage: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'SendMessage', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & SendEntry>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      const m = prepare(ctx, q, ctx.input, ctx.deps.now().getTime());
      await ctx.deps.store.sqs.sendMessages(q, [m]);
      queueSignals(ctx.deps).notify(q);
      return sent(m);
    },
  },

  SendMessageBatch: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'SendMessage', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { Entries?: SendEntry[] }>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      const entries = checkBatch(ctx.input.Entries, 'SendMessageBatchRequestEntry') as SendEntry[];
      const total = entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? '') + attributesSize(messageAttributesOrEmpty(e)), 0);
      if (total > BATCH_BYTES) {
        throw new AwsError('BatchRequestTooLong', `Batch requests cannot be longer than ${BATCH_BYTES} bytes. You have sent ${total} bytes.`, 400);
      }
      const now = ctx.deps.now().getTime();
      const ok: { id: string; m: NewMessage }[] = [];
      const failed = [];
      for (const e of entries) {
        try {
          ok.push({ id: e.Id!, m: prepare(ctx, q, e, now) });
        } catch (err) {
          failed.push(failure(e.Id!, err));
        }
      }
      await ctx.deps.store.sqs.sendMessages(q, ok.map((o) => o.m));
      if (ok.length > 0) queueSignals(ctx.deps).notify(q);
      return { Successful: ok.map((o) => ({ Id: o.id, ...sent(o.m) })), Failed: failed };
    },
  },

  ReceiveMessage: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'ReceiveMessage', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & {
      MaxNumberOfMessages?: number; WaitTimeSeconds?: number; VisibilityTimeout?: number;
      AttributeNames?: string[]; MessageSystemAttributeNames?: string[]; MessageAttributeNames?: string[];
    }>) {
      const { input } = ctx;
      range('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10, 'Must be between 1 and 10, if provided.');
      range('WaitTimeSeconds', input.WaitTimeSeconds, 0, 20, 'Must be >= 0 and <= 20, if provided.');
      range('VisibilityTimeout', input.VisibilityTimeout, 0, 43_200, 'Must be >= 0 and <= 43200, if provided.');
      const q = await requireQueue(ctx, queueOfUrl(ctx, input.QueueUrl));
      const messages = await receiveFrom(ctx, q, {
        max: input.MaxNumberOfMessages ?? 1,
        waitSeconds: input.WaitTimeSeconds ?? Number(attribute(q, 'ReceiveMessageWaitTimeSeconds')),
        visibilityTimeout: input.VisibilityTimeout ?? Number(attribute(q, 'VisibilityTimeout')),
      });
      const systemNames = wanted([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])], SYSTEM_ATTRIBUTES);
      return messages.length > 0 ? { Messages: messages.map((m) => received(m, systemNames, input.MessageAttributeNames)) } : {};
    },
  },

  DeleteMessage: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'DeleteMessage', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { ReceiptHandle?: string }>) {
      const ref = queueOfUrl(ctx, ctx.input.QueueUrl);
      // A stale handle (the message was received again since) succeeds and deletes nothing, as AWS documents.
      await ctx.deps.store.sqs.deleteMessage(ref, checkHandle(ctx.input.ReceiptHandle)).catch(noQueue);
      return undefined;
    },
  },

  DeleteMessageBatch: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'DeleteMessage', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { Entries?: { Id?: string; ReceiptHandle?: string }[] }>) {
      const ref = queueOfUrl(ctx, ctx.input.QueueUrl);
      await requireQueue(ctx, ref);
      const entries = checkBatch(ctx.input.Entries, 'DeleteMessageBatchRequestEntry') as { Id: string; ReceiptHandle?: string }[];
      const ok = [];
      const failed = [];
      for (const e of entries) {
        try {
          await ctx.deps.store.sqs.deleteMessage(ref, checkHandle(e.ReceiptHandle));
          ok.push({ Id: e.Id });
        } catch (err) {
          failed.push(failure(e.Id, err));
        }
      }
      return { Successful: ok, Failed: failed };
    },
  },

  ChangeMessageVisibility: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'ChangeMessageVisibility', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { ReceiptHandle?: string; VisibilityTimeout: number }>) {
      const ref = queueOfUrl(ctx, ctx.input.QueueUrl);
      await changeVisibility(ctx, ref, ctx.input.ReceiptHandle, ctx.input.VisibilityTimeout);
      return undefined;
    },
  },

  ChangeMessageVisibilityBatch: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'ChangeMessageVisibility', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { Entries?: { Id?: string; ReceiptHandle?: string; VisibilityTimeout?: number }[] }>) {
      const ref = queueOfUrl(ctx, ctx.input.QueueUrl);
      await requireQueue(ctx, ref);
      const entries = checkBatch(ctx.input.Entries, 'ChangeMessageVisibilityBatchRequestEntry') as { Id: string; ReceiptHandle?: string; VisibilityTimeout?: number }[];
      const ok = [];
      const failed = [];
      for (const e of entries) {
        try {
          await changeVisibility(ctx, ref, e.ReceiptHandle, e.VisibilityTimeout ?? 0);
          ok.push({ Id: e.Id });
        } catch (err) {
          failed.push(failure(e.Id, err));
        }
      }
      return { Successful: ok, Failed: failed };
    },
  },
};

function messageAttributesOrEmpty(e: SendEntry): Record<string, MessageAttributeValue> {
  try {
    return messageAttributes(e.MessageAttributes);
  } catch {
    return {};
  }
}

function noQueue(e: unknown): never {
  if (e instanceof Error && e.name === 'StoreError') throw SqsErrors.noQueue();
  throw e;
}

async function changeVisibility(ctx: OperationContext<unknown>, ref: QueueRef, handle: string | undefined, timeout: number): Promise<void> {
  range('VisibilityTimeout', timeout, 0, 43_200, 'Must be >= 0 and <= 43200, if provided.');
  const h = checkHandle(handle);
  const now = ctx.deps.now().getTime();
  const changed = await ctx.deps.store.sqs.changeVisibility(ref, h, now + timeout * 1000, now).catch(noQueue);
  if (!changed) {
    throw SqsErrors.invalid(`Value ${h} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  }
  if (timeout === 0) queueSignals(ctx.deps).notify(ref);
}
