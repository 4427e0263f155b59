// Event source mappings for SQS: Lambda polls a queue as the function's execution role and
// invokes the function with batches of messages (sqsPoller.ts does the polling). The API
// (Create/Get/Update/Delete/ListEventSourceMappings) validates as AWS does — the recorded
// texts are quoted — and, at creation, checks that the execution role may receive, delete and
// read attributes on the queue, as Lambda does before it accepts a mapping.
//
// Authorization: lambda:CreateEventSourceMapping has no resource (`*`); Update and Delete are
// on the mapping's ARN; all three carry lambda:FunctionArn (Service Authorization Reference).

import { randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { LambdaReader } from '../../store/store.js';
import { cachedCaller } from '../caller.js';
import type { DecisionLog } from '../decisionLog.js';
import type { AuthorizationCheck, Deps, OperationContext, ServiceOperations } from '../operation.js';
import { authorizeChecks } from '../pipeline.js';
import { attribute, queueCheck } from '../sqs/resources.js';
import { executionRoleCredentials } from './executionRole.js';
import { configurationFor, resolveFunction, type FunctionRef } from './resources.js';

export interface EventSourceMappingDoc {
  UUID: string;
  accountId: string;
  region: string;
  /** The function named at creation, resolved (qualified when a version or alias was named). */
  FunctionArn: string;
  EventSourceArn: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  FunctionResponseTypes: string[];
  Enabled: boolean;
  State: string;
  StateTransitionReason: string;
  LastModified: number;
  /** When the Creating / Enabling / Disabling / Updating state settles. */
  settlesAt?: number;
}

/** How long a mapping stays Creating, Updating, Enabling or Disabling (the recordings show it 202 and then settled). */
const SETTLE_MS = 250;
const MAX_ITEMS = 100;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80})$/;

export const mappingKey = (accountId: string, region: string, uuid: string) => `${accountId}:${region}:${uuid}`;
export const mappingArn = (m: Pick<EventSourceMappingDoc, 'accountId' | 'region' | 'UUID'>) => `arn:aws:lambda:${m.region}:${m.accountId}:event-source-mapping:${m.UUID}`;

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message, 400);
const notFound = () => new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);

/** The mapping as it is now: a transitional state settles once its moment has passed. */
export function settled(m: EventSourceMappingDoc, now: number): EventSourceMappingDoc {
  if (m.settlesAt === undefined || now < m.settlesAt || m.State === 'Deleting') return m;
  const { settlesAt: _s, ...rest } = m;
  return { ...rest, State: m.Enabled ? 'Enabled' : 'Disabled' };
}

function view(m: EventSourceMappingDoc) {
  return {
    UUID: m.UUID,
    BatchSize: m.BatchSize,
    MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    EventSourceArn: m.EventSourceArn,
    FunctionArn: m.FunctionArn,
    LastModified: new Date(m.LastModified),
    State: m.State,
    StateTransitionReason: m.StateTransitionReason,
    FunctionResponseTypes: m.FunctionResponseTypes,
    EventSourceMappingArn: mappingArn(m),
  };
}

export function sqsQueueOf(arn: string) {
  const m = SQS_ARN.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

function checkBatching(batchSize: number, window: number): void {
  if (batchSize > 10 && window <= 0) throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  if (window < 0 || window > 300) throw invalid('Maximum batch window in seconds must be between 0 and 300.');
}

/** The function a mapping runs: it must exist (`Function does not exist`, recorded). */
async function requireFunction(ctx: OperationContext<unknown>, ref: FunctionRef) {
  try {
    return await ctx.deps.store.lambdaView(async (tx) => configurationFor(tx, ref, ctx.deps.now().getTime()));
  } catch (e) {
    if (e instanceof AwsError && e.status === 404) throw new AwsError('ResourceNotFoundException', 'Function does not exist', 404);
    throw e;
  }
}

/**
 * Lambda's check of the execution role before it accepts a mapping: the role, as the function
 * would use it, may sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on the queue.
 */
async function checkExecutionRole(ctx: OperationContext<unknown>, role: unknown, fn: { name: string; arn: string }, queueArn: string): Promise<void> {
  const deps = ctx.deps as Deps & { decisions: DecisionLog };
  const queue = sqsQueueOf(queueArn)!;
  const credentials = await executionRoleCredentials(deps, role, fn.name, fn.arn);
  const caller = await cachedCaller(deps, credentials.accessKeyId);
  const roleCtx = { ...ctx, caller };
  for (const action of ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes']) {
    let checks: AuthorizationCheck[];
    try {
      checks = await queueCheck(roleCtx, action, queue);
      await authorizeChecks(deps, 'AccessDenied', caller, checks, { region: ctx.region, requestId: ctx.requestId, sourceIp: '127.0.0.1', secureTransport: true, baseUrl: ctx.baseUrl });
    } catch (e) {
      if (e instanceof AwsError && (e.status === 403 || e.code === 'AccessDenied')) {
        throw invalid(`The function execution role does not have permissions to call ${action} on SQS`);
      }
      throw e;
    }
  }
}

type CreateInput = {
  EventSourceArn?: string; FunctionName: string; Enabled?: boolean; BatchSize?: number; MaximumBatchingWindowInSeconds?: number;
  StartingPosition?: string; FilterCriteria?: unknown; FunctionResponseTypes?: string[];
};
type UpdateInput = {
  UUID: string; FunctionName?: string; Enabled?: boolean; BatchSize?: number; MaximumBatchingWindowInSeconds?: number; FunctionResponseTypes?: string[]; FilterCriteria?: unknown;
};

async function readMapping(tx: LambdaReader, ctx: OperationContext<unknown>, uuid: string): Promise<EventSourceMappingDoc> {
  const m = await tx.get<EventSourceMappingDoc>('eventSourceMapping', mappingKey(ctx.caller.accountId, ctx.region, uuid));
  if (!m) throw notFound();
  return settled(m, ctx.deps.now().getTime());
}

export const eventSourceMappingOperations: ServiceOperations = {
  CreateEventSourceMapping: {
    authorize: (ctx: OperationContext<CreateInput>) => {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      return [{ action: 'lambda:CreateEventSourceMapping', resource: '*', context: { 'lambda:FunctionArn': ref.resourceArn } }];
    },
    async handle(ctx: OperationContext<CreateInput>) {
      const { input } = ctx;
      if (!input.EventSourceArn) throw invalid('Unrecognized event source.');
      const queue = sqsQueueOf(input.EventSourceArn);
      if (!queue) throw invalid('Unrecognized event source. Latchkey serves event source mappings for SQS queues only.');
      if (input.StartingPosition !== undefined) throw invalid('StartingPosition is not valid for SQS event sources.');
      if (input.FilterCriteria !== undefined) throw invalid('Latchkey does not apply FilterCriteria to event source mappings yet.');
      const batchSize = input.BatchSize ?? 10;
      const window = input.MaximumBatchingWindowInSeconds ?? 0;
      checkBatching(batchSize, window);
      const ref = resolveFunction(ctx, input.FunctionName);
      const { configuration } = await requireFunction(ctx, ref);
      const q = await ctx.deps.store.sqs.getQueue(queue);
      if (!q) {
        throw invalid('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.');
      }
      const visibility = Number(attribute(q, 'VisibilityTimeout'));
      const timeout = Number(configuration.Timeout ?? 3);
      if (visibility < timeout) throw invalid(`Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${timeout} seconds`);
      await checkExecutionRole(ctx, configuration.Role, { name: ref.name, arn: ref.arn }, input.EventSourceArn);

      const now = ctx.deps.now().getTime();
      const doc: EventSourceMappingDoc = {
        UUID: randomUUID(),
        accountId: ctx.caller.accountId,
        region: ctx.region,
        FunctionArn: ref.resourceArn,
        EventSourceArn: input.EventSourceArn,
        BatchSize: batchSize,
        MaximumBatchingWindowInSeconds: window,
        FunctionResponseTypes: input.FunctionResponseTypes ?? [],
        Enabled: input.Enabled ?? true,
        State: 'Creating',
        StateTransitionReason: 'USER_INITIATED',
        LastModified: now,
        settlesAt: now + SETTLE_MS,
      };
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const existing = (await tx.list<EventSourceMappingDoc>('eventSourceMapping', `${ctx.caller.accountId}:${ctx.region}:`))
          .find((m) => m.EventSourceArn === doc.EventSourceArn && m.FunctionArn === doc.FunctionArn);
        if (existing) {
          throw new AwsError(
            'ResourceConflictException',
            `An event source mapping with SQS arn (" ${doc.EventSourceArn} ") and function (" ${ref.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.UUID}`,
            409,
          );
        }
        await tx.put('eventSourceMapping', mappingKey(doc.accountId, doc.region, doc.UUID), doc);
      });
      ctx.deps.eventSources?.changed(doc.accountId, doc.region, doc.UUID);
      return view(doc);
    },
  },

  GetEventSourceMapping: {
    authorize: (ctx: OperationContext<{ UUID: string }>) => [{ action: 'lambda:GetEventSourceMapping', resource: mappingArn({ accountId: ctx.caller.accountId, region: ctx.region, UUID: ctx.input.UUID }) }],
    async handle(ctx: OperationContext<{ UUID: string }>) {
      return view(await ctx.deps.store.lambdaView(async (tx) => readMapping(tx, ctx, ctx.input.UUID)));
    },
  },

  ListEventSourceMappings: {
    authorize: () => [{ action: 'lambda:ListEventSourceMappings', resource: '*' }],
    async handle(ctx: OperationContext<{ EventSourceArn?: string; FunctionName?: string; Marker?: string; MaxItems?: number }>) {
      const { input } = ctx;
      const fn = input.FunctionName ? resolveFunction(ctx, input.FunctionName) : undefined;
      const now = ctx.deps.now().getTime();
      const all = (await ctx.deps.store.lambdaView(async (tx) => tx.list<EventSourceMappingDoc>('eventSourceMapping', `${ctx.caller.accountId}:${ctx.region}:`)))
        .filter((m) => !input.EventSourceArn || m.EventSourceArn === input.EventSourceArn)
        // An unqualified name lists the function's mappings on every version and alias too.
        .filter((m) => !fn || (fn.qualifier === undefined ? m.FunctionArn === fn.arn || m.FunctionArn.startsWith(`${fn.arn}:`) : m.FunctionArn === fn.resourceArn))
        .map((m) => settled(m, now));
      const start = input.Marker ? all.findIndex((m) => m.UUID === input.Marker) + 1 : 0;
      const limit = Math.min(input.MaxItems ?? MAX_ITEMS, MAX_ITEMS);
      const page = all.slice(start, start + limit);
      return { EventSourceMappings: page.map(view), ...(start + limit < all.length ? { NextMarker: page.at(-1)!.UUID } : {}) };
    },
  },

  UpdateEventSourceMapping: {
    async authorize(ctx: OperationContext<UpdateInput>) {
      const m = await ctx.deps.store.lambdaView(async (tx) => readMapping(tx, ctx, ctx.input.UUID));
      const fnArn = ctx.input.FunctionName ? resolveFunction(ctx, ctx.input.FunctionName).resourceArn : m.FunctionArn;
      return [{ action: 'lambda:UpdateEventSourceMapping', resource: mappingArn(m), context: { 'lambda:FunctionArn': fnArn } }];
    },
    async handle(ctx: OperationContext<UpdateInput>) {
      const { input } = ctx;
      if (input.FilterCriteria !== undefined) throw invalid('Latchkey does not apply FilterCriteria to event source mappings yet.');
      let functionArn: string | undefined;
      if (input.FunctionName) {
        const ref = resolveFunction(ctx, input.FunctionName);
        await requireFunction(ctx, ref);
        functionArn = ref.resourceArn;
      }
      const now = ctx.deps.now().getTime();
      const doc = await ctx.deps.store.lambdaTransact(async (tx) => {
        const m = await readMapping(tx, ctx, input.UUID);
        if (m.State !== 'Enabled' && m.State !== 'Disabled') {
          throw new AwsError('ResourceInUseException', `Cannot update the event source mapping because it is in use. Current state: ${m.State}`, 400);
        }
        const next: EventSourceMappingDoc = {
          ...m,
          ...(functionArn ? { FunctionArn: functionArn } : {}),
          BatchSize: input.BatchSize ?? m.BatchSize,
          MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? m.MaximumBatchingWindowInSeconds,
          FunctionResponseTypes: input.FunctionResponseTypes ?? m.FunctionResponseTypes,
          Enabled: input.Enabled ?? m.Enabled,
          State: input.Enabled === undefined || input.Enabled === m.Enabled ? 'Updating' : input.Enabled ? 'Enabling' : 'Disabling',
          StateTransitionReason: 'USER_INITIATED',
          LastModified: now,
          settlesAt: now + SETTLE_MS,
        };
        checkBatching(next.BatchSize, next.MaximumBatchingWindowInSeconds);
        await tx.put('eventSourceMapping', mappingKey(m.accountId, m.region, m.UUID), next);
        return next;
      });
      ctx.deps.eventSources?.changed(doc.accountId, doc.region, doc.UUID);
      return view(doc);
    },
  },

  DeleteEventSourceMapping: {
    async authorize(ctx: OperationContext<{ UUID: string }>) {
      const m = await ctx.deps.store.lambdaView(async (tx) => readMapping(tx, ctx, ctx.input.UUID));
      return [{ action: 'lambda:DeleteEventSourceMapping', resource: mappingArn(m), context: { 'lambda:FunctionArn': m.FunctionArn } }];
    },
    async handle(ctx: OperationContext<{ UUID: string }>) {
      const doc = await ctx.deps.store.lambdaTransact(async (tx) => {
        const m = await readMapping(tx, ctx, ctx.input.UUID);
        await tx.delete('eventSourceMapping', mappingKey(m.accountId, m.region, m.UUID));
        return m;
      });
      ctx.deps.eventSources?.changed(doc.accountId, doc.region, doc.UUID);
      return view({ ...doc, State: 'Deleting', LastModified: ctx.deps.now().getTime() });
    },
  },
};
