// IAM groups: CreateGroup, GetGroup, DeleteGroup, ListGroups, memberships.

import type { GroupRecord } from '../../store/store.js';
import { uniqueId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { iamArn, IamErrors, isoDate, pageRequest, paginate, principalArnFor, storeCall } from './common.js';
import { requireUser, userShape } from './users.js';

export function groupShape(g: GroupRecord): Record<string, unknown> {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: isoDate(g.createDate) };
}

type GroupInput = { GroupName: string };
type ListInput = { Marker?: string; MaxItems?: number };

/** Authorizes `iam:<Operation>` on the named group (with its path when it exists). */
const onGroup = (action: string) => async (ctx: OperationContext<GroupInput>) => [
  { action, resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'group', ctx.input.GroupName) },
];

export async function requireGroup(ctx: OperationContext, groupName: string): Promise<GroupRecord> {
  const group = await ctx.deps.store.getGroup(ctx.caller.accountId, groupName);
  if (!group) throw IamErrors.noSuchEntity('group', groupName);
  return group;
}

export const groupOperations: ServiceOperations = {
  CreateGroup: {
    authorize: (ctx: OperationContext<GroupInput & { Path?: string }>) => [
      { action: 'iam:CreateGroup', resource: iamArn(ctx.caller.accountId, 'group', ctx.input.Path ?? '/', ctx.input.GroupName) },
    ],
    async handle(ctx) {
      const { input, caller, deps } = ctx;
      const path = input.Path ?? '/';
      const group: GroupRecord = {
        accountId: caller.accountId,
        groupName: input.GroupName,
        groupId: uniqueId('AGPA'),
        path,
        arn: iamArn(caller.accountId, 'group', path, input.GroupName),
        createDate: deps.now().toISOString(),
      };
      await storeCall(() => deps.store.createGroup(group), { AlreadyExists: () => IamErrors.alreadyExists('group', input.GroupName) });
      return { Group: groupShape(group) };
    },
  },

  GetGroup: {
    authorize: onGroup('iam:GetGroup'),
    async handle(ctx: OperationContext<GroupInput & ListInput>) {
      const group = await requireGroup(ctx, ctx.input.GroupName);
      const users = await storeCall(() => ctx.deps.store.listUsersInGroup(ctx.caller.accountId, group.groupName), {
        NotFound: () => IamErrors.noSuchEntity('group', ctx.input.GroupName),
      });
      const page = paginate(users, ctx.input.Marker, ctx.input.MaxItems);
      return {
        Group: groupShape(group),
        Users: page.items.map((u) => userShape(u, false)),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  },

  DeleteGroup: {
    authorize: onGroup('iam:DeleteGroup'),
    async handle(ctx) {
      const { store } = ctx.deps;
      const { accountId } = ctx.caller;
      const group = await requireGroup(ctx, ctx.input.GroupName);
      // AWS names the first kind of thing still hanging off the group.
      if ((await store.listUsersInGroup(accountId, group.groupName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
      }
      if ((await store.listInlinePolicies(accountId, 'group', group.groupName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
      }
      if ((await store.listAttachedPolicies(accountId, 'group', group.groupName)).length > 0) {
        throw IamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      await storeCall(() => store.deleteGroup(accountId, group.groupName), {
        NotFound: () => IamErrors.noSuchEntity('group', ctx.input.GroupName),
      });
      return undefined;
    },
  },

  ListGroups: {
    authorize: () => [{ action: 'iam:ListGroups', resource: '*' }],
    async handle(ctx: OperationContext<{ PathPrefix?: string } & ListInput>) {
      const page = await ctx.deps.store.listGroups(ctx.caller.accountId, pageRequest(ctx.input));
      return {
        Groups: page.items.map(groupShape),
        IsTruncated: page.nextMarker !== null,
        ...(page.nextMarker ? { Marker: page.nextMarker } : {}),
      };
    },
  },

  AddUserToGroup: {
    authorize: onGroup('iam:AddUserToGroup'),
    async handle(ctx: OperationContext<GroupInput & { UserName: string }>) {
      const group = await requireGroup(ctx, ctx.input.GroupName);
      const user = await requireUser(ctx, ctx.input.UserName);
      await storeCall(() => ctx.deps.store.addUserToGroup(ctx.caller.accountId, group.groupName, user.userName), {});
      return undefined;
    },
  },

  RemoveUserFromGroup: {
    authorize: onGroup('iam:RemoveUserFromGroup'),
    async handle(ctx: OperationContext<GroupInput & { UserName: string }>) {
      const group = await requireGroup(ctx, ctx.input.GroupName);
      const user = await requireUser(ctx, ctx.input.UserName);
      // Not a member: IAM answers NoSuchEntity naming the user.
      await storeCall(() => ctx.deps.store.removeUserFromGroup(ctx.caller.accountId, group.groupName, user.userName), {
        NotFound: () => IamErrors.noSuchEntity('user', ctx.input.UserName),
      });
      return undefined;
    },
  },

  ListGroupsForUser: {
    // The action's resource is the user.
    authorize: async (ctx: OperationContext<{ UserName: string } & ListInput>) => [
      { action: 'iam:ListGroupsForUser', resource: await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName) },
    ],
    async handle(ctx) {
      const user = await requireUser(ctx, ctx.input.UserName);
      const groups = await storeCall(() => ctx.deps.store.listGroupsForUser(ctx.caller.accountId, user.userName), {
        NotFound: () => IamErrors.noSuchEntity('user', ctx.input.UserName),
      });
      const page = paginate(groups, ctx.input.Marker, ctx.input.MaxItems);
      return { Groups: page.items.map(groupShape), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },
  },
};
