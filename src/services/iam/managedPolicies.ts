// Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, policy versions,
// attachments to users, groups and roles, ListEntitiesForPolicy.
//
// AWS managed policies live in the store under account 'aws' (`arn:aws:iam::aws:policy/…`).
// Reading them is authorized as a request in the caller's own account; changing them
// (DeletePolicy, CreatePolicyVersion, SetDefaultPolicyVersion, DeletePolicyVersion) is
// authorized on the ARN as it is, whose account is 'aws': a cross-account request without a
// resource-based policy, so the engine denies it even to an administrator, as IAM does.

import type { ManagedPolicyRecord, PrincipalKind, Tag } from '../../store/store.js';
import { uniqueId } from '../ids.js';
import type { AuthorizationCheck, OperationContext, ServiceOperations } from '../operation.js';
import {
  checkPolicySize,
  iamArn,
  IamErrors,
  isoDate,
  pageRequest,
  paginate,
  POLICY_SIZE_QUOTA,
  principalArnFor,
  requestTagContext,
  requireParsablePolicyArn,
  requirePrincipal as requirePrincipalIn,
  storeCall,
  tagsOf,
  validatePolicyDocument,
} from './common.js';
import { AwsError } from '../../aws/errors.js';

export const AWS_MANAGED_ACCOUNT = 'aws';
const MAX_VERSIONS = 5;

type PolicyView = 'create' | 'get' | 'list';

/** The Policy structure; ListPolicies leaves out Description and Tags, as IAM does. */
export function policyShape(p: ManagedPolicyRecord, view: PolicyView = 'get'): Record<string, unknown> {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: p.boundaryUsageCount,
    IsAttachable: true,
    ...(view !== 'list' && p.description ? { Description: p.description } : {}),
    CreateDate: isoDate(p.createDate),
    UpdateDate: isoDate(p.updateDate),
    ...(view !== 'list' && p.tags.length > 0 ? { Tags: p.tags } : {}),
  };
}

export function isAwsManaged(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::aws:policy\//.test(arn);
}

/**
 * `iam:<Op>` on a policy ARN. Reads of AWS managed policies count as same-account requests
 * (anyone allowed the action may read them); everything else keeps the ARN's own account.
 */
function onPolicy(action: string, read: boolean) {
  return (ctx: OperationContext<{ PolicyArn: string }>): AuthorizationCheck[] => [
    {
      action,
      resource: ctx.input.PolicyArn,
      ...(read && isAwsManaged(ctx.input.PolicyArn) ? { resourceAccount: ctx.caller.accountId } : {}),
    },
  ];
}

/** The policy, visible to the caller (its own or an AWS managed one); NoSuchEntity otherwise. */
export async function requirePolicy(ctx: OperationContext, arn: string): Promise<ManagedPolicyRecord> {
  requireParsablePolicyArn(arn);
  const policy = await ctx.deps.store.getManagedPolicy(arn, ctx.caller.accountId);
  if (!policy || (policy.accountId !== AWS_MANAGED_ACCOUNT && policy.accountId !== ctx.caller.accountId)) {
    throw IamErrors.noSuchPolicy(arn);
  }
  return policy;
}

/** Should authorization ever let a change to an AWS managed policy through, refuse it here too. */
function refuseAwsManaged(ctx: OperationContext, action: string, policy: ManagedPolicyRecord): void {
  if (policy.accountId !== AWS_MANAGED_ACCOUNT) return;
  throw new AwsError(
    'AccessDenied',
    `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: ${policy.arn} because no resource-based policy allows the ${action} action`,
    403,
  );
}

const noSuchVersion = (arn: string, versionId: string) =>
  new AwsError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404);

function versionShape(v: { versionId: string; isDefault: boolean; createDate: string; document?: string }, withDocument: boolean) {
  return {
    ...(withDocument && v.document !== undefined ? { Document: v.document } : {}),
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefault,
    CreateDate: isoDate(v.createDate),
  };
}

const versionNumber = (id: string): number => Number(/^v(\d+)/.exec(id)?.[1] ?? 0);

/** Reads every page of a store listing. */
async function allPages<T>(fetch: (marker?: string) => Promise<{ items: T[]; nextMarker: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetch(marker);
    out.push(...page.items);
    if (!page.nextMarker) return out;
    marker = page.nextMarker;
  }
}

type ListInput = { PathPrefix?: string; Marker?: string; MaxItems?: number };

const policyOperations: ServiceOperations = {
  CreatePolicy: {
    authorize: (ctx: OperationContext<{ PolicyName: string; Path?: string; Tags?: Tag[] }>) => [
      {
        action: 'iam:CreatePolicy',
        resource: iamArn(ctx.caller.accountId, 'policy', ctx.input.Path ?? '/', ctx.input.PolicyName),
        context: requestTagContext(tagsOf(ctx.input)),
      },
    ],
    async handle(ctx: OperationContext<{ PolicyName: string; Path?: string; PolicyDocument: string; Description?: string; Tags?: Tag[] }>) {
      const { input, caller, deps } = ctx;
      validatePolicyDocument(input.PolicyDocument, 'identity', true);
      checkPolicySize(input.PolicyDocument, POLICY_SIZE_QUOTA.managed);
      const path = input.Path ?? '/';
      const now = deps.now().toISOString();
      const record = {
        arn: iamArn(caller.accountId, 'policy', path, input.PolicyName),
        accountId: caller.accountId,
        policyName: input.PolicyName,
        policyId: uniqueId('ANPA'),
        path,
        description: input.Description ?? null,
        defaultVersionId: 'v1',
        createDate: now,
        updateDate: now,
        tags: tagsOf(input),
      };
      await storeCall(
        () =>
          deps.store.createManagedPolicy(record, {
            policyArn: record.arn,
            versionId: 'v1',
            document: input.PolicyDocument,
            isDefault: true,
            createDate: now,
          }),
        { AlreadyExists: () => IamErrors.policyExists(input.PolicyName) },
      );
      return { Policy: policyShape({ ...record, attachmentCount: 0, boundaryUsageCount: 0 }, 'create') };
    },
  },

  GetPolicy: {
    authorize: onPolicy('iam:GetPolicy', true),
    async handle(ctx) {
      return { Policy: policyShape(await requirePolicy(ctx, ctx.input.PolicyArn), 'get') };
    },
  },

  DeletePolicy: {
    authorize: onPolicy('iam:DeletePolicy', false),
    async handle(ctx) {
      const arn = ctx.input.PolicyArn;
      const policy = await requirePolicy(ctx, arn);
      refuseAwsManaged(ctx, 'iam:DeletePolicy', policy);
      if (policy.attachmentCount > 0) throw IamErrors.deleteConflict('Cannot delete a policy attached to entities.');
      const versions = await ctx.deps.store.listPolicyVersions(arn);
      if (versions.length > 1) {
        throw IamErrors.deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      await storeCall(() => ctx.deps.store.deleteManagedPolicy(arn), {
        NotFound: () => IamErrors.noSuchPolicy(arn),
      });
      return undefined;
    },
  },

  ListPolicies: {
    authorize: () => [{ action: 'iam:ListPolicies', resource: '*' }],
    async handle(
      ctx: OperationContext<
        ListInput & { Scope?: 'All' | 'AWS' | 'Local'; OnlyAttached?: boolean; PolicyUsageFilter?: 'PermissionsPolicy' | 'PermissionsBoundary' }
      >,
    ) {
      const { input } = ctx;
      const page = await ctx.deps.store.listManagedPolicies(
        ctx.caller.accountId,
        input.Scope ?? 'All',
        input.OnlyAttached ?? false,
        pageRequest(input),
      );
      let items = page.items;
      // With OnlyAttached, the usage filter says which kind of use counts.
      if (input.OnlyAttached && input.PolicyUsageFilter === 'PermissionsPolicy') items = items.filter((p) => p.attachmentCount > 0);
      if (input.OnlyAttached && input.PolicyUsageFilter === 'PermissionsBoundary') items = items.filter((p) => p.boundaryUsageCount > 0);
      return {
        Policies: items.map((p) => policyShape(p, 'list')),
        IsTruncated: page.nextMarker !== null,
        ...(page.nextMarker ? { Marker: page.nextMarker } : {}),
      };
    },
  },

  CreatePolicyVersion: {
    authorize: onPolicy('iam:CreatePolicyVersion', false),
    async handle(ctx: OperationContext<{ PolicyArn: string; PolicyDocument: string; SetAsDefault?: boolean }>) {
      const { input, deps } = ctx;
      const policy = await requirePolicy(ctx, input.PolicyArn);
      refuseAwsManaged(ctx, 'iam:CreatePolicyVersion', policy);
      validatePolicyDocument(input.PolicyDocument, 'identity', true);
      checkPolicySize(input.PolicyDocument, POLICY_SIZE_QUOTA.managed);
      const versions = await deps.store.listPolicyVersions(policy.arn);
      if (versions.length >= MAX_VERSIONS) {
        throw new AwsError(
          'LimitExceeded',
          `A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
          409,
        );
      }
      // Ids are never reused while the newer ones exist: the next is one past the highest.
      // (A deleted highest version's id can come back; the store keeps no counter.)
      const highest = Math.max(versionNumber(policy.defaultVersionId), ...versions.map((v) => versionNumber(v.versionId)));
      const setAsDefault = input.SetAsDefault ?? false;
      const version = {
        policyArn: policy.arn,
        versionId: `v${highest + 1}`,
        document: input.PolicyDocument,
        isDefault: setAsDefault,
        createDate: deps.now().toISOString(),
      };
      await storeCall(() => deps.store.createPolicyVersion(version, setAsDefault), {
        NotFound: () => IamErrors.noSuchPolicy(policy.arn),
      });
      return { PolicyVersion: versionShape(version, false) };
    },
  },

  GetPolicyVersion: {
    authorize: onPolicy('iam:GetPolicyVersion', true),
    async handle(ctx: OperationContext<{ PolicyArn: string; VersionId: string }>) {
      const policy = await requirePolicy(ctx, ctx.input.PolicyArn);
      const version = await ctx.deps.store.getPolicyVersion(policy.arn, ctx.input.VersionId);
      if (!version) throw noSuchVersion(policy.arn, ctx.input.VersionId);
      return { PolicyVersion: versionShape(version, true) };
    },
  },

  ListPolicyVersions: {
    authorize: onPolicy('iam:ListPolicyVersions', true),
    async handle(ctx: OperationContext<{ PolicyArn: string; Marker?: string; MaxItems?: number }>) {
      const policy = await requirePolicy(ctx, ctx.input.PolicyArn);
      const versions = await storeCall(() => ctx.deps.store.listPolicyVersions(policy.arn), {
        NotFound: () => IamErrors.noSuchPolicy(policy.arn),
      });
      const page = paginate(versions, ctx.input.Marker, ctx.input.MaxItems);
      return {
        Versions: page.items.map((v) => versionShape(v, false)),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  },

  SetDefaultPolicyVersion: {
    authorize: onPolicy('iam:SetDefaultPolicyVersion', false),
    async handle(ctx: OperationContext<{ PolicyArn: string; VersionId: string }>) {
      const policy = await requirePolicy(ctx, ctx.input.PolicyArn);
      refuseAwsManaged(ctx, 'iam:SetDefaultPolicyVersion', policy);
      const { VersionId } = ctx.input;
      if (!(await ctx.deps.store.getPolicyVersion(policy.arn, VersionId))) throw noSuchVersion(policy.arn, VersionId);
      await storeCall(() => ctx.deps.store.setDefaultPolicyVersion(policy.arn, VersionId), {
        NotFound: () => noSuchVersion(policy.arn, VersionId),
      });
      return undefined;
    },
  },

  DeletePolicyVersion: {
    authorize: onPolicy('iam:DeletePolicyVersion', false),
    async handle(ctx: OperationContext<{ PolicyArn: string; VersionId: string }>) {
      const policy = await requirePolicy(ctx, ctx.input.PolicyArn);
      refuseAwsManaged(ctx, 'iam:DeletePolicyVersion', policy);
      const { VersionId } = ctx.input;
      const version = await ctx.deps.store.getPolicyVersion(policy.arn, VersionId);
      if (!version) throw noSuchVersion(policy.arn, VersionId);
      if (version.isDefault) throw IamErrors.deleteConflict('Cannot delete the default version of a policy.');
      await storeCall(() => ctx.deps.store.deletePolicyVersion(policy.arn, VersionId), {
        NotFound: () => noSuchVersion(policy.arn, VersionId),
      });
      return undefined;
    },
  },

  ListEntitiesForPolicy: {
    authorize: onPolicy('iam:ListEntitiesForPolicy', true),
    async handle(
      ctx: OperationContext<
        ListInput & {
          PolicyArn: string;
          EntityFilter?: 'User' | 'Role' | 'Group' | 'LocalManagedPolicy' | 'AWSManagedPolicy';
          PolicyUsageFilter?: 'PermissionsPolicy' | 'PermissionsBoundary';
        }
      >,
    ) {
      const { input, deps } = ctx;
      const { store } = deps;
      const { accountId } = ctx.caller;
      const policy = await requirePolicy(ctx, input.PolicyArn);
      const filter = input.EntityFilter;
      const wants = (kind: 'User' | 'Role' | 'Group') => !filter || filter === kind || filter.endsWith('ManagedPolicy');
      const asPolicy = input.PolicyUsageFilter !== 'PermissionsBoundary';
      const asBoundary = input.PolicyUsageFilter !== 'PermissionsPolicy';
      const prefix = input.PathPrefix ?? '/';
      const attached = async (kind: PrincipalKind, name: string) =>
        asPolicy && (await store.listAttachedPolicies(accountId, kind, name)).some((p) => p.arn === policy.arn);

      type Entity = { kind: 'User' | 'Group' | 'Role'; name: string; id: string };
      const entities: Entity[] = [];
      if (wants('Group')) {
        for (const g of await allPages((marker) => store.listGroups(accountId, { pathPrefix: prefix, ...(marker ? { marker } : {}) }))) {
          if (await attached('group', g.groupName)) entities.push({ kind: 'Group', name: g.groupName, id: g.groupId });
        }
      }
      if (wants('User')) {
        for (const u of await allPages((marker) => store.listUsers(accountId, { pathPrefix: prefix, ...(marker ? { marker } : {}) }))) {
          const used = (asBoundary && u.permissionsBoundaryArn === policy.arn) || (await attached('user', u.userName));
          if (used) entities.push({ kind: 'User', name: u.userName, id: u.userId });
        }
      }
      if (wants('Role')) {
        for (const r of await allPages((marker) => store.listRoles(accountId, { pathPrefix: prefix, ...(marker ? { marker } : {}) }))) {
          const used = (asBoundary && r.permissionsBoundaryArn === policy.arn) || (await attached('role', r.roleName));
          if (used) entities.push({ kind: 'Role', name: r.roleName, id: r.roleId });
        }
      }
      const page = paginate(entities, input.Marker, input.MaxItems);
      const of = (kind: Entity['kind']) => page.items.filter((e) => e.kind === kind);
      return {
        PolicyGroups: of('Group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
        PolicyUsers: of('User').map((e) => ({ UserName: e.name, UserId: e.id })),
        PolicyRoles: of('Role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  },
};

// ---- Attachments: Attach/Detach/ListAttached{User,Group,Role}Policies -----------------------

const FAMILIES: { kind: PrincipalKind; word: 'User' | 'Group' | 'Role' }[] = [
  { kind: 'user', word: 'User' },
  { kind: 'group', word: 'Group' },
  { kind: 'role', word: 'Role' },
];

type AttachInput = Record<string, unknown> & { PolicyArn?: string } & ListInput;

function attachmentOperations(kind: PrincipalKind, word: 'User' | 'Group' | 'Role'): ServiceOperations {
  const member = `${word}Name`;
  const nameOf = (ctx: OperationContext<AttachInput>) => ctx.input[member] as string;
  const requirePrincipal = (ctx: OperationContext<AttachInput>): Promise<string> =>
    requirePrincipalIn(ctx.deps, ctx.caller.accountId, kind, nameOf(ctx));
  /** `iam:<Op>` on the principal, with `iam:PolicyARN` for the policy being (de)attached. */
  const authorize = (action: string, withPolicy: boolean) => async (ctx: OperationContext<AttachInput>) => [
    {
      action,
      resource: await principalArnFor(ctx.deps, ctx.caller.accountId, kind, nameOf(ctx)),
      ...(withPolicy ? { context: { 'iam:PolicyARN': ctx.input.PolicyArn } } : {}),
    },
  ];

  return {
    [`Attach${word}Policy`]: {
      authorize: authorize(`iam:Attach${word}Policy`, true),
      async handle(ctx: OperationContext<AttachInput>) {
        const arn = ctx.input.PolicyArn!;
        requireParsablePolicyArn(arn);
        const principalName = await requirePrincipal(ctx);
        const policy = await ctx.deps.store.getManagedPolicy(arn, ctx.caller.accountId);
        if (!policy || (policy.accountId !== AWS_MANAGED_ACCOUNT && policy.accountId !== ctx.caller.accountId)) {
          throw IamErrors.notAttachable(arn);
        }
        // LimitExceeded (`Cannot exceed quota for PoliciesPerUser: 10`) comes from the store.
        await storeCall(() => ctx.deps.store.attachPolicy(ctx.caller.accountId, kind, principalName, arn), {
          NotFound: () => IamErrors.notAttachable(arn),
        });
        return undefined;
      },
    },

    [`Detach${word}Policy`]: {
      authorize: authorize(`iam:Detach${word}Policy`, true),
      async handle(ctx: OperationContext<AttachInput>) {
        const arn = ctx.input.PolicyArn!;
        requireParsablePolicyArn(arn);
        const principalName = await requirePrincipal(ctx);
        await storeCall(() => ctx.deps.store.detachPolicy(ctx.caller.accountId, kind, principalName, arn), {
          NotFound: () => IamErrors.noSuchPolicy(arn),
        });
        return undefined;
      },
    },

    [`ListAttached${word}Policies`]: {
      authorize: authorize(`iam:ListAttached${word}Policies`, false),
      async handle(ctx: OperationContext<AttachInput>) {
        const principalName = await requirePrincipal(ctx);
        const prefix = ctx.input.PathPrefix ?? '/';
        const policies = (await ctx.deps.store.listAttachedPolicies(ctx.caller.accountId, kind, principalName)).filter((p) =>
          p.path.startsWith(prefix),
        );
        const page = paginate(policies, ctx.input.Marker, ctx.input.MaxItems);
        return {
          AttachedPolicies: page.items.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.arn })),
          IsTruncated: page.IsTruncated,
          ...(page.Marker ? { Marker: page.Marker } : {}),
        };
      },
    },
  };
}

export const managedPolicyOperations: ServiceOperations = Object.assign(
  { ...policyOperations },
  ...FAMILIES.map(({ kind, word }) => attachmentOperations(kind, word)),
) as ServiceOperations;
