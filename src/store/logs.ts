// The CloudWatch Logs part of the store contract: log groups (per account and region), their
// log streams, and the events in each stream. Times are epoch milliseconds, as the Logs API
// carries them. Conflicts and missing parents come back as StoreError codes (AlreadyExists,
// NotFound), never as database errors.

export interface LogGroupRecord {
  accountId: string;
  region: string;
  name: string;
  createdAt: number;
  retentionInDays: number | null;
  kmsKeyId: string | null;
  logGroupClass: string;
  tags: Record<string, string>;
}

export interface LogStreamRecord {
  accountId: string;
  region: string;
  groupName: string;
  name: string;
  createdAt: number;
  firstEventTimestamp: number | null;
  lastEventTimestamp: number | null;
  lastIngestionTime: number | null;
  storedBytes: number;
}

export interface LogEventRecord {
  /** Increases with every event stored: the order of ingestion, and the paging cursor. */
  eventId: number;
  streamName: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

export interface LogGroupRef {
  accountId: string;
  region: string;
  name: string;
}

export interface LogsStore {
  /** AlreadyExists when the group exists. */
  createLogGroup(g: LogGroupRecord): Promise<void>;
  getLogGroup(ref: LogGroupRef): Promise<LogGroupRecord | null>;
  /** By name; `after` is the last name of the previous page. */
  listLogGroups(accountId: string, region: string, q: { prefix?: string; contains?: string; after?: string; limit: number }): Promise<LogGroupRecord[]>;
  /** Retention, KMS key and tags; NotFound when the group is gone. */
  updateLogGroup(g: LogGroupRecord): Promise<void>;
  /** The group, its streams and events; false when there was none. */
  deleteLogGroup(ref: LogGroupRef): Promise<boolean>;

  /** AlreadyExists when the stream exists, NotFound when the group does not. */
  createLogStream(group: LogGroupRef, name: string, createdAt: number): Promise<void>;
  getLogStream(group: LogGroupRef, name: string): Promise<LogStreamRecord | null>;
  /**
   * By name, or by last event time (streams without events first when ascending). `after` is
   * the cursor of the previous page: the last name, or `<lastEventTimestamp>/<name>`.
   */
  listLogStreams(
    group: LogGroupRef,
    q: { prefix?: string; orderBy: 'LogStreamName' | 'LastEventTime'; descending: boolean; after?: string; limit: number },
  ): Promise<LogStreamRecord[]>;
  deleteLogStream(group: LogGroupRef, name: string): Promise<boolean>;

  /** Appends events (one transaction) and updates the stream's times; NotFound when the stream is gone. */
  putLogEvents(group: LogGroupRef, stream: string, events: { timestamp: number; message: string }[], ingestionTime: number): Promise<void>;
  /**
   * One stream's events by (timestamp, eventId), within [startTime, endTime): from the head
   * (oldest first) after `afterId`, or from the tail (`fromHead` false: the newest `limit`,
   * returned oldest first) before `beforeId`.
   */
  getLogEvents(
    group: LogGroupRef,
    stream: string,
    q: { startTime?: number; endTime?: number; fromHead: boolean; afterId?: number; beforeId?: number; limit: number },
  ): Promise<LogEventRecord[]>;
  /** A group's events across streams, ordered by (timestamp, eventId), after the cursor `after`. */
  filterLogEvents(
    group: LogGroupRef,
    q: { streams?: string[]; streamPrefix?: string; startTime?: number; endTime?: number; after?: { timestamp: number; eventId: number }; limit: number },
  ): Promise<LogEventRecord[]>;
  /** Deletes the events older than each group's retention (as CloudWatch Logs expires them); how many. */
  expireLogEvents(now: number): Promise<number>;
}
