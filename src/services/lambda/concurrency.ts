// Reserved concurrency: PutFunctionConcurrency, GetFunctionConcurrency,
// DeleteFunctionConcurrency, and the count of running invocations Invoke checks it against;
// GetAccountSettings, the account's limits and usage in a region.

import { AwsError } from '../../aws/errors.js';
import { ModeledAwsError } from '../../aws/model.js';
import { randomUUID } from 'node:crypto';
import type { RuntimeManager } from '../../runtime/index.js';
import type { Store } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { anyResource } from './access.js';
import { functionKey, LambdaErrors, resolveFunction, type FunctionDoc, type FunctionRef, type LayerVersionDoc, type VersionDoc } from './resources.js';

/** AWS's default account concurrency, and what must stay unreserved of it (recorded texts name the minimum). */
const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

/**
 * The limits a new account has (the AWS CLI's get-account-settings example; Lambda quotas):
 * 75 GB of packages and layers, 50 MB zipped and 250 MB unzipped per package.
 */
const ACCOUNT_LIMIT = { TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800 };

/** Reserved concurrency applies to the function, never to a version or alias (recorded). */
function unqualifiedFunction(ctx: OperationContext<{ FunctionName: string }>): FunctionRef {
  const ref = resolveFunction(ctx, ctx.input.FunctionName);
  if (ref.qualifier !== undefined) {
    throw new AwsError(
      'InvalidParameterValueException',
      'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
      400,
    );
  }
  return ref;
}

export const concurrencyOperations: ServiceOperations = {
  GetAccountSettings: {
    authorize: anyResource('GetAccountSettings'),
    async handle(ctx) {
      const prefix = functionKey(ctx.caller.accountId, ctx.region, '');
      return ctx.deps.store.lambdaView(async (tx) => {
        const functions = await tx.list<FunctionDoc>('function', prefix);
        // Every package in use counts: each function's $LATEST, its versions, the layer versions
        // (recorded: a new function, new code or a new version adds its package's size).
        const versions = await tx.list<VersionDoc>('version', prefix);
        const layers = (await tx.list<LayerVersionDoc | { kind: 'head' }>('layerVersion', prefix)).filter((d): d is LayerVersionDoc => !('kind' in d));
        const reserved = functions.reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);
        return {
          AccountLimit: { ...ACCOUNT_LIMIT, ConcurrentExecutions: ACCOUNT_CONCURRENCY, UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reserved },
          AccountUsage: {
            TotalCodeSize: [...functions, ...versions].reduce((sum, d) => sum + Number(d.configuration.CodeSize ?? 0), 0) + layers.reduce((sum, l) => sum + l.CodeSize, 0),
            FunctionCount: functions.length,
          },
        };
      });
    },
  },

  PutFunctionConcurrency: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'PutFunctionConcurrency', unqualifiedFunction(ctx)),
    async handle(ctx: OperationContext<{ FunctionName: string; ReservedConcurrentExecutions: number }>) {
      const ref = unqualifiedFunction(ctx);
      const reserved = ctx.input.ReservedConcurrentExecutions;
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const fn = await tx.get<FunctionDoc>('function', ref.key);
        // This operation names $LATEST in its not-found text (recorded).
        if (!fn) throw LambdaErrors.functionNotFound(`${ref.arn}:$LATEST`);
        const reservedByOthers = (await tx.list<FunctionDoc>('function', functionKey(ref.accountId, ref.region, '')))
          .filter((other) => other.name !== fn.name)
          .reduce((sum, other) => sum + (other.reservedConcurrency ?? 0), 0);
        if (ACCOUNT_CONCURRENCY - reservedByOthers - reserved < MIN_UNRESERVED) {
          throw new ModeledAwsError(
            'InvalidParameterValueException',
            `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
            400,
            { Type: null },
          );
        }
        await tx.put('function', ref.key, { ...fn, reservedConcurrency: reserved });
      });
      return { ReservedConcurrentExecutions: reserved };
    },
  },

  GetFunctionConcurrency: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'GetFunctionConcurrency', unqualifiedFunction(ctx)),
    async handle(ctx) {
      const ref = unqualifiedFunction(ctx);
      const fn = await ctx.deps.store.lambdaGet<FunctionDoc>('function', ref.key);
      if (!fn) throw LambdaErrors.functionNotFound(ref.arn);
      return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
    },
  },

  DeleteFunctionConcurrency: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'DeleteFunctionConcurrency', unqualifiedFunction(ctx)),
    async handle(ctx) {
      const ref = unqualifiedFunction(ctx);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const fn = await tx.get<FunctionDoc>('function', ref.key);
        if (!fn) throw LambdaErrors.functionNotFound(ref.arn);
        const { reservedConcurrency: _removed, ...rest } = fn;
        await tx.put('function', ref.key, rest);
      });
      return undefined;
    },
  },
};

/**
 * Invocations running per function, per server (keyed by its RuntimeManager, so two servers in
 * one process never share counts). Every version and alias of a function draws on the same
 * reservation, as on AWS.
 */
const running = new WeakMap<RuntimeManager, Map<string, number>>();

/** Counts one more running invocation on this node, unless the function's reservation is used up. */
function tryAcquireLocalSlot(runtime: RuntimeManager, functionArn: string, reserved: number | undefined): boolean {
  let counts = running.get(runtime);
  if (!counts) running.set(runtime, (counts = new Map()));
  const now = counts.get(functionArn) ?? 0;
  if (reserved !== undefined && now >= reserved) return false;
  counts.set(functionArn, now + 1);
  return true;
}

function releaseLocalSlot(runtime: RuntimeManager, functionArn: string): void {
  const counts = running.get(runtime);
  const now = counts?.get(functionArn) ?? 0;
  if (now <= 1) counts?.delete(functionArn);
  else counts!.set(functionArn, now - 1);
}

/** How long past the function's timeout a slot of a node that died stays taken. */
const SLOT_MARGIN_MS = 30_000;

export interface SlotRequest {
  runtime: RuntimeManager;
  functionArn: string;
  reserved: number | undefined;
  /** The function's timeout in seconds: a slot is never held longer (plus a margin). */
  timeoutSeconds: number;
  store: Pick<Store, 'dialect' | 'acquireConcurrency' | 'releaseConcurrency'>;
  now: number;
}

/**
 * Takes a slot of the function's reserved concurrency and returns its release, or null when
 * they are all in use. On one node the count in memory is exact; nodes sharing a PostgreSQL
 * also count each other's running invocations (a row per slot, cluster.ts).
 */
export async function acquireSlot(r: SlotRequest): Promise<(() => void) | null> {
  if (!tryAcquireLocalSlot(r.runtime, r.functionArn, r.reserved)) return null;
  if (r.reserved === undefined || r.store.dialect === 'sqlite') return () => releaseLocalSlot(r.runtime, r.functionArn);
  const holder = randomUUID();
  let taken = false;
  try {
    taken = await r.store.acquireConcurrency(r.functionArn, holder, r.reserved, r.now, r.now + r.timeoutSeconds * 1000 + SLOT_MARGIN_MS);
  } finally {
    if (!taken) releaseLocalSlot(r.runtime, r.functionArn);
  }
  if (!taken) return null;
  return () => {
    releaseLocalSlot(r.runtime, r.functionArn);
    // A release that fails (the database away) leaves the row to expire on its own.
    r.store.releaseConcurrency(r.functionArn, holder).catch(() => undefined);
  };
}

/** What a synchronous invoke over the reservation gets (text and reason as AWS sends them; guessed from memory). */
export function reservedConcurrencyExceeded(): AwsError {
  return new ModeledAwsError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
}
