// SQS in the store (the contract is sqs.ts), on SQLite and PostgreSQL alike (sql/database.ts).
// A receive is one write transaction that reads the visible messages and hides them: on SQLite
// it holds the only write lock; on PostgreSQL it is SERIALIZABLE, so of two nodes receiving the
// same message concurrently one fails to commit and runs again (database.ts), seeing the
// message hidden. Either way no two receivers hold the same message within its visibility
// timeout.

import type { Queries, SqlDatabase } from './sql/database.js';
import { notFound } from './sqlShared.js';
import type { NewMessage, QueueRecord, QueueRef, SqsStore, StoredMessage } from './sqs.js';

interface QueueRow { account_id: string; region: string; name: string; created_at: number; modified_at: number; attributes: string; tags: string }
interface MessageRow {
  seq: number; message_id: string; body: string; md5_body: string; message_attributes: string; md5_attributes: string | null;
  sender_id: string; sent_at: number; visible_at: number; receive_count: number; first_receive_at: number | null; receipt_handle: string | null;
}
interface CountsRow { visible: number; in_flight: number; delayed: number }

const toQueue = (r: QueueRow): QueueRecord => ({
  accountId: r.account_id, region: r.region, name: r.name, createdAt: r.created_at, modifiedAt: r.modified_at,
  attributes: JSON.parse(r.attributes) as Record<string, string>, tags: JSON.parse(r.tags) as Record<string, string>,
});
const toMessage = (r: MessageRow): StoredMessage => ({
  seq: r.seq, messageId: r.message_id, body: r.body, md5OfBody: r.md5_body,
  messageAttributes: JSON.parse(r.message_attributes) as StoredMessage['messageAttributes'], md5OfMessageAttributes: r.md5_attributes,
  senderId: r.sender_id, sentAt: r.sent_at, visibleAt: r.visible_at, receiveCount: r.receive_count, firstReceiveAt: r.first_receive_at,
  receiptHandle: r.receipt_handle,
});

/** `LIKE` with `%`, `_` and `\` taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const queueGone = () => notFound('The specified queue does not exist.');

/** The queue's key as named parameters (only these: a record may carry more). */
const queueKey = (q: QueueRef) => ({ accountId: q.accountId, region: q.region, name: q.name });
const queueRow = (q: QueueRecord) => ({
  ...queueKey(q), createdAt: q.createdAt, modifiedAt: q.modifiedAt, attributes: JSON.stringify(q.attributes), tags: JSON.stringify(q.tags),
});

const QUEUE = 'account_id = @accountId AND region = @region';
const IN_QUEUE = `${QUEUE} AND queue_name = @name`;

const GET_QUEUE = `SELECT * FROM sqs_queues WHERE ${QUEUE} AND name = @name`;
const INSERT_MESSAGE = `INSERT INTO sqs_messages (account_id, region, queue_name, message_id, body, md5_body, message_attributes, md5_attributes,
  sender_id, sent_at, visible_at, receive_count, first_receive_at)
  VALUES (@accountId, @region, @name, @messageId, @body, @md5OfBody, @messageAttributes, @md5OfMessageAttributes, @senderId, @sentAt, @visibleAt,
  @receiveCount, @firstReceiveAt)`;
const VISIBLE = `SELECT * FROM sqs_messages WHERE ${IN_QUEUE} AND visible_at <= @now ORDER BY visible_at, seq LIMIT @limit`;
const RECEIVE = `UPDATE sqs_messages SET visible_at = @visibleAt, receive_count = receive_count + 1,
  first_receive_at = coalesce(first_receive_at, @now), receipt_handle = @handle WHERE seq = @seq`;
// sum() over a comparison is SQLite's only (PostgreSQL has no boolean sum): CASE on both.
const COUNTS = `SELECT
  coalesce(sum(CASE WHEN visible_at <= @now THEN 1 ELSE 0 END), 0) AS visible,
  coalesce(sum(CASE WHEN visible_at > @now AND receive_count > 0 THEN 1 ELSE 0 END), 0) AS in_flight,
  coalesce(sum(CASE WHEN visible_at > @now AND receive_count = 0 THEN 1 ELSE 0 END), 0) AS delayed
  FROM sqs_messages WHERE ${IN_QUEUE}`;

async function insertMessage(q: Queries, ref: QueueRef, m: NewMessage & { receiveCount?: number; firstReceiveAt?: number | null }): Promise<void> {
  await q.run(INSERT_MESSAGE, {
    ...queueKey(ref), messageId: m.messageId, body: m.body, md5OfBody: m.md5OfBody, messageAttributes: JSON.stringify(m.messageAttributes),
    md5OfMessageAttributes: m.md5OfMessageAttributes, senderId: m.senderId, sentAt: m.sentAt, visibleAt: m.visibleAt,
    receiveCount: m.receiveCount ?? 0, firstReceiveAt: m.firstReceiveAt ?? null,
  });
}

export function sqsStore(db: SqlDatabase): SqsStore {
  // Queue name prefixes have always matched ignoring ASCII case (SQLite's LIKE); PostgreSQL's
  // LIKE is case-sensitive, its ILIKE on these "C"-collated columns folds ASCII only — the same
  // matches.
  const like = db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  const listQueues = `SELECT * FROM sqs_queues WHERE ${QUEUE} AND name > @after AND name ${like} @like ESCAPE '\\' ORDER BY name LIMIT @limit`;

  return {
    async createQueue(q) {
      await db.write(
        (tx) => tx.run(
          `INSERT INTO sqs_queues (account_id, region, name, created_at, modified_at, attributes, tags)
           VALUES (@accountId, @region, @name, @createdAt, @modifiedAt, @attributes, @tags)`,
          queueRow(q),
        ),
        { exists: 'A queue already exists with the same name.' },
      );
    },

    async getQueue(ref) {
      const row = await db.get<QueueRow>(GET_QUEUE, queueKey(ref));
      return row ? toQueue(row) : null;
    },

    async listQueues(accountId, region, q) {
      const rows = await db.all<QueueRow>(listQueues, { accountId, region, after: q.after ?? '', like: `${likeLiteral(q.prefix ?? '')}%`, limit: q.limit });
      return rows.map(toQueue);
    },

    async listAllQueues() {
      return (await db.all<QueueRow>('SELECT * FROM sqs_queues ORDER BY account_id, region, name')).map(toQueue);
    },

    async updateQueue(q) {
      await db.write(async (tx) => {
        const changed = await tx.run(`UPDATE sqs_queues SET modified_at = @modifiedAt, attributes = @attributes, tags = @tags WHERE ${QUEUE} AND name = @name`, queueRow(q));
        if (changed === 0) throw queueGone();
      });
    },

    async deleteQueue(ref) {
      // Its messages go with it (ON DELETE CASCADE).
      return db.write(async (tx) => (await tx.run(`DELETE FROM sqs_queues WHERE ${QUEUE} AND name = @name`, queueKey(ref))) > 0);
    },

    async sendMessages(ref, messages) {
      await db.write(async (tx) => {
        if (!(await tx.get(GET_QUEUE, queueKey(ref)))) throw queueGone();
        for (const m of messages) await insertMessage(tx, ref, m);
      });
    },

    async receiveMessages(ref, r) {
      // Everything below reads and writes through `tx` and starts afresh (`out`, `taken`, the
      // receipt handles): on PostgreSQL the callback may run again after a serialization failure.
      return db.write(async (tx) => {
        if (!(await tx.get(GET_QUEUE, queueKey(ref)))) throw queueGone();
        await tx.run(`DELETE FROM sqs_messages WHERE ${IN_QUEUE} AND sent_at < @before`, { ...queueKey(ref), before: r.retainedAfter });
        const out: StoredMessage[] = [];
        const t = r.redrive?.target;
        const selfTarget = t !== undefined && t.accountId === ref.accountId && t.region === ref.region && t.name === ref.name;
        const redriveTo = r.redrive && !selfTarget && (await tx.get(GET_QUEUE, queueKey(r.redrive.target))) ? r.redrive : undefined;
        const hiddenUntil = r.now + r.visibilityTimeoutMs;
        // Messages received here stay "visible" when the timeout is 0: never take one twice.
        const taken = new Set<number>();
        // Messages that move to the dead-letter queue make room: read a little more than asked.
        while (out.length < r.max) {
          const want = r.max - out.length;
          const read = await tx.all<MessageRow>(VISIBLE, { ...queueKey(ref), now: r.now, limit: want + taken.size });
          const rows = read.filter((row) => !taken.has(row.seq)).slice(0, want);
          if (rows.length === 0) break;
          for (const row of rows) {
            if (redriveTo && row.receive_count >= redriveTo.maxReceiveCount) {
              // Moved as it is, with its id, body, attributes and receive count, visible at once.
              await tx.run('DELETE FROM sqs_messages WHERE seq = ?', [row.seq]);
              await insertMessage(tx, redriveTo.target, { ...toMessage(row), visibleAt: r.now });
              continue;
            }
            const handle = r.newReceiptHandle(row.seq);
            await tx.run(RECEIVE, { seq: row.seq, visibleAt: hiddenUntil, now: r.now, handle });
            taken.add(row.seq);
            out.push({ ...toMessage(row), receiveCount: row.receive_count + 1, firstReceiveAt: row.first_receive_at ?? r.now, receiptHandle: handle, visibleAt: hiddenUntil });
          }
        }
        return out;
      });
    },

    async deleteMessage(ref, receiptHandle) {
      return db.write(async (tx) => {
        if (!(await tx.get(GET_QUEUE, queueKey(ref)))) throw queueGone();
        return (await tx.run(`DELETE FROM sqs_messages WHERE ${IN_QUEUE} AND receipt_handle = @handle`, { ...queueKey(ref), handle: receiptHandle })) > 0;
      });
    },

    async changeVisibility(ref, receiptHandle, visibleAt, now) {
      return db.write(async (tx) => {
        if (!(await tx.get(GET_QUEUE, queueKey(ref)))) throw queueGone();
        const changed = await tx.run(
          `UPDATE sqs_messages SET visible_at = @visibleAt WHERE ${IN_QUEUE} AND receipt_handle = @handle AND visible_at > @now`,
          { ...queueKey(ref), handle: receiptHandle, visibleAt, now },
        );
        return changed > 0;
      });
    },

    async purgeQueue(ref) {
      await db.write((tx) => tx.run(`DELETE FROM sqs_messages WHERE ${IN_QUEUE}`, queueKey(ref)));
    },

    async counts(ref, now) {
      const row = (await db.get<CountsRow>(COUNTS, { ...queueKey(ref), now }))!;
      return { visible: Number(row.visible), inFlight: Number(row.in_flight), delayed: Number(row.delayed) };
    },

    async nextVisibleAt(ref, now) {
      const next = await db.value<number | null>(`SELECT min(visible_at) FROM sqs_messages WHERE ${IN_QUEUE} AND visible_at > @now`, { ...queueKey(ref), now });
      return next ?? null;
    },
  };
}
