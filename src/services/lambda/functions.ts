// Functions and versions: CreateFunction, GetFunction, GetFunctionConfiguration,
// ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction,
// PublishVersion, ListVersionsByFunction.

import { createHash } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { LambdaReader, LambdaTransaction } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { anyResource, functionCheck, layerVersionCheck } from './access.js';
import { checkTagCount } from './tags.js';
import { deleteFunctionUrls } from './functionUrls.js';
import {
  aliasKey,
  codeSha256,
  configurationFor,
  functionArn,
  functionKey,
  IN_PROGRESS,
  lambdaTimestamp,
  LambdaErrors,
  newRevisionId,
  requireZip,
  resolveFunction,
  settledFunction,
  UPDATE_DURATION_MS,
  updateInProgress,
  versionKey,
  type AliasDoc,
  type FunctionConfiguration,
  type FunctionDoc,
  type LayerVersionDoc,
  type VersionDoc,
} from './resources.js';

type Code = { ZipFile?: Buffer; S3Bucket?: string; S3Key?: string; ImageUri?: string };

interface ConfigInput {
  Runtime?: string;
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  Layers?: string[];
  Architectures?: string[];
  EphemeralStorage?: { Size: number };
  TracingConfig?: { Mode?: string };
  LoggingConfig?: Record<string, unknown>;
  RevisionId?: string;
}

interface CreateFunctionInput extends ConfigInput {
  FunctionName: string;
  Code: Code;
  Publish?: boolean;
  PackageType?: string;
  Tags?: Record<string, string>;
}

const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/;

function zipOf(code: Code | undefined): Buffer {
  if (code?.S3Bucket || code?.S3Key || code?.ImageUri) {
    throw new AwsError(
      'InvalidParameterValueException',
      'Latchkey accepts deployment packages as ZipFile only; S3Bucket/S3Key and ImageUri are not supported.',
      400,
    );
  }
  if (!code?.ZipFile) throw new AwsError('InvalidParameterValueException', 'Please provide a source for function code.', 400);
  requireZip(code.ZipFile);
  return code.ZipFile;
}

/** The execution role must exist in the account and trust lambda.amazonaws.com. */
async function requireAssumableRole(ctx: OperationContext<unknown>, roleArn: string): Promise<void> {
  const m = ROLE_ARN.exec(roleArn);
  const role = m ? await ctx.deps.store.getRole(m[1]!, m[2]!) : null;
  const trusted =
    role !== null &&
    role.arn === roleArn &&
    /"Service"\s*:\s*(?:"lambda\.amazonaws\.com"|\[[^\]]*"lambda\.amazonaws\.com")/.test(role.assumeRolePolicyDocument) &&
    role.assumeRolePolicyDocument.includes('sts:AssumeRole');
  if (!trusted) throw new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.', 400);
}

/** Layers must exist; their ARNs become lambda:Layer, and each needs lambda:GetLayerVersion. */
async function layerChecks(ctx: OperationContext<unknown>, layers: string[] | undefined) {
  const list = layers ?? [];
  if (list.length > 5) throw new AwsError('InvalidParameterValueException', 'Cannot reference more than 5 layers.', 400);
  const seen = new Map<string, string>();
  for (const arn of list) {
    const layer = arn.slice(0, arn.lastIndexOf(':'));
    const other = seen.get(layer);
    if (other !== undefined) {
      throw new AwsError(
        'InvalidParameterValueException',
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`,
        400,
      );
    }
    seen.set(layer, arn);
    const region = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):/.exec(arn)?.[1];
    if (region !== undefined && region !== ctx.region) {
      throw new AwsError('InvalidParameterValueException', `Layers are not in the same region as the function. Layers are expected to be in region ${ctx.region}.`, 400);
    }
  }
  const checks = [];
  for (const arn of list) {
    const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(arn);
    const doc = m ? await ctx.deps.store.lambdaGet<LayerVersionDoc>('layerVersion', `${m[2]}:${m[1]}:${m[3]}#${m[4]!.padStart(10, '0')}`) : null;
    if (!doc) throw new AwsError('InvalidParameterValueException', `Layer version ${arn} does not exist.`, 400);
    checks.push(...(await layerVersionCheck(ctx, 'GetLayerVersion', arn, m![2]!)));
  }
  return checks;
}

async function layerSummaries(ctx: OperationContext<unknown>, layers: string[] | undefined) {
  const out = [];
  for (const arn of layers ?? []) {
    const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(arn)!;
    const doc = await ctx.deps.store.lambdaGet<LayerVersionDoc>('layerVersion', `${m[2]}:${m[1]}:${m[3]}#${m[4]!.padStart(10, '0')}`);
    out.push({ Arn: arn, CodeSize: doc?.CodeSize ?? 0 });
  }
  return out;
}

function applyConfig(base: Record<string, unknown>, input: ConfigInput, layers: { Arn: string; CodeSize: number }[] | undefined) {
  const next: Record<string, unknown> = { ...base };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) next[key] = value;
  };
  set('Runtime', input.Runtime);
  if (input.Runtime !== undefined) {
    // Each runtime has its own runtime version: changing the runtime changes it (recorded).
    const region = String(base.FunctionArn ?? '').split(':')[3] ?? '';
    next.RuntimeVersionConfig = { RuntimeVersionArn: runtimeVersionArn(region, input.Runtime) };
  }
  set('Role', input.Role);
  set('Handler', input.Handler);
  set('Description', input.Description);
  set('Timeout', input.Timeout);
  set('MemorySize', input.MemorySize);
  if (input.Environment) next.Environment = { Variables: input.Environment.Variables ?? {} };
  if (layers) {
    if (layers.length > 0) next.Layers = layers;
    else delete next.Layers;
  }
  set('Architectures', input.Architectures);
  set('EphemeralStorage', input.EphemeralStorage);
  if (input.TracingConfig) next.TracingConfig = { Mode: input.TracingConfig.Mode ?? 'PassThrough' };
  if (input.LoggingConfig) next.LoggingConfig = mergeLoggingConfig(next.LoggingConfig as LoggingConfig | undefined, input.LoggingConfig, String(next.FunctionName));
  return next;
}

type LoggingConfig = { ApplicationLogLevel?: string; LogFormat?: string; LogGroup?: string; SystemLogLevel?: string };

/**
 * LoggingConfig as Lambda keeps it (recorded): a change merges into what is there; JSON brings
 * both levels (INFO unless given), Text drops them and refuses them.
 */
export function mergeLoggingConfig(current: LoggingConfig | undefined, given: LoggingConfig, functionName: string): LoggingConfig {
  const merged: LoggingConfig = { LogFormat: 'Text', LogGroup: `/aws/lambda/${functionName}`, ...current, ...given };
  if (merged.LogFormat !== 'JSON') {
    if (given.ApplicationLogLevel !== undefined || given.SystemLogLevel !== undefined) {
      throw new AwsError(
        'InvalidParameterValueException',
        'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "Json" and try again.',
        400,
      );
    }
    return { LogFormat: merged.LogFormat, LogGroup: merged.LogGroup! };
  }
  return { ApplicationLogLevel: merged.ApplicationLogLevel ?? 'INFO', LogFormat: 'JSON', LogGroup: merged.LogGroup!, SystemLogLevel: merged.SystemLogLevel ?? 'INFO' };
}

/** What a published version captures; publishing again without a change returns the same version. */
function fingerprint(c: FunctionConfiguration): string {
  const { RevisionId: _r, LastModified: _l, State: _s, Version: _v, FunctionArn: _a, LastUpdateStatus: _u, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _uc, ...rest } = c;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

function checkRevision(expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected !== actual) throw LambdaErrors.revisionMismatch();
}

/** The function as it is now (a finished update settled), or AWS's not-found error. */
async function requireFunction(tx: LambdaReader, key: string, arn: string, now: number): Promise<FunctionDoc> {
  const fn = await tx.get<FunctionDoc>('function', key);
  if (!fn) throw LambdaErrors.functionNotFound(arn);
  return settledFunction(fn, now);
}

/** Like requireFunction, for operations that must wait until an update is done. */
async function requireIdleFunction(tx: LambdaReader, key: string, arn: string, now: number): Promise<FunctionDoc> {
  const fn = await requireFunction(tx, key, arn, now);
  if (fn.updating) throw updateInProgress(arn);
  return fn;
}

/** Starts an update: InProgress now, Successful with a new RevisionId UPDATE_DURATION_MS later. */
function beginUpdate(fn: FunctionDoc, configuration: FunctionConfiguration, nowMs: number): FunctionDoc {
  return {
    ...fn,
    configuration: { ...configuration, ...IN_PROGRESS },
    updating: { until: nowMs + UPDATE_DURATION_MS, revisionId: newRevisionId() },
  };
}

const CREATE_NAME = /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:|function:)?([a-zA-Z0-9-_]+)$/;

export const functionOperations: ServiceOperations = {
  CreateFunction: {
    async authorize(ctx: OperationContext<CreateFunctionInput>) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      if (ref.accountId !== ctx.caller.accountId) throw LambdaErrors.crossAccountDenied();
      const tagKeys = Object.keys(ctx.input.Tags ?? {});
      const context = {
        ...(ctx.input.Layers ? { 'lambda:Layer': ctx.input.Layers } : {}),
        ...(tagKeys.length ? { 'aws:TagKeys': tagKeys } : {}),
        ...Object.fromEntries(Object.entries(ctx.input.Tags ?? {}).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      };
      return [
        { action: 'lambda:CreateFunction', resource: ref.arn, resourceAccount: ref.accountId, context },
        ...(ctx.input.Role
          ? [{ action: 'iam:PassRole', resource: ctx.input.Role, context: { 'iam:PassedToService': 'lambda.amazonaws.com', 'iam:AssociatedResourceArn': ref.arn } }]
          : []),
        ...(await layerChecks(ctx, ctx.input.Layers)),
      ];
    },
    async handle(ctx) {
      const { input, deps } = ctx;
      const name = CREATE_NAME.exec(input.FunctionName)?.[1];
      if (!name) {
        throw new AwsError('ValidationException', `1 validation error detected: Value '${input.FunctionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`, 400);
      }
      if (name.length > 64) {
        throw new AwsError('InvalidParameterValueException', `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`, 400);
      }
      const zip = zipOf(input.Code);
      checkTagCount({}, input.Tags);
      if (!input.Role) throw new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.', 400);
      await requireAssumableRole(ctx, input.Role);
      const sha = codeSha256(zip);
      await deps.store.putCode(sha, zip);
      const accountId = ctx.caller.accountId;
      const arn = functionArn(ctx.region, accountId, name);
      const now = lambdaTimestamp(deps.now());
      const created = applyConfig(
        {
          FunctionName: name,
          FunctionArn: arn,
          Runtime: input.Runtime,
          Role: input.Role,
          Handler: input.Handler,
          CodeSize: zip.length,
          Description: input.Description ?? '',
          Timeout: input.Timeout ?? 3,
          MemorySize: input.MemorySize ?? 128,
          LastModified: now,
          CodeSha256: sha,
          Version: '$LATEST',
          TracingConfig: { Mode: 'PassThrough' },
          RevisionId: newRevisionId(),
          State: 'Pending',
          StateReason: 'The function is being created.',
          StateReasonCode: 'Creating',
          PackageType: 'Zip',
          Architectures: ['x86_64'],
          EphemeralStorage: { Size: 512 },
          SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
          ...(input.Runtime ? { RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(ctx.region, input.Runtime) } } : {}),
          LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
        },
        input,
        await layerSummaries(ctx, input.Layers),
      ) as FunctionConfiguration;
      // The function becomes Active at once; as on AWS, that change gives it a new RevisionId.
      const active: FunctionConfiguration = { ...created, State: 'Active', RevisionId: newRevisionId(), LastUpdateStatus: 'Successful' };
      delete active.StateReason;
      delete active.StateReasonCode;
      const key = functionKey(accountId, ctx.region, name);
      const response = await deps.store.lambdaTransact(async (tx) => {
        if (await tx.get('function', key)) throw new AwsError('ResourceConflictException', `Function already exist: ${name}`, 409);
        const fn: FunctionDoc = { accountId, region: ctx.region, name, configuration: active, tags: input.Tags ?? {}, lastVersion: 0, lastPublished: null };
        if (input.Publish) {
          await publish(tx, fn, key, now, undefined);
          // AWS answers with the new function as created, already numbered "1" (recorded).
          return { ...created, Version: '1', RevisionId: newRevisionId() };
        }
        await tx.put('function', key, fn);
        return created;
      });
      return response;
    },
  },

  GetFunction: {
    authorize: (ctx: OperationContext<{ FunctionName: string; Qualifier?: string }>) =>
      functionCheck(ctx, 'GetFunction', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier);
      const now = ctx.deps.now().getTime();
      const { fn, configuration } = await ctx.deps.store.lambdaView(async (tx) => configurationFor(tx, ref, now));
      return {
        Configuration: configuration,
        Code: { RepositoryType: 'S3', Location: codeLocation(ctx, configuration.CodeSha256) },
        ...(Object.keys(fn.tags).length > 0 ? { Tags: fn.tags } : {}),
        ...(fn.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } } : {}),
      };
    },
  },

  GetFunctionConfiguration: {
    authorize: (ctx: OperationContext<{ FunctionName: string; Qualifier?: string }>) =>
      functionCheck(ctx, 'GetFunctionConfiguration', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier);
      const now = ctx.deps.now().getTime();
      return (await ctx.deps.store.lambdaView(async (tx) => configurationFor(tx, ref, now))).configuration;
    },
  },

  ListFunctions: {
    authorize: anyResource('ListFunctions'),
    async handle(ctx: OperationContext<{ Marker?: string; MaxItems?: number; FunctionVersion?: string }>) {
      const prefix = `${ctx.caller.accountId}:${ctx.region}:`;
      const nowMs = ctx.deps.now().getTime();
      // Listed functions carry no RuntimeVersionConfig (recorded).
      const listed = ({ RuntimeVersionConfig: _v, ...rest }: FunctionConfiguration) => rest;
      if (ctx.input.FunctionVersion === 'ALL') {
        // Each function's $LATEST, then its published versions; the marker counts entries.
        const all = await ctx.deps.store.lambdaView(async (tx) => {
          const entries = [];
          for (const f of await tx.list<FunctionDoc>('function', prefix)) {
            entries.push(listed(settledFunction(f, nowMs).configuration));
            const versions = await tx.list<VersionDoc>('version', `${functionKey(ctx.caller.accountId, ctx.region, f.configuration.FunctionName)}#`);
            entries.push(...versions.map((v) => listed(v.configuration)));
          }
          return entries;
        });
        const start = ctx.input.Marker ? Number(ctx.input.Marker) : 0;
        if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterValueException', 'Invalid marker.', 400);
        const size = ctx.input.MaxItems ?? 50;
        const next = start + size < all.length ? String(start + size) : undefined;
        return { Functions: all.slice(start, start + size), ...(next ? { NextMarker: next } : {}) };
      }
      const page = await ctx.deps.store.lambdaList<FunctionDoc>('function', prefix, {
        ...(ctx.input.Marker ? { marker: ctx.input.Marker } : {}),
        maxItems: ctx.input.MaxItems ?? 50,
      });
      return { Functions: page.items.map((f) => listed(settledFunction(f, nowMs).configuration)), ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
    },
  },

  UpdateFunctionCode: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'UpdateFunctionCode', resolveFunction(ctx, ctx.input.FunctionName)),
    async handle(ctx: OperationContext<{ FunctionName: string; ZipFile?: Buffer; S3Bucket?: string; S3Key?: string; ImageUri?: string; Publish?: boolean; RevisionId?: string }>) {
      const { input, deps } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName);
      const zip = zipOf(input);
      const sha = codeSha256(zip);
      await deps.store.putCode(sha, zip);
      const at = deps.now();
      const now = lambdaTimestamp(at);
      const configuration = await deps.store.lambdaTransact(async (tx) => {
        const current = await requireIdleFunction(tx, ref.key, ref.arn, at.getTime());
        checkRevision(input.RevisionId, current.configuration.RevisionId);
        const fn = beginUpdate(current, { ...current.configuration, CodeSha256: sha, CodeSize: zip.length, LastModified: now, RevisionId: newRevisionId() }, at.getTime());
        if (input.Publish) return (await publish(tx, fn, ref.key, now, undefined, fn.updating!.until)).configuration;
        await tx.put('function', ref.key, fn);
        return fn.configuration;
      });
      // Only once the update is committed: the callback may run again.
      void deps.runtime?.reset(ref.arn);
      return configuration;
    },
  },

  UpdateFunctionConfiguration: {
    authorize: async (ctx: OperationContext<ConfigInput & { FunctionName: string }>) => {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      return [
        ...(await functionCheck(ctx, 'UpdateFunctionConfiguration', ref, ctx.input.Layers ? { 'lambda:Layer': ctx.input.Layers } : {})),
        ...(ctx.input.Role
          ? [{ action: 'iam:PassRole', resource: ctx.input.Role, context: { 'iam:PassedToService': 'lambda.amazonaws.com', 'iam:AssociatedResourceArn': ref.arn } }]
          : []),
        ...(await layerChecks(ctx, ctx.input.Layers)),
      ];
    },
    async handle(ctx) {
      const { input, deps } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName);
      if (input.Role) await requireAssumableRole(ctx, input.Role);
      const layers = input.Layers ? await layerSummaries(ctx, input.Layers) : undefined;
      const at = deps.now();
      const now = lambdaTimestamp(at);
      const updated = await deps.store.lambdaTransact(async (tx) => {
        const current = await requireIdleFunction(tx, ref.key, ref.arn, at.getTime());
        checkRevision(input.RevisionId, current.configuration.RevisionId);
        const configuration = { ...(applyConfig(current.configuration, input, layers) as FunctionConfiguration), LastModified: now, RevisionId: newRevisionId() };
        const fn = beginUpdate(current, configuration, at.getTime());
        await tx.put('function', ref.key, fn);
        return fn.configuration;
      });
      // Only once the update is committed: the callback may run again.
      void deps.runtime?.reset(ref.arn);
      return updated;
    },
  },

  DeleteFunction: {
    authorize: (ctx: OperationContext<{ FunctionName: string; Qualifier?: string }>) =>
      functionCheck(ctx, 'DeleteFunction', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier);
      const nowMs = ctx.deps.now().getTime();
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const q = ref.qualifier;
        if (q === '$LATEST') throw new AwsError('InvalidParameterValueException', '$LATEST version cannot be deleted without deleting the function.', 400);
        const fn = await requireFunction(tx, ref.key, ref.arn, nowMs);
        if (q !== undefined && !/^\d+$/.test(q)) throw new AwsError('InvalidParameterValueException', 'Deletion of aliases is not currently supported.', 400);
        if (q !== undefined) {
          const using = (await tx.list<AliasDoc>('alias', `${ref.key}:`)).filter((a) => a.FunctionVersion === q || a.RoutingConfig?.AdditionalVersionWeights[q] !== undefined);
          if (using.length > 0) {
            throw new AwsError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${using.map((a) => a.Name).join(', ')}]`, 409);
          }
          // Deleting a version that does not exist succeeds, as on AWS.
          await tx.delete('version', versionKey(ref.key, q));
          await tx.delete('policy', `${ref.arn}:${q}`);
          return;
        }
        for (const v of await tx.list<VersionDoc>('version', `${ref.key}#`)) await tx.delete('policy', v.configuration.FunctionArn);
        for (const a of await tx.list<AliasDoc>('alias', `${ref.key}:`)) {
          await tx.delete('alias', aliasKey(ref.key, a.Name));
          await tx.delete('policy', a.AliasArn);
        }
        for (let v = 1; v <= fn.lastVersion; v++) await tx.delete('version', versionKey(ref.key, v));
        await tx.delete('policy', ref.arn);
        await deleteFunctionUrls(tx, ref.key);
        await tx.delete('function', ref.key);
      });
      // A deleted function's warm environments must not outlive it (a new function of the same name would otherwise reuse them).
      if (ref.qualifier === undefined) void ctx.deps.runtime?.reset(ref.arn);
      return undefined;
    },
  },

  PublishVersion: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'PublishVersion', resolveFunction(ctx, ctx.input.FunctionName)),
    async handle(ctx: OperationContext<{ FunctionName: string; CodeSha256?: string; Description?: string; RevisionId?: string }>) {
      const { input, deps } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName);
      const at = deps.now();
      const now = lambdaTimestamp(at);
      return deps.store.lambdaTransact(async (tx) => {
        const fn = await requireIdleFunction(tx, ref.key, ref.arn, at.getTime());
        if (input.CodeSha256 !== undefined && input.CodeSha256 !== fn.configuration.CodeSha256) {
          throw new AwsError(
            'InvalidParameterValueException',
            `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${fn.configuration.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
            400,
          );
        }
        checkRevision(input.RevisionId, fn.configuration.RevisionId);
        return (await publish(tx, fn, ref.key, now, input.Description)).configuration;
      });
    },
  },

  ListVersionsByFunction: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'ListVersionsByFunction', resolveFunction(ctx, ctx.input.FunctionName)),
    async handle(ctx: OperationContext<{ FunctionName: string; Marker?: string; MaxItems?: number }>) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      const nowMs = ctx.deps.now().getTime();
      const all = await ctx.deps.store.lambdaView(async (tx) => {
        const fn = await requireFunction(tx, ref.key, ref.arn, nowMs);
        const versions = await tx.list<VersionDoc>('version', `${ref.key}#`);
        return [{ ...fn.configuration, FunctionArn: `${ref.arn}:$LATEST` }, ...versions.map((v) => v.configuration)].map(
          // ListVersionsByFunction leaves out the state fields and the runtime version (recorded).
          ({ State: _s, StateReason: _r, StateReasonCode: _c, LastUpdateStatus: _u, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _uc, RuntimeVersionConfig: _v, ...rest }) => rest,
        );
      });
      const start = ctx.input.Marker ? Number(ctx.input.Marker) : 0;
      const size = ctx.input.MaxItems ?? 50;
      const next = start + size < all.length ? String(start + size) : undefined;
      return { Versions: all.slice(start, start + size), ...(next ? { NextMarker: next } : {}) };
    },
  },
};

/**
 * Publishes $LATEST as the next version, or returns the last version when nothing changed.
 * A version published by an update (`pendingUntil`) is Pending until the update is done.
 */
async function publish(tx: LambdaTransaction, fn: FunctionDoc, key: string, now: string, description: string | undefined, pendingUntil?: number): Promise<VersionDoc> {
  const print = fingerprint(fn.configuration);
  if (fn.lastPublished?.fingerprint === print) {
    const existing = await tx.get<VersionDoc>('version', versionKey(key, fn.lastPublished.version));
    if (existing) {
      await tx.put('function', key, fn);
      return existing;
    }
  }
  const version = String(fn.lastVersion + 1);
  const unqualified = fn.configuration.FunctionArn;
  const { LastUpdateStatus: _u, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _uc, ...latest } = fn.configuration;
  const doc: VersionDoc = {
    functionArn: unqualified,
    configuration: {
      ...latest,
      FunctionArn: `${unqualified}:${version}`,
      Version: version,
      Description: description ?? (fn.configuration.Description as string),
      LastModified: now,
      RevisionId: newRevisionId(),
      ...(pendingUntil !== undefined
        ? { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
        : { LastUpdateStatus: 'Successful' }),
    },
    ...(pendingUntil !== undefined ? { pendingUntil } : {}),
  };
  await tx.put('version', versionKey(key, version), doc);
  // Publishing changes $LATEST's RevisionId (recorded).
  await tx.put('function', key, {
    ...fn,
    lastVersion: fn.lastVersion + 1,
    lastPublished: { version, fingerprint: print },
    configuration: { ...fn.configuration, RevisionId: newRevisionId() },
  });
  return doc;
}

/** RuntimeVersionConfig's ARN: one runtime version per runtime name on this host. */
function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(runtime).digest('hex')}`;
}

/** Where GetFunction says the code can be downloaded from: a signed link back to Latchkey. */
function codeLocation(ctx: OperationContext<unknown>, sha: string): string {
  return `${ctx.baseUrl}${ctx.deps.codeLinks?.sign(sha) ?? ''}`;
}
