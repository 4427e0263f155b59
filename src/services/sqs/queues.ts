// SQS queues: create (idempotent with the same attributes), find, list, attributes (the queue
// Policy among them: a resource-based policy the engine enforces), purge, tags, delete.

import type { QueueRecord, QueueRef } from '../../store/sqs.js';
import { StoreError } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { attribute, checkAttributes, QUEUE_ATTRIBUTES, queueArn, queueCheck, queueOfUrl, queueUrl, SqsErrors } from './resources.js';

type UrlInput = { QueueUrl: string };
const LIST_LIMIT = 1000;

const nameOk = (name: string) => /^[A-Za-z0-9_-]{1,80}$/.test(name);

async function requireQueue(ctx: OperationContext<unknown>, ref: QueueRef): Promise<QueueRecord> {
  const q = await ctx.deps.store.sqs.getQueue(ref);
  if (!q) throw SqsErrors.noQueue();
  return q;
}

/** GetQueueAttributes' values: the given and default settings, counts, times and the ARN. */
async function attributeValues(ctx: OperationContext<unknown>, q: QueueRecord): Promise<Record<string, string>> {
  const counts = await ctx.deps.store.sqs.counts(q, ctx.deps.now().getTime());
  const values: Record<string, string> = {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    CreatedTimestamp: String(q.createdAt),
    LastModifiedTimestamp: String(q.modifiedAt),
    QueueArn: queueArn(q),
  };
  for (const name of Object.keys(QUEUE_ATTRIBUTES)) {
    const v = attribute(q, name);
    if (v !== undefined && v !== '') values[name] = v;
  }
  return values;
}

export const queueOperations: ServiceOperations = {
  CreateQueue: {
    authorize: (ctx: OperationContext<{ QueueName: string }>) => queueCheck(ctx, 'CreateQueue', { accountId: ctx.caller.accountId, region: ctx.region, name: ctx.input.QueueName }),
    async handle(ctx: OperationContext<{ QueueName: string; Attributes?: Record<string, string>; tags?: Record<string, string> }>) {
      const { input } = ctx;
      if (input.QueueName.endsWith('.fifo')) throw SqsErrors.invalid('Latchkey does not serve FIFO queues.');
      if (!nameOk(input.QueueName)) throw SqsErrors.invalid('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
      const attributes = input.Attributes ?? {};
      checkAttributes(attributes);
      const ref = { accountId: ctx.caller.accountId, region: ctx.region, name: input.QueueName };
      const now = Math.floor(ctx.deps.now().getTime() / 1000);
      try {
        await ctx.deps.store.sqs.createQueue({ ...ref, createdAt: now, modifiedAt: now, attributes, tags: input.tags ?? {} });
      } catch (e) {
        if (!(e instanceof StoreError && e.code === 'AlreadyExists')) throw e;
        // The same name again: the same queue when every attribute given matches, else QueueAlreadyExists.
        const existing = await requireQueue(ctx, ref);
        for (const [name, value] of Object.entries(attributes)) {
          if (attribute(existing, name) !== value) throw SqsErrors.queueExists(name);
        }
      }
      return { QueueUrl: queueUrl(ctx.baseUrl, ref) };
    },
  },

  GetQueueUrl: {
    authorize: (ctx: OperationContext<{ QueueName: string; QueueOwnerAWSAccountId?: string }>) =>
      queueCheck(ctx, 'GetQueueUrl', { accountId: ctx.input.QueueOwnerAWSAccountId ?? ctx.caller.accountId, region: ctx.region, name: ctx.input.QueueName }),
    async handle(ctx: OperationContext<{ QueueName: string; QueueOwnerAWSAccountId?: string }>) {
      const ref = { accountId: ctx.input.QueueOwnerAWSAccountId ?? ctx.caller.accountId, region: ctx.region, name: ctx.input.QueueName };
      await requireQueue(ctx, ref);
      return { QueueUrl: queueUrl(ctx.baseUrl, ref) };
    },
  },

  ListQueues: {
    authorize: () => [{ action: 'sqs:ListQueues', resource: '*' }],
    async handle(ctx: OperationContext<{ QueueNamePrefix?: string; NextToken?: string; MaxResults?: number }>) {
      const { input } = ctx;
      const limit = input.MaxResults ?? LIST_LIMIT;
      if (limit < 1 || limit > LIST_LIMIT) throw SqsErrors.invalid(`Value ${limit} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`);
      const after = input.NextToken ? Buffer.from(input.NextToken, 'base64url').toString('utf8') : undefined;
      const rows = await ctx.deps.store.sqs.listQueues(ctx.caller.accountId, ctx.region, {
        ...(input.QueueNamePrefix !== undefined ? { prefix: input.QueueNamePrefix } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      // Without MaxResults AWS lists up to 1,000 and gives no token.
      const more = input.MaxResults !== undefined && rows.length > limit;
      return {
        ...(page.length > 0 ? { QueueUrls: page.map((q) => queueUrl(ctx.baseUrl, q)) } : {}),
        ...(more ? { NextToken: Buffer.from(page.at(-1)!.name, 'utf8').toString('base64url') } : {}),
      };
    },
  },

  DeleteQueue: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'DeleteQueue', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput>) {
      if (!(await ctx.deps.store.sqs.deleteQueue(queueOfUrl(ctx, ctx.input.QueueUrl)))) throw SqsErrors.noQueue();
      return undefined;
    },
  },

  GetQueueAttributes: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'GetQueueAttributes', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { AttributeNames?: string[] }>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      const values = await attributeValues(ctx, q);
      const wanted = ctx.input.AttributeNames ?? [];
      if (wanted.includes('All')) return { Attributes: values };
      const out: Record<string, string> = {};
      for (const name of wanted) {
        if (!(name in values) && !(name in QUEUE_ATTRIBUTES)) throw SqsErrors.attributeName(name);
        if (values[name] !== undefined) out[name] = values[name]!;
      }
      return Object.keys(out).length > 0 ? { Attributes: out } : {};
    },
  },

  SetQueueAttributes: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'SetQueueAttributes', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { Attributes: Record<string, string> }>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      checkAttributes(ctx.input.Attributes);
      const attributes = { ...q.attributes };
      for (const [name, value] of Object.entries(ctx.input.Attributes)) {
        // An empty Policy or RedrivePolicy removes it.
        if (value === '' && (name === 'Policy' || name === 'RedrivePolicy' || name === 'RedriveAllowPolicy')) delete attributes[name];
        else attributes[name] = value;
      }
      await ctx.deps.store.sqs.updateQueue({ ...q, attributes, modifiedAt: Math.floor(ctx.deps.now().getTime() / 1000) });
      return undefined;
    },
  },

  PurgeQueue: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'PurgeQueue', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput>) {
      const ref = queueOfUrl(ctx, ctx.input.QueueUrl);
      await requireQueue(ctx, ref);
      await ctx.deps.store.sqs.purgeQueue(ref);
      return undefined;
    },
  },

  TagQueue: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'TagQueue', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { Tags: Record<string, string> }>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      await ctx.deps.store.sqs.updateQueue({ ...q, tags: { ...q.tags, ...ctx.input.Tags } });
      return undefined;
    },
  },

  UntagQueue: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'UntagQueue', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput & { TagKeys: string[] }>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      const tags = { ...q.tags };
      for (const key of ctx.input.TagKeys) delete tags[key];
      await ctx.deps.store.sqs.updateQueue({ ...q, tags });
      return undefined;
    },
  },

  ListQueueTags: {
    authorize: (ctx: OperationContext<UrlInput>) => queueCheck(ctx, 'ListQueueTags', queueOfUrl(ctx, ctx.input.QueueUrl)),
    async handle(ctx: OperationContext<UrlInput>) {
      const q = await requireQueue(ctx, queueOfUrl(ctx, ctx.input.QueueUrl));
      return Object.keys(q.tags).length > 0 ? { Tags: q.tags } : {};
    },
  },
};
