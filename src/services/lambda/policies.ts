// Resource-based policies: AddPermission, GetPolicy, RemovePermission on functions, versions
// and aliases (one policy per qualifier), and AddLayerVersionPermission,
// GetLayerVersionPolicy, RemoveLayerVersionPermission on layer versions. Statements, texts
// and RevisionId rules come from permissions.ts; each change is one store transaction.

import type { LambdaReader } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck, layerVersionCheck } from './access.js';
import { resolveLayer } from './layers.js';
import {
  addStatement,
  assertPolicyQualifier,
  buildFunctionStatement,
  buildLayerStatement,
  functionNotFoundError,
  getPolicyOutput,
  layerVersionNotFoundError,
  qualifierNotFoundError,
  removeStatement,
  validateAddPermission,
  type AddPermissionInput,
  type FunctionPolicyOperation,
  type PolicyDocumentState,
} from './permissions.js';
import { aliasKey, isVersionQualifier, layerVersionKey, newRevisionId, resolveFunction, versionKey, type AliasDoc, type FunctionRef } from './resources.js';
import { assertNotPublic } from './publicAccess.js';

type FunctionPolicyInput = { FunctionName: string; Qualifier?: string; RevisionId?: string };

/**
 * The function and qualifier must exist (with each operation's own not-found text); returns
 * the alias when the qualifier names one.
 */
async function requireTarget(tx: LambdaReader, ref: FunctionRef, operation: FunctionPolicyOperation): Promise<AliasDoc | undefined> {
  const target = { region: ref.region, accountId: ref.accountId, functionName: ref.name };
  if (!(await tx.has('function', ref.key))) throw functionNotFoundError(operation, target);
  const q = ref.qualifier;
  if (q === undefined || q === '$LATEST') return undefined;
  if (isVersionQualifier(q)) {
    if (!/^\d+$/.test(q) || !(await tx.has('version', versionKey(ref.key, q)))) throw qualifierNotFoundError(operation, { ...target, qualifier: q });
    return undefined;
  }
  const alias = await tx.get<AliasDoc>('alias', aliasKey(ref.key, q));
  if (!alias) throw qualifierNotFoundError(operation, { ...target, qualifier: q });
  return alias;
}

type LayerInput = { LayerName: string; VersionNumber: number; RevisionId?: string };

function layerVersionArnOf(ctx: OperationContext<LayerInput>) {
  const layer = resolveLayer(ctx, ctx.input.LayerName);
  return { layer, arn: `${layer.arn}:${ctx.input.VersionNumber}`, key: layerVersionKey(layer.key, ctx.input.VersionNumber) };
}

export const policyOperations: ServiceOperations = {
  AddPermission: {
    authorize: (ctx: OperationContext<AddPermissionInput & FunctionPolicyInput>) =>
      functionCheck(ctx, 'AddPermission', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier), {
        'lambda:Principal': ctx.input.Principal,
        ...(ctx.input.FunctionUrlAuthType ? { 'lambda:FunctionUrlAuthType': ctx.input.FunctionUrlAuthType } : {}),
      }),
    async handle(ctx) {
      const { input } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName, input.Qualifier);
      assertPolicyQualifier(ref.qualifier);
      validateAddPermission(input);
      const statement = buildFunctionStatement(input, ref.resourceArn);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const alias = await requireTarget(tx, ref, 'AddPermission');
        const current = await tx.get<PolicyDocumentState>('policy', ref.resourceArn);
        const next = addStatement(current, statement, {
          revisionId: input.RevisionId,
          newRevisionId,
          kind: 'function',
          ...(alias ? { revisionIdsWhenEmpty: [alias.RevisionId] } : {}),
        });
        await assertNotPublic(tx, ref, next);
        await tx.put('policy', ref.resourceArn, next);
      });
      return { Statement: JSON.stringify(statement) };
    },
  },

  GetPolicy: {
    authorize: (ctx: OperationContext<FunctionPolicyInput>) =>
      functionCheck(ctx, 'GetPolicy', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier);
      const state = await ctx.deps.store.lambdaView(async (tx) => {
        await requireTarget(tx, ref, 'GetPolicy');
        return tx.get<PolicyDocumentState>('policy', ref.resourceArn);
      });
      return getPolicyOutput(state, 'function');
    },
  },

  RemovePermission: {
    authorize: (ctx: OperationContext<FunctionPolicyInput & { StatementId: string }>) =>
      functionCheck(ctx, 'RemovePermission', resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier)),
    async handle(ctx) {
      const { input } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName, input.Qualifier);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        await requireTarget(tx, ref, 'RemovePermission');
        const next = removeStatement(await tx.get<PolicyDocumentState>('policy', ref.resourceArn), input.StatementId, {
          revisionId: input.RevisionId,
          newRevisionId,
          kind: 'function',
        });
        // Removing a Deny of a policy PutResourcePolicy wrote can open the rest to everyone.
        await assertNotPublic(tx, ref, next);
        if (next) await tx.put('policy', ref.resourceArn, next);
        else await tx.delete('policy', ref.resourceArn);
      });
      return undefined;
    },
  },

  AddLayerVersionPermission: {
    authorize: (ctx: OperationContext<LayerInput>) => {
      const { layer, arn } = layerVersionArnOf(ctx);
      return layerVersionCheck(ctx, 'AddLayerVersionPermission', arn, layer.accountId);
    },
    async handle(ctx: OperationContext<LayerInput & { StatementId: string; Action: string; Principal: string; OrganizationId?: string }>) {
      const { input } = ctx;
      const { arn, key } = layerVersionArnOf(ctx);
      const statement = buildLayerStatement(input, arn);
      const next = await ctx.deps.store.lambdaTransact(async (tx) => {
        if (!(await tx.has('layerVersion', key))) throw layerVersionNotFoundError(arn);
        const state = addStatement(await tx.get<PolicyDocumentState>('policy', arn), statement, { revisionId: input.RevisionId, newRevisionId, kind: 'layer' });
        await tx.put('policy', arn, state);
        return state;
      });
      return { Statement: JSON.stringify(statement), RevisionId: next.revisionId };
    },
  },

  GetLayerVersionPolicy: {
    authorize: (ctx: OperationContext<LayerInput>) => {
      const { layer, arn } = layerVersionArnOf(ctx);
      return layerVersionCheck(ctx, 'GetLayerVersionPolicy', arn, layer.accountId);
    },
    async handle(ctx) {
      const { arn, key } = layerVersionArnOf(ctx);
      const state = await ctx.deps.store.lambdaView(async (tx) => {
        if (!(await tx.has('layerVersion', key))) throw layerVersionNotFoundError(arn);
        return tx.get<PolicyDocumentState>('policy', arn);
      });
      return getPolicyOutput(state, 'layer');
    },
  },

  RemoveLayerVersionPermission: {
    authorize: (ctx: OperationContext<LayerInput>) => {
      const { layer, arn } = layerVersionArnOf(ctx);
      return layerVersionCheck(ctx, 'RemoveLayerVersionPermission', arn, layer.accountId);
    },
    async handle(ctx: OperationContext<LayerInput & { StatementId: string }>) {
      const { arn, key } = layerVersionArnOf(ctx);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        if (!(await tx.has('layerVersion', key))) throw layerVersionNotFoundError(arn);
        const next = removeStatement(await tx.get<PolicyDocumentState>('policy', arn), ctx.input.StatementId, {
          revisionId: ctx.input.RevisionId,
          newRevisionId,
          kind: 'layer',
        });
        if (next) await tx.put('policy', arn, next);
        else await tx.delete('policy', arn);
      });
      return undefined;
    },
  },
};
