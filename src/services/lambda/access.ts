// How a Lambda operation is authorized: `lambda:<Action>` on the resource the request
// addresses (qualified when it names a version or alias, lambda-authz.md §1.1), with the
// resource's own policy (one per function, version, alias or layer version) and its tags.
// Across accounts only the operations Lambda shares through resource policies are possible;
// the others are refused outright, as AWS does.

import type { CompiledPolicy, ContextInput } from '../../iam/index.js';
import type { AuthorizationCheck, Deps, OperationContext } from '../operation.js';
import { policyObject, type PolicyDocumentState } from './permissions.js';
import { LambdaErrors, type FunctionDoc, type FunctionRef } from './resources.js';

/** Operations a resource-based policy can open to other accounts (lambda-authz.md §4). */
const CROSS_ACCOUNT = new Set([
  'InvokeFunction',
  'GetFunction',
  'GetFunctionConfiguration',
  'UpdateFunctionCode',
  'DeleteFunction',
  'PublishVersion',
  'ListVersionsByFunction',
  'CreateAlias',
  'GetAlias',
  'ListAliases',
  'UpdateAlias',
  'DeleteAlias',
  'GetPolicy',
  'PutFunctionConcurrency',
  'DeleteFunctionConcurrency',
  'GetFunctionConcurrency',
  'ListTags',
  'TagResource',
  'UntagResource',
  'GetLayerVersion',
]);

export async function resourcePolicy(deps: Deps, arn: string): Promise<CompiledPolicy | undefined> {
  const doc = await deps.store.lambdaGet<PolicyDocumentState>('policy', arn);
  if (!doc || doc.statements.length === 0) return undefined;
  // Compiled from the stored object (not its JSON text), so the document is parsed once.
  return deps.policies.get(`lambda-policy/${arn}`, doc.revisionId, policyObject(doc), { kind: 'resource' });
}

function tagContext(fn: FunctionDoc | null): ContextInput {
  const keys: ContextInput = {};
  for (const [k, v] of Object.entries(fn?.tags ?? {})) keys[`aws:ResourceTag/${k}`] = v;
  return keys;
}

/**
 * The check for `lambda:<action>` on a function, version or alias; several actions (an
 * operation that needs more than one, as PutResourcePolicy does) share one read of the
 * function and its policy.
 */
export async function functionCheck(
  ctx: OperationContext<unknown>,
  action: string | string[],
  ref: FunctionRef,
  context: ContextInput = {},
): Promise<AuthorizationCheck[]> {
  const actions = typeof action === 'string' ? [action] : action;
  if (ref.accountId !== ctx.caller.accountId && !actions.every((a) => CROSS_ACCOUNT.has(a))) throw LambdaErrors.crossAccountDenied();
  const fn = await ctx.deps.store.lambdaGet<FunctionDoc>('function', ref.key);
  const policy = await resourcePolicy(ctx.deps, ref.resourceArn);
  const shared = {
    resource: ref.resourceArn,
    resourceAccount: ref.accountId,
    context: { ...tagContext(fn), ...context },
    ...(policy ? { resourcePolicy: policy } : {}),
  };
  return actions.map((a) => ({ action: `lambda:${a}`, ...shared }));
}

/** The check for `lambda:<action>` on a layer version (its policy admits other accounts). */
export async function layerVersionCheck(ctx: OperationContext<unknown>, action: string, layerVersionArn: string, accountId: string): Promise<AuthorizationCheck[]> {
  if (accountId !== ctx.caller.accountId && !CROSS_ACCOUNT.has(action)) throw LambdaErrors.crossAccountDenied();
  const policy = await resourcePolicy(ctx.deps, layerVersionArn);
  return [{ action: `lambda:${action}`, resource: layerVersionArn, resourceAccount: accountId, ...(policy ? { resourcePolicy: policy } : {}) }];
}

/** Actions without a resource (ListFunctions, ListLayers, …) are authorized on `*`. */
export const anyResource = (action: string) => () => [{ action: `lambda:${action}`, resource: '*' }];
