// CloudWatch Logs in the store (the contract is logs.ts), on SQLite and PostgreSQL alike
// (sql/database.ts). An event batch is one write transaction, so a batch is stored whole or
// not at all; its events get increasing event_ids (SQLite's rowid, PostgreSQL's BIGSERIAL), so
// events with equal timestamps keep the order they arrived in.

import type { LogEventRecord, LogGroupRecord, LogGroupRef, LogsStore, LogStreamRecord } from './logs.js';
import type { Queries, SqlDatabase } from './sql/database.js';
import { notFound } from './sqlShared.js';

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
/** The last event time of a stream without events, in LastEventTime order (they come first). */
const NEVER = -1;

/**
 * A bound compared with a BIGINT column. Client input and tokens can carry integers past
 * BIGINT (a 60-digit token, a huge startTime), which PostgreSQL refuses and SQLite compares as
 * REAL; no stored time or event_id comes near MAX_TS, so clamping answers alike on both.
 */
const bound = (n: number) => Math.min(MAX_TS, Math.max(-MAX_TS, n));

/** The group's key as named parameters (only these: a record may carry more). */
const groupKey = (g: LogGroupRef) => ({ accountId: g.accountId, region: g.region, name: g.name });

const GROUP = 'account_id = @accountId AND region = @region';
const IN_GROUP = `${GROUP} AND group_name = @name`;
const EVENT_COLUMNS = 'event_id, stream_name, ts, ingestion, message';

const GET_GROUP = `SELECT * FROM log_groups WHERE ${GROUP} AND name = @name`;
const GET_STREAM = `SELECT * FROM log_streams WHERE ${IN_GROUP} AND name = @stream`;
const LAST_TS = `coalesce(last_event_ts, ${NEVER})`;
const STREAMS_BY_TIME = `SELECT * FROM log_streams WHERE ${IN_GROUP}
  AND (${LAST_TS} > @afterTs OR (${LAST_TS} = @afterTs AND name > @after))
  ORDER BY ${LAST_TS}, name LIMIT @limit`;
const STREAMS_BY_TIME_DESC = `SELECT * FROM log_streams WHERE ${IN_GROUP}
  AND (${LAST_TS} < @afterTs OR (${LAST_TS} = @afterTs AND name < @after))
  ORDER BY ${LAST_TS} DESC, name DESC LIMIT @limit`;
// Scalar min()/max() are SQLite's only: CASE says the same on both.
const TOUCH_STREAM = `UPDATE log_streams SET
  first_event_ts = CASE WHEN first_event_ts IS NULL OR first_event_ts > @first THEN @first ELSE first_event_ts END,
  last_event_ts = CASE WHEN last_event_ts IS NULL OR last_event_ts < @last THEN @last ELSE last_event_ts END,
  last_ingestion = @ingestion, stored_bytes = stored_bytes + @bytes
  WHERE ${IN_GROUP} AND name = @stream`;
const EVENTS_FORWARD = `SELECT ${EVENT_COLUMNS} FROM log_events
  WHERE ${IN_GROUP} AND stream_name = @stream AND ts >= @start AND ts < @end AND event_id > @afterId
  ORDER BY ts, event_id LIMIT @limit`;
const EVENTS_BACKWARD = `SELECT ${EVENT_COLUMNS} FROM log_events
  WHERE ${IN_GROUP} AND stream_name = @stream AND ts >= @start AND ts < @end AND event_id < @beforeId
  ORDER BY ts DESC, event_id DESC LIMIT @limit`;

// A batch (up to 10,000 events) goes in as multi-row INSERTs, not one round trip per event
// (PostgreSQL is a network away). Rows take event_ids in VALUES order on both databases. The
// chunks are powers of two up to 128 rows (896 parameters, under SQLite's oldest limit of 999),
// so only eight distinct statements are ever prepared and cached.
const EVENT_CHUNK = 128;
const insertEventsSql = new Map<number, string>();
function insertEvents(rows: number): string {
  let sql = insertEventsSql.get(rows);
  if (!sql) {
    sql = `INSERT INTO log_events (account_id, region, group_name, stream_name, ts, ingestion, message) VALUES ${
      Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    insertEventsSql.set(rows, sql);
  }
  return sql;
}

export function logsStore(db: SqlDatabase): LogsStore {
  // The two places the dialects differ:
  // - Name prefixes and patterns have always matched ignoring ASCII case (SQLite's LIKE);
  //   PostgreSQL's LIKE is case-sensitive, its ILIKE on these "C"-collated columns folds ASCII
  //   only — the same matches.
  // - A list of stream names travels as one JSON array parameter (one statement text whatever
  //   its length), expanded by json_each on SQLite, json_array_elements_text on PostgreSQL.
  const like = db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  const streamList = db.dialect === 'postgres' ? 'SELECT json_array_elements_text(CAST(@streams AS json))' : 'SELECT value FROM json_each(@streams)';

  const listGroups = `SELECT * FROM log_groups WHERE ${GROUP} AND name > @after AND name ${like} @like ESCAPE '\\'
    ORDER BY name LIMIT @limit`;
  const streamsByName = `SELECT * FROM log_streams WHERE ${IN_GROUP} AND name ${like} @like ESCAPE '\\' AND name > @after
    ORDER BY name LIMIT @limit`;
  const streamsByNameDesc = `SELECT * FROM log_streams WHERE ${IN_GROUP} AND name ${like} @like ESCAPE '\\' AND name < @before
    ORDER BY name DESC LIMIT @limit`;
  const filterEvents = (named: boolean) => `SELECT ${EVENT_COLUMNS} FROM log_events
    WHERE ${IN_GROUP} AND ts >= @start AND ts < @end AND (ts > @afterTs OR (ts = @afterTs AND event_id > @afterId))
    AND stream_name ${like} @like ESCAPE '\\'${named ? ` AND stream_name IN (${streamList})` : ''}
    ORDER BY ts, event_id LIMIT @limit`;
  const filterAll = filterEvents(false);
  const filterNamed = filterEvents(true);

  async function storeEvents(q: Queries, g: LogGroupRef, stream: string, events: { timestamp: number; message: string }[], ingestion: number) {
    for (let i = 0; i < events.length;) {
      let rows = EVENT_CHUNK;
      while (rows > events.length - i) rows /= 2;
      const params: unknown[] = [];
      for (const e of events.slice(i, i + rows)) params.push(g.accountId, g.region, g.name, stream, e.timestamp, ingestion, e.message);
      await q.run(insertEvents(rows), params);
      i += rows;
    }
  }

  return {
    async createLogGroup(g) {
      await db.write(
        (q) => q.run(
          `INSERT INTO log_groups (account_id, region, name, created_at, retention_days, kms_key_id, log_group_class, tags)
           VALUES (@accountId, @region, @name, @createdAt, @retentionInDays, @kmsKeyId, @logGroupClass, @tags)`,
          { ...groupKey(g), createdAt: g.createdAt, retentionInDays: g.retentionInDays, kmsKeyId: g.kmsKeyId, logGroupClass: g.logGroupClass, tags: JSON.stringify(g.tags) },
        ),
        { exists: 'The specified log group already exists' },
      );
    },

    async getLogGroup(ref) {
      const row = await db.get<GroupRow>(GET_GROUP, groupKey(ref));
      return row ? toGroup(row) : null;
    },

    async listLogGroups(accountId, region, q) {
      const pattern = q.prefix !== undefined ? `${likeLiteral(q.prefix)}%` : q.contains !== undefined ? `%${likeLiteral(q.contains)}%` : '%';
      return (await db.all<GroupRow>(listGroups, { accountId, region, after: q.after ?? '', like: pattern, limit: q.limit })).map(toGroup);
    },

    async updateLogGroup(g) {
      await db.write(async (q) => {
        const changed = await q.run(
          `UPDATE log_groups SET retention_days = @retentionInDays, kms_key_id = @kmsKeyId, tags = @tags WHERE ${GROUP} AND name = @name`,
          { ...groupKey(g), retentionInDays: g.retentionInDays, kmsKeyId: g.kmsKeyId, tags: JSON.stringify(g.tags) },
        );
        if (changed === 0) throw notFound('The specified log group does not exist.');
      });
    },

    async deleteLogGroup(ref) {
      // Its streams and their events go with it (ON DELETE CASCADE).
      return db.write(async (q) => (await q.run(`DELETE FROM log_groups WHERE ${GROUP} AND name = @name`, groupKey(ref))) > 0);
    },

    async createLogStream(group, name, createdAt) {
      await db.write(
        (q) => q.run(
          'INSERT INTO log_streams (account_id, region, group_name, name, created_at) VALUES (@accountId, @region, @name, @stream, @createdAt)',
          { ...groupKey(group), stream: name, createdAt },
        ),
        { exists: 'The specified log stream already exists', foreignKey: 'NotFound', foreignKeyMessage: 'The specified log group does not exist.' },
      );
    },

    async getLogStream(group, name) {
      const row = await db.get<StreamRow>(GET_STREAM, { ...groupKey(group), stream: name });
      return row ? toStream(row) : null;
    },

    async listLogStreams(group, q) {
      let rows: StreamRow[];
      if (q.orderBy === 'LogStreamName') {
        const pattern = `${likeLiteral(q.prefix ?? '')}%`;
        rows = q.descending
          ? await db.all<StreamRow>(streamsByNameDesc, { ...groupKey(group), like: pattern, before: q.after ?? '\uffff', limit: q.limit })
          : await db.all<StreamRow>(streamsByName, { ...groupKey(group), like: pattern, after: q.after ?? '', limit: q.limit });
      } else {
        // The cursor is `<lastEventTimestamp>/<name>`.
        const slash = q.after?.indexOf('/') ?? -1;
        let afterTs = q.after && slash > 0 ? Number(q.after.slice(0, slash)) : q.descending ? MAX_TS : NEVER - 1;
        let after = q.after && slash > 0 ? q.after.slice(slash + 1) : '';
        // A forged cursor's time need not be an integer, and a BIGINT parameter refuses what is
        // not. Answer as SQLite does: NaN binds as NULL there and matches nothing; against
        // integers, "t > x" for a fraction x is "t > ⌈x⌉ OR (t = ⌈x⌉ AND name > '')" (no
        // stream name is empty) and "t < x" is "t < ⌈x⌉ OR (t = ⌈x⌉ AND name < '')".
        if (Number.isNaN(afterTs)) return [];
        afterTs = bound(afterTs);
        if (!Number.isInteger(afterTs)) {
          afterTs = Math.ceil(afterTs);
          after = '';
        }
        rows = q.descending
          ? await db.all<StreamRow>(STREAMS_BY_TIME_DESC, { ...groupKey(group), afterTs, after: q.after ? after : '\uffff', limit: q.limit })
          : await db.all<StreamRow>(STREAMS_BY_TIME, { ...groupKey(group), afterTs, after, limit: q.limit });
      }
      return rows.map(toStream);
    },

    async deleteLogStream(group, name) {
      return db.write(async (q) => (await q.run(`DELETE FROM log_streams WHERE ${IN_GROUP} AND name = @stream`, { ...groupKey(group), stream: name })) > 0);
    },

    async putLogEvents(group, stream, events, ingestionTime) {
      if (events.length === 0) return;
      let first = Infinity;
      let last = -Infinity;
      let bytes = 0;
      for (const e of events) {
        first = Math.min(first, e.timestamp);
        last = Math.max(last, e.timestamp);
        bytes += Buffer.byteLength(e.message, 'utf8');
      }
      await db.write(async (q) => {
        if (!(await q.get(GET_STREAM, { ...groupKey(group), stream }))) throw notFound('The specified log stream does not exist.');
        await storeEvents(q, group, stream, events, ingestionTime);
        await q.run(TOUCH_STREAM, { ...groupKey(group), stream, first, last, ingestion: ingestionTime, bytes });
      });
    },

    async getLogEvents(group, stream, q) {
      const range = { ...groupKey(group), stream, start: bound(q.startTime ?? 0), end: bound(q.endTime ?? MAX_TS), limit: q.limit };
      if (q.fromHead) return (await db.all<EventRow>(EVENTS_FORWARD, { ...range, afterId: bound(q.afterId ?? 0) })).map(toEvent);
      return (await db.all<EventRow>(EVENTS_BACKWARD, { ...range, beforeId: bound(q.beforeId ?? MAX_TS) })).map(toEvent).reverse();
    },

    async filterLogEvents(group, q) {
      const rows = await db.all<EventRow>(q.streams ? filterNamed : filterAll, {
        ...groupKey(group),
        start: bound(q.startTime ?? 0),
        end: bound(q.endTime ?? MAX_TS),
        afterTs: bound(q.after?.timestamp ?? -1),
        afterId: bound(q.after?.eventId ?? 0),
        like: `${likeLiteral(q.streamPrefix ?? '')}%`,
        ...(q.streams ? { streams: JSON.stringify(q.streams) } : {}),
        limit: q.limit,
      });
      return rows.map(toEvent);
    },

    async expireLogEvents(now) {
      return db.write(async (q) => {
        let removed = 0;
        const retained = await q.all<{ account_id: string; region: string; name: string; retention_days: number }>(
          'SELECT account_id, region, name, retention_days FROM log_groups WHERE retention_days IS NOT NULL',
        );
        for (const g of retained) {
          removed += await q.run(`DELETE FROM log_events WHERE ${IN_GROUP} AND ts < @before`, {
            accountId: g.account_id, region: g.region, name: g.name, before: now - g.retention_days * 86_400_000,
          });
        }
        return removed;
      });
    },
  };
}
