// CloudWatch Logs in the SQLite store (the contract is logs.ts). Writes are IMMEDIATE
// transactions like the rest of the store; an event batch is one transaction, so a batch is
// stored whole or not at all.

import type Database from 'better-sqlite3';
import type { LogEventRecord, LogGroupRecord, LogGroupRef, LogStreamRecord, LogsStore } from './logs.js';
import { SqliteSection } from './sqliteErrors.js';
import { StoreError } from './store.js';

interface GroupRow {
  account_id: string; region: string; name: string; created_at: number; retention_days: number | null; kms_key_id: string | null;
  log_group_class: string; tags: string;
}
interface StreamRow {
  account_id: string; region: string; group_name: string; name: string; created_at: number; first_event_ts: number | null;
  last_event_ts: number | null; last_ingestion: number | null; stored_bytes: number;
}
interface EventRow { event_id: number; stream_name: string; ts: number; ingestion: number; message: string }

const toGroup = (r: GroupRow): LogGroupRecord => ({
  accountId: r.account_id, region: r.region, name: r.name, createdAt: r.created_at, retentionInDays: r.retention_days,
  kmsKeyId: r.kms_key_id, logGroupClass: r.log_group_class, tags: JSON.parse(r.tags) as Record<string, string>,
});
const toStream = (r: StreamRow): LogStreamRecord => ({
  accountId: r.account_id, region: r.region, groupName: r.group_name, name: r.name, createdAt: r.created_at,
  firstEventTimestamp: r.first_event_ts, lastEventTimestamp: r.last_event_ts, lastIngestionTime: r.last_ingestion, storedBytes: r.stored_bytes,
});
const toEvent = (r: EventRow): LogEventRecord => ({ eventId: r.event_id, streamName: r.stream_name, timestamp: r.ts, ingestionTime: r.ingestion, message: r.message });

/** `LIKE` with `%`, `_` and `\` taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
/** Far beyond any timestamp the API accepts. */
const MAX_TS = Number.MAX_SAFE_INTEGER;
const NEVER = -1;

export class SqliteLogsStore extends SqliteSection implements LogsStore {
  private readonly s;

  constructor(db: Database.Database) {
    super(db);
    const p = (sql: string) => db.prepare(sql);
    const group = 'account_id = @accountId AND region = @region';
    const inGroup = `${group} AND group_name = @name`;
    this.s = {
      insertGroup: p(`INSERT INTO log_groups (account_id, region, name, created_at, retention_days, kms_key_id, log_group_class, tags)
        VALUES (@accountId, @region, @name, @createdAt, @retentionInDays, @kmsKeyId, @logGroupClass, @tags)`),
      getGroup: p(`SELECT * FROM log_groups WHERE ${group} AND name = @name`),
      listGroups: p(`SELECT * FROM log_groups WHERE ${group} AND name > @after AND name LIKE @like ESCAPE '\\'
        ORDER BY name LIMIT @limit`),
      updateGroup: p(`UPDATE log_groups SET retention_days = @retentionInDays, kms_key_id = @kmsKeyId, tags = @tags WHERE ${group} AND name = @name`),
      deleteGroup: p(`DELETE FROM log_groups WHERE ${group} AND name = @name`),
      insertStream: p(`INSERT INTO log_streams (account_id, region, group_name, name, created_at) VALUES (@accountId, @region, @name, @stream, @createdAt)`),
      getStream: p(`SELECT * FROM log_streams WHERE ${inGroup} AND name = @stream`),
      streamsByName: p(`SELECT * FROM log_streams WHERE ${inGroup} AND name LIKE @like ESCAPE '\\' AND name > @after ORDER BY name LIMIT @limit`),
      streamsByNameDesc: p(`SELECT * FROM log_streams WHERE ${inGroup} AND name LIKE @like ESCAPE '\\' AND name < @before ORDER BY name DESC LIMIT @limit`),
      streamsByTime: p(`SELECT * FROM log_streams WHERE ${inGroup}
        AND (coalesce(last_event_ts, ${NEVER}) > @afterTs OR (coalesce(last_event_ts, ${NEVER}) = @afterTs AND name > @after))
        ORDER BY coalesce(last_event_ts, ${NEVER}), name LIMIT @limit`),
      streamsByTimeDesc: p(`SELECT * FROM log_streams WHERE ${inGroup}
        AND (coalesce(last_event_ts, ${NEVER}) < @afterTs OR (coalesce(last_event_ts, ${NEVER}) = @afterTs AND name < @after))
        ORDER BY coalesce(last_event_ts, ${NEVER}) DESC, name DESC LIMIT @limit`),
      deleteStream: p(`DELETE FROM log_streams WHERE ${inGroup} AND name = @stream`),
      insertEvent: p(`INSERT INTO log_events (account_id, region, group_name, stream_name, ts, ingestion, message)
        VALUES (@accountId, @region, @name, @stream, @ts, @ingestion, @message)`),
      touchStream: p(`UPDATE log_streams SET first_event_ts = min(coalesce(first_event_ts, @first), @first),
        last_event_ts = max(coalesce(last_event_ts, @last), @last), last_ingestion = @ingestion, stored_bytes = stored_bytes + @bytes
        WHERE ${inGroup} AND name = @stream`),
      eventsForward: p(`SELECT event_id, stream_name, ts, ingestion, message FROM log_events
        WHERE ${inGroup} AND stream_name = @stream AND ts >= @start AND ts < @end AND event_id > @afterId
        ORDER BY ts, event_id LIMIT @limit`),
      eventsBackward: p(`SELECT event_id, stream_name, ts, ingestion, message FROM log_events
        WHERE ${inGroup} AND stream_name = @stream AND ts >= @start AND ts < @end AND event_id < @beforeId
        ORDER BY ts DESC, event_id DESC LIMIT @limit`),
      filterEvents: p(`SELECT event_id, stream_name, ts, ingestion, message FROM log_events
        WHERE ${inGroup} AND ts >= @start AND ts < @end AND (ts > @afterTs OR (ts = @afterTs AND event_id > @afterId))
        AND stream_name LIKE @like ESCAPE '\\' AND (@streams IS NULL OR stream_name IN (SELECT value FROM json_each(@streams)))
        ORDER BY ts, event_id LIMIT @limit`),
      retained: p('SELECT account_id, region, name, retention_days FROM log_groups WHERE retention_days IS NOT NULL'),
      expire: p(`DELETE FROM log_events WHERE ${inGroup} AND ts < @before`),
    };
  }

  async createLogGroup(g: LogGroupRecord): Promise<void> {
    this.write(() => void this.s.insertGroup.run({ ...g, tags: JSON.stringify(g.tags) }), { exists: 'The specified log group already exists' });
  }

  async getLogGroup(ref: LogGroupRef): Promise<LogGroupRecord | null> {
    return this.read(() => {
      const row = this.s.getGroup.get(ref) as GroupRow | undefined;
      return row ? toGroup(row) : null;
    });
  }

  async listLogGroups(accountId: string, region: string, q: { prefix?: string; contains?: string; after?: string; limit: number }): Promise<LogGroupRecord[]> {
    const like = q.prefix !== undefined ? `${likeLiteral(q.prefix)}%` : q.contains !== undefined ? `%${likeLiteral(q.contains)}%` : '%';
    return this.read(() => (this.s.listGroups.all({ accountId, region, after: q.after ?? '', like, limit: q.limit }) as GroupRow[]).map(toGroup));
  }

  async updateLogGroup(g: LogGroupRecord): Promise<void> {
    this.write(() => {
      if (this.s.updateGroup.run({ ...g, tags: JSON.stringify(g.tags) }).changes === 0) throw new StoreError('NotFound', 'The specified log group does not exist.');
    });
  }

  async deleteLogGroup(ref: LogGroupRef): Promise<boolean> {
    return this.write(() => this.s.deleteGroup.run(ref).changes > 0);
  }

  async createLogStream(group: LogGroupRef, name: string, createdAt: number): Promise<void> {
    this.write(() => void this.s.insertStream.run({ ...group, stream: name, createdAt }), {
      exists: 'The specified log stream already exists',
      foreignKey: 'NotFound',
      foreignKeyMessage: 'The specified log group does not exist.',
    });
  }

  async getLogStream(group: LogGroupRef, name: string): Promise<LogStreamRecord | null> {
    return this.read(() => {
      const row = this.s.getStream.get({ ...group, stream: name }) as StreamRow | undefined;
      return row ? toStream(row) : null;
    });
  }

  async listLogStreams(
    group: LogGroupRef,
    q: { prefix?: string; orderBy: 'LogStreamName' | 'LastEventTime'; descending: boolean; after?: string; limit: number },
  ): Promise<LogStreamRecord[]> {
    return this.read(() => {
      let rows: StreamRow[];
      if (q.orderBy === 'LogStreamName') {
        const like = `${likeLiteral(q.prefix ?? '')}%`;
        rows = (q.descending
          ? this.s.streamsByNameDesc.all({ ...group, like, before: q.after ?? '\uffff', limit: q.limit })
          : this.s.streamsByName.all({ ...group, like, after: q.after ?? '', limit: q.limit })) as StreamRow[];
      } else {
        const slash = q.after?.indexOf('/') ?? -1;
        const afterTs = q.after && slash > 0 ? Number(q.after.slice(0, slash)) : q.descending ? MAX_TS : NEVER - 1;
        const after = q.after && slash > 0 ? q.after.slice(slash + 1) : '';
        rows = (q.descending
          ? this.s.streamsByTimeDesc.all({ ...group, afterTs, after: q.after ? after : '\uffff', limit: q.limit })
          : this.s.streamsByTime.all({ ...group, afterTs, after, limit: q.limit })) as StreamRow[];
      }
      return rows.map(toStream);
    });
  }

  async deleteLogStream(group: LogGroupRef, name: string): Promise<boolean> {
    return this.write(() => this.s.deleteStream.run({ ...group, stream: name }).changes > 0);
  }

  async putLogEvents(group: LogGroupRef, stream: string, events: { timestamp: number; message: string }[], ingestionTime: number): Promise<void> {
    if (events.length === 0) return;
    this.write(() => {
      if (!this.s.getStream.get({ ...group, stream })) throw new StoreError('NotFound', 'The specified log stream does not exist.');
      let first = Infinity;
      let last = -Infinity;
      let bytes = 0;
      for (const e of events) {
        this.s.insertEvent.run({ ...group, stream, ts: e.timestamp, ingestion: ingestionTime, message: e.message });
        first = Math.min(first, e.timestamp);
        last = Math.max(last, e.timestamp);
        bytes += Buffer.byteLength(e.message, 'utf8');
      }
      this.s.touchStream.run({ ...group, stream, first, last, ingestion: ingestionTime, bytes });
    });
  }

  async getLogEvents(
    group: LogGroupRef,
    stream: string,
    q: { startTime?: number; endTime?: number; fromHead: boolean; afterId?: number; beforeId?: number; limit: number },
  ): Promise<LogEventRecord[]> {
    const range = { ...group, stream, start: q.startTime ?? 0, end: q.endTime ?? MAX_TS, limit: q.limit };
    return this.read(() => {
      if (q.fromHead) return (this.s.eventsForward.all({ ...range, afterId: q.afterId ?? 0 }) as EventRow[]).map(toEvent);
      return (this.s.eventsBackward.all({ ...range, beforeId: q.beforeId ?? MAX_TS }) as EventRow[]).map(toEvent).reverse();
    });
  }

  async filterLogEvents(
    group: LogGroupRef,
    q: { streams?: string[]; streamPrefix?: string; startTime?: number; endTime?: number; after?: { timestamp: number; eventId: number }; limit: number },
  ): Promise<LogEventRecord[]> {
    return this.read(() =>
      (this.s.filterEvents.all({
        ...group,
        start: q.startTime ?? 0,
        end: q.endTime ?? MAX_TS,
        afterTs: q.after?.timestamp ?? -1,
        afterId: q.after?.eventId ?? 0,
        like: `${likeLiteral(q.streamPrefix ?? '')}%`,
        streams: q.streams ? JSON.stringify(q.streams) : null,
        limit: q.limit,
      }) as EventRow[]).map(toEvent),
    );
  }

  async expireLogEvents(now: number): Promise<number> {
    return this.write(() => {
      let removed = 0;
      for (const g of this.s.retained.all() as { account_id: string; region: string; name: string; retention_days: number }[]) {
        removed += this.s.expire.run({ accountId: g.account_id, region: g.region, name: g.name, before: now - g.retention_days * 86_400_000 }).changes;
      }
      return removed;
    });
  }
}
