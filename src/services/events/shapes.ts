// The payloads AWS services put in front of a Lambda function when they invoke it, field for
// field: what S3, SNS, EventBridge, API Gateway, CloudWatch Logs and Alexa really send, so a
// function written against AWS runs unchanged when Latchkey delivers the event.
//
// Pure and deterministic: every clock reading and random id comes from the EventEnv, so a test
// that fixes `now` and `id` gets the same bytes every time. Values AWS derives from secrets or
// infrastructure Latchkey does not have (signatures, certificate URLs, S3 host ids, retail
// customer ids, Alexa tokens) are well-formed fakes derived from the inputs; each is marked.
//
// Sources (recordings in ../shared/reference/aws-recordings win over documentation):
// - S3: s3_test_s3_notifications_lambda.snapshot.json (recorded 2025) and
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// - SNS: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
// - EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
// - API Gateway: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
//   (REST, "1.0") and .../http-api-develop-integrations-lambda.html (HTTP API, "2.0")
// - CloudWatch Logs: https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchlogs.html
// - Alexa: https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html

import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

export interface EventEnv {
  region: string;
  now: Date;
  /** A fresh UUID (v4 text form) on every call. */
  id: () => string;
}

// ---------------------------------------------------------------------------------------------
// Formats shared by several services

/** `2019-01-02T12:45:07.123Z` — S3 eventTime, SNS Timestamp. */
export function isoMillis(d: Date): string {
  return d.toISOString();
}

/** `2019-01-02T12:45:07Z` — EventBridge time, Alexa timestamp (whole seconds). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000` — the access-log time API Gateway and function URLs put in requestContext. */
export function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** 32 lower-case hex digits taken from a fresh env id (a UUID without its dashes). */
export function freshHex(env: EventEnv): string {
  const hex = env.id().replace(/-/g, '').toLowerCase();
  // An injected id that is not a UUID still has to yield hex of the usual length.
  return /^[0-9a-f]{32}$/.test(hex) ? hex : digest(hex).slice(0, 32);
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Deterministic pseudo-random bytes of any length, for fakes that must look like real material. */
function fakeBytes(length: number, ...seed: string[]): Buffer {
  const chunks: Buffer[] = [];
  let counter = 0;
  while (chunks.length * 32 < length) chunks.push(createHash('sha256').update(`${counter++}\u0000${seed.join('\u0000')}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

function fakeAlnum(length: number, alphabet: string, ...seed: string[]): string {
  return [...fakeBytes(length, ...seed)].map((b) => alphabet[b % alphabet.length]).join('');
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `Root=1-<epoch seconds hex>-<24 hex>`, the X-Ray trace header AWS front ends add. */
export function traceHeader(env: EventEnv): string {
  const seconds = Math.floor(env.now.getTime() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${freshHex(env).slice(0, 24)}`;
}

function regionOfArn(arn: string, fallback: string): string {
  const region = arn.split(':')[3];
  return region ? region : fallback;
}

// ---------------------------------------------------------------------------------------------
// Amazon S3 event notification

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

// ---------------------------------------------------------------------------------------------
// Amazon SNS notification

export type SnsAttributeType = 'String' | 'Number' | 'Binary' | 'String.Array';

export interface SnsNotificationInput {
  topicArn: string;
  message: string;
  subject?: string;
  /** A bare string is a `String` attribute. */
  messageAttributes?: Record<string, string | { Type: SnsAttributeType; Value: string }>;
  /** The subscription's id, the last part of its ARN; fresh when omitted. */
  subscriptionId?: string;
  /** The topic's SignatureVersion attribute: 1 (SHA1, the default) or 2 (SHA256). */
  signatureVersion?: '1' | '2';
}

export interface SnsEventRecord {
  EventSource: 'aws:sns';
  EventVersion: '1.0';
  EventSubscriptionArn: string;
  Sns: {
    Type: 'Notification';
    MessageId: string;
    TopicArn: string;
    Subject: string | null;
    Message: string;
    Timestamp: string;
    SignatureVersion: string;
    Signature: string;
    SigningCertUrl: string;
    UnsubscribeUrl: string;
    MessageAttributes: Record<string, { Type: string; Value: string }>;
  };
}

export interface SnsEvent {
  Records: SnsEventRecord[];
}

export function snsNotificationEvent(env: EventEnv, i: SnsNotificationInput): SnsEvent {
  const region = regionOfArn(i.topicArn, env.region);
  const subscriptionArn = `${i.topicArn}:${i.subscriptionId ?? env.id()}`;
  const messageId = env.id();
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (const [name, v] of Object.entries(i.messageAttributes ?? {})) {
    attributes[name] = typeof v === 'string' ? { Type: 'String', Value: v } : { Type: v.Type, Value: v.Value };
  }
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: i.topicArn,
          // Lambda deliveries carry null, not an absent key, when Publish had no Subject.
          Subject: i.subject ?? null,
          Message: i.message,
          Timestamp: isoMillis(env.now),
          SignatureVersion: i.signatureVersion ?? '1',
          // Fake: a real signature needs SNS's private key. Same length as an RSA-2048 one.
          Signature: fakeBytes(256, 'sns-signature', messageId, i.message).toString('base64'),
          // Fake certificate name in SNS's real URL layout; nothing is served there.
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-${digest('sns-cert', region).slice(0, 32)}.pem`,
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: attributes,
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Amazon EventBridge event

export interface EventBridgeInput {
  account: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
}

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export function eventBridgeEvent(env: EventEnv, i: EventBridgeInput): EventBridgeEvent {
  return {
    version: '0',
    id: env.id(),
    'detail-type': i.detailType,
    source: i.source,
    account: i.account,
    time: isoSeconds(env.now),
    region: env.region,
    resources: i.resources ?? [],
    detail: i.detail ?? {},
  };
}

// ---------------------------------------------------------------------------------------------
// Amazon API Gateway Lambda proxy integration

export interface ApiGatewayProxyInput {
  account: string;
  apiId: string;
  /** REST: the deployment stage (default `prod`). HTTP API: default `$default`. */
  stage?: string;
  method: string;
  /** The request path after the stage, e.g. `/pets/7`. */
  path: string;
  headers?: Record<string, string>;
  /** A map, or the raw query string when a key repeats (`a=1&a=2`), which a map cannot hold. */
  query?: Record<string, string> | string;
  body?: string;
  isBase64Encoded?: boolean;
  /** `1.0`: the REST API proxy event. `2.0`: the HTTP API payload format 2.0 (the default). */
  version?: '1.0' | '2.0';
  /** REST resource (e.g. `/{proxy+}`) or HTTP API route key (e.g. `GET /pets/{id}`). */
  resource?: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  sourceIp?: string;
}

export interface ApiGatewayRestProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: {
    resourceId: string;
    resourcePath: string;
    httpMethod: string;
    extendedRequestId: string;
    requestTime: string;
    path: string;
    accountId: string;
    protocol: string;
    stage: string;
    domainPrefix: string;
    requestTimeEpoch: number;
    requestId: string;
    identity: Record<string, string | null>;
    domainName: string;
    apiId: string;
  };
  body: string | null;
  isBase64Encoded: boolean;
}

export interface ApiGatewayHttpProxyEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  pathParameters?: Record<string, string>;
  isBase64Encoded: boolean;
  stageVariables?: Record<string, string>;
}

/** Form-decoding as API Gateway applies it to query values: `+` is a space. */
export function decodeQueryComponent(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** Query pairs in request order; a key without `=` has the empty value. */
export function parseQuery(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of raw.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([decodeQueryComponent(k), decodeQueryComponent(v)]);
  }
  return pairs;
}

function rawQueryOf(query: Record<string, string> | string | undefined): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.replace(/^\?/, '');
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The request id style of API Gateway's `$context.extendedRequestId` (e.g. `LV7fzho-PHcEJPw=`). */
function apiGatewayShortId(env: EventEnv): string {
  return Buffer.from(freshHex(env).slice(0, 22), 'hex').toString('base64').replace(/\//g, '-').replace(/\+/g, '_');
}

export function apiGatewayProxyEvent(env: EventEnv, i: ApiGatewayProxyInput): ApiGatewayRestProxyEvent | ApiGatewayHttpProxyEvent {
  return i.version === '1.0' ? restProxyEvent(env, i) : httpApiProxyEvent(env, i);
}

function frontEndHeaders(env: EventEnv, host: string, sourceIp: string): Array<[string, string]> {
  return [
    ['Host', host],
    ['X-Amzn-Trace-Id', traceHeader(env)],
    ['X-Forwarded-For', sourceIp],
    ['X-Forwarded-Port', '443'],
    ['X-Forwarded-Proto', 'https'],
  ];
}

function restProxyEvent(env: EventEnv, i: ApiGatewayProxyInput): ApiGatewayRestProxyEvent {
  const stage = i.stage ?? 'prod';
  const domainName = `${i.apiId}.execute-api.${env.region}.amazonaws.com`;
  const sourceIp = i.sourceIp ?? '127.0.0.1';
  // REST APIs keep header names as the client sent them; the front end adds its own only when absent.
  const headers: Record<string, string> = { ...(i.headers ?? {}) };
  const sent = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  for (const [k, v] of frontEndHeaders(env, domainName, sourceIp)) if (!sent.has(k.toLowerCase())) headers[k] = v;
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) multiValueHeaders[k] = [v];

  const pairs = parseQuery(rawQueryOf(i.query));
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  if (pairs.length > 0) {
    query = {};
    multiQuery = {};
    // The single-value map keeps the last value of a repeated key, as REST APIs do.
    for (const [k, v] of pairs) {
      query[k] = v;
      (multiQuery[k] ??= []).push(v);
    }
  }
  const userAgent = Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? null;
  const resource = i.resource ?? i.path;
  return {
    resource,
    path: i.path,
    httpMethod: i.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: i.pathParameters ?? null,
    stageVariables: i.stageVariables ?? null,
    requestContext: {
      // Fake but well-formed: the id API Gateway gives the matched resource (10 lower-case alnum).
      resourceId: fakeAlnum(10, 'abcdefghijklmnopqrstuvwxyz0123456789', 'apigw-resource', i.apiId, resource),
      resourcePath: resource,
      httpMethod: i.method,
      extendedRequestId: apiGatewayShortId(env),
      requestTime: clfTime(env.now),
      path: `/${stage}${i.path}`,
      accountId: i.account,
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: i.apiId,
      requestTimeEpoch: env.now.getTime(),
      requestId: env.id(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
      },
      domainName,
      apiId: i.apiId,
    },
    body: i.body ?? null,
    isBase64Encoded: i.isBase64Encoded ?? false,
  };
}

function httpApiProxyEvent(env: EventEnv, i: ApiGatewayProxyInput): ApiGatewayHttpProxyEvent {
  const stage = i.stage ?? '$default';
  const domainName = `${i.apiId}.execute-api.${env.region}.amazonaws.com`;
  const sourceIp = i.sourceIp ?? '127.0.0.1';
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.headers ?? {})) {
    const name = k.toLowerCase();
    headers[name] = headers[name] === undefined ? v : `${headers[name]},${v}`;
  }
  for (const [k, v] of frontEndHeaders(env, domainName, sourceIp)) headers[k.toLowerCase()] ??= v;

  const rawQueryString = rawQueryOf(i.query);
  // A named stage is part of the path the client called, and HTTP APIs report that full path.
  const rawPath = stage === '$default' ? i.path : `/${stage}${i.path}`;
  const routeKey = i.resource ?? '$default';
  const event: ApiGatewayHttpProxyEvent = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: i.account,
      apiId: i.apiId,
      domainName,
      domainPrefix: i.apiId,
      http: { method: i.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: apiGatewayShortId(env),
      routeKey,
      stage,
      time: clfTime(env.now),
      timeEpoch: env.now.getTime(),
    },
    isBase64Encoded: i.isBase64Encoded ?? false,
  };
  const cookies = cookiesOf(headers['cookie']);
  if (cookies.length > 0) event.cookies = cookies;
  const pairs = parseQuery(rawQueryString);
  if (pairs.length > 0) event.queryStringParameters = joinRepeated(pairs);
  if (i.body !== undefined) event.body = i.body;
  if (i.pathParameters !== undefined) event.pathParameters = i.pathParameters;
  if (i.stageVariables !== undefined) event.stageVariables = i.stageVariables;
  return reorder(event, ['version', 'routeKey', 'rawPath', 'rawQueryString', 'cookies', 'headers', 'queryStringParameters', 'requestContext', 'body', 'pathParameters', 'isBase64Encoded', 'stageVariables']);
}

/** Payload 2.0 rule: repeated query keys (and headers) arrive as one comma-joined value. */
export function joinRepeated(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  return out;
}

/** Payload 2.0 `cookies`: each `name=value` of the Cookie header(s), in order. */
export function cookiesOf(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** JSON key order matches AWS's documented examples; optional keys that are absent stay absent. */
function reorder<T extends object>(o: T, keys: string[]): T {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out) && src[k] !== undefined) out[k] = src[k];
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Amazon CloudWatch Logs subscription filter

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

// ---------------------------------------------------------------------------------------------
// Alexa Skills Kit request

export type AlexaRequestType = 'LaunchRequest' | 'IntentRequest' | 'SessionEndedRequest' | 'CanFulfillIntentRequest';

export interface AlexaSkillInput {
  /** `amzn1.ask.skill.<uuid>` — the id the skill's Lambda trigger condition names. */
  skillId: string;
  requestType?: AlexaRequestType;
  /** For IntentRequest and CanFulfillIntentRequest. */
  intentName?: string;
  locale?: string;
}

export interface AlexaSkillEvent {
  version: '1.0';
  session: {
    new: boolean;
    sessionId: string;
    application: { applicationId: string };
    user: { userId: string };
  };
  context: {
    System: {
      application: { applicationId: string };
      user: { userId: string };
      device: { deviceId: string; supportedInterfaces: Record<string, unknown> };
      apiEndpoint: string;
      apiAccessToken: string;
    };
  };
  request: Record<string, unknown> & { type: string; requestId: string; timestamp: string; locale: string };
}

/** Alexa's three API endpoints, chosen by where the skill's Lambda function runs. */
export function alexaApiEndpoint(region: string): string {
  if (region.startsWith('eu-') || region.startsWith('me-') || region.startsWith('af-') || region === 'ap-south-1') return 'https://api.eu.amazonalexa.com';
  if (region.startsWith('ap-') || region.startsWith('cn-')) return 'https://api.fe.amazonalexa.com';
  return 'https://api.amazonalexa.com';
}

export function alexaSkillEvent(env: EventEnv, i: AlexaSkillInput): AlexaSkillEvent {
  const type = i.requestType ?? 'LaunchRequest';
  // Fakes: Alexa's user and device ids are opaque per-skill identifiers; these are stable per skill.
  const userId = `amzn1.ask.account.${fakeAlnum(64, UPPER_ALNUM, 'alexa-user', i.skillId)}`;
  const deviceId = `amzn1.ask.device.${fakeAlnum(64, UPPER_ALNUM, 'alexa-device', i.skillId)}`;
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  // Fake: a JWT-shaped token whose signature no Alexa API would accept.
  const apiAccessToken = [
    b64url('{"typ":"JWT","alg":"RS256","kid":"1"}'),
    b64url(JSON.stringify({ aud: alexaApiEndpoint(env.region), iss: 'AlexaSkillKit', sub: i.skillId, exp: Math.floor(env.now.getTime() / 1000) + 3600, iat: Math.floor(env.now.getTime() / 1000) })),
    fakeBytes(256, 'alexa-token', i.skillId).toString('base64url'),
  ].join('.');

  const request: AlexaSkillEvent['request'] = {
    type,
    requestId: `amzn1.echo-api.request.${env.id()}`,
    timestamp: isoSeconds(env.now),
    locale: i.locale ?? 'en-US',
  };
  if (type === 'LaunchRequest') request.shouldLinkResultBeReturned = false;
  if (type === 'IntentRequest' || type === 'CanFulfillIntentRequest') {
    request.intent = { name: i.intentName ?? 'AMAZON.HelpIntent', confirmationStatus: 'NONE' };
  }
  if (type === 'SessionEndedRequest') request.reason = 'USER_INITIATED';

  const application = { applicationId: i.skillId };
  return {
    version: '1.0',
    session: {
      // Only the request that opens a session is new; an ending session has been going on.
      new: type !== 'SessionEndedRequest',
      sessionId: `amzn1.echo-api.session.${env.id()}`,
      application,
      user: { userId },
    },
    context: {
      System: {
        application,
        user: { userId },
        device: { deviceId, supportedInterfaces: {} },
        apiEndpoint: alexaApiEndpoint(env.region),
        apiAccessToken,
      },
    },
    request,
  };
}
