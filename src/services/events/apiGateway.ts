// The request Amazon API Gateway's Lambda proxy integration sends: REST APIs (payload 1.0)
// and HTTP APIs (2.0), and the query and cookie parsing function URLs share.

import { clfTime, fakeAlnum, freshHex, traceHeader, type EventEnv } from './formats.js';

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
