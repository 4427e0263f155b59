// The event Amazon S3 sends a function for an object notification (ObjectCreated:Put and kin).

import { UPPER_ALNUM, fakeAlnum, fakeBytes, freshHex, isoMillis, type EventEnv } from './formats.js';

export interface S3ObjectCreatedInput {
  bucket: string;
  /** The object key as stored; the event carries it URL-encoded, as S3 does. */
  key: string;
  size?: number;
  eTag?: string;
  /** Without the `s3:` prefix, e.g. `ObjectCreated:Put` (the default), `ObjectCreated:Post`. */
  eventName?: string;
  /** The bucket owner's account. */
  sourceAccount: string;
  /** The principal that caused the event, e.g. `AWS:AIDAEXAMPLE` for an IAM user. */
  principalId?: string;
  sourceIp?: string;
  /** The Id of the bucket's notification configuration that matched. */
  configurationId?: string;
  /** Present only when the bucket is versioning-enabled. */
  versionId?: string;
}

export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; versionId?: string; sequencer: string };
  };
}

export interface S3Event {
  Records: S3EventRecord[];
}

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/**
 * S3 sends keys form-encoded ("red flower.jpg" arrives as "red+flower.jpg"). The delimiter `/`
 * stays literal, as in every recorded event with a prefixed key.
 */
export function s3EventKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.*/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The "Amazon retail customer ID" S3 shows for a bucket owner (e.g. A3NL1KOZZKExample). The real
 * one cannot be derived from an account id; this fake is stable per account.
 */
export function s3CanonicalPrincipalId(account: string): string {
  return 'A' + fakeAlnum(13, UPPER_ALNUM, 's3-owner', account);
}

/**
 * Hex, ordered by time: S3 documents only that sequencers of the same key compare as strings to
 * order events. Built from the event time in milliseconds so later events sort later.
 */
export function s3Sequencer(env: EventEnv): string {
  const millis = env.now.getTime().toString(16).toUpperCase().padStart(14, '0');
  return millis + freshHex(env).slice(0, 4).toUpperCase();
}

export function s3ObjectCreatedEvent(env: EventEnv, i: S3ObjectCreatedInput): S3Event {
  const requestId = freshHex(env).slice(0, 16).toUpperCase();
  const owner = s3CanonicalPrincipalId(i.sourceAccount);
  const object: S3EventRecord['s3']['object'] = {
    key: s3EventKey(i.key),
    size: i.size ?? 0,
    // The ETag header is quoted; the event's eTag is not (recorded).
    eTag: (i.eTag ?? EMPTY_MD5).replace(/^"|"$/g, ''),
    ...(i.versionId !== undefined ? { versionId: i.versionId } : {}),
    sequencer: s3Sequencer(env),
  };
  return {
    Records: [
      {
        // The recording of ObjectCreated:Put/Post (2025) says 2.1; newer documentation pages
        // describe unified versions 2.4+, which no recording confirms yet.
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: env.region,
        eventTime: isoMillis(env.now),
        eventName: i.eventName ?? 'ObjectCreated:Put',
        userIdentity: { principalId: i.principalId ?? owner },
        requestParameters: { sourceIPAddress: i.sourceIp ?? '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': requestId,
          // Fake: identifies the S3 host that served the request; base64 like the real one.
          'x-amz-id-2': fakeBytes(48, 's3-host', requestId).toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: i.configurationId ?? freshHex(env),
          bucket: { name: i.bucket, ownerIdentity: { principalId: owner }, arn: `arn:aws:s3:::${i.bucket}` },
          object,
        },
      },
    ],
  };
}
