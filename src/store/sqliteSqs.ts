// SQS in the SQLite store (the contract is sqs.ts). Every write is one IMMEDIATE transaction:
// a receive takes the write lock, so two receivers never hold the same message in flight.

import type Database from 'better-sqlite3';
import { SqliteSection } from './sqliteErrors.js';
import type { NewMessage, QueueCounts, QueueRecord, QueueRef, ReceiveRequest, SqsStore, StoredMessage } from './sqs.js';
import { StoreError } from './store.js';

interface QueueRow { account_id: string; region: string; name: string; created_at: number; modified_at: number; attributes: string; tags: string }
interface MessageRow {
  seq: number; message_id: string; body: string; md5_body: string; message_attributes: string; md5_attributes: string | null;
  sender_id: string; sent_at: number; visible_at: number; receive_count: number; first_receive_at: number | null; receipt_handle: string | null;
}

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

const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const queueGone = () => new StoreError('NotFound', 'The specified queue does not exist.');

export class SqliteSqsStore extends SqliteSection implements SqsStore {
  private readonly s;

  constructor(db: Database.Database) {
    super(db);
    const p = (sql: string) => db.prepare(sql);
    const queue = 'account_id = @accountId AND region = @region';
    const inQueue = `${queue} AND queue_name = @name`;
    this.s = {
      insertQueue: p(`INSERT INTO sqs_queues (account_id, region, name, created_at, modified_at, attributes, tags)
        VALUES (@accountId, @region, @name, @createdAt, @modifiedAt, @attributes, @tags)`),
      getQueue: p(`SELECT * FROM sqs_queues WHERE ${queue} AND name = @name`),
      listQueues: p(`SELECT * FROM sqs_queues WHERE ${queue} AND name > @after AND name LIKE @like ESCAPE '\\' ORDER BY name LIMIT @limit`),
      allQueues: p('SELECT * FROM sqs_queues ORDER BY account_id, region, name'),
      updateQueue: p(`UPDATE sqs_queues SET modified_at = @modifiedAt, attributes = @attributes, tags = @tags WHERE ${queue} AND name = @name`),
      deleteQueue: p(`DELETE FROM sqs_queues WHERE ${queue} AND name = @name`),
      insertMessage: p(`INSERT INTO sqs_messages (account_id, region, queue_name, message_id, body, md5_body, message_attributes, md5_attributes,
        sender_id, sent_at, visible_at, receive_count, first_receive_at)
        VALUES (@accountId, @region, @name, @messageId, @body, @md5OfBody, @messageAttributes, @md5OfMessageAttributes, @senderId, @sentAt, @visibleAt,
        @receiveCount, @firstReceiveAt)`),
      expire: p(`DELETE FROM sqs_messages WHERE ${inQueue} AND sent_at < @before`),
      visible: p(`SELECT * FROM sqs_messages WHERE ${inQueue} AND visible_at <= @now ORDER BY visible_at, seq LIMIT @limit`),
      receive: p('UPDATE sqs_messages SET visible_at = @visibleAt, receive_count = receive_count + 1, first_receive_at = coalesce(first_receive_at, @now), receipt_handle = @handle WHERE seq = @seq'),
      removeBySeq: p('DELETE FROM sqs_messages WHERE seq = ?'),
      deleteByHandle: p(`DELETE FROM sqs_messages WHERE ${inQueue} AND receipt_handle = @handle`),
      changeVisibility: p(`UPDATE sqs_messages SET visible_at = @visibleAt WHERE ${inQueue} AND receipt_handle = @handle AND visible_at > @now`),
      purge: p(`DELETE FROM sqs_messages WHERE ${inQueue}`),
      counts: p(`SELECT coalesce(sum(visible_at <= @now), 0) AS visible, coalesce(sum(visible_at > @now AND receive_count > 0), 0) AS inFlight,
        coalesce(sum(visible_at > @now AND receive_count = 0), 0) AS delayed FROM sqs_messages WHERE ${inQueue}`),
      nextVisible: p(`SELECT min(visible_at) FROM sqs_messages WHERE ${inQueue} AND visible_at > @now`).pluck(),
    };
  }

  private row(q: QueueRecord) {
    return { ...q, attributes: JSON.stringify(q.attributes), tags: JSON.stringify(q.tags) };
  }

  async createQueue(q: QueueRecord): Promise<void> {
    this.write(() => void this.s.insertQueue.run(this.row(q)), { exists: 'A queue already exists with the same name.' });
  }

  async getQueue(ref: QueueRef): Promise<QueueRecord | null> {
    return this.read(() => {
      const row = this.s.getQueue.get(ref) as QueueRow | undefined;
      return row ? toQueue(row) : null;
    });
  }

  async listQueues(accountId: string, region: string, q: { prefix?: string; after?: string; limit: number }): Promise<QueueRecord[]> {
    return this.read(() =>
      (this.s.listQueues.all({ accountId, region, after: q.after ?? '', like: `${likeLiteral(q.prefix ?? '')}%`, limit: q.limit }) as QueueRow[]).map(toQueue),
    );
  }

  async listAllQueues(): Promise<QueueRecord[]> {
    return this.read(() => (this.s.allQueues.all() as QueueRow[]).map(toQueue));
  }

  async updateQueue(q: QueueRecord): Promise<void> {
    this.write(() => {
      if (this.s.updateQueue.run(this.row(q)).changes === 0) throw queueGone();
    });
  }

  async deleteQueue(ref: QueueRef): Promise<boolean> {
    return this.write(() => this.s.deleteQueue.run(ref).changes > 0);
  }

  private insert(ref: QueueRef, m: NewMessage & { receiveCount?: number; firstReceiveAt?: number | null }): void {
    this.s.insertMessage.run({
      ...ref, ...m, messageAttributes: JSON.stringify(m.messageAttributes), receiveCount: m.receiveCount ?? 0, firstReceiveAt: m.firstReceiveAt ?? null,
    });
  }

  async sendMessages(ref: QueueRef, messages: NewMessage[]): Promise<void> {
    this.write(() => {
      if (!this.s.getQueue.get(ref)) throw queueGone();
      for (const m of messages) this.insert(ref, m);
    });
  }

  async receiveMessages(ref: QueueRef, r: ReceiveRequest): Promise<StoredMessage[]> {
    return this.write(() => {
      if (!this.s.getQueue.get(ref)) throw queueGone();
      this.s.expire.run({ ...ref, before: r.retainedAfter });
      const out: StoredMessage[] = [];
      const t = r.redrive?.target;
      const selfTarget = t !== undefined && t.accountId === ref.accountId && t.region === ref.region && t.name === ref.name;
      const redriveTo = r.redrive && !selfTarget && this.s.getQueue.get(r.redrive.target) ? r.redrive : undefined;
      // Messages that move to the dead-letter queue make room: read a little more than asked.
      while (out.length < r.max) {
        const rows = this.s.visible.all({ ...ref, now: r.now, limit: r.max - out.length }) as MessageRow[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (redriveTo && row.receive_count >= redriveTo.maxReceiveCount) {
            // Moved as it is, with its id, body, attributes and receive count, visible at once.
            const moved = toMessage(row);
            this.s.removeBySeq.run(row.seq);
            this.insert(redriveTo.target, { ...moved, visibleAt: r.now });
            continue;
          }
          const handle = r.newReceiptHandle(row.seq);
          this.s.receive.run({ seq: row.seq, visibleAt: r.now + r.visibilityTimeoutMs, now: r.now, handle });
          out.push({ ...toMessage(row), receiveCount: row.receive_count + 1, firstReceiveAt: row.first_receive_at ?? r.now, receiptHandle: handle, visibleAt: r.now + r.visibilityTimeoutMs });
        }
      }
      return out;
    });
  }

  async deleteMessage(ref: QueueRef, receiptHandle: string): Promise<boolean> {
    return this.write(() => {
      if (!this.s.getQueue.get(ref)) throw queueGone();
      return this.s.deleteByHandle.run({ ...ref, handle: receiptHandle }).changes > 0;
    });
  }

  async changeVisibility(ref: QueueRef, receiptHandle: string, visibleAt: number, now: number): Promise<boolean> {
    return this.write(() => {
      if (!this.s.getQueue.get(ref)) throw queueGone();
      return this.s.changeVisibility.run({ ...ref, handle: receiptHandle, visibleAt, now }).changes > 0;
    });
  }

  async purgeQueue(ref: QueueRef): Promise<void> {
    this.write(() => void this.s.purge.run(ref));
  }

  async counts(ref: QueueRef, now: number): Promise<QueueCounts> {
    return this.read(() => this.s.counts.get({ ...ref, now }) as QueueCounts);
  }

  async nextVisibleAt(ref: QueueRef, now: number): Promise<number | null> {
    return this.read(() => (this.s.nextVisible.get({ ...ref, now }) as number | null) ?? null);
  }
}
