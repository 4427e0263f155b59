// The SQS part of the store contract: queues (per account and region) and their messages.
// Receiving is one transaction — pick the visible messages, hide them for the visibility
// timeout, count the receive, give each a new receipt handle — so no two receivers ever get
// the same message while it is in flight. Times are epoch milliseconds.

export interface QueueRef {
  accountId: string;
  region: string;
  name: string;
}

export interface QueueRecord extends QueueRef {
  /** Epoch seconds, as GetQueueAttributes shows them. */
  createdAt: number;
  modifiedAt: number;
  /** The settable attributes as given (strings, as the API carries them). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64. */
  BinaryValue?: string;
}

export interface NewMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes: string | null;
  senderId: string;
  sentAt: number;
  /** When it may first be received (sentAt + delay). */
  visibleAt: number;
}

export interface StoredMessage extends NewMessage {
  seq: number;
  receiveCount: number;
  firstReceiveAt: number | null;
  receiptHandle: string | null;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface ReceiveRequest {
  now: number;
  max: number;
  visibilityTimeoutMs: number;
  /** A new receipt handle for a message being received. */
  newReceiptHandle: (seq: number) => string;
  /** Messages older than this are gone (MessageRetentionPeriod). */
  retainedAfter: number;
  /** The queue's redrive policy: a message received this many times already moves to the target instead. */
  redrive?: { target: QueueRef; maxReceiveCount: number };
}

export interface SqsStore {
  /** AlreadyExists when the queue exists. */
  createQueue(q: QueueRecord): Promise<void>;
  getQueue(ref: QueueRef): Promise<QueueRecord | null>;
  /** By name; `after` is the last name of the previous page. */
  listQueues(accountId: string, region: string, q: { prefix?: string; after?: string; limit: number }): Promise<QueueRecord[]>;
  /** Every queue of every account (access findings read their policies). */
  listAllQueues(): Promise<QueueRecord[]>;
  /** NotFound when the queue is gone. */
  updateQueue(q: QueueRecord): Promise<void>;
  /** The queue and its messages; false when there was none. */
  deleteQueue(ref: QueueRef): Promise<boolean>;

  /** Stores the messages in one transaction; NotFound when the queue is gone. */
  sendMessages(ref: QueueRef, messages: NewMessage[]): Promise<void>;
  receiveMessages(ref: QueueRef, r: ReceiveRequest): Promise<StoredMessage[]>;
  /** Deletes the message this handle was last given for; false when none matches (a stale handle). */
  deleteMessage(ref: QueueRef, receiptHandle: string): Promise<boolean>;
  /** Sets when an in-flight message becomes visible again; false when no in-flight message has this handle. */
  changeVisibility(ref: QueueRef, receiptHandle: string, visibleAt: number, now: number): Promise<boolean>;
  purgeQueue(ref: QueueRef): Promise<void>;
  counts(ref: QueueRef, now: number): Promise<QueueCounts>;
  /** The earliest time a hidden message becomes visible, if any (for long polls). */
  nextVisibleAt(ref: QueueRef, now: number): Promise<number | null>;
}
