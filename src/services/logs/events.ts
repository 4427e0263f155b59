// Log events: PutLogEvents (with CloudWatch Logs' batch rules), GetLogEvents (one stream, by
// forward/backward tokens) and FilterLogEvents (a group's streams interleaved by time, with a
// filter pattern), which `aws logs tail` uses.

import { StoreError } from '../../store/store.js';
import type { LogEventRecord } from '../../store/logs.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { compileFilterPattern } from './filterPattern.js';
import { decodeToken, encodeToken, groupRef, logsCheck, LogsErrors } from './resources.js';

/** PutLogEvents quotas (CloudWatch Logs API reference). */
export const PUT_LIMITS = {
  events: 10_000,
  bytes: 1_048_576,
  /** Counted for each event on top of its message's UTF-8 bytes. */
  overheadPerEvent: 26,
  maxAgeMs: 14 * 86_400_000,
  maxFutureMs: 2 * 3_600_000,
  spanMs: 24 * 3_600_000,
};

const GET_LIMIT = 10_000;
const FILTER_LIMIT = 10_000;
/** Rows FilterLogEvents reads per request before it answers with what it has and a token. */
const FILTER_SCAN_BUDGET = 100_000;
const FILTER_BATCH = 1_000;

type PutInput = { logGroupName: string; logStreamName: string; logEvents: { timestamp: number; message: string }[] };

/**
 * Which events of a batch CloudWatch Logs stores: the batch must be in time order and fit the
 * size and count limits; events older than 14 days (or the group's retention) or more than 2
 * hours ahead are rejected and reported by index; the others may span at most 24 hours.
 */
export function admitLogEvents(events: PutInput['logEvents'], now: number, retentionDays: number | null) {
  if (events.length > PUT_LIMITS.events) throw LogsErrors.invalid(`The maximum number of log events in a batch is ${PUT_LIMITS.events}.`);
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw LogsErrors.invalid('Log events in a single PutLogEvents request must be in chronological order.');
    }
    bytes += Buffer.byteLength(events[i]!.message, 'utf8') + PUT_LIMITS.overheadPerEvent;
  }
  if (bytes > PUT_LIMITS.bytes) throw LogsErrors.invalid(`The maximum batch size is ${PUT_LIMITS.bytes} bytes.`);
  const oldest = now - Math.min(PUT_LIMITS.maxAgeMs, (retentionDays ?? Infinity) * 86_400_000);
  let tooOldEnd = -1;
  let tooNewStart = -1;
  events.forEach((e, i) => {
    if (e.timestamp < oldest) tooOldEnd = i + 1;
    if (tooNewStart < 0 && e.timestamp > now + PUT_LIMITS.maxFutureMs) tooNewStart = i;
  });
  const accepted = events.slice(Math.max(0, tooOldEnd), tooNewStart < 0 ? events.length : tooNewStart);
  // "For valid events … the time span in a single batch cannot exceed 24 hours."
  if (accepted.length > 0 && accepted.at(-1)!.timestamp - accepted[0]!.timestamp > PUT_LIMITS.spanMs) {
    throw LogsErrors.invalid('A batch of log events in a single request cannot span more than 24 hours.');
  }
  const rejected = {
    ...(tooOldEnd > 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(tooNewStart >= 0 ? { tooNewLogEventStartIndex: tooNewStart } : {}),
  };
  return { accepted, rejected };
}

// GetLogEvents tokens look like AWS's: `f/` or `b/` and digits (here the event id).
const forwardToken = (id: number) => `f/${String(id).padStart(56, '0')}`;
const backwardToken = (id: number) => `b/${String(id).padStart(56, '0')}`;
function readGetToken(token: string | undefined): { direction: 'f' | 'b'; id: number } | undefined {
  if (token === undefined) return undefined;
  const m = /^([fb])\/(\d{1,60})$/.exec(token);
  if (!m) throw LogsErrors.invalid('The specified nextToken is invalid.');
  return { direction: m[1] as 'f' | 'b', id: Number(m[2]) };
}

export const eventOperations: ServiceOperations = {
  PutLogEvents: {
    authorize: (ctx: OperationContext<PutInput>) => logsCheck('PutLogEvents', groupRef(ctx, ctx.input.logGroupName), ctx.input.logStreamName),
    async handle(ctx: OperationContext<PutInput>) {
      const { input } = ctx;
      const group = groupRef(ctx, input.logGroupName);
      const g = await ctx.deps.store.logs.getLogGroup(group);
      if (!g) throw LogsErrors.groupNotFound();
      const now = ctx.deps.now().getTime();
      const { accepted, rejected } = admitLogEvents(input.logEvents, now, g.retentionInDays);
      try {
        if (accepted.length > 0) await ctx.deps.store.logs.putLogEvents(group, input.logStreamName, accepted, now);
        else if (!(await ctx.deps.store.logs.getLogStream(group, input.logStreamName))) throw LogsErrors.streamNotFound();
      } catch (e) {
        if (e instanceof StoreError && e.code === 'NotFound') throw LogsErrors.streamNotFound();
        throw e;
      }
      // The sequence token is ignored since 2023, but still returned (a 56-digit number).
      const nextSequenceToken = String(now).padStart(56, '0');
      return Object.keys(rejected).length > 0 ? { nextSequenceToken, rejectedLogEventsInfo: rejected } : { nextSequenceToken };
    },
  },

  GetLogEvents: {
    authorize: (ctx: OperationContext<{ logGroupName: string; logStreamName: string }>) =>
      logsCheck('GetLogEvents', groupRef(ctx, ctx.input.logGroupName), ctx.input.logStreamName),
    async handle(ctx: OperationContext<{ logGroupName: string; logStreamName: string; startTime?: number; endTime?: number; nextToken?: string; limit?: number; startFromHead?: boolean }>) {
      const { input } = ctx;
      const group = groupRef(ctx, input.logGroupName);
      if (!(await ctx.deps.store.logs.getLogGroup(group))) throw LogsErrors.groupNotFound();
      if (!(await ctx.deps.store.logs.getLogStream(group, input.logStreamName))) throw LogsErrors.streamNotFound();
      const token = readGetToken(input.nextToken);
      const fromHead = token ? token.direction === 'f' : input.startFromHead === true;
      const events = await ctx.deps.store.logs.getLogEvents(group, input.logStreamName, {
        ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
        ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
        fromHead,
        ...(token?.direction === 'f' ? { afterId: token.id } : {}),
        ...(token?.direction === 'b' ? { beforeId: token.id } : {}),
        limit: Math.min(input.limit ?? GET_LIMIT, GET_LIMIT),
      });
      // At either end the token given comes back, as AWS does, so a reader polling forward waits on it.
      const first = events[0]?.eventId;
      const last = events.at(-1)?.eventId;
      return {
        events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
        nextForwardToken: forwardToken(last ?? (token?.direction === 'f' ? token.id : token?.direction === 'b' ? token.id - 1 : 0)),
        nextBackwardToken: backwardToken(first ?? (token?.direction === 'b' ? token.id : token?.direction === 'f' ? token.id + 1 : 0)),
      };
    },
  },

  FilterLogEvents: {
    authorize: (ctx: OperationContext<{ logGroupName: string }>) => logsCheck('FilterLogEvents', groupRef(ctx, ctx.input.logGroupName)),
    async handle(ctx: OperationContext<{
      logGroupName: string; logStreamNames?: string[]; logStreamNamePrefix?: string; startTime?: number; endTime?: number;
      filterPattern?: string; nextToken?: string; limit?: number;
    }>) {
      const { input } = ctx;
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw LogsErrors.invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      }
      const group = groupRef(ctx, input.logGroupName);
      if (!(await ctx.deps.store.logs.getLogGroup(group))) throw LogsErrors.groupNotFound();
      const matches = compileFilterPattern(input.filterPattern);
      const limit = Math.min(input.limit ?? FILTER_LIMIT, FILTER_LIMIT);
      const cursorText = decodeToken(input.nextToken);
      let after = cursorText !== undefined ? readCursor(cursorText) : undefined;
      const found: LogEventRecord[] = [];
      let scanned = 0;
      let exhausted = false;
      while (found.length < limit && scanned < FILTER_SCAN_BUDGET) {
        const batch = await ctx.deps.store.logs.filterLogEvents(group, {
          ...(input.logStreamNames ? { streams: input.logStreamNames } : {}),
          ...(input.logStreamNamePrefix !== undefined ? { streamPrefix: input.logStreamNamePrefix } : {}),
          ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
          ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
          ...(after ? { after } : {}),
          limit: FILTER_BATCH,
        });
        for (const e of batch) {
          after = { timestamp: e.timestamp, eventId: e.eventId };
          if (matches(e.message)) found.push(e);
          if (found.length === limit) break;
        }
        scanned += batch.length;
        if (batch.length < FILTER_BATCH && found.length < limit) {
          exhausted = true;
          break;
        }
      }
      return {
        events: found.map((e) => ({ logStreamName: e.streamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: String(e.eventId) })),
        searchedLogStreams: [],
        ...(!exhausted && after ? { nextToken: encodeToken(`${after.timestamp}:${after.eventId}`) } : {}),
      };
    },
  },
};

function readCursor(text: string): { timestamp: number; eventId: number } {
  const m = /^(-?\d+):(\d+)$/.exec(text);
  if (!m) throw LogsErrors.invalid('The specified nextToken is invalid.');
  return { timestamp: Number(m[1]), eventId: Number(m[2]) };
}
