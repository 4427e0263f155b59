// Function URL request → event and result → HTTP response, against what real AWS did:
// - events captured from real function URLs (aws/aws-lambda-go lambdaurl/testdata, 2023), inlined
//   below with their redactions;
// - responses recorded by LocalStack against AWS (reference/aws-recordings/
//   test_lambda.snapshot.json, TestLambdaURL, 2025-11-24);
// - urls-invocation.html for what neither shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compactJson,
  functionUrlDomain,
  functionUrlErrorResponse,
  functionUrlEvent,
  functionUrlForbiddenResponse,
  functionUrlResponse,
  functionUrlUnknownUrlResponse,
  isTextContentType,
  type FunctionUrlRequest,
} from '../../../src/services/events/functionUrlPayload.js';
import { fixedEnv as fixedEnvAt } from './fixedEnv.js';

const fixedEnv = (now = '2023-04-18T16:17:17.081Z', region = 'us-west-2') => fixedEnvAt(now, region);

function request(over: Partial<FunctionUrlRequest> = {}): FunctionUrlRequest {
  return {
    method: 'GET',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    body: Buffer.alloc(0),
    sourceIp: '203.0.113.7',
    urlId: 'lambda-url-id',
    accountId: '123456789012',
    authType: 'NONE',
    ...over,
  };
}

/** Recursively: the same keys, and the same JSON type at each key. */
function assertSameShape(actual: unknown, expected: unknown, where = '$'): void {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  assert.equal(kind(actual), kind(expected), `${where}: ${kind(actual)} where ${kind(expected)} expected`);
  if (kind(expected) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${where}: keys`);
    for (const k of Object.keys(e)) assertSameShape(a[k], e[k], `${where}.${k}`);
  }
}

// lambdaurl/testdata/function-url-domain-only-get-request.json (AWS_IAM, GET, no body), with the
// capture script's redactions and its stray `source-ip` key (added by the redaction) removed.
const RECORDED_GET = {
  headers: {
    accept: 'application/xml',
    'accept-encoding': 'gzip, deflate',
    'content-type': 'application/json',
    host: 'lambda-url-id.lambda-url.us-west-2.on.aws',
    'user-agent': 'python-requests/2.28.2',
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-amz-date': '20230418T161717Z',
    'x-amz-security-token': 'security-token',
    'x-amzn-tls-cipher-suite': 'ECDHE-RSA-AES128-GCM-SHA256',
    'x-amzn-tls-version': 'TLSv1.2',
    'x-amzn-trace-id': 'Root=1-643ec28d-0d08646322e615d83f823e2f',
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  },
  isBase64Encoded: false,
  rawPath: '/',
  rawQueryString: '',
  requestContext: {
    accountId: 'aws-account-id',
    apiId: 'lambda-url-id',
    // Redacted to {} by the capture script; filled in from the documented iam block (the 2024
    // capture of an org member showed principalOrgId "o-igflpr8b78").
    authorizer: { iam: { accessKey: 'x', accountId: 'x', callerId: 'x', cognitoIdentity: null, principalOrgId: 'o-x', userArn: 'x', userId: 'x' } },
    domainName: 'lambda-url-id.lambda-url.us-west-2.on.aws',
    domainPrefix: 'lambda-url-id',
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '205.251.233.183', userAgent: 'python-requests/2.28.2' },
    requestId: '6023ba38-dd15-47e0-bc61-01658236e706',
    routeKey: '$default',
    stage: '$default',
    time: '18/Apr/2023:16:17:17 +0000',
    timeEpoch: 1681834637747,
  },
  routeKey: '$default',
  version: '2.0',
};

// lambdaurl/testdata/function-url-request-with-headers-and-cookies-and-text-body.json.
const RECORDED_POST_WITH_COOKIES = {
  body: '{"hello": "world"}',
  cookies: ['foo=bar', 'hello=hello'],
  headers: {
    accept: '*/*',
    'accept-encoding': 'gzip, deflate',
    'content-length': '18',
    'content-type': 'application/json',
    cookie: 'foo=bar; hello=hello',
    header1: 'h1',
    header2: 'h1,h2',
    header3: 'h3',
    host: 'lambda-url-id.lambda-url.us-west-2.on.aws',
    'user-agent': 'python-requests/2.28.2',
  },
  isBase64Encoded: false,
  queryStringParameters: { foo: 'bar', hello: 'world' },
  rawPath: '/hello',
  rawQueryString: 'hello=world&foo=bar',
};

const IAM_CALLER = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  accountId: '111122223333',
  callerId: 'AIDACKCEVSQ6C2EXAMPLE',
  userArn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDACKCEVSQ6C2EXAMPLE',
  principalOrgId: 'o-igflpr8b78',
};

test('AWS_IAM GET without a body: the recorded event shape, no body/cookies/query keys', () => {
  const env = fixedEnv('2023-04-18T16:17:17.747Z');
  const headers = Object.fromEntries(Object.entries(RECORDED_GET.headers).filter(([k]) => !k.startsWith('x-amzn-') && !k.startsWith('x-forwarded-')));
  const ev = functionUrlEvent(env, request({ headers: { ...headers, Connection: 'keep-alive' }, authType: 'AWS_IAM', caller: IAM_CALLER, accountId: '123456789012' }));
  assertSameShape(ev, RECORDED_GET);
  // Same keys in the same order as AWS's documented payload.
  assert.deepEqual(Object.keys(ev), ['version', 'routeKey', 'rawPath', 'rawQueryString', 'headers', 'requestContext', 'isBase64Encoded']);
  assert.deepEqual(Object.keys(ev.requestContext), ['accountId', 'apiId', 'authorizer', 'domainName', 'domainPrefix', 'http', 'requestId', 'routeKey', 'stage', 'time', 'timeEpoch']);
  assert.equal('connection' in ev.headers, false, 'hop-by-hop headers end at the front end');
  const rc = ev.requestContext;
  assert.equal(rc.accountId, '123456789012');
  assert.deepEqual(rc.authorizer, { iam: { ...IAM_CALLER, cognitoIdentity: null } });
  assert.deepEqual(Object.keys(rc.authorizer!.iam), ['accessKey', 'accountId', 'callerId', 'cognitoIdentity', 'principalOrgId', 'userArn', 'userId']);
  assert.equal(rc.apiId, 'lambda-url-id');
  assert.equal(rc.domainName, RECORDED_GET.requestContext.domainName);
  assert.equal(rc.domainPrefix, 'lambda-url-id');
  assert.deepEqual(rc.http, { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'python-requests/2.28.2' });
  assert.match(rc.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(rc.routeKey, '$default');
  assert.equal(rc.stage, '$default');
  assert.equal(rc.time, RECORDED_GET.requestContext.time);
  assert.equal(rc.timeEpoch, RECORDED_GET.requestContext.timeEpoch);
  assert.equal(ev.isBase64Encoded, false);
  // The front end's own headers, as in the capture.
  assert.equal(ev.headers['x-forwarded-for'], '203.0.113.7');
  assert.equal(ev.headers['x-forwarded-port'], '443');
  assert.equal(ev.headers['x-forwarded-proto'], 'https');
  assert.equal(ev.headers['x-amzn-tls-version'], 'TLSv1.2');
  assert.match(ev.headers['x-amzn-trace-id']!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  const bare = functionUrlEvent(env, request({ frontEndHeaders: false }));
  assert.deepEqual(bare.headers, {});
});

test('NONE auth: accountId "anonymous" and no authorizer key (recorded)', () => {
  const ev = functionUrlEvent(fixedEnv(), request({ caller: IAM_CALLER }));
  assert.equal(ev.requestContext.accountId, 'anonymous');
  assert.equal('authorizer' in ev.requestContext, false);
  assert.equal(ev.requestContext.domainName, functionUrlDomain('lambda-url-id', 'us-west-2'));
  assert.equal(ev.requestContext.domainName, 'lambda-url-id.lambda-url.us-west-2.on.aws');
  assert.equal(ev.requestContext.http.userAgent, '');
  const ua = functionUrlEvent(fixedEnv(), request({ userAgent: 'curl/8.0' }));
  assert.equal(ua.requestContext.http.userAgent, 'curl/8.0');
  const noOrg = functionUrlEvent(fixedEnv(), request({ authType: 'AWS_IAM', caller: { ...IAM_CALLER, principalOrgId: undefined } }));
  assert.equal(noOrg.requestContext.authorizer!.iam.principalOrgId, null);
});

test('POST with cookies, query and a JSON body: the recorded event, field for field', () => {
  const ev = functionUrlEvent(
    fixedEnv(),
    request({
      method: 'POST',
      rawPath: '/hello',
      rawQueryString: 'hello=world&foo=bar',
      headers: {
        Accept: '*/*',
        'Accept-Encoding': 'gzip, deflate',
        'Content-Length': '18',
        'Content-Type': 'application/json',
        Cookie: 'foo=bar; hello=hello',
        Header1: 'h1',
        Header2: 'h1,h2',
        Header3: 'h3',
        Host: 'lambda-url-id.lambda-url.us-west-2.on.aws',
        'User-Agent': 'python-requests/2.28.2',
      },
      body: Buffer.from('{"hello": "world"}'),
      frontEndHeaders: false,
    }),
  );
  const { requestContext, ...rest } = ev;
  assert.deepEqual({ ...rest, version: undefined, routeKey: undefined }, { ...RECORDED_POST_WITH_COOKIES, version: undefined, routeKey: undefined });
  assert.deepEqual(Object.keys(ev), ['version', 'routeKey', 'rawPath', 'rawQueryString', 'cookies', 'headers', 'queryStringParameters', 'requestContext', 'body', 'isBase64Encoded']);
  assert.equal(requestContext.http.method, 'POST');
  assert.equal(requestContext.http.path, '/hello');
});

test('headers: names lower-cased, repeated values joined with ","; query: repeated keys joined, values decoded', () => {
  const ev = functionUrlEvent(
    fixedEnv(),
    request({
      rawPath: '/a%20b/c',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value&q=SUITE%20K&p=a+b&flag',
      headers: { 'X-Multi': ['one', 'two'], 'x-single': 'v', 'Transfer-Encoding': 'chunked', cookie: ['a=1', 'b=2; c=3'] },
      frontEndHeaders: false,
    }),
  );
  assert.equal(ev.headers['x-multi'], 'one,two');
  assert.equal(ev.headers['x-single'], 'v');
  assert.equal('transfer-encoding' in ev.headers, false);
  assert.equal(ev.headers.cookie, 'a=1,b=2; c=3');
  assert.deepEqual(ev.cookies, ['a=1', 'b=2', 'c=3']);
  assert.equal(ev.rawQueryString, 'parameter1=value1&parameter1=value2&parameter2=value&q=SUITE%20K&p=a+b&flag');
  assert.deepEqual(ev.queryStringParameters, { parameter1: 'value1,value2', parameter2: 'value', q: 'SUITE K', p: 'a b', flag: '' });
  assert.equal(ev.rawPath, '/a%20b/c');
  assert.equal(ev.requestContext.http.path, '/a%20b/c');
});

test('body: text for text content types, base64 for everything else; no body key when empty', () => {
  const body = (contentType: string | undefined, bytes: Buffer) =>
    functionUrlEvent(fixedEnv(), request({ method: 'POST', headers: contentType === undefined ? {} : { 'Content-Type': contentType }, body: bytes }));
  // Recorded: text/plain "text" arrived as text.
  assert.deepEqual([body('text/plain', Buffer.from('text')).body, body('text/plain', Buffer.from('text')).isBase64Encoded], ['text', false]);
  for (const ct of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/XML', 'application/javascript', 'text/html;charset=UTF-8', 'text/csv']) {
    const ev = body(ct, Buffer.from('{"é": 1}'));
    assert.equal(ev.body, '{"é": 1}', ct);
    assert.equal(ev.isBase64Encoded, false, ct);
  }
  // Recorded: a multipart/form-data body (plain ASCII) arrived base64-encoded.
  const multipart = Buffer.from('\r\n--4efd159eae0c4f4e125a5a509e073d85\r\nContent-Disposition: form-data; name="formfield"\r\n\r\nnot a file, just a field\r\n--4efd159eae0c4f4e125a5a509e073d85--\r\n');
  const mp = body('multipart/form-data; boundary=4efd159eae0c4f4e125a5a509e073d85', multipart);
  assert.equal(mp.isBase64Encoded, true);
  assert.deepEqual(Buffer.from(mp.body!, 'base64'), multipart);
  for (const ct of ['application/x-www-form-urlencoded', 'application/octet-stream', 'image/png', undefined]) {
    const ev = body(ct, Buffer.from('a=1&b=2'));
    assert.equal(ev.isBase64Encoded, true, String(ct));
    assert.equal(ev.body, Buffer.from('a=1&b=2').toString('base64'), String(ct));
  }
  const broken = body('text/plain', Buffer.from([0x68, 0xff, 0xfe, 0x69]));
  assert.equal(broken.isBase64Encoded, true);
  assert.equal(broken.body, 'aP/+aQ==');
  const empty = body('application/json', Buffer.alloc(0));
  assert.equal('body' in empty, false);
  assert.equal(empty.isBase64Encoded, false);
  assert.equal(isTextContentType('text/plain'), true);
  assert.equal(isTextContentType('application/vnd.api+json'), false);
});

test('inferred response format: every recorded result type (python3.12 function, real AWS)', () => {
  // [returned JSON as the Python runtime serializes it, body the client got, its Content-Length]
  const cases: Array<[string, string, string, number]> = [
    ['dict', '{"hello": "world"}', '{"hello":"world"}', 17],
    ['list-mixed', '["hello", 3, true]', '["hello",3,true]', 16],
    ['string', '"hello"', 'hello', 5],
    ['integer', '3', '3', 1],
    ['float', '3.1', '3.1', 3],
    ['boolean', 'true', 'true', 4],
  ];
  for (const [name, result, body, length] of cases) {
    const r = functionUrlResponse(Buffer.from(result));
    assert.equal(r.statusCode, 200, name);
    assert.deepEqual(r.headers, { 'content-type': 'application/json' }, name);
    assert.equal(r.body.toString('utf8'), body, name);
    assert.equal(r.body.length, length, name);
  }
  // An object without statusCode is data, even when it looks like a response.
  const lookalike = functionUrlResponse(Buffer.from('{"body":"x","headers":{"a":"b"}}'));
  assert.equal(lookalike.statusCode, 200);
  assert.equal(lookalike.body.toString(), '{"body":"x","headers":{"a":"b"}}');
  assert.equal(functionUrlResponse(Buffer.from('null')).body.toString(), 'null');
  assert.equal(functionUrlResponse(Buffer.from('"a b\\"c"')).body.toString(), 'a b"c');
});

test('explicit response format: recorded cases and the documented fields', () => {
  // Recorded [http-response]: no headers given → application/json.
  const r1 = functionUrlResponse(Buffer.from('{"statusCode": 200, "body": "body123"}'));
  assert.deepEqual(r1, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('body123') });
  // Recorded [http-response-json]: the body string is sent as-is (18 bytes, spaces kept).
  const r2 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: 200, body: '{"hello": "world"}' })));
  assert.equal(r2.body.toString(), '{"hello": "world"}');
  assert.equal(r2.body.length, 18);
  // Recorded (test_lambda_url_headers_and_status): 201 with custom headers; "418" as a string.
  const r3 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'My-Custom-Header': 'Custom Value' }, body: '{"message": "hello-world"}', isBase64Encoded: false })));
  assert.equal(r3.statusCode, 201);
  assert.deepEqual(r3.headers, { 'content-type': 'application/json', 'my-custom-header': 'Custom Value' });
  assert.deepEqual(JSON.parse(r3.body.toString()), { message: 'hello-world' });
  const r4 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: '418', body: "i'm a teapot", isBase64Encoded: false })));
  assert.equal(r4.statusCode, 418);
  assert.equal(r4.body.toString(), "i'm a teapot");
  // Documented: cookies become set-cookie headers, one per cookie.
  const r5 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'text/plain' }, body: 'x', cookies: ['Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT', 'Cookie_2=Value2; Max-Age=78000'] })));
  assert.deepEqual(r5.headers, { 'content-type': 'text/plain', 'set-cookie': ['Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT', 'Cookie_2=Value2; Max-Age=78000'] });
  // isBase64Encoded: the body is decoded to bytes.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  const r6 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true })));
  assert.deepEqual(r6.body, png);
  assert.equal(r6.headers['content-type'], 'image/png');
  // No body → empty; multiValueHeaders (payload 1.0) is not honoured by function URLs.
  const r7 = functionUrlResponse(Buffer.from(JSON.stringify({ statusCode: 204, multiValueHeaders: { 'X-A': ['1', '2'] } })));
  assert.deepEqual(r7, { statusCode: 204, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) });
  // Scalar header values are sent as text.
  assert.equal(functionUrlResponse(Buffer.from('{"statusCode":200,"headers":{"X-Count":5}}')).headers['x-count'], '5');
});

test('errors: function error 502 (recorded), invalid results, access denied (recorded)', () => {
  assert.deepEqual(functionUrlErrorResponse(), { statusCode: 502, headers: {}, body: Buffer.from('Internal Server Error') });
  for (const bad of ['not json', '', '{"statusCode": "abc"}', '{"statusCode": 99}']) {
    assert.deepEqual(functionUrlResponse(Buffer.from(bad)), functionUrlErrorResponse(), bad);
  }
  assert.deepEqual(functionUrlResponse(Buffer.from([0xff, 0xfe])), functionUrlErrorResponse());
  const forbidden = functionUrlForbiddenResponse();
  assert.equal(forbidden.statusCode, 403);
  assert.equal(forbidden.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(forbidden.body.toString()), { Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' });
  const unknown = functionUrlUnknownUrlResponse();
  assert.equal(unknown.statusCode, 403);
  assert.equal(unknown.body.toString(), '{"Message":null}');
  assert.equal(unknown.headers['x-amzn-errortype'], 'AccessDeniedException');
});

test('compactJson drops only insignificant whitespace', () => {
  assert.equal(compactJson('{ "a b" : [ 1.50 , "x\\" y" ,\n\t{ } ] }'), '{"a b":[1.50,"x\\" y",{}]}');
  assert.equal(compactJson('"  spaced  "'), '"  spaced  "');
  assert.equal(compactJson(' 1e+10 '), '1e+10');
});
