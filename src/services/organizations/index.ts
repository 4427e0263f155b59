// AWS Organizations, as much as permissions need: the organization, its accounts and root,
// and service control policies (FullAWSAccess attached everywhere by default). Everything
// but DescribeOrganization is for the management account only, as on AWS.

import { AwsError } from '../../aws/errors.js';
import type { AccountRecord, OrganizationRecord, OrgPolicyRecord } from '../../store/store.js';
import { orgId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import type { ServiceDefinition } from '../pipeline.js';
import { validatePolicyDocument } from '../iam/common.js';

export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
export const FULL_AWS_ACCESS_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

const SCP = 'SERVICE_CONTROL_POLICY';

const errors = {
  notInOrganization: () =>
    new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400),
  notManagement: () => new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400),
  accountNotFound: () => new AwsError('AccountNotFoundException', "You specified an account that doesn't exist.", 400),
  policyNotFound: () => new AwsError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.", 400),
  targetNotFound: () => new AwsError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.", 400),
};

export function organizationArn(o: OrganizationRecord): string {
  return `arn:aws:organizations::${o.managementAccountId}:organization/${o.organizationId}`;
}

export function orgPolicyArn(o: OrganizationRecord, p: OrgPolicyRecord): string {
  return p.awsManaged
    ? `arn:aws:organizations::aws:policy/service_control_policy/${p.policyId}`
    : `arn:aws:organizations::${o.managementAccountId}:policy/${o.organizationId}/service_control_policy/${p.policyId}`;
}

async function organizationOf(ctx: OperationContext): Promise<OrganizationRecord> {
  const id = ctx.caller.account?.organizationId;
  const org = id ? await ctx.deps.store.getOrganization(id) : null;
  if (!org) throw errors.notInOrganization();
  return org;
}

async function managementOnly(ctx: OperationContext): Promise<OrganizationRecord> {
  const org = await organizationOf(ctx);
  if (org.managementAccountId !== ctx.caller.accountId) throw errors.notManagement();
  return org;
}

function accountShape(o: OrganizationRecord, a: AccountRecord) {
  return {
    Id: a.accountId,
    Arn: `arn:aws:organizations::${o.managementAccountId}:account/${o.organizationId}/${a.accountId}`,
    Email: a.email,
    Name: a.name,
    Status: 'ACTIVE',
    State: 'ACTIVE',
    JoinedMethod: a.accountId === o.managementAccountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: new Date(a.joinedAt),
  };
}

function policySummary(o: OrganizationRecord, p: OrgPolicyRecord) {
  return { Id: p.policyId, Arn: orgPolicyArn(o, p), Name: p.name, Description: p.description, Type: p.type, AwsManaged: p.awsManaged };
}

/** Accounts, OUs and the root are the targets policies attach to. */
async function requireTarget(ctx: OperationContext, o: OrganizationRecord, targetId: string): Promise<void> {
  if (targetId === o.rootId) return;
  if (/^\d{12}$/.test(targetId)) {
    const a = await ctx.deps.store.getAccount(targetId);
    if (a?.organizationId === o.organizationId) return;
  } else if ((await ctx.deps.store.listOrganizationalUnits(o.organizationId)).some((u) => u.ouId === targetId)) {
    return;
  }
  throw errors.targetNotFound();
}

async function requirePolicy(ctx: OperationContext, policyId: string): Promise<OrgPolicyRecord> {
  const p = await ctx.deps.store.getOrgPolicy(policyId);
  if (!p) throw errors.policyNotFound();
  return p;
}

const allow = (action: string) => () => [{ action, resource: '*' }];

const operations: ServiceOperations = {
  DescribeOrganization: {
    authorize: allow('organizations:DescribeOrganization'),
    async handle(ctx) {
      const o = await organizationOf(ctx);
      const management = await ctx.deps.store.getAccount(o.managementAccountId);
      return {
        Organization: {
          Id: o.organizationId,
          Arn: organizationArn(o),
          FeatureSet: o.featureSet,
          MasterAccountArn: `arn:aws:organizations::${o.managementAccountId}:account/${o.organizationId}/${o.managementAccountId}`,
          MasterAccountId: o.managementAccountId,
          MasterAccountEmail: management?.email ?? '',
          AvailablePolicyTypes: [{ Type: SCP, Status: 'ENABLED' }],
        },
      };
    },
  },

  ListAccounts: {
    authorize: allow('organizations:ListAccounts'),
    async handle(ctx) {
      const o = await managementOnly(ctx);
      const accounts = (await ctx.deps.store.listAccounts()).filter((a) => a.organizationId === o.organizationId);
      return { Accounts: accounts.map((a) => accountShape(o, a)) };
    },
  },

  DescribeAccount: {
    authorize: allow('organizations:DescribeAccount'),
    async handle(ctx: OperationContext<{ AccountId: string }>) {
      const o = await managementOnly(ctx);
      const a = await ctx.deps.store.getAccount(ctx.input.AccountId);
      if (!a || a.organizationId !== o.organizationId) throw errors.accountNotFound();
      return { Account: accountShape(o, a) };
    },
  },

  ListRoots: {
    authorize: allow('organizations:ListRoots'),
    async handle(ctx) {
      const o = await managementOnly(ctx);
      const policies = await ctx.deps.store.listOrgPoliciesForTarget(o.rootId);
      return {
        Roots: [
          {
            Id: o.rootId,
            Arn: `arn:aws:organizations::${o.managementAccountId}:root/${o.organizationId}/${o.rootId}`,
            Name: 'Root',
            PolicyTypes: policies.length > 0 ? [{ Type: SCP, Status: 'ENABLED' }] : [],
          },
        ],
      };
    },
  },

  CreatePolicy: {
    authorize: allow('organizations:CreatePolicy'),
    async handle(ctx: OperationContext<{ Name: string; Description: string; Content: string; Type: string }>) {
      const o = await managementOnly(ctx);
      const { input } = ctx;
      if (input.Type !== SCP) {
        throw new AwsError('PolicyTypeNotEnabledException', 'This operation can be performed only for enabled policy types.', 400);
      }
      try {
        validatePolicyDocument(input.Content, 'scp');
      } catch (e) {
        if (e instanceof AwsError) throw new AwsError('MalformedPolicyDocumentException', e.message, 400);
        throw e;
      }
      const existing = await ctx.deps.store.listOrgPolicies(o.organizationId);
      if (existing.some((p) => p.name === input.Name)) {
        throw new AwsError('DuplicatePolicyException', 'A policy with the same name already exists.', 400);
      }
      const policy: OrgPolicyRecord = {
        policyId: orgId('policy'),
        organizationId: o.organizationId,
        name: input.Name,
        description: input.Description,
        type: SCP,
        content: input.Content,
        awsManaged: false,
      };
      await ctx.deps.store.putOrgPolicy(policy);
      return { Policy: { PolicySummary: policySummary(o, policy), Content: policy.content } };
    },
  },

  DescribePolicy: {
    authorize: allow('organizations:DescribePolicy'),
    async handle(ctx: OperationContext<{ PolicyId: string }>) {
      const o = await managementOnly(ctx);
      const p = await requirePolicy(ctx, ctx.input.PolicyId);
      return { Policy: { PolicySummary: policySummary(o, p), Content: p.content } };
    },
  },

  ListPolicies: {
    authorize: allow('organizations:ListPolicies'),
    async handle(ctx: OperationContext<{ Filter: string }>) {
      const o = await managementOnly(ctx);
      const policies = ctx.input.Filter === SCP ? await ctx.deps.store.listOrgPolicies(o.organizationId) : [];
      return { Policies: policies.map((p) => policySummary(o, p)) };
    },
  },

  AttachPolicy: {
    authorize: allow('organizations:AttachPolicy'),
    async handle(ctx: OperationContext<{ PolicyId: string; TargetId: string }>) {
      const o = await managementOnly(ctx);
      await requirePolicy(ctx, ctx.input.PolicyId);
      await requireTarget(ctx, o, ctx.input.TargetId);
      const attached = await ctx.deps.store.listTargetsForOrgPolicy(ctx.input.PolicyId);
      if (attached.includes(ctx.input.TargetId)) {
        throw new AwsError('DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.', 400);
      }
      await ctx.deps.store.attachOrgPolicy(ctx.input.PolicyId, ctx.input.TargetId);
      return undefined;
    },
  },

  DetachPolicy: {
    authorize: allow('organizations:DetachPolicy'),
    async handle(ctx: OperationContext<{ PolicyId: string; TargetId: string }>) {
      const o = await managementOnly(ctx);
      await requirePolicy(ctx, ctx.input.PolicyId);
      await requireTarget(ctx, o, ctx.input.TargetId);
      const attached = await ctx.deps.store.listTargetsForOrgPolicy(ctx.input.PolicyId);
      if (!attached.includes(ctx.input.TargetId)) {
        throw new AwsError('PolicyNotAttachedException', 'The policy you specified is not attached to the target you specified.', 400);
      }
      await ctx.deps.store.detachOrgPolicy(ctx.input.PolicyId, ctx.input.TargetId);
      return undefined;
    },
  },

  ListPoliciesForTarget: {
    authorize: allow('organizations:ListPoliciesForTarget'),
    async handle(ctx: OperationContext<{ TargetId: string; Filter: string }>) {
      const o = await managementOnly(ctx);
      await requireTarget(ctx, o, ctx.input.TargetId);
      const policies = await ctx.deps.store.listOrgPoliciesForTarget(ctx.input.TargetId);
      return { Policies: policies.filter((p) => p.type === ctx.input.Filter).map((p) => policySummary(o, p)) };
    },
  },

  ListTargetsForPolicy: {
    authorize: allow('organizations:ListTargetsForPolicy'),
    async handle(ctx: OperationContext<{ PolicyId: string }>) {
      const o = await managementOnly(ctx);
      await requirePolicy(ctx, ctx.input.PolicyId);
      const targets = await ctx.deps.store.listTargetsForOrgPolicy(ctx.input.PolicyId);
      return {
        Targets: targets.map((id) => ({
          TargetId: id,
          Type: id === o.rootId ? 'ROOT' : /^\d{12}$/.test(id) ? 'ACCOUNT' : 'ORGANIZATIONAL_UNIT',
          Name: id === o.rootId ? 'Root' : id,
          Arn: id === o.rootId
            ? `arn:aws:organizations::${o.managementAccountId}:root/${o.organizationId}/${id}`
            : /^\d{12}$/.test(id)
              ? `arn:aws:organizations::${o.managementAccountId}:account/${o.organizationId}/${id}`
              : `arn:aws:organizations::${o.managementAccountId}:ou/${o.organizationId}/${id}`,
        })),
      };
    },
  },
};

export const organizationsService: ServiceDefinition = { operations, accessDeniedCode: 'AccessDeniedException', changesIdentities: true };
