// Log streams: create, describe (by name or by last event time), delete.

import type { LogStreamRecord } from '../../store/logs.js';
import { StoreError } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { decodeToken, encodeToken, groupRef, logsCheck, LogsErrors, streamArn } from './resources.js';

type StreamInput = { logGroupName: string; logStreamName: string };
const DESCRIBE_LIMIT = 50;

function view(s: LogStreamRecord) {
  return {
    logStreamName: s.name,
    creationTime: s.createdAt,
    ...(s.firstEventTimestamp !== null ? { firstEventTimestamp: s.firstEventTimestamp } : {}),
    ...(s.lastEventTimestamp !== null ? { lastEventTimestamp: s.lastEventTimestamp } : {}),
    ...(s.lastIngestionTime !== null ? { lastIngestionTime: s.lastIngestionTime } : {}),
    arn: streamArn({ accountId: s.accountId, region: s.region, name: s.groupName }, s.name),
    storedBytes: 0,
  };
}

export const streamOperations: ServiceOperations = {
  CreateLogStream: {
    authorize: (ctx: OperationContext<StreamInput>) => logsCheck('CreateLogStream', groupRef(ctx, ctx.input.logGroupName), ctx.input.logStreamName),
    async handle(ctx: OperationContext<StreamInput>) {
      try {
        await ctx.deps.store.logs.createLogStream(groupRef(ctx, ctx.input.logGroupName), ctx.input.logStreamName, ctx.deps.now().getTime());
      } catch (e) {
        if (e instanceof StoreError && e.code === 'AlreadyExists') throw LogsErrors.streamExists();
        if (e instanceof StoreError && e.code === 'NotFound') throw LogsErrors.groupNotFound();
        throw e;
      }
      return undefined;
    },
  },

  DeleteLogStream: {
    authorize: (ctx: OperationContext<StreamInput>) => logsCheck('DeleteLogStream', groupRef(ctx, ctx.input.logGroupName), ctx.input.logStreamName),
    async handle(ctx: OperationContext<StreamInput>) {
      const group = groupRef(ctx, ctx.input.logGroupName);
      if (!(await ctx.deps.store.logs.getLogGroup(group))) throw LogsErrors.groupNotFound();
      if (!(await ctx.deps.store.logs.deleteLogStream(group, ctx.input.logStreamName))) throw LogsErrors.streamNotFound();
      return undefined;
    },
  },

  DescribeLogStreams: {
    authorize: (ctx: OperationContext<{ logGroupName: string }>) => logsCheck('DescribeLogStreams', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<{ logGroupName: string; logStreamNamePrefix?: string; orderBy?: 'LogStreamName' | 'LastEventTime'; descending?: boolean; nextToken?: string; limit?: number }>) {
      const { input } = ctx;
      const group = groupRef(ctx, input.logGroupName);
      if (!(await ctx.deps.store.logs.getLogGroup(group))) throw LogsErrors.groupNotFound();
      const orderBy = input.orderBy ?? 'LogStreamName';
      if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
        throw LogsErrors.invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      const limit = input.limit ?? DESCRIBE_LIMIT;
      const after = decodeToken(input.nextToken);
      const rows = await ctx.deps.store.logs.listLogStreams(group, {
        ...(input.logStreamNamePrefix !== undefined ? { prefix: input.logStreamNamePrefix } : {}),
        orderBy,
        descending: input.descending ?? false,
        ...(after !== undefined ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const cursor = last && (orderBy === 'LogStreamName' ? last.name : `${last.lastEventTimestamp ?? -1}/${last.name}`);
      return { logStreams: page.map(view), ...(rows.length > limit && cursor ? { nextToken: encodeToken(cursor) } : {}) };
    },
  },
};
