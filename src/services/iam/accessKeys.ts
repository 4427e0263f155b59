// Long-term access keys of IAM users: CreateAccessKey, ListAccessKeys, UpdateAccessKey,
// DeleteAccessKey, GetAccessKeyLastUsed. Without UserName, each addresses the caller's own
// user, as IAM does.

import { AwsError } from '../../aws/errors.js';
import type { AccessKeyRecord } from '../../store/store.js';
import { secretAccessKey, uniqueId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { IamErrors, isoDate, paginate, principalArnFor, storeCall } from './common.js';
import { requireUser } from './users.js';

type KeyInput = { UserName?: string };

/** The user addressed: the named one, or the caller's own (a role session has none). */
function userNameOf(ctx: OperationContext<KeyInput>): string {
  const name = ctx.input.UserName ?? (ctx.caller.role ? undefined : ctx.caller.user?.userName);
  if (!name) throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
  return name;
}

/** `iam:<Op>` on the user that owns (or will own) the key. */
const onKeyUser = (action: string) => async (ctx: OperationContext<KeyInput>) => [
  {
    action,
    resource: ctx.input.UserName
      ? await principalArnFor(ctx.deps, ctx.caller.accountId, 'user', ctx.input.UserName)
      : (ctx.caller.user?.arn ?? ctx.caller.arn),
  },
];

const noSuchKey = (accessKeyId: string) => new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404);

function keyMetadata(k: AccessKeyRecord): Record<string, unknown> {
  return { UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: isoDate(k.createDate) };
}

/** The user's key with that id; NoSuchEntity when the user has no such key. */
async function requireKey(ctx: OperationContext<KeyInput>, userName: string, accessKeyId: string): Promise<AccessKeyRecord> {
  const keys = await ctx.deps.store.listAccessKeys(ctx.caller.accountId, userName);
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) throw noSuchKey(accessKeyId);
  return key;
}

export const accessKeyOperations: ServiceOperations = {
  CreateAccessKey: {
    authorize: onKeyUser('iam:CreateAccessKey'),
    async handle(ctx) {
      const user = await requireUser(ctx, userNameOf(ctx));
      const key: AccessKeyRecord = {
        accessKeyId: uniqueId('AKIA'),
        secretAccessKey: secretAccessKey(),
        accountId: ctx.caller.accountId,
        userName: user.userName,
        status: 'Active',
        createDate: ctx.deps.now().toISOString(),
      };
      // LimitExceeded (`Cannot exceed quota for AccessKeysPerUser: 2`) comes from the store.
      await storeCall(() => ctx.deps.store.createAccessKey(key), {
        NotFound: () => IamErrors.noSuchEntity('user', user.userName),
      });
      return {
        AccessKey: {
          UserName: key.userName,
          AccessKeyId: key.accessKeyId,
          Status: key.status,
          SecretAccessKey: key.secretAccessKey,
          CreateDate: isoDate(key.createDate),
        },
      };
    },
  },

  ListAccessKeys: {
    authorize: onKeyUser('iam:ListAccessKeys'),
    async handle(ctx: OperationContext<KeyInput & { Marker?: string; MaxItems?: number }>) {
      const user = await requireUser(ctx, userNameOf(ctx));
      const keys = await storeCall(() => ctx.deps.store.listAccessKeys(ctx.caller.accountId, user.userName), {
        NotFound: () => IamErrors.noSuchEntity('user', user.userName),
      });
      const page = paginate(keys, ctx.input.Marker, ctx.input.MaxItems);
      return {
        AccessKeyMetadata: page.items.map(keyMetadata),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  },

  UpdateAccessKey: {
    authorize: onKeyUser('iam:UpdateAccessKey'),
    async handle(ctx: OperationContext<KeyInput & { AccessKeyId: string; Status: 'Active' | 'Inactive' | 'Expired' }>) {
      const { input } = ctx;
      const user = await requireUser(ctx, userNameOf(ctx));
      if (input.Status !== 'Active' && input.Status !== 'Inactive') {
        throw new AwsError('InvalidInput', `Status ${input.Status} is not valid for an access key; use Active or Inactive.`, 400);
      }
      await requireKey(ctx, user.userName, input.AccessKeyId);
      await storeCall(() => ctx.deps.store.updateAccessKey(ctx.caller.accountId, user.userName, input.AccessKeyId, input.Status as 'Active' | 'Inactive'), {
        NotFound: () => noSuchKey(input.AccessKeyId),
      });
      return undefined;
    },
  },

  DeleteAccessKey: {
    authorize: onKeyUser('iam:DeleteAccessKey'),
    async handle(ctx: OperationContext<KeyInput & { AccessKeyId: string }>) {
      const { input } = ctx;
      const user = await requireUser(ctx, userNameOf(ctx));
      await requireKey(ctx, user.userName, input.AccessKeyId);
      await storeCall(() => ctx.deps.store.deleteAccessKey(ctx.caller.accountId, user.userName, input.AccessKeyId), {
        NotFound: () => noSuchKey(input.AccessKeyId),
      });
      return undefined;
    },
  },

  GetAccessKeyLastUsed: {
    // The action's resource is the user that owns the key.
    authorize: async (ctx: OperationContext<{ AccessKeyId: string }>) => {
      const found = await ctx.deps.store.getCredentials(ctx.input.AccessKeyId);
      const owner = found && 'accessKey' in found && found.accessKey.accountId === ctx.caller.accountId ? found.accessKey : null;
      return [
        {
          action: 'iam:GetAccessKeyLastUsed',
          resource: owner ? await principalArnFor(ctx.deps, owner.accountId, 'user', owner.userName) : '*',
        },
      ];
    },
    async handle(ctx) {
      const found = await ctx.deps.store.getCredentials(ctx.input.AccessKeyId);
      if (!found || !('accessKey' in found) || found.accessKey.accountId !== ctx.caller.accountId) {
        throw noSuchKey(ctx.input.AccessKeyId);
      }
      // Latchkey does not record key use yet: IAM's answer for a key never used.
      return { UserName: found.accessKey.userName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
    },
  },
};
