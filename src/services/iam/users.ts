// IAM users: CreateUser, GetUser, DeleteUser, ListUsers, user tags and permissions boundaries.

import { AwsError } from '../../aws/errors.js';
import type { Tag, UserRecord } from '../../store/store.js';
import { uniqueId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { iamArn, IamErrors, isoDate, principalArnFor, requestTagContext, storeCall, tagPage, tagsOf } from './common.js';

export function userShape(u: UserRecord, withTags = true): Record<string, unknown> {
  return {
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: u.arn,
    CreateDate: isoDate(u.createDate),
    ...(u.permissionsBoundaryArn
      ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: u.permissionsBoundaryArn } }
      : {}),
    ...(withTags && u.tags.length > 0 ? { Tags: u.tags } : {}),
  };
}

type UserInput = { UserName: string };

/** Authorizes `iam:<Operation>` on the named user (with its path when it exists). */
const onUser = (action: string) => async (ctx: OperationContext<UserInput>) => [
  { action, resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName) },
];

export async function requireUser(ctx: OperationContext, userName: string): Promise<UserRecord> {
  const user = await ctx.deps.store.getUser(ctx.caller.accountId, userName);
  if (!user) throw IamErrors.noSuchEntity('user', userName);
  return user;
}

export const userOperations: ServiceOperations = {
  CreateUser: {
    authorize: (ctx: OperationContext<{ UserName: string; Path?: string; Tags?: Tag[]; PermissionsBoundary?: string }>) => {
      const { caller, input } = ctx;
      return [
        {
          action: 'iam:CreateUser',
          resource: iamArn(caller.accountId, 'user', input.Path ?? '/', input.UserName),
          context: {
            ...requestTagContext(tagsOf(input)),
            ...(input.PermissionsBoundary ? { 'iam:PermissionsBoundary': input.PermissionsBoundary } : {}),
          },
        },
      ];
    },
    async handle(ctx) {
      const { input, caller, deps } = ctx;
      const path = input.Path ?? '/';
      if (input.PermissionsBoundary && !(await deps.store.getManagedPolicy(input.PermissionsBoundary))) {
        throw IamErrors.noSuchPolicy(input.PermissionsBoundary);
      }
      const user: UserRecord = {
        accountId: caller.accountId,
        userName: input.UserName,
        userId: uniqueId('AIDA'),
        path,
        arn: iamArn(caller.accountId, 'user', path, input.UserName),
        createDate: deps.now().toISOString(),
        permissionsBoundaryArn: input.PermissionsBoundary ?? null,
        tags: tagsOf(input),
      };
      await storeCall(() => deps.store.createUser(user), { AlreadyExists: () => IamErrors.alreadyExists('user', input.UserName) });
      return { User: userShape(user) };
    },
  },

  GetUser: {
    // Without UserName, GetUser describes the caller.
    authorize: async (ctx: OperationContext<{ UserName?: string }>) => [
      {
        action: 'iam:GetUser',
        resource: ctx.input.UserName
          ? await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName)
          : ctx.caller.arn,
      },
    ],
    async handle(ctx) {
      const name = ctx.input.UserName ?? ctx.caller.user?.userName;
      if (!name || ctx.caller.role) {
        throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
      }
      return { User: userShape(await requireUser(ctx, name)) };
    },
  },

  DeleteUser: {
    authorize: onUser('iam:DeleteUser'),
    async handle(ctx) {
      const { store } = ctx.deps;
      const { accountId } = ctx.caller;
      const user = await requireUser(ctx, ctx.input.UserName);
      // AWS names the first kind of thing still hanging off the user.
      if ((await store.listAccessKeys(accountId, user.userName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must delete access keys first.');
      }
      if ((await store.listInlinePolicies(accountId, 'user', user.userName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
      }
      if ((await store.listAttachedPolicies(accountId, 'user', user.userName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      if ((await store.listGroupsForUser(accountId, user.userName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
      }
      await storeCall(() => store.deleteUser(accountId, user.userName), {});
      return undefined;
    },
  },

  ListUsers: {
    authorize: () => [{ action: 'iam:ListUsers', resource: '*' }],
    async handle(ctx: OperationContext<{ PathPrefix?: string; Marker?: string; MaxItems?: number }>) {
      const { input } = ctx;
      const page = await ctx.deps.store.listUsers(ctx.caller.accountId, {
        ...(input.PathPrefix ? { pathPrefix: input.PathPrefix } : {}),
        ...(input.Marker ? { marker: input.Marker } : {}),
        ...(input.MaxItems ? { maxItems: input.MaxItems } : {}),
      });
      return {
        Users: page.items.map((u) => userShape(u, false)),
        IsTruncated: page.nextMarker !== null,
        ...(page.nextMarker ? { Marker: page.nextMarker } : {}),
      };
    },
  },

  TagUser: {
    authorize: async (ctx: OperationContext<UserInput & { Tags: Tag[] }>) => [
      {
        action: 'iam:TagUser',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName),
        context: requestTagContext(tagsOf(ctx.input)),
      },
    ],
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      const tags = mergeTags(user.tags, tagsOf(ctx.input));
      await ctx.deps.store.updateUser({ ...user, tags });
      return undefined;
    },
  },

  UntagUser: {
    authorize: async (ctx: OperationContext<UserInput & { TagKeys: string[] }>) => [
      {
        action: 'iam:UntagUser',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName),
        context: { 'aws:TagKeys': ctx.input.TagKeys },
      },
    ],
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      const drop = new Set(ctx.input.TagKeys);
      await ctx.deps.store.updateUser({ ...user, tags: user.tags.filter((t) => !drop.has(t.Key)) });
      return undefined;
    },
  },

  ListUserTags: {
    authorize: onUser('iam:ListUserTags'),
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      return tagPage(user.tags, ctx.input);
    },
  },

  PutUserPermissionsBoundary: {
    authorize: async (ctx: OperationContext<UserInput & { PermissionsBoundary: string }>) => [
      {
        action: 'iam:PutUserPermissionsBoundary',
        resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName),
        context: { 'iam:PermissionsBoundary': ctx.input.PermissionsBoundary },
      },
    ],
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      if (!(await ctx.deps.store.getManagedPolicy(ctx.input.PermissionsBoundary))) {
        throw IamErrors.notAttachable(ctx.input.PermissionsBoundary);
      }
      await ctx.deps.store.updateUser({ ...user, permissionsBoundaryArn: ctx.input.PermissionsBoundary });
      return undefined;
    },
  },

  DeleteUserPermissionsBoundary: {
    authorize: onUser('iam:DeleteUserPermissionsBoundary'),
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      await ctx.deps.store.updateUser({ ...user, permissionsBoundaryArn: null });
      return undefined;
    },
  },
};

/** Tags with the same key are replaced, as TagUser / TagRole do. */
/** Tags after a Tag* call: a key given again (in any case) takes the new spelling and value. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key.toLowerCase(), t]));
  for (const t of added) byKey.set(t.Key.toLowerCase(), t);
  return [...byKey.values()];
}
