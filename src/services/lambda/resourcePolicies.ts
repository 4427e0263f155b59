// PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy (2026): a whole JSON policy on a
// function, version or alias — Deny statements, any condition key, several principals.
//
// It is the same one policy per function, version or alias that AddPermission writes
// (docs: "Working with resource-based policies in Lambda"):
// - PutResourcePolicy replaces it, AddPermission's statements included;
// - AddPermission after it appends a statement to the JSON document; RemovePermission removes
//   the statement with that Sid (statements without a Sid can only go with the whole policy);
// - GetPolicy and GetResourcePolicy return the same document and the same RevisionId.
//
// Lambda documents little of what it checks in the document. Latchkey's choices, each marked
// [choice] below: the document must compile as an IAM resource policy (Principal required);
// every statement uses Action (not NotAction) with lambda: actions a resource policy can
// grant, and Resource (not NotResource) naming the resource the policy is attached to — or,
// on a function, `<function ARN>:*` for its versions and aliases (the documented examples);
// $LATEST takes no policy, as AddPermission says; the UTF-8 size limit is AddPermission's.

import { AwsError } from '../../aws/errors.js';
import { compileGlob, compilePolicy, MalformedPolicyDocumentError } from '../../iam/index.js';
import type { LambdaReader } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import {
  assertPolicyQualifier,
  getPolicyOutput,
  noPolicyError,
  POLICY_SIZE_LIMIT,
  policyDocument,
  policyLengthError,
  policySize,
  revisionMismatchError,
  type PolicyDocumentState,
} from './permissions.js';
import { assertNotPublic } from './publicAccess.js';
import { aliasKey, isVersionQualifier, newRevisionId, resolveFunction, versionKey, type AliasDoc, type FunctionRef } from './resources.js';

/** The actions a Lambda resource-based policy can grant (Developer Guide, "Supported API actions"). */
export const RESOURCE_POLICY_ACTIONS = [
  'CreateAlias', 'DeleteAlias', 'DeleteFunction', 'DeleteFunctionConcurrency', 'DeleteFunctionEventInvokeConfig',
  'DeleteProvisionedConcurrencyConfig', 'GetAlias', 'GetFunction', 'GetFunctionConcurrency', 'GetFunctionConfiguration',
  'GetFunctionEventInvokeConfig', 'GetPolicy', 'GetProvisionedConcurrencyConfig', 'InvokeFunction', 'InvokeFunctionUrl',
  'ListAliases', 'ListFunctionEventInvokeConfigs', 'ListProvisionedConcurrencyConfigs', 'ListTags', 'ListVersionsByFunction',
  'PublishVersion', 'PutFunctionConcurrency', 'PutFunctionEventInvokeConfig', 'PutProvisionedConcurrencyConfig',
  'TagResource', 'UntagResource', 'UpdateAlias', 'UpdateFunctionCode', 'UpdateFunctionEventInvokeConfig',
].map((a) => `lambda:${a}`);

type ResourcePolicyInput = { ResourceArn: string; Policy?: string; RevisionId?: string };

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message, 400);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The function, version or alias a ResourceArn names; it must exist (GetPolicy's not-found texts). */
async function requireResource(tx: LambdaReader, ref: FunctionRef): Promise<AliasDoc | undefined> {
  const missing = () => new AwsError('ResourceNotFoundException', `Function not found: ${ref.resourceArn}`, 404);
  if (!(await tx.has('function', ref.key))) throw missing();
  const q = ref.qualifier;
  if (q === undefined) return undefined;
  if (isVersionQualifier(q)) {
    if (!(await tx.has('version', versionKey(ref.key, q)))) throw missing();
    return undefined;
  }
  const alias = await tx.get<AliasDoc>('alias', aliasKey(ref.key, q));
  if (!alias) throw missing();
  return alias;
}

/** The statements of a document, checked as Lambda accepts them; throws InvalidParameterValueException. */
export function checkResourcePolicy(text: string, ref: FunctionRef): { head: Record<string, unknown>; statements: Record<string, unknown>[] } {
  let document: Record<string, unknown>;
  try {
    compilePolicy(text, { kind: 'resource', skipActionCatalogue: true });
    document = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    // [choice] Lambda answers InvalidParameterValueException; the engine's words say what is wrong.
    if (e instanceof MalformedPolicyDocumentError) throw invalid(`The policy is not valid: ${e.message}`);
    throw invalid('The policy is not valid: Syntax errors in policy.');
  }
  const resources = ref.qualifier === undefined ? [ref.resourceArn, `${ref.resourceArn}:*`] : [ref.resourceArn];
  const statements = asList(document.Statement) as Record<string, unknown>[];
  statements.forEach((s, i) => {
    const which = typeof s.Sid === 'string' ? `Statement ${s.Sid}` : `Statement ${i + 1}`;
    if (s.NotAction !== undefined || s.NotResource !== undefined) {
      throw invalid(`${which}: a Lambda resource-based policy names its actions with Action and its resource with Resource.`);
    }
    for (const action of asList(s.Action) as string[]) {
      const matches = compileGlob(action, true);
      if (!RESOURCE_POLICY_ACTIONS.some((a) => matches(a))) {
        throw invalid(`${which}: the action ${action} cannot be granted by a Lambda resource-based policy.`);
      }
    }
    for (const resource of asList(s.Resource) as string[]) {
      if (!resources.includes(resource)) {
        throw invalid(`${which}: the resource ${resource} is not the one this policy is attached to (${resources.join(' or ')}).`);
      }
    }
  });
  const { Statement: _s, ...head } = document;
  return { head, statements };
}

export const resourcePolicyOperations: ServiceOperations = {
  PutResourcePolicy: {
    // It replaces the policy, so it takes what adding and removing statements take (Service Authorization Reference).
    async authorize(ctx: OperationContext<ResourcePolicyInput>) {
      return functionCheck(ctx, ['PutResourcePolicy', 'AddPermission', 'RemovePermission'], resolveFunction(ctx, ctx.input.ResourceArn));
    },
    async handle(ctx) {
      const { input } = ctx;
      const ref = resolveFunction(ctx, input.ResourceArn);
      assertPolicyQualifier(ref.qualifier);
      const { head, statements } = checkResourcePolicy(input.Policy!, ref);
      const next: PolicyDocumentState = { statements, head, revisionId: newRevisionId() };
      const size = policySize(next);
      if (size > POLICY_SIZE_LIMIT) throw policyLengthError(size);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const alias = await requireResource(tx, ref);
        const current = await tx.get<PolicyDocumentState>('policy', ref.resourceArn);
        if (input.RevisionId) {
          const accepted = current && current.statements.length > 0 ? input.RevisionId === current.revisionId : alias?.RevisionId === input.RevisionId;
          if (!accepted) throw revisionMismatchError('function');
        }
        await assertNotPublic(tx, ref, next);
        await tx.put('policy', ref.resourceArn, next);
      });
      return { Policy: policyDocument(next), RevisionId: next.revisionId };
    },
  },

  GetResourcePolicy: {
    async authorize(ctx: OperationContext<ResourcePolicyInput>) {
      return functionCheck(ctx, ['GetResourcePolicy', 'GetPolicy'], resolveFunction(ctx, ctx.input.ResourceArn));
    },
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.ResourceArn);
      const state = await ctx.deps.store.lambdaView(async (tx) => {
        await requireResource(tx, ref);
        return tx.get<PolicyDocumentState>('policy', ref.resourceArn);
      });
      return getPolicyOutput(state, 'function');
    },
  },

  DeleteResourcePolicy: {
    async authorize(ctx: OperationContext<ResourcePolicyInput>) {
      return functionCheck(ctx, ['DeleteResourcePolicy', 'RemovePermission'], resolveFunction(ctx, ctx.input.ResourceArn));
    },
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.ResourceArn);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        await requireResource(tx, ref);
        const current = await tx.get<PolicyDocumentState>('policy', ref.resourceArn);
        // [choice] no policy: GetPolicy's 404.
        if (!current || current.statements.length === 0) throw noPolicyError('GetPolicy');
        if (ctx.input.RevisionId && ctx.input.RevisionId !== current.revisionId) throw revisionMismatchError('function');
        await tx.delete('policy', ref.resourceArn);
      });
      return undefined;
    },
  },
};
