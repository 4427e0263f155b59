// Lambda's resource-based policies as AWS writes them, byte for byte: the statement that
// AddPermission / AddLayerVersionPermission generate, the document GetPolicy returns, the
// RevisionId and size rules of Add/Remove, and the exact error texts of each operation.
// Pure: no store, no I/O. The operations (functions, versions, aliases, layer versions) call
// these inside their transaction.
//
// Ground truth: reference/lambda-permissions-recorded.md (recorded from real AWS,
// 2025-11-25) and the raw snapshots beside it. Where the recordings say nothing, the choice
// is marked "not recorded" with the evidence used.

import { AwsError } from '../../aws/errors.js';

// ---------------------------------------------------------------------------------------------
// Stored state and the document GetPolicy returns

/**
 * A resource policy as stored: statements in insertion order (each one an object whose key
 * order is AWS's), and the policy's own RevisionId (independent of the function's or alias's
 * RevisionId since 2025; it changes on every add and remove, never on GetPolicy).
 */
export interface PolicyDocumentState {
  statements: Record<string, unknown>[];
  revisionId: string;
  /**
   * Set when PutResourcePolicy wrote the policy: the document's other members (Version, Id, …)
   * as given. Without it the policy is AddPermission's `{"Version":"2012-10-17","Id":"default",…}`.
   */
  head?: Record<string, unknown>;
}

/** Whose policy: a function/version/alias (Add/RemovePermission) or a layer version. */
export type PolicyKind = 'function' | 'layer';

export const POLICY_VERSION = '2012-10-17';
export const POLICY_ID = 'default';
/** The limit of PolicyLengthExceededException, in bytes of the compact policy document. */
export const POLICY_SIZE_LIMIT = 20480;

/**
 * The exact `Policy` string of GetPolicy / GetLayerVersionPolicy:
 * `{"Version":"2012-10-17","Id":"default","Statement":[…]}`, compact, insertion order.
 */
/** The policy as an object: AddPermission's default head, or the one PutResourcePolicy gave. */
export function policyObject(state: Pick<PolicyDocumentState, 'statements' | 'head'>): Record<string, unknown> {
  return { ...(state.head ?? { Version: POLICY_VERSION, Id: POLICY_ID }), Statement: state.statements };
}

/** The texts of documents the store shares between reads (frozen, so the text cannot go stale). */
const documentTexts = new WeakMap<object, string>();

export function policyDocument(state: Pick<PolicyDocumentState, 'statements' | 'head'>): string {
  if (!Object.isFrozen(state)) return JSON.stringify(policyObject(state));
  let text = documentTexts.get(state);
  if (text === undefined) {
    text = JSON.stringify(policyObject(state));
    documentTexts.set(state, text);
  }
  return text;
}

/** The size AWS compares with 20480: UTF-8 bytes of the compact document. */
export function policySize(state: Pick<PolicyDocumentState, 'statements' | 'head'>): number {
  return Buffer.byteLength(policyDocument(state), 'utf8');
}

/**
 * GetPolicy / GetLayerVersionPolicy output, or the 404 AWS gives when there is no policy:
 * functions `The resource you requested does not exist.`, layer versions
 * `No policy is associated with the given resource.`
 */
export function getPolicyOutput(state: PolicyDocumentState | null, kind: PolicyKind): { Policy: string; RevisionId: string } {
  if (!state || state.statements.length === 0) {
    throw noPolicyError(kind === 'function' ? 'GetPolicy' : 'GetLayerVersionPolicy');
  }
  return { Policy: policyDocument(state), RevisionId: state.revisionId };
}

// ---------------------------------------------------------------------------------------------
// Statement construction

/** AddPermission's request members that shape the statement (the model's names). */
export interface AddPermissionInput {
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string | undefined;
  SourceAccount?: string | undefined;
  EventSourceToken?: string | undefined;
  PrincipalOrgID?: string | undefined;
  FunctionUrlAuthType?: string | undefined;
  InvokedViaFunctionUrl?: boolean | undefined;
}

/** AddLayerVersionPermission's request members that shape the statement. */
export interface AddLayerVersionPermissionInput {
  StatementId: string;
  Action: string;
  Principal: string;
  OrganizationId?: string | undefined;
}

const ACCOUNT_ID = /^\d{12}$/;
/** IAM identities a resource policy can name: account root, users, roles. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:(?:root|user\/.+|role\/.+)$/;
/** STS session principals (GetCallerIdentity of an assumed role or federated user). */
const STS_PRINCIPAL_ARN = /^arn:aws[a-zA-Z-]*:sts::\d{12}:(?:assumed-role\/.+\/.+|federated-user\/.+)$/;
/** `s3.amazonaws.com`, `logs.us-east-1.amazonaws.com`, `lambda.alarms.cloudwatch.amazonaws.com`. */
const SERVICE_PRINCIPAL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.amazonaws\.com$/;
/** The service principals outside `amazonaws.com` that invoke functions (Alexa). */
const AMAZON_COM_SERVICE_PRINCIPALS = new Set(['alexa-appkit.amazon.com', 'alexa-connectedhome.amazon.com']);

function partitionOf(resourceArn: string): string {
  const colon = resourceArn.indexOf(':', 4);
  return resourceArn.startsWith('arn:') && colon > 4 ? resourceArn.slice(4, colon) : 'aws';
}

/**
 * The `Principal` element AWS writes for AddPermission's `Principal` parameter:
 * `*` → `"*"`; a 12-digit account → `{"AWS":"arn:aws:iam::<id>:root"}`; an IAM or STS
 * principal ARN → `{"AWS":<arn>}`; a service principal → `{"Service":<p>}`. Anything else is
 * AWS's InvalidParameterValueException (recorded for `invalid.nonaws.com`).
 */
export function functionPrincipal(principal: string, partition = 'aws'): unknown {
  if (principal === '*') return '*';
  if (ACCOUNT_ID.test(principal)) return { AWS: `arn:${partition}:iam::${principal}:root` };
  if (IAM_PRINCIPAL_ARN.test(principal) || STS_PRINCIPAL_ARN.test(principal)) return { AWS: principal };
  if (SERVICE_PRINCIPAL.test(principal) || AMAZON_COM_SERVICE_PRINCIPALS.has(principal)) return { Service: principal };
  throw invalidPrincipalError();
}

export function invalidPrincipalError(): AwsError {
  return new AwsError('InvalidParameterValueException', 'The provided principal was invalid. Please check the principal and try again.', 400);
}

/**
 * Checks AddPermission makes beyond the model's patterns. `FunctionUrlAuthType` is only
 * accepted with `lambda:InvokeFunctionUrl` (AWS's text, from user reports; the recordings
 * only show it used that way). `InvokedViaFunctionUrl` only with `lambda:InvokeFunction`
 * (reported; the message is not recorded and is written by analogy).
 */
export function validateAddPermission(input: AddPermissionInput): void {
  if (input.FunctionUrlAuthType !== undefined && input.FunctionUrlAuthType !== null && input.Action !== 'lambda:InvokeFunctionUrl') {
    throw new AwsError('InvalidParameterValueException', 'FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action', 400);
  }
  if (input.InvokedViaFunctionUrl === true && input.Action !== 'lambda:InvokeFunction') {
    throw new AwsError('InvalidParameterValueException', 'InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action', 400);
  }
}

const present = (v: string | undefined | null): v is string => v !== undefined && v !== null;

/**
 * The statement AWS generates for AddPermission on `resourceArn` (the unqualified function
 * ARN, or the version/alias ARN when a qualifier was given). Key order
 * `Sid, Effect, Principal, Action, Resource, Condition`; Condition blocks `StringEquals`,
 * `ArnLike`, then `Bool`; inside StringEquals `AWS:SourceAccount`, `lambda:EventSourceToken`,
 * `lambda:FunctionUrlAuthType`, `aws:PrincipalOrgID`. Condition is left out when empty.
 */
export function buildFunctionStatement(input: AddPermissionInput, resourceArn: string): Record<string, unknown> {
  validateAddPermission(input);
  const principal = functionPrincipal(input.Principal, partitionOf(resourceArn));

  const stringEquals: Record<string, string> = {};
  if (present(input.SourceAccount)) stringEquals['AWS:SourceAccount'] = input.SourceAccount;
  if (present(input.EventSourceToken)) stringEquals['lambda:EventSourceToken'] = input.EventSourceToken;
  if (present(input.FunctionUrlAuthType)) stringEquals['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
  if (present(input.PrincipalOrgID)) stringEquals['aws:PrincipalOrgID'] = input.PrincipalOrgID;

  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(stringEquals).length > 0) condition.StringEquals = stringEquals;
  if (present(input.SourceArn)) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (input.InvokedViaFunctionUrl === true) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };

  const statement: Record<string, unknown> = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principal,
    Action: input.Action,
    Resource: resourceArn,
  };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/**
 * The statement AWS generates for AddLayerVersionPermission on a layer version ARN:
 * `*` → `"*"`; an account → `{"AWS":"arn:aws:iam::<id>:root"}`; an account root ARN
 * verbatim; `OrganizationId` → `{"StringEquals":{"aws:PrincipalOrgID":…}}`. The model's
 * patterns (Action `lambda:GetLayerVersion`, Principal `\d{12}|\*|arn:…:iam::\d{12}:root`)
 * are the codec's to enforce; anything else reaching here is refused as for functions.
 */
export function buildLayerStatement(input: AddLayerVersionPermissionInput, layerVersionArn: string): Record<string, unknown> {
  let principal: unknown;
  if (input.Principal === '*') principal = '*';
  else if (ACCOUNT_ID.test(input.Principal)) principal = { AWS: `arn:${partitionOf(layerVersionArn)}:iam::${input.Principal}:root` };
  else if (/^arn:aws[a-zA-Z-]*:iam::\d{12}:root$/.test(input.Principal)) principal = { AWS: input.Principal };
  else throw invalidPrincipalError();

  const statement: Record<string, unknown> = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principal,
    Action: input.Action,
    Resource: layerVersionArn,
  };
  if (present(input.OrganizationId) && input.OrganizationId !== '') {
    statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } };
  }
  return statement;
}

// ---------------------------------------------------------------------------------------------
// Adding and removing statements

export interface RevisionOptions {
  /** The RevisionId the caller sent (absent or empty: no check). */
  revisionId?: string | undefined;
  /** A fresh RevisionId for the changed policy (a UUID). */
  newRevisionId: () => string;
  kind: PolicyKind;
}

export interface AddStatementOptions extends RevisionOptions {
  /**
   * The RevisionIds AWS accepts while the resource has no policy yet. Recorded: for an alias,
   * the alias's RevisionId (from CreateAlias/GetAlias) was accepted for the first
   * AddPermission; for an unqualified function with no policy, `wrong` was refused and (by
   * inference) the function's RevisionId too. So: pass `[alias.RevisionId]` for an alias and
   * nothing otherwise. Any other RevisionId with no policy → 412.
   */
  revisionIdsWhenEmpty?: readonly string[];
}

export function revisionMismatchError(kind: PolicyKind): AwsError {
  const api = kind === 'function' ? 'GetPolicy' : 'GetLayerPolicy';
  return new AwsError(
    'PreconditionFailedException',
    `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
    412,
  );
}

export function statementConflictError(sid: string): AwsError {
  return new AwsError(
    'ResourceConflictException',
    `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    409,
  );
}

export function policyLengthError(size: number): AwsError {
  return new AwsError('PolicyLengthExceededException', `The final policy size (${size}) is bigger than the limit (${POLICY_SIZE_LIMIT}).`, 400);
}

export function statementNotFoundError(sid: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Statement ${sid} is not found in resource policy.`, 404);
}

const given = (revisionId: string | undefined): revisionId is string => revisionId !== undefined && revisionId !== null && revisionId !== '';

/** A statement's Sid; PutResourcePolicy's statements may have none (RemovePermission cannot name those). */
function sidOf(statement: Record<string, unknown>): string | undefined {
  return typeof statement.Sid === 'string' ? statement.Sid : undefined;
}

/**
 * Appends `statement` to the policy (creating it when there is none). Checks, in order:
 * duplicate Sid → 409; final size > 20480 bytes → PolicyLengthExceededException; RevisionId
 * (when given) against the policy's, or against `revisionIdsWhenEmpty` when there is no
 * policy → 412. Returns the new state with a new RevisionId; `current` is not modified.
 */
export function addStatement(
  current: PolicyDocumentState | null,
  statement: Record<string, unknown>,
  opts: AddStatementOptions,
): PolicyDocumentState {
  const existing = current && current.statements.length > 0 ? current : null;
  const sid = sidOf(statement)!;
  if (existing?.statements.some((s) => sidOf(s) === sid)) throw statementConflictError(sid);

  // After PutResourcePolicy the statement joins that document (AWS: "appends to the existing JSON policy").
  const statements = [...(existing?.statements ?? []), statement];
  const head = existing?.head;
  const size = policySize({ statements, ...(head ? { head } : {}) });
  if (size > POLICY_SIZE_LIMIT) throw policyLengthError(size);

  if (given(opts.revisionId)) {
    const accepted = existing ? opts.revisionId === existing.revisionId : (opts.revisionIdsWhenEmpty ?? []).includes(opts.revisionId);
    if (!accepted) throw revisionMismatchError(opts.kind);
  }
  return { statements, revisionId: opts.newRevisionId(), ...(head ? { head } : {}) };
}

/**
 * Removes the statement with Sid `statementId`. No policy → 404
 * `No policy is associated with the given resource.`; Sid absent → 404
 * `Statement <sid> is not found in resource policy.`; RevisionId (when given) not the
 * policy's → 412. Returns the new state with a new RevisionId, or null when the last
 * statement went (the policy disappears: GetPolicy answers 404 again).
 */
export function removeStatement(
  current: PolicyDocumentState | null,
  statementId: string,
  opts: RevisionOptions,
): PolicyDocumentState | null {
  if (!current || current.statements.length === 0) {
    throw noPolicyError(opts.kind === 'function' ? 'RemovePermission' : 'RemoveLayerVersionPermission');
  }
  const index = current.statements.findIndex((s) => sidOf(s) === statementId);
  if (index < 0) throw statementNotFoundError(statementId);
  if (given(opts.revisionId) && opts.revisionId !== current.revisionId) throw revisionMismatchError(opts.kind);
  const statements = current.statements.filter((_, i) => i !== index);
  if (statements.length === 0) return null;
  return { statements, revisionId: opts.newRevisionId(), ...(current.head ? { head: current.head } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Function names, qualifiers and the not-found texts of each operation

/**
 * NamespacedFunctionName's pattern (AddPermission, GetPolicy, RemovePermission), anchored, with
 * AWS's current server-side `(eusc-)?` region prefix, and named groups.
 */
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?((?<region>(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):)?((?<account>\d{12}):)?(function:)?(?<name>[a-zA-Z0-9-_.]+)(:(?<qualifier>\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;
/** The pattern as AWS's 2025 ValidationException quotes it (recorded for GetFunction and Invoke). */
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';

export interface ResolvedFunctionName {
  functionName: string;
  /** The account the name addresses: from a full or partial ARN, else the caller's. */
  accountId: string;
  region: string;
  /** The explicit Qualifier, or the one derived from the name; undefined when neither. */
  qualifier: string | undefined;
}

/**
 * Parses FunctionName (name, `name:qualifier`, partial ARN `<acct>:function:<name>[:q]` or
 * `function:<name>[:q]`, full ARN) with the Qualifier parameter. Another region →
 * ResourceNotFoundException `Functions from '<r>' are not reachable in this region ('<region>')`;
 * a derived qualifier different from the explicit one → InvalidParameterValueException
 * `The derived qualifier from the function name does not match the specified qualifier.`
 * Another account is returned, not refused: the caller decides what that means.
 */
export function resolveQualifier(
  functionNameParam: string,
  qualifierParam: string | undefined,
  region: string,
  accountId: string,
): ResolvedFunctionName {
  const m = FUNCTION_NAME.exec(functionNameParam);
  if (!m) {
    // The codec validates the pattern first; this only guards direct callers.
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${functionNameParam}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
      400,
    );
  }
  const groups = m.groups ?? {};
  const arnRegion = groups.region;
  if (arnRegion !== undefined && arnRegion !== region) {
    throw new AwsError('ResourceNotFoundException', `Functions from '${arnRegion}' are not reachable in this region ('${region}')`, 404);
  }
  const derived = groups.qualifier;
  const explicit = qualifierParam === '' ? undefined : qualifierParam;
  if (derived !== undefined && explicit !== undefined && derived !== explicit) {
    throw new AwsError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.', 400);
  }
  return { functionName: groups.name!, accountId: groups.account ?? accountId, region, qualifier: explicit ?? derived };
}

/** AddPermission refuses `$LATEST` (the unqualified policy is addressed without a qualifier). */
export function assertPolicyQualifier(qualifier: string | undefined): void {
  if (qualifier === '$LATEST') {
    throw new AwsError('InvalidParameterValueException', 'We currently do not support adding policies for $LATEST.', 400);
  }
}

/**
 * How a qualifier is read: `version` (digits), `latest` (`$LATEST`, `$LATEST.PUBLISHED`),
 * `alias` (the alias pattern `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`), or `other` (e.g. containing `$`,
 * which AWS reports as "Function not found", not "Cannot find alias").
 */
export function qualifierKind(qualifier: string): 'version' | 'latest' | 'alias' | 'other' {
  if (/^\d+$/.test(qualifier)) return 'version';
  if (qualifier === '$LATEST' || qualifier === '$LATEST.PUBLISHED') return 'latest';
  if (/^[a-zA-Z0-9-_]+$/.test(qualifier)) return 'alias';
  return 'other';
}

export function functionArn(region: string, accountId: string, functionName: string, qualifier?: string): string {
  const arn = `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}

export function layerVersionArn(region: string, accountId: string, layerName: string, version: number | string): string {
  return `arn:aws:lambda:${region}:${accountId}:layer:${layerName}:${version}`;
}

export type FunctionPolicyOperation = 'AddPermission' | 'GetPolicy' | 'RemovePermission';
export type PolicyOperation = FunctionPolicyOperation | 'AddLayerVersionPermission' | 'GetLayerVersionPolicy' | 'RemoveLayerVersionPermission';

export interface FunctionTarget {
  region: string;
  accountId: string;
  functionName: string;
  qualifier?: string | undefined;
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 404);

/**
 * The function itself does not exist. AddPermission: `Function not found: <unqualified arn>`;
 * GetPolicy: `The resource you requested does not exist.` (2025 text);
 * RemovePermission: `No policy found for: <unqualified arn>`.
 */
export function functionNotFoundError(operation: FunctionPolicyOperation, target: FunctionTarget): AwsError {
  const arn = functionArn(target.region, target.accountId, target.functionName);
  switch (operation) {
    case 'AddPermission':
      return notFound(`Function not found: ${arn}`);
    case 'GetPolicy':
      return notFound('The resource you requested does not exist.');
    case 'RemovePermission':
      return notFound(`No policy found for: ${arn}`);
  }
}

/**
 * The function exists but the version or alias the qualifier names does not. An alias-like
 * qualifier: `Cannot find alias arn: <qualified arn>` (AddPermission, RemovePermission);
 * otherwise `Function not found: <qualified arn>`. GetPolicy answers
 * `The resource you requested does not exist.` for every qualifier.
 */
export function qualifierNotFoundError(operation: FunctionPolicyOperation, target: FunctionTarget & { qualifier: string }): AwsError {
  if (operation === 'GetPolicy') return notFound('The resource you requested does not exist.');
  const arn = functionArn(target.region, target.accountId, target.functionName, target.qualifier);
  return qualifierKind(target.qualifier) === 'alias' ? notFound(`Cannot find alias arn: ${arn}`) : notFound(`Function not found: ${arn}`);
}

/**
 * The resource exists and has no policy. GetPolicy: `The resource you requested does not
 * exist.`; RemovePermission and the layer operations: `No policy is associated with the given
 * resource.`
 */
export function noPolicyError(operation: PolicyOperation): AwsError {
  if (operation === 'GetPolicy') return notFound('The resource you requested does not exist.');
  return notFound('No policy is associated with the given resource.');
}

/** A missing layer or layer version (Add / Get / Remove alike). */
export function layerVersionNotFoundError(arn: string): AwsError {
  return notFound(`Layer version ${arn} does not exist.`);
}

const LAYER_ARN = /^arn:aws[a-zA-Z0-9-]*:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/;

/**
 * LayerName as a name or a layer ARN (`arn:aws:lambda:<region>:<acct>:layer:<name>`): the
 * name, and the account and region it addresses (the caller's when a plain name).
 */
export function resolveLayerName(layerNameParam: string, region: string, accountId: string): { layerName: string; accountId: string; region: string } {
  const m = LAYER_ARN.exec(layerNameParam);
  if (!m) return { layerName: layerNameParam, accountId, region };
  return { layerName: m[3]!, accountId: m[2]!, region: m[1]! };
}
