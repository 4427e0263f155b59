// Invoke: authorized as lambda:InvokeFunction on the ARN the caller names (qualified or not,
// against that qualifier's policy), resolved to a version (an alias's weighted routing
// included), and run by the runtime with the execution role's credentials.

import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AwsError } from '../../aws/errors.js';
import type { FunctionSpec, InvokeResult, RuntimeManager } from '../../runtime/index.js';
import { RuntimeNotAvailable } from '../../runtime/index.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { executionRoleCredentials } from './executionRole.js';
import type { LayerVersionDoc } from './resources.js';
import { releaseSlot, reservedConcurrencyExceeded, tryAcquireSlot } from './concurrency.js';
import { configurationFor, LambdaErrors, layerVersionKey, resolveFunction, type FunctionConfiguration } from './resources.js';

const SYNC_LIMIT = 6 * 1024 * 1024;
// 1 MB since AWS raised the asynchronous limit from 256 KB in October 2025.
const ASYNC_LIMIT = 1024 * 1024;
/** AWS retries an asynchronous invocation that fails up to two more times. */
const ASYNC_ATTEMPTS = 3;
/** How often a throttled asynchronous invocation looks for a free slot again. */
const EVENT_THROTTLE_WAIT_MS = 50;

type InvokeInput = {
  FunctionName: string;
  Qualifier?: string;
  InvocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  LogType?: 'None' | 'Tail';
  ClientContext?: string;
  Payload?: Buffer;
};

/** Picks the version an alias runs this time: its own, or the additional one by weight. */
function routedVersion(configuration: FunctionConfiguration, weights: Record<string, number> | undefined): string | undefined {
  if (!weights) return undefined;
  const [extra, weight] = Object.entries(weights)[0] ?? [];
  return extra !== undefined && weight !== undefined && Math.random() < weight ? extra : undefined;
}

function layerArnParts(arn: string) {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(arn);
  return m ? { key: layerVersionKey(`${m[2]}:${m[1]}:${m[3]}`, Number(m[4])) } : null;
}

async function specFor(ctx: OperationContext<InvokeInput>, configuration: FunctionConfiguration): Promise<FunctionSpec> {
  const { store } = ctx.deps;
  const layers = [];
  for (const l of (configuration.Layers as { Arn: string }[] | undefined) ?? []) {
    const parts = layerArnParts(l.Arn);
    const doc = parts ? await store.lambdaGet<LayerVersionDoc>('layerVersion', parts.key) : null;
    if (!doc) continue;
    layers.push({ arn: l.Arn, codeSha256: doc.CodeSha256, code: async () => (await store.getCode(doc.CodeSha256))! });
  }
  const unqualified = configuration.FunctionArn.replace(/:(\$LATEST|\d+)$/, '');
  return {
    functionArn: unqualified,
    functionName: configuration.FunctionName,
    version: configuration.Version,
    runtime: String(configuration.Runtime ?? ''),
    handler: String(configuration.Handler ?? ''),
    memorySize: Number(configuration.MemorySize ?? 128),
    timeout: Number(configuration.Timeout ?? 3),
    environment: ((configuration.Environment as { Variables?: Record<string, string> } | undefined)?.Variables) ?? {},
    codeSha256: configuration.CodeSha256,
    code: async () => (await store.getCode(configuration.CodeSha256))!,
    layers,
    region: ctx.region,
    credentials: () => executionRoleCredentials(ctx.deps, configuration.Role, configuration.FunctionName, unqualified),
    endpointUrl: ctx.baseUrl,
  };
}

async function run(runtime: RuntimeManager, spec: FunctionSpec, invokedArn: string, input: InvokeInput, requestId: string): Promise<InvokeResult> {
  try {
    return await runtime.invoke(spec, {
      payload: input.Payload ?? Buffer.alloc(0),
      invokedFunctionArn: invokedArn,
      requestId,
      logTail: input.LogType === 'Tail',
      ...(input.ClientContext ? { clientContext: input.ClientContext } : {}),
    });
  } catch (e) {
    if (e instanceof RuntimeNotAvailable) {
      throw new AwsError('InvalidRuntimeException', `The runtime ${spec.runtime} is not available on this Latchkey host: ${e.message}`, 502);
    }
    throw e;
  }
}

export const invokeOperations: ServiceOperations = {
  Invoke: {
    authorize: (ctx: OperationContext<InvokeInput>) =>
      functionCheck(ctx, 'InvokeFunction', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const { input, deps } = ctx;
      const type = input.InvocationType ?? 'RequestResponse';
      const size = input.Payload?.length ?? 0;
      // The texts AWS sends (seen in users' reports); both are RequestEntityTooLargeException.
      if (type === 'Event' && size > ASYNC_LIMIT) {
        throw new AwsError('RequestEntityTooLargeException', `${size} byte payload is too large for the Event invocation type (limit ${ASYNC_LIMIT} bytes)`, 413);
      }
      if (size > SYNC_LIMIT) {
        throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation`, 413);
      }
      const ref = resolveFunction(ctx, input.FunctionName, input.Qualifier);
      const now = deps.now().getTime();
      const resolved = await deps.store
        .lambdaView((tx) => configurationFor(tx, ref, now))
        .catch((e: unknown) => {
          // An unqualified invoke of a missing function names $LATEST (recorded, 2025).
          if (e instanceof AwsError && e.code === 'ResourceNotFoundException' && ref.qualifier === undefined) {
            throw LambdaErrors.functionNotFound(`${ref.arn}:$LATEST`);
          }
          throw e;
        });
      let configuration = resolved.configuration;
      const extra = routedVersion(configuration, resolved.alias?.RoutingConfig?.AdditionalVersionWeights);
      if (extra) {
        configuration = (await deps.store.lambdaView((tx) => configurationFor(tx, { ...ref, qualifier: extra, resourceArn: `${ref.arn}:${extra}` }, now))).configuration;
      }
      if (type === 'DryRun') return { StatusCode: 204 };

      const runtime = deps.runtime;
      if (!runtime) throw new AwsError('ServiceException', 'This Latchkey server runs no functions.', 500);
      const spec = await specFor(ctx, configuration);
      const invokedArn = ref.resourceArn;
      const reserved = resolved.fn.reservedConcurrency;
      if (type === 'Event') {
        const requestId = randomUUID();
        void (async () => {
          // Throttled events wait for a free slot as AWS's queue does; with nothing reserved they
          // can never run and are dropped (AWS keeps retrying them for up to six hours first).
          if (reserved === 0) return;
          for (let attempt = 0; attempt < ASYNC_ATTEMPTS; attempt++) {
            // Unref'd: a queued event must not keep a stopping server alive.
            while (!tryAcquireSlot(runtime, ref.arn, reserved)) await delay(EVENT_THROTTLE_WAIT_MS, undefined, { ref: false });
            const result = await run(runtime, spec, invokedArn, input, requestId)
              .catch(() => null)
              .finally(() => releaseSlot(runtime, ref.arn));
            if (result && !result.functionError) return;
          }
        })();
        return { StatusCode: 202 };
      }
      if (!tryAcquireSlot(runtime, ref.arn, reserved)) throw reservedConcurrencyExceeded();
      const result = await run(runtime, spec, invokedArn, input, ctx.requestId).finally(() => releaseSlot(runtime, ref.arn));
      return {
        StatusCode: 200,
        ExecutedVersion: result.executedVersion,
        ...(result.functionError ? { FunctionError: result.functionError } : {}),
        ...(result.logResult !== undefined ? { LogResult: result.logResult } : {}),
        Payload: result.payload,
      };
    },
  },
};
