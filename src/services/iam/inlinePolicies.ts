// Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy.
// The three families differ only in the principal kind and its member name, so they are
// built from one template.

import type { PrincipalKind } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import {
  checkInlinePolicySize,
  IamErrors,
  paginate,
  principalArnFor,
  requirePrincipal as requirePrincipalIn,
  storeCall,
  validatePolicyDocument,
} from './common.js';

const FAMILIES: { kind: PrincipalKind; word: 'User' | 'Group' | 'Role' }[] = [
  { kind: 'user', word: 'User' },
  { kind: 'group', word: 'Group' },
  { kind: 'role', word: 'Role' },
];

type Input = Record<string, unknown> & { PolicyName?: string; PolicyDocument?: string; Marker?: string; MaxItems?: number };

function inlineOperations(kind: PrincipalKind, word: 'User' | 'Group' | 'Role'): ServiceOperations {
  const member = `${word}Name`;
  const nameOf = (ctx: OperationContext<Input>) => ctx.input[member] as string;
  /** `iam:<Op>` on the principal the policy is embedded in. */
  const authorize = (action: string) => async (ctx: OperationContext<Input>) => [
    { action, resource: await principalArnFor(ctx.deps, ctx.caller.accountId, kind, nameOf(ctx)) },
  ];
  /** The principal must exist before anything else is looked at. */
  const requirePrincipal = (ctx: OperationContext<Input>): Promise<string> =>
    requirePrincipalIn(ctx.deps, ctx.caller.accountId, kind, nameOf(ctx));
  const missingPrincipal = (ctx: OperationContext<Input>) => () => IamErrors.noSuchEntity(kind, nameOf(ctx));

  return {
    [`Put${word}Policy`]: {
      authorize: authorize(`iam:Put${word}Policy`),
      async handle(ctx: OperationContext<Input>) {
        const principalName = await requirePrincipal(ctx);
        const policyName = ctx.input.PolicyName!;
        const document = ctx.input.PolicyDocument!;
        validatePolicyDocument(document, 'identity');
        // The quota covers all of the principal's inline policies together; a put replaces
        // the policy of the same name (names compare case-insensitively, as the store's).
        const others = (await ctx.deps.store.listInlinePolicies(ctx.caller.accountId, kind, principalName))
          .filter((p) => p.policyName.toLowerCase() !== policyName.toLowerCase())
          .map((p) => p.document);
        checkInlinePolicySize(kind, principalName, [...others, document]);
        await storeCall(
          () =>
            ctx.deps.store.putInlinePolicy({ accountId: ctx.caller.accountId, principalKind: kind, principalName, policyName, document }),
          { NotFound: missingPrincipal(ctx) },
        );
        return undefined;
      },
    },

    [`Get${word}Policy`]: {
      authorize: authorize(`iam:Get${word}Policy`),
      async handle(ctx: OperationContext<Input>) {
        const principalName = await requirePrincipal(ctx);
        const policyName = ctx.input.PolicyName!;
        const policy = await storeCall(
          () => ctx.deps.store.getInlinePolicy(ctx.caller.accountId, kind, principalName, policyName),
          { NotFound: missingPrincipal(ctx) },
        );
        if (!policy) throw IamErrors.noSuchInlinePolicy(kind, policyName);
        return { [member]: principalName, PolicyName: policy.policyName, PolicyDocument: policy.document };
      },
    },

    [`Delete${word}Policy`]: {
      authorize: authorize(`iam:Delete${word}Policy`),
      async handle(ctx: OperationContext<Input>) {
        const principalName = await requirePrincipal(ctx);
        const policyName = ctx.input.PolicyName!;
        const existing = await ctx.deps.store.getInlinePolicy(ctx.caller.accountId, kind, principalName, policyName);
        if (!existing) throw IamErrors.noSuchInlinePolicy(kind, policyName);
        await storeCall(() => ctx.deps.store.deleteInlinePolicy(ctx.caller.accountId, kind, principalName, policyName), {
          NotFound: () => IamErrors.noSuchInlinePolicy(kind, policyName),
        });
        return undefined;
      },
    },

    [`List${word}Policies`]: {
      authorize: authorize(`iam:List${word}Policies`),
      async handle(ctx: OperationContext<Input>) {
        const principalName = await requirePrincipal(ctx);
        const policies = await storeCall(() => ctx.deps.store.listInlinePolicies(ctx.caller.accountId, kind, principalName), {
          NotFound: missingPrincipal(ctx),
        });
        const page = paginate(
          policies.map((p) => p.policyName),
          ctx.input.Marker,
          ctx.input.MaxItems,
        );
        return { PolicyNames: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
      },
    },
  };
}

export const inlinePolicyOperations: ServiceOperations = Object.assign(
  {},
  ...FAMILIES.map(({ kind, word }) => inlineOperations(kind, word)),
) as ServiceOperations;
