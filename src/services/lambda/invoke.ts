// Invoke: authorized as lambda:InvokeFunction on the ARN the caller names (qualified or not,
// against that qualifier's policy), resolved to a version (an alias's weighted routing
// included), and run by the runtime with the execution role's credentials.

import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AwsError } from '../../aws/errors.js';
import { jsonPayloadError } from '../../aws/restJson.js';
import type { FunctionLogging, FunctionSpec, InvokeResult, RuntimeManager } from '../../runtime/index.js';
import { RuntimeNotAvailable } from '../../runtime/index.js';
import type { Deps, OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { executionRoleCredentials } from './executionRole.js';
import type { LogDelivery } from './logDelivery.js';
import type { LayerVersionDoc } from './resources.js';
import { acquireSlot, reservedConcurrencyExceeded } from './concurrency.js';
import { configurationFor, LambdaErrors, layerVersionKey, resolveFunction, type FunctionConfiguration, type FunctionRef } from './resources.js';

const SYNC_LIMIT = 6 * 1024 * 1024;
// 1 MB for asynchronous invocations, as the Invoke API reference says today (it was 256 KB).
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

/** The function's LoggingConfig as the runtime needs it: its log group (`/aws/lambda/<function>` unless configured), format and levels. */
export function loggingOf(configuration: FunctionConfiguration): FunctionLogging {
  const c = (configuration.LoggingConfig ?? {}) as { LogGroup?: string; LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  const format = c.LogFormat === 'JSON' ? 'JSON' : 'Text';
  return {
    group: c.LogGroup ?? `/aws/lambda/${configuration.FunctionName}`,
    format,
    ...(format === 'JSON' ? { applicationLevel: c.ApplicationLogLevel ?? 'INFO', systemLevel: c.SystemLogLevel ?? 'INFO' } : {}),
  };
}

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

/** What running a function needs besides the function: Latchkey's dependencies, the region, Latchkey's own URL. */
export interface InvocationEnv {
  deps: Deps;
  region: string;
  baseUrl: string;
}

async function specFor(env: InvocationEnv, configuration: FunctionConfiguration): Promise<FunctionSpec> {
  const { store } = env.deps;
  const layers = [];
  for (const l of (configuration.Layers as { Arn: string }[] | undefined) ?? []) {
    const parts = layerArnParts(l.Arn);
    const doc = parts
      ? ((await store.lambdaGet<LayerVersionDoc>('layerVersion', parts.key)) ?? (await store.lambdaGet<LayerVersionDoc>('retiredLayerVersion', parts.key)))
      : null;
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
    region: env.region,
    logging: loggingOf(configuration),
    credentials: () => executionRoleCredentials(env.deps, configuration.Role, configuration.FunctionName, unqualified),
    endpointUrl: env.baseUrl,
  };
}

export interface InvocationRequest {
  payload: Buffer;
  requestId: string;
  logTail?: boolean;
  /** Base64 JSON, as X-Amz-Client-Context carries it. */
  clientContext?: string;
}

/** A function, version or alias made ready to run: the version chosen, its spec, the reservation it draws on. */
export interface Invocation {
  ref: FunctionRef;
  configuration: FunctionConfiguration;
  reserved: number | undefined;
  runtime: RuntimeManager;
  spec: FunctionSpec;
  /** Where the function's output goes (CloudWatch Logs, as its execution role). */
  logs: LogDelivery | undefined;
  /** Where the reservation is counted across nodes, and the clock. */
  deps: Pick<Deps, 'store' | 'now'>;
}

/**
 * What `ref` names now (alias routing not yet applied), or AWS's not-found error: an unqualified
 * invoke of a missing function names $LATEST (recorded, 2025).
 */
export function invocationTarget(deps: Deps, ref: FunctionRef, now: number) {
  return deps.store.lambdaView(async (tx) => configurationFor(tx, ref, now)).catch((e: unknown) => {
    if (e instanceof AwsError && e.code === 'ResourceNotFoundException' && ref.qualifier === undefined) {
      throw LambdaErrors.functionNotFound(`${ref.arn}:$LATEST`);
    }
    throw e;
  });
}

/** Resolves what `ref` runs now (alias routing included), or throws AWS's not-found error. */
export async function prepareInvocation(env: InvocationEnv, ref: FunctionRef): Promise<Invocation> {
  const { deps } = env;
  const now = deps.now().getTime();
  const resolved = await invocationTarget(deps, ref, now);
  let configuration = resolved.configuration;
  const extra = routedVersion(configuration, resolved.alias?.RoutingConfig?.AdditionalVersionWeights);
  if (extra) {
    configuration = (await deps.store.lambdaView(async (tx) => configurationFor(tx, { ...ref, qualifier: extra, resourceArn: `${ref.arn}:${extra}` }, now))).configuration;
  }
  const runtime = deps.runtime;
  if (!runtime) throw new AwsError('ServiceException', 'This Latchkey server runs no functions.', 500);
  return { ref, configuration, reserved: resolved.fn.reservedConcurrency, runtime, spec: await specFor(env, configuration), logs: deps.logDelivery, deps };
}

async function run(inv: Invocation, req: InvocationRequest): Promise<InvokeResult> {
  try {
    const result = await inv.runtime.invoke(inv.spec, {
      payload: req.payload,
      invokedFunctionArn: inv.ref.resourceArn,
      requestId: req.requestId,
      logTail: req.logTail ?? false,
      ...(req.clientContext ? { clientContext: req.clientContext } : {}),
    });
    inv.logs?.send(
      {
        accountId: inv.ref.accountId,
        region: inv.spec.region,
        group: inv.spec.logging.group,
        stream: result.logStream,
        credentials: inv.spec.credentials,
      },
      result.logLines,
    );
    return result;
  } catch (e) {
    if (e instanceof RuntimeNotAvailable) {
      throw new AwsError('InvalidRuntimeException', `The runtime ${inv.spec.runtime} is not available on this Latchkey host: ${e.message}`, 502);
    }
    throw e;
  }
}

const slotFor = (inv: Invocation) => acquireSlot({
  runtime: inv.runtime, functionArn: inv.ref.arn, reserved: inv.reserved, timeoutSeconds: Number(inv.configuration.Timeout ?? 3), store: inv.deps.store, now: inv.deps.now().getTime(),
});

/** A synchronous run: within the function's reserved concurrency, or TooManyRequestsException. */
export async function invokeNow(inv: Invocation, req: InvocationRequest): Promise<InvokeResult> {
  const release = await slotFor(inv);
  if (!release) throw reservedConcurrencyExceeded();
  return run(inv, req).finally(release);
}

/**
 * An asynchronous run, as Lambda's event queue does it: in the background, waiting for a free
 * slot when throttled, tried up to three times while the function fails.
 */
export function invokeLater(inv: Invocation, req: InvocationRequest): void {
  void (async () => {
    // With nothing reserved the event can never run and is dropped (AWS keeps retrying it for up to six hours first).
    if (inv.reserved === 0) return;
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      // Unref'd: a queued event must not keep a stopping server alive.
      let release: (() => void) | null;
      while (!(release = await slotFor(inv).catch(() => null))) await delay(EVENT_THROTTLE_WAIT_MS, undefined, { ref: false });
      const result = await run(inv, req)
        .catch(() => undefined)
        .finally(release);
      if (result && !result.functionError) return;
    }
  })();
}

export const invokeOperations: ServiceOperations = {
  Invoke: {
    authorize: (ctx: OperationContext<InvokeInput>) =>
      functionCheck(ctx, 'InvokeFunction', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const { input } = ctx;
      const type = input.InvocationType ?? 'RequestResponse';
      const size = input.Payload?.length ?? 0;
      // The texts AWS sends (seen in users' reports); both are RequestEntityTooLargeException.
      if (type === 'Event' && size > ASYNC_LIMIT) {
        throw new AwsError('RequestEntityTooLargeException', `${size} byte payload is too large for the Event invocation type (limit ${ASYNC_LIMIT} bytes)`, 413);
      }
      if (size > SYNC_LIMIT) {
        throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation`, 413);
      }
      // Lambda reads the payload as JSON before anything runs (recorded: TestLambdaErrors::
      // test_lambda_invoke_payload_encoding_error, 2025-11-24).
      const notJson = input.Payload ? jsonPayloadError(input.Payload) : undefined;
      if (notJson !== undefined) {
        throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${notJson}`, 400);
      }
      const ref = resolveFunction(ctx, input.FunctionName, input.Qualifier);
      if (type === 'DryRun') {
        // Only whether it exists: DryRun runs nothing.
        await invocationTarget(ctx.deps, ref, ctx.deps.now().getTime());
        return { StatusCode: 204 };
      }
      const inv = await prepareInvocation(ctx, ref);
      const request: InvocationRequest = {
        payload: input.Payload ?? Buffer.alloc(0),
        requestId: ctx.requestId,
        logTail: input.LogType === 'Tail',
        ...(input.ClientContext ? { clientContext: input.ClientContext } : {}),
      };
      if (type === 'Event') {
        invokeLater(inv, { ...request, requestId: randomUUID(), logTail: false });
        return { StatusCode: 202 };
      }
      const result = await invokeNow(inv, request);
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
