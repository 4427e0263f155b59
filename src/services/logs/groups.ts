// Log groups: create, describe, delete, retention and tags (both the log-group tag operations
// and the ARN-based TagResource family).

import type { LogGroupRecord } from '../../store/logs.js';
import { StoreError } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { decodeToken, encodeToken, groupArn, groupArnBare, groupRef, logsCheck, LogsErrors } from './resources.js';

/** The retention periods PutRetentionPolicy accepts (days). */
const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
const DESCRIBE_LIMIT = 50;

type GroupInput = { logGroupName: string };

function view(g: LogGroupRecord) {
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionInDays !== null ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: groupArn(g),
    storedBytes: 0,
    ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: groupArnBare(g),
  };
}

export async function requireGroup(ctx: OperationContext<unknown>, name: string): Promise<LogGroupRecord> {
  const g = await ctx.deps.store.logs.getLogGroup(groupRef(ctx, name));
  if (!g) throw LogsErrors.groupNotFound();
  return g;
}

/** A group named by ARN (TagResource and friends): `arn:aws:logs:<region>:<account>:log-group:<name>[:*]`. */
function groupOfArn(ctx: OperationContext<unknown>, arn: string) {
  const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(?::\*)?$/.exec(arn);
  if (!m) throw LogsErrors.invalid(`Invalid resource ARN: ${arn}`);
  return { accountId: m[2]!, region: m[1]!, name: m[3]! };
}

async function changeTags(ctx: OperationContext<unknown>, name: string, change: (tags: Record<string, string>) => Record<string, string>) {
  const g = await requireGroup(ctx, name);
  await ctx.deps.store.logs.updateLogGroup({ ...g, tags: change({ ...g.tags }) });
}

const without = (keys: string[]) => (tags: Record<string, string>) => {
  for (const k of keys) delete tags[k];
  return tags;
};

export const groupOperations: ServiceOperations = {
  CreateLogGroup: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('CreateLogGroup', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput & { kmsKeyId?: string; tags?: Record<string, string>; logGroupClass?: string }>) {
      const { input } = ctx;
      try {
        await ctx.deps.store.logs.createLogGroup({
          ...groupRef(ctx, input.logGroupName),
          createdAt: ctx.deps.now().getTime(),
          retentionInDays: null,
          kmsKeyId: input.kmsKeyId ?? null,
          logGroupClass: input.logGroupClass ?? 'STANDARD',
          tags: input.tags ?? {},
        });
      } catch (e) {
        if (e instanceof StoreError && e.code === 'AlreadyExists') throw LogsErrors.groupExists();
        throw e;
      }
      return undefined;
    },
  },

  DeleteLogGroup: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('DeleteLogGroup', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput>) {
      if (!(await ctx.deps.store.logs.deleteLogGroup(groupRef(ctx, ctx.input.logGroupName)))) throw LogsErrors.groupNotFound();
      return undefined;
    },
  },

  DescribeLogGroups: {
    // No group is named: authorized on every group of the account and region.
    authorize: (ctx) => [{ action: 'logs:DescribeLogGroups', resource: `arn:aws:logs:${ctx.region}:${ctx.caller.accountId}:log-group:*`, resourceAccount: ctx.caller.accountId }],
    async handle(ctx: OperationContext<{ logGroupNamePrefix?: string; logGroupNamePattern?: string; nextToken?: string; limit?: number }>) {
      const { input } = ctx;
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw LogsErrors.invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      }
      const limit = input.limit ?? DESCRIBE_LIMIT;
      const rows = await ctx.deps.store.logs.listLogGroups(ctx.caller.accountId, ctx.region, {
        ...(input.logGroupNamePrefix !== undefined ? { prefix: input.logGroupNamePrefix } : {}),
        ...(input.logGroupNamePattern !== undefined ? { contains: input.logGroupNamePattern } : {}),
        ...(decodeToken(input.nextToken) !== undefined ? { after: decodeToken(input.nextToken)! } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return { logGroups: page.map(view), ...(rows.length > limit ? { nextToken: encodeToken(page.at(-1)!.name) } : {}) };
    },
  },

  PutRetentionPolicy: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('PutRetentionPolicy', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput & { retentionInDays: number }>) {
      const days = ctx.input.retentionInDays;
      if (!RETENTION_DAYS.has(days)) {
        throw LogsErrors.invalid(`1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${[...RETENTION_DAYS].join(', ')}]`);
      }
      const g = await requireGroup(ctx, ctx.input.logGroupName);
      await ctx.deps.store.logs.updateLogGroup({ ...g, retentionInDays: days });
      return undefined;
    },
  },

  DeleteRetentionPolicy: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('DeleteRetentionPolicy', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput>) {
      const g = await requireGroup(ctx, ctx.input.logGroupName);
      await ctx.deps.store.logs.updateLogGroup({ ...g, retentionInDays: null });
      return undefined;
    },
  },

  TagLogGroup: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('TagLogGroup', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput & { tags: Record<string, string> }>) {
      await changeTags(ctx, ctx.input.logGroupName, (tags) => ({ ...tags, ...ctx.input.tags }));
      return undefined;
    },
  },

  UntagLogGroup: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('UntagLogGroup', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput & { tags: string[] }>) {
      await changeTags(ctx, ctx.input.logGroupName, without(ctx.input.tags));
      return undefined;
    },
  },

  ListTagsLogGroup: {
    authorize: (ctx: OperationContext<GroupInput>) => logsCheck('ListTagsLogGroup', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<GroupInput>) {
      return { tags: (await requireGroup(ctx, ctx.input.logGroupName)).tags };
    },
  },

  TagResource: {
    authorize: (ctx: OperationContext<{ resourceArn: string }>) => logsCheck('TagResource', groupOfArn(ctx, ctx.input.resourceArn)),
    async handle(ctx: OperationContext<{ resourceArn: string; tags: Record<string, string> }>) {
      const g = groupOfArn(ctx, ctx.input.resourceArn);
      if (g.accountId !== ctx.caller.accountId || g.region !== ctx.region) throw LogsErrors.groupNotFound();
      await changeTags(ctx, g.name, (tags) => ({ ...tags, ...ctx.input.tags }));
      return undefined;
    },
  },

  UntagResource: {
    authorize: (ctx: OperationContext<{ resourceArn: string }>) => logsCheck('UntagResource', groupOfArn(ctx, ctx.input.resourceArn)),
    async handle(ctx: OperationContext<{ resourceArn: string; tagKeys: string[] }>) {
      const g = groupOfArn(ctx, ctx.input.resourceArn);
      if (g.accountId !== ctx.caller.accountId || g.region !== ctx.region) throw LogsErrors.groupNotFound();
      await changeTags(ctx, g.name, without(ctx.input.tagKeys));
      return undefined;
    },
  },

  ListTagsForResource: {
    authorize: (ctx: OperationContext<{ resourceArn: string }>) => logsCheck('ListTagsForResource', groupOfArn(ctx, ctx.input.resourceArn)),
    async handle(ctx: OperationContext<{ resourceArn: string }>) {
      const g = groupOfArn(ctx, ctx.input.resourceArn);
      if (g.accountId !== ctx.caller.accountId || g.region !== ctx.region) throw LogsErrors.groupNotFound();
      return { tags: (await requireGroup(ctx, g.name)).tags };
    },
  },
};
