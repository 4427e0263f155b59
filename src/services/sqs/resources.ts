// SQS queues as resources: their URLs and ARNs, the IAM check of an action on a queue (with
// the queue's Policy as its resource-based policy), the attributes a queue has and their
// limits, the MD5 digests clients verify, and SQS's errors.

import { createHash } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { MessageAttributeValue, QueueRecord, QueueRef } from '../../store/sqs.js';
import type { AuthorizationCheck, Deps, OperationContext } from '../operation.js';

export const queueArn = (q: QueueRef) => `arn:aws:sqs:${q.region}:${q.accountId}:${q.name}`;

/** `<Latchkey's URL>/<account>/<name>`, as moto and AWS's path form have it. */
export const queueUrl = (baseUrl: string, q: QueueRef) => `${baseUrl.replace(/\/$/, '')}/${q.accountId}/${q.name}`;

const invalid = (message: string) => new AwsError('InvalidParameterValue', message, 400);

export const SqsErrors = {
  noQueue: () => new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400),
  queueExists: (attribute: string) => new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attribute}`, 400),
  invalid,
  missing: (name: string) => new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400),
  receiptHandle: (handle: string) => new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 400),
  attributeName: (name: string) => new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400),
  attributeValue: (name: string) => new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`, 400),
};

/** The queue a QueueUrl names: its path is `/<account>/<name>` (the host is not checked). */
export function queueOfUrl(ctx: OperationContext<unknown>, url: string | undefined): QueueRef {
  if (!url) throw SqsErrors.missing('QueueUrl');
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const m = /^\/?(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)\/?$/.exec(path);
  if (!m) throw SqsErrors.noQueue();
  return { accountId: m[1]!, region: ctx.region, name: m[2]! };
}

/** The check of `sqs:<action>` on a queue, with its Policy when it has one. */
export async function queueCheck(ctx: OperationContext<unknown>, action: string, ref: QueueRef): Promise<AuthorizationCheck[]> {
  const queue = await ctx.deps.store.sqs.getQueue(ref);
  // Another account's queue that is not there: as AWS, not found rather than denied.
  if (!queue && ref.accountId !== ctx.caller.accountId) throw SqsErrors.noQueue();
  const policy = queue ? queuePolicy(ctx.deps, queue) : undefined;
  return [{ action: `sqs:${action}`, resource: queueArn(ref), resourceAccount: ref.accountId, ...(policy ? { resourcePolicy: policy } : {}) }];
}

export function queuePolicy(deps: Deps, queue: QueueRecord) {
  const text = queue.attributes.Policy;
  if (!text) return undefined;
  return deps.policies.get(`sqs-policy/${queueArn(queue)}`, text, text, { kind: 'resource' });
}

// ---- Attributes ----------------------------------------------------------------------------

/** Settable attributes: their defaults (as GetQueueAttributes shows a new queue's) and ranges. */
export const QUEUE_ATTRIBUTES: Record<string, { default?: string; min?: number; max?: number }> = {
  DelaySeconds: { default: '0', min: 0, max: 900 },
  MaximumMessageSize: { default: '1048576', min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: '345600', min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: '0', min: 0, max: 20 },
  VisibilityTimeout: { default: '30', min: 0, max: 43_200 },
  SqsManagedSseEnabled: { default: 'true' },
  KmsMasterKeyId: {},
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400 },
  Policy: {},
  RedrivePolicy: {},
  RedriveAllowPolicy: {},
};

/** Checks attributes given to CreateQueue / SetQueueAttributes; FIFO queues are not served. */
export function checkAttributes(given: Record<string, string>): void {
  for (const [name, value] of Object.entries(given)) {
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication' || name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
      throw invalid('Latchkey does not serve FIFO queues.');
    }
    const spec = QUEUE_ATTRIBUTES[name];
    if (!spec) throw SqsErrors.attributeName(name);
    if (spec.min !== undefined) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < spec.min || n > spec.max!) throw SqsErrors.attributeValue(name);
    }
    if (name === 'SqsManagedSseEnabled' && value !== 'true' && value !== 'false') throw SqsErrors.attributeValue(name);
    if (name === 'RedrivePolicy' && value !== '') redrivePolicy(value);
    if ((name === 'Policy' || name === 'RedriveAllowPolicy') && value !== '') {
      try {
        JSON.parse(value);
      } catch {
        throw SqsErrors.attributeValue(name);
      }
    }
  }
}

/** RedrivePolicy: `{"deadLetterTargetArn": "arn:aws:sqs:…", "maxReceiveCount": n}`. */
export function redrivePolicy(text: string): { target: QueueRef; maxReceiveCount: number } {
  let doc: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw SqsErrors.attributeValue('RedrivePolicy');
  }
  const arn = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80})$/.exec(String(doc.deadLetterTargetArn ?? ''));
  const max = Number(doc.maxReceiveCount);
  if (!arn || !Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalid('Value for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map or is missing deadLetterTargetArn or maxReceiveCount.');
  }
  return { target: { region: arn[1]!, accountId: arn[2]!, name: arn[3]! }, maxReceiveCount: max };
}

/** A queue attribute's value, the default when unset. */
export function attribute(q: QueueRecord, name: string): string | undefined {
  return q.attributes[name] ?? QUEUE_ATTRIBUTES[name]?.default;
}

// ---- MD5 digests (clients check them) ------------------------------------------------------

export const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * MD5OfMessageAttributes as the SQS Developer Guide defines it: for each attribute in name
 * order, the name, the data type (each as a 4-byte big-endian length and UTF-8 bytes), a
 * transport byte (1 string, 2 binary) and the value (length and bytes).
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string | null {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return null;
  const parts: Buffer[] = [];
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const a = attributes[name]!;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    const binary = a.DataType.startsWith('Binary');
    parts.push(Buffer.from([binary ? 2 : 1]));
    field(binary ? Buffer.from(a.BinaryValue ?? '', 'base64') : Buffer.from(a.StringValue ?? '', 'utf8'));
  }
  return md5(Buffer.concat(parts));
}
