// Lambda's resources as Latchkey keeps them: functions ($LATEST), published versions,
// aliases, layer versions; their ARNs and store keys; and the lookups every operation
// shares (a function by name / partial ARN / full ARN, a qualifier resolved to a version).

import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { LambdaReader } from '../../store/store.js';
import type { OperationContext } from '../operation.js';
import { functionArn, resolveQualifier } from './permissions.js';

/** The configuration AWS returns for a function or version (GetFunctionConfiguration's shape). */
export type FunctionConfiguration = Record<string, unknown> & {
  FunctionName: string;
  FunctionArn: string;
  Version: string;
  RevisionId: string;
  CodeSha256: string;
  CodeSize: number;
  Role: string;
  LastModified: string;
};

export interface FunctionDoc {
  accountId: string;
  region: string;
  name: string;
  /** The $LATEST configuration. */
  configuration: FunctionConfiguration;
  tags: Record<string, string>;
  /** The last version number handed out (versions are never reused). */
  lastVersion: number;
  /** What the most recent version was published from, to return it again when nothing changed. */
  lastPublished: { version: string; fingerprint: string } | null;
  /** An update still in progress: until when, and the RevisionId it ends with. */
  updating?: { until: number; revisionId: string };
  /** PutFunctionConcurrency's ReservedConcurrentExecutions; absent when none is reserved. */
  reservedConcurrency?: number;
}

export interface VersionDoc {
  functionArn: string;
  configuration: FunctionConfiguration;
  /** A version published by an update is Pending until the update finishes. */
  pendingUntil?: number;
}

/**
 * How long a function update takes. AWS reports `LastUpdateStatus: InProgress` for a moment
 * after UpdateFunctionCode / UpdateFunctionConfiguration, refuses other updates meanwhile,
 * and gives the function a new RevisionId when the update is done (recorded); clients wait
 * with the `function-updated-v2` waiter.
 */
export const UPDATE_DURATION_MS = 250;

export const IN_PROGRESS = {
  LastUpdateStatus: 'InProgress',
  LastUpdateStatusReason: 'The function is being created.',
  LastUpdateStatusReasonCode: 'Creating',
} as const;

/** The function as it is at `now`: a finished update shows as Successful with its final RevisionId. */
export function settledFunction(fn: FunctionDoc, now: number): FunctionDoc {
  if (!fn.updating || now < fn.updating.until) return fn;
  const { LastUpdateStatusReason: _r, LastUpdateStatusReasonCode: _c, ...configuration } = fn.configuration;
  const { updating, ...rest } = fn;
  return { ...rest, configuration: { ...configuration, LastUpdateStatus: 'Successful', RevisionId: updating.revisionId } as FunctionConfiguration };
}

/** The version as it is at `now`: Pending until its update is done, then Active (same RevisionId). */
export function settledVersion(v: VersionDoc, now: number): VersionDoc {
  if (v.pendingUntil === undefined || now < v.pendingUntil) return v;
  const { StateReason: _r, StateReasonCode: _c, ...configuration } = v.configuration;
  const { pendingUntil: _p, ...rest } = v;
  return { ...rest, configuration: { ...configuration, State: 'Active' } as FunctionConfiguration };
}

export function updateInProgress(arn: string): AwsError {
  return new AwsError('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`, 409);
}

export interface AliasDoc {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

export interface LayerVersionDoc {
  accountId: string;
  region: string;
  layerName: string;
  LayerArn: string;
  LayerVersionArn: string;
  Version: number;
  Description: string;
  CreatedDate: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
  CodeSha256: string;
  CodeSize: number;
}

/** A layer's head: the last version number handed out. */
export interface LayerHeadDoc {
  kind: 'head';
  lastVersion: number;
}

export const functionKey = (accountId: string, region: string, name: string) => `${accountId}:${region}:${name}`;
export const versionKey = (fnKey: string, version: number | string) => `${fnKey}#${String(version).padStart(10, '0')}`;
export const aliasKey = (fnKey: string, alias: string) => `${fnKey}:${alias}`;
export const layerKey = (accountId: string, region: string, layerName: string) => `${accountId}:${region}:${layerName}`;
export const layerVersionKey = (lKey: string, version: number) => `${lKey}#${String(version).padStart(10, '0')}`;

export { functionArn };
export const layerArn = (region: string, accountId: string, name: string) => `arn:aws:lambda:${region}:${accountId}:layer:${name}`;

export const newRevisionId = (): string => randomUUID();

/** Lambda's timestamp format: `2019-09-24T18:44:45.118+0000`. */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** CodeSha256 as Lambda reports it: base64 of the SHA-256 of the deployment package. */
export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}

/** A deployment package must be a zip archive (local file header or empty-archive record). */
export function requireZip(zip: Buffer): void {
  const magic = zip.subarray(0, 4).toString('binary');
  if (magic !== 'PK\x03\x04' && magic !== 'PK\x05\x06') {
    throw new AwsError('InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.', 400);
  }
}

export const LambdaErrors = {
  functionNotFound: (arn: string) => new AwsError('ResourceNotFoundException', `Function not found: ${arn}`, 404),
  aliasNotFound: (arn: string) => new AwsError('ResourceNotFoundException', `Cannot find alias arn: ${arn}`, 404),
  resourceDoesNotExist: () => new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404),
  revisionMismatch: (api = 'GetFunction/GetAlias') =>
    new AwsError(
      'PreconditionFailedException',
      `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
      412,
    ),
  /** Cross-account calls to operations Lambda does not share answer with no message at all. */
  crossAccountDenied: () => new AwsError('AccessDeniedException', '', 403),
};

export interface FunctionRef {
  accountId: string;
  region: string;
  name: string;
  qualifier: string | undefined;
  key: string;
  /** Unqualified function ARN. */
  arn: string;
  /** The ARN the request addresses: qualified when a qualifier was given. */
  resourceArn: string;
}

/**
 * The function a request names: plain name, partial ARN or full ARN, with a qualifier from
 * the name or the Qualifier parameter (parsing and its errors: permissions.ts resolveQualifier).
 */
export function resolveFunction(ctx: OperationContext<unknown>, functionName: string, qualifierParam?: string): FunctionRef {
  const resolved = resolveQualifier(functionName, qualifierParam, ctx.region, ctx.caller.accountId);
  return functionRef(resolved.accountId, ctx.region, resolved.functionName, resolved.qualifier);
}

/** The reference to a function, version or alias known by its parts. */
export function functionRef(accountId: string, region: string, name: string, qualifier: string | undefined): FunctionRef {
  const arn = functionArn(region, accountId, name);
  return {
    accountId,
    region,
    name,
    qualifier,
    key: functionKey(accountId, region, name),
    arn,
    resourceArn: qualifier === undefined ? arn : `${arn}:${qualifier}`,
  };
}

/** A qualifier names a version when it is numeric or $LATEST; anything else is an alias. */
export function isVersionQualifier(q: string): boolean {
  return q === '$LATEST' || /^\d+$/.test(q) || q.includes('$');
}

/** The configuration a qualifier stands for inside a transaction, or the AWS not-found error. */
export async function configurationFor(
  tx: LambdaReader,
  ref: FunctionRef,
  now: number,
): Promise<{ fn: FunctionDoc; configuration: FunctionConfiguration; alias?: AliasDoc }> {
  const stored = await tx.get<FunctionDoc>('function', ref.key);
  if (!stored) throw LambdaErrors.functionNotFound(ref.resourceArn);
  const fn = settledFunction(stored, now);
  const version = async (v: string) => {
    const doc = await tx.get<VersionDoc>('version', versionKey(ref.key, v));
    return doc ? settledVersion(doc, now).configuration : undefined;
  };
  const q = ref.qualifier;
  if (q === undefined) return { fn, configuration: fn.configuration };
  if (q === '$LATEST') return { fn, configuration: { ...fn.configuration, FunctionArn: ref.resourceArn } };
  if (isVersionQualifier(q)) {
    const v = /^\d+$/.test(q) ? await version(q) : undefined;
    if (!v) throw LambdaErrors.functionNotFound(ref.resourceArn);
    return { fn, configuration: v };
  }
  const alias = await tx.get<AliasDoc>('alias', aliasKey(ref.key, q));
  if (!alias) throw LambdaErrors.functionNotFound(ref.resourceArn);
  const target = alias.FunctionVersion === '$LATEST' ? fn.configuration : await version(alias.FunctionVersion);
  if (!target) throw LambdaErrors.functionNotFound(ref.resourceArn);
  // Through an alias, the configuration names the alias (recorded).
  return { fn, configuration: { ...target, FunctionArn: alias.AliasArn }, alias };
}
