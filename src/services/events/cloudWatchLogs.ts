// The event a CloudWatch Logs subscription filter sends: gzip-compressed, base64-encoded log events.

import { gunzipSync, gzipSync } from 'node:zlib';
import { digest, freshHex, type EventEnv } from './formats.js';

export interface CloudWatchLogsInput {
  account: string;
  logGroup: string;
  logStream?: string;
  filterName?: string;
  messages: string[];
}

export interface CloudWatchLogsEvent {
  awslogs: { data: string };
}

export interface CloudWatchLogsData {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: Array<{ id: string; timestamp: number; message: string }>;
}

/**
 * Log event ids are 56-digit decimal numbers whose top bits are the event timestamp: every
 * documented id shifted right by 144 bits gives its event's timestamp in milliseconds. The low
 * bits here count up within a delivery so ids stay unique and ordered.
 */
export function logEventId(timestamp: number, seed: string, index: number): string {
  const low = BigInt('0x' + digest('cwl-event', seed).slice(0, 28)) * 65536n + BigInt(index);
  return ((BigInt(timestamp) << 144n) | (low & ((1n << 144n) - 1n))).toString();
}

export function cloudWatchLogsEvent(env: EventEnv, i: CloudWatchLogsInput): CloudWatchLogsEvent {
  const timestamp = env.now.getTime();
  const seed = env.id();
  const d = env.now.toISOString().slice(0, 10).replace(/-/g, '/');
  const data: CloudWatchLogsData = {
    messageType: 'DATA_MESSAGE',
    owner: i.account,
    logGroup: i.logGroup,
    // Default shaped like a Lambda function's own stream: `2019/03/13/[$LATEST]<32 hex>`.
    logStream: i.logStream ?? `${d}/[$LATEST]${freshHex(env)}`,
    subscriptionFilters: [i.filterName ?? 'default'],
    logEvents: i.messages.map((message, n) => ({ id: logEventId(timestamp, seed, n), timestamp, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data), 'utf8')).toString('base64') } };
}

/** What a subscribed function does first: base64-decode, gunzip, parse. */
export function decodeCloudWatchLogsData(data: string): CloudWatchLogsData {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as CloudWatchLogsData;
}
