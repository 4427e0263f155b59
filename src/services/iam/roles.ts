// IAM roles: CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole, the trust policy, role
// tags and permissions boundaries.

import { AwsError } from '../../aws/errors.js';
import type { RoleRecord, Tag } from '../../store/store.js';
import { uniqueId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import {
  checkTrustPolicySize,
  iamArn,
  IamErrors,
  isoDate,
  pageRequest,
  principalArnFor,
  requestTagContext,
  storeCall,
  tagPage,
  tagsOf,
  validatePolicyDocument,
} from './common.js';
import { mergeTags } from './users.js';

export const DEFAULT_MAX_SESSION_DURATION = 3600;

type RoleView = 'create' | 'get' | 'list';

/**
 * The Role structure as each operation returns it: CreateRole without MaxSessionDuration,
 * GetRole with everything (RoleLastUsed included), ListRoles without tags, boundary and
 * RoleLastUsed (IAM's list operations return a subset of the attributes).
 */
export function roleShape(r: RoleRecord, view: RoleView = 'get'): Record<string, unknown> {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: isoDate(r.createDate),
    AssumeRolePolicyDocument: r.assumeRolePolicyDocument,
    ...(r.description !== null && r.description !== undefined ? { Description: r.description } : {}),
    ...(view !== 'create' ? { MaxSessionDuration: r.maxSessionDuration } : {}),
    ...(view !== 'list' && r.permissionsBoundaryArn
      ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.permissionsBoundaryArn } }
      : {}),
    ...(view !== 'list' && r.tags.length > 0 ? { Tags: r.tags } : {}),
    ...(view === 'get' ? { RoleLastUsed: {} } : {}),
  };
}

type RoleInput = { RoleName: string };

/** Authorizes `iam:<Operation>` on the named role (with its path when it exists). */
const onRole = (action: string) => async (ctx: OperationContext<RoleInput>) => [
  { action, resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'role', ctx.input.RoleName) },
];

export async function requireRole(ctx: OperationContext, roleName: string): Promise<RoleRecord> {
  const role = await ctx.deps.store.getRole(ctx.caller.accountId, roleName);
  if (!role) throw IamErrors.noSuchEntity('role', roleName);
  return role;
}

/** The model's bounds for MaxSessionDuration, in the codec's words (the codec checks them first). */
function checkMaxSessionDuration(value: number | undefined): void {
  if (value === undefined) return;
  if (value < 3600) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600`,
      400,
    );
  }
  if (value > 43200) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200`,
      400,
    );
  }
}

function validateTrustPolicy(document: string): void {
  validatePolicyDocument(document, 'trust');
  checkTrustPolicySize(document);
}

type CreateRoleInput = RoleInput & {
  Path?: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: Tag[];
};

export const roleOperations: ServiceOperations = {
  CreateRole: {
    authorize: (ctx: OperationContext<CreateRoleInput>) => {
      const { caller, input } = ctx;
      return [
        {
          action: 'iam:CreateRole',
          resource: iamArn(caller.accountId, 'role', input.Path ?? '/', input.RoleName),
          context: {
            ...requestTagContext(tagsOf(input)),
            ...(input.PermissionsBoundary ? { 'iam:PermissionsBoundary': input.PermissionsBoundary } : {}),
          },
        },
      ];
    },
    async handle(ctx) {
      const { input, caller, deps } = ctx;
      validateTrustPolicy(input.AssumeRolePolicyDocument);
      checkMaxSessionDuration(input.MaxSessionDuration);
      if (input.PermissionsBoundary && !(await deps.store.getManagedPolicy(input.PermissionsBoundary))) {
        throw IamErrors.noSuchPolicy(input.PermissionsBoundary);
      }
      const path = input.Path ?? '/';
      const role: RoleRecord = {
        accountId: caller.accountId,
        roleName: input.RoleName,
        roleId: uniqueId('AROA'),
        path,
        arn: iamArn(caller.accountId, 'role', path, input.RoleName),
        createDate: deps.now().toISOString(),
        assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
        description: input.Description ?? null,
        maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
        permissionsBoundaryArn: input.PermissionsBoundary ?? null,
        tags: tagsOf(input),
      };
      await storeCall(() => deps.store.createRole(role), {
        AlreadyExists: () => IamErrors.alreadyExists('role', input.RoleName),
        NotFound: () => IamErrors.notAttachable(input.PermissionsBoundary ?? ''),
      });
      return { Role: roleShape(role, 'create') };
    },
  },

  GetRole: {
    authorize: onRole('iam:GetRole'),
    async handle(ctx) {
      return { Role: roleShape(await requireRole(ctx, ctx.input.RoleName), 'get') };
    },
  },

  DeleteRole: {
    authorize: onRole('iam:DeleteRole'),
    async handle(ctx) {
      const { store } = ctx.deps;
      const { accountId } = ctx.caller;
      const role = await requireRole(ctx, ctx.input.RoleName);
      // AWS names the first kind of thing still hanging off the role.
      if ((await store.listAttachedPolicies(accountId, 'role', role.roleName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      if ((await store.listInlinePolicies(accountId, 'role', role.roleName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
      }
      await storeCall(() => store.deleteRole(accountId, role.roleName), {
        NotFound: () => IamErrors.noSuchEntity('role', ctx.input.RoleName),
      });
      return undefined;
    },
  },

  ListRoles: {
    authorize: () => [{ action: 'iam:ListRoles', resource: '*' }],
    async handle(ctx: OperationContext<{ PathPrefix?: string; Marker?: string; MaxItems?: number }>) {
      const page = await ctx.deps.store.listRoles(ctx.caller.accountId, pageRequest(ctx.input));
      return {
        Roles: page.items.map((r) => roleShape(r, 'list')),
        IsTruncated: page.nextMarker !== null,
        ...(page.nextMarker ? { Marker: page.nextMarker } : {}),
      };
    },
  },

  UpdateRole: {
    authorize: onRole('iam:UpdateRole'),
    async handle(ctx: OperationContext<RoleInput & { Description?: string; MaxSessionDuration?: number }>) {
      const { input } = ctx;
      checkMaxSessionDuration(input.MaxSessionDuration);
      const role = await requireRole(ctx, input.RoleName);
      await storeCall(
        () =>
          ctx.deps.store.updateRole({
            ...role,
            ...(input.Description !== undefined ? { description: input.Description } : {}),
            ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
          }),
        { NotFound: () => IamErrors.noSuchEntity('role', input.RoleName) },
      );
      return {};
    },
  },

  UpdateAssumeRolePolicy: {
    authorize: onRole('iam:UpdateAssumeRolePolicy'),
    async handle(ctx: OperationContext<RoleInput & { PolicyDocument: string }>) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      validateTrustPolicy(ctx.input.PolicyDocument);
      await storeCall(() => ctx.deps.store.updateRole({ ...role, assumeRolePolicyDocument: ctx.input.PolicyDocument }), {
        NotFound: () => IamErrors.noSuchEntity('role', ctx.input.RoleName),
      });
      return undefined;
    },
  },

  TagRole: {
    authorize: async (ctx: OperationContext<RoleInput & { Tags: Tag[] }>) => [
      {
        action: 'iam:TagRole',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'role', ctx.input.RoleName),
        context: requestTagContext(tagsOf(ctx.input)),
      },
    ],
    async handle(ctx) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      await ctx.deps.store.updateRole({ ...role, tags: mergeTags(role.tags, tagsOf(ctx.input)) });
      return undefined;
    },
  },

  UntagRole: {
    authorize: async (ctx: OperationContext<RoleInput & { TagKeys: string[] }>) => [
      {
        action: 'iam:UntagRole',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'role', ctx.input.RoleName),
        context: { 'aws:TagKeys': ctx.input.TagKeys },
      },
    ],
    async handle(ctx) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      const drop = new Set(ctx.input.TagKeys);
      await ctx.deps.store.updateRole({ ...role, tags: role.tags.filter((t) => !drop.has(t.Key)) });
      return undefined;
    },
  },

  ListRoleTags: {
    authorize: onRole('iam:ListRoleTags'),
    async handle(ctx) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      return tagPage(role.tags, ctx.input);
    },
  },

  PutRolePermissionsBoundary: {
    authorize: async (ctx: OperationContext<RoleInput & { PermissionsBoundary: string }>) => [
      {
        action: 'iam:PutRolePermissionsBoundary',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'role', ctx.input.RoleName),
        context: { 'iam:PermissionsBoundary': ctx.input.PermissionsBoundary },
      },
    ],
    async handle(ctx) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      const boundary = ctx.input.PermissionsBoundary;
      const policy = await ctx.deps.store.getManagedPolicy(boundary);
      if (!policy || (policy.accountId !== 'aws' && policy.accountId !== ctx.caller.accountId)) {
        throw IamErrors.notAttachable(boundary);
      }
      await storeCall(() => ctx.deps.store.updateRole({ ...role, permissionsBoundaryArn: boundary }), {
        NotFound: () => IamErrors.notAttachable(boundary),
      });
      return undefined;
    },
  },

  DeleteRolePermissionsBoundary: {
    authorize: onRole('iam:DeleteRolePermissionsBoundary'),
    async handle(ctx) {
      const role = await requireRole(ctx, ctx.input.RoleName);
      await ctx.deps.store.updateRole({ ...role, permissionsBoundaryArn: null });
      return undefined;
    },
  },
};
