// Lambda function URLs: the HTTP request turned into the event Lambda hands the function
// (payload format 2.0), and the function's result turned back into the HTTP response.
//
// Sources, in the order they win:
// 1. Real AWS recordings in reference/aws-recordings/test_lambda.snapshot.json
//    (TestLambdaURL, recorded 2025-11-24): response bodies and Content-Length for string,
//    number, boolean, list and object results; 502 "Internal Server Error" for a function error;
//    403 bodies for a missing permission and an unknown URL; multipart bodies arrive base64.
// 2. Events captured from real function URLs by aws/aws-lambda-go (lambdaurl/testdata, 2023):
//    the `cookie` header stays in `headers` beside `cookies`; no `body` key without a body; no
//    `queryStringParameters` or `cookies` key when there are none; hop-by-hop `connection` gone.
// 3. https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (request and response
//    payload formats, cookies) and the payload format 2.0 rules of
//    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

import { validateHeaderName, validateHeaderValue } from 'node:http';
import { clfTime, cookiesOf, joinRepeated, parseQuery, traceHeader, type ApiGatewayHttpProxyEvent, type EventEnv } from './shapes.js';

export type FunctionUrlAuthType = 'NONE' | 'AWS_IAM';

/** The SigV4 caller of an AWS_IAM function URL, as IAM resolved it. */
export interface FunctionUrlCaller {
  accessKey: string;
  accountId: string;
  /** IAM unique id of the caller (AIDA… for a user, AROA…:session for a role session). */
  callerId: string;
  userArn: string;
  userId: string;
  /** The caller's organization, when its account is in one. */
  principalOrgId?: string | null;
}

export interface FunctionUrlRequest {
  method: string;
  /** The path as received, still percent-encoded. */
  rawPath: string;
  /** Everything after `?`, without the `?`. */
  rawQueryString: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
  userAgent?: string;
  urlId: string;
  /** The function owner's account. */
  accountId: string;
  authType: FunctionUrlAuthType;
  caller?: FunctionUrlCaller;
  protocol?: string;
  /**
   * Add the headers AWS's HTTPS front end adds (x-forwarded-*, x-amzn-tls-*, x-amzn-trace-id).
   * On by default so functions see what they see on AWS.
   */
  frontEndHeaders?: boolean;
}

/**
 * Payload format 2.0, as API Gateway HTTP APIs send it, with the route and stage fixed to
 * `$default`, and, for AWS_IAM URLs, the signer in `requestContext.authorizer.iam`.
 */
export type FunctionUrlEvent = Omit<ApiGatewayHttpProxyEvent, 'routeKey' | 'requestContext' | 'pathParameters' | 'stageVariables'> & {
  routeKey: '$default';
  requestContext: ApiGatewayHttpProxyEvent['requestContext'] & {
    routeKey: '$default';
    stage: '$default';
    authorizer?: {
      iam: {
        accessKey: string;
        accountId: string;
        callerId: string;
        cognitoIdentity: null;
        principalOrgId: string | null;
        userArn: string;
        userId: string;
      };
    };
  };
};

export interface FunctionUrlHttpResponse {
  statusCode: number;
  /** Lower-case names; `set-cookie` is the only one that may repeat. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** `<url-id>.lambda-url.<region>.on.aws` */
export function functionUrlDomain(urlId: string, region: string): string {
  return `${urlId}.lambda-url.${region}.on.aws`;
}

// Connection-scoped headers end at AWS's front end: a recorded python-requests call (which sends
// `Connection: keep-alive`) reached the function without it.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * Which bodies arrive as text. AWS documents only "if the content type of the request is binary,
 * the body is base64-encoded"; the split below was observed on payload format 2.0 (text/*,
 * application/json, application/xml, application/javascript are text; anything else, a missing
 * Content-Type, and even application/x-www-form-urlencoded are base64), and the function URL
 * recording agrees (multipart/form-data arrived base64). Bytes that are not valid UTF-8 are
 * base64 whatever the label — an assumption, since text with broken bytes cannot be a JSON string.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType.startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(mediaType);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Text(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

export function functionUrlEvent(env: EventEnv, req: FunctionUrlRequest): FunctionUrlEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(key)) continue;
    const joined = Array.isArray(value) ? value.join(',') : value;
    headers[key] = headers[key] === undefined ? joined : `${headers[key]},${joined}`;
  }
  if (req.frontEndHeaders ?? true) {
    // As recorded on real function URLs; the TLS values are what a 2023 capture showed.
    headers['x-amzn-tls-cipher-suite'] ??= 'ECDHE-RSA-AES128-GCM-SHA256';
    headers['x-amzn-tls-version'] ??= 'TLSv1.2';
    headers['x-amzn-trace-id'] ??= traceHeader(env);
    headers['x-forwarded-for'] ??= req.sourceIp;
    headers['x-forwarded-port'] ??= '443';
    headers['x-forwarded-proto'] ??= 'https';
  }

  // Several Cookie headers (HTTP/2 sends one per cookie) and one joined header give the same list.
  const cookies = Object.entries(req.headers)
    .filter(([name]) => name.toLowerCase() === 'cookie')
    .flatMap(([, v]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .flatMap((h) => cookiesOf(h));
  const pairs = parseQuery(req.rawQueryString);
  const c = req.authType === 'AWS_IAM' ? req.caller : undefined;

  let body: string | undefined;
  let isBase64Encoded = false;
  if (req.body.length > 0) {
    const text = isTextContentType(headers['content-type']) ? utf8Text(req.body) : undefined;
    body = text ?? req.body.toString('base64');
    isBase64Encoded = text === undefined;
  }

  // Key order follows AWS's events; absent optional keys are left out, never null.
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(pairs.length > 0 ? { queryStringParameters: joinRepeated(pairs) } : {}),
    requestContext: {
      // NONE: there is no authenticated account, and AWS says so literally (recorded).
      // AWS_IAM: the documentation defines this as the function owner's account.
      accountId: req.authType === 'AWS_IAM' ? req.accountId : 'anonymous',
      apiId: req.urlId,
      // NONE-auth events carry no authorizer key at all (recorded), not the null the docs show.
      ...(c
        ? {
            authorizer: {
              iam: {
                accessKey: c.accessKey,
                accountId: c.accountId,
                callerId: c.callerId,
                cognitoIdentity: null,
                principalOrgId: c.principalOrgId ?? null,
                userArn: c.userArn,
                userId: c.userId,
              },
            },
          }
        : {}),
      domainName: functionUrlDomain(req.urlId, env.region),
      domainPrefix: req.urlId,
      http: {
        method: req.method,
        path: req.rawPath,
        protocol: req.protocol ?? 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: req.userAgent ?? headers['user-agent'] ?? '',
      },
      requestId: env.id(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(env.now),
      timeEpoch: env.now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

// ---------------------------------------------------------------------------------------------
// Response

/**
 * A function error (unhandled exception, timeout, crash) seen through a function URL: 502 with
 * the plain body `Internal Server Error` — both recorded. No headers were recorded; the server
 * adds its own (request id, date).
 */
export function functionUrlErrorResponse(): FunctionUrlHttpResponse {
  return { statusCode: 502, headers: {}, body: Buffer.from('Internal Server Error') };
}

/** A URL whose resource policy does not let the caller in (recorded, 403). */
export function functionUrlForbiddenResponse(): FunctionUrlHttpResponse {
  return {
    statusCode: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    body: Buffer.from(JSON.stringify({ Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' })),
  };
}

/** A URL id that names no function URL (recorded: 403, `{"Message":null}`, AccessDeniedException). */
export function functionUrlUnknownUrlResponse(): FunctionUrlHttpResponse {
  return {
    statusCode: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    body: Buffer.from('{"Message":null}'),
  };
}

/**
 * JSON text without insignificant whitespace. The recordings show AWS re-emitting inferred
 * results compactly: a Python dict (serialized by the runtime as `{"hello": "world"}`, 18 bytes)
 * reached the client as 17 bytes, a list as `["hello",3,true]`. Only whitespace goes; strings
 * and number literals keep their exact text.
 */
export function compactJson(text: string): string {
  let out = '';
  let inString = false;
  for (let n = 0; n < text.length; n++) {
    const c = text[n]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++n] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      out += c;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function statusOf(v: unknown): number | undefined {
  // A numeric string works too: `"statusCode": "418"` gave HTTP 418 on AWS (recorded test).
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/**
 * The function's result bytes as the client receives them. AWS's rule (urls-invocation.html:
 * "If your function returns valid JSON and doesn't return a statusCode, Lambda assumes ..."):
 *
 * - A JSON object with a `statusCode` key: the explicit format. `statusCode` (number or numeric
 *   string), `headers` (single values), `cookies` (each becomes a `set-cookie` header), `body`
 *   (a string; base64-decoded when `isBase64Encoded` is true). content-type defaults to
 *   application/json (recorded: `{"statusCode":200,"body":"body123"}` came back as
 *   application/json). `multiValueHeaders` is ignored: it belongs to payload format 1.0, and
 *   users report function URLs drop it.
 * - Any other valid JSON — an object without `statusCode`, an array, a number, a boolean,
 *   null, a string — is the inferred format: 200, content-type application/json, and the body is
 *   the JSON text, compacted; a JSON string is unwrapped to its value (recorded: returning
 *   "hello" gave the 5-byte body `hello`, though the docs' table shows the quotes).
 * - Not valid JSON: 502 Internal Server Error. A guess: AWS documents only the valid-JSON case,
 *   and managed runtimes never produce invalid JSON.
 * - An explicit format whose statusCode is not an HTTP status: also 502 (a guess likewise).
 */
function validHeader(name: string, value: string | string[]): boolean {
  try {
    validateHeaderName(name);
    for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v);
    return true;
  } catch {
    return false;
  }
}

export function functionUrlResponse(result: Buffer): FunctionUrlHttpResponse {
  const text = utf8Text(result);
  let value: unknown;
  try {
    if (text === undefined) return functionUrlErrorResponse();
    value = JSON.parse(text);
  } catch {
    return functionUrlErrorResponse();
  }

  if (!isPlainObject(value) || !('statusCode' in value)) {
    const body = typeof value === 'string' ? value : compactJson(text);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body, 'utf8') };
  }

  const statusCode = statusOf(value.statusCode);
  if (statusCode === undefined) return functionUrlErrorResponse();

  const headers: Record<string, string | string[]> = {};
  if (isPlainObject(value.headers)) {
    for (const [name, v] of Object.entries(value.headers)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') headers[name.toLowerCase()] = String(v);
    }
  }
  headers['content-type'] ??= 'application/json';

  const cookies = Array.isArray(value.cookies) ? value.cookies.filter((c): c is string => typeof c === 'string') : [];
  if (cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...cookies];
  }
  // A header no HTTP response can carry (a control character, a bad name) makes the answer
  // unusable: AWS's front end answers 502, as for any function error it cannot pass on.
  if (!Object.entries(headers).every(([name, v]) => validHeader(name, v))) return functionUrlErrorResponse();

  let body: Buffer;
  const b = value.body;
  if (b === undefined || b === null) body = Buffer.alloc(0);
  else if (typeof b === 'string') body = value.isBase64Encoded === true ? Buffer.from(b, 'base64') : Buffer.from(b, 'utf8');
  // A non-string body is not in the documented format; sending its JSON is our assumption.
  else body = Buffer.from(JSON.stringify(b), 'utf8');

  return { statusCode, headers, body };
}
