// Event payloads as AWS services send them to Lambda, checked field by field against the
// recorded S3 notification (test/fixtures/aws-recordings/s3-notifications.json, real AWS
// 2025) and against the documented examples of each service (URLs in
// src/services/events/shapes.ts): same keys at every level, same JSON types, same value formats.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import {
  alexaApiEndpoint,
  alexaSkillEvent,
  apiGatewayProxyEvent,
  clfTime,
  cloudWatchLogsEvent,
  decodeCloudWatchLogsData,
  eventBridgeEvent,
  isoSeconds,
  logEventId,
  s3EventKey,
  s3ObjectCreatedEvent,
  snsNotificationEvent,
  type ApiGatewayHttpProxyEvent,
  type ApiGatewayRestProxyEvent,
} from '../../../src/services/events/shapes.js';
import { fixedEnv as fixedEnvAt } from './fixedEnv.js';
import { readFixture } from '../../support/fixtures.js';

const fixedEnv = (now = '2025-01-21T23:31:40.123Z', region = 'us-east-1') => fixedEnvAt(now, region);

/** Recursively: the same keys, and the same JSON type at each key (arrays compared by first element). */
function assertSameShape(actual: unknown, expected: unknown, where = '$'): void {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  assert.equal(kind(actual), kind(expected), `${where}: ${kind(actual)} where ${kind(expected)} expected`);
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length > 0 && actual.length > 0) {
    assertSameShape(actual[0], expected[0], `${where}[0]`);
  } else if (kind(expected) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${where}: keys`);
    for (const k of Object.keys(e)) assertSameShape(a[k], e[k], `${where}.${k}`);
  }
}

const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CLF = /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/;

/** The recording stored the event in DynamoDB's typed JSON ({"S": …}, {"N": …}, {"M": …}); undo that. */
function fromDynamo(v: unknown): unknown {
  const t = v as Record<string, unknown>;
  if ('M' in t) return Object.fromEntries(Object.entries(t.M as Record<string, unknown>).map(([k, x]) => [k, fromDynamo(x)]));
  if ('S' in t) return t.S;
  if ('N' in t) return Number(t.N);
  throw new Error('unexpected DynamoDB value ' + JSON.stringify(v));
}

function recordedS3Records(): Array<Record<string, unknown>> {
  const file = readFixture<Record<string, { 'recorded-content': Record<string, unknown> }>>('aws-recordings', 's3-notifications.json');
  const put = Object.entries(file).find(([k]) => k.endsWith('test_create_object_put_via_dynamodb'))![1]['recorded-content'];
  const post = Object.entries(file).find(([k]) => k.endsWith('test_create_object_by_presigned_request_via_dynamodb'))![1]['recorded-content'];
  const items = post.items as Array<{ data: unknown }>;
  return [fromDynamo(put.table_content), ...items.map((i) => fromDynamo(i.data))] as Array<Record<string, unknown>>;
}

test('formats: access-log time, whole-second ISO time', () => {
  assert.equal(clfTime(new Date('2020-03-12T19:03:58.390Z')), '12/Mar/2020:19:03:58 +0000');
  assert.equal(clfTime(new Date('2021-09-07T02:05:09.000Z')), '07/Sep/2021:02:05:09 +0000');
  assert.equal(isoSeconds(new Date('2017-12-22T18:43:48.999Z')), '2017-12-22T18:43:48Z');
});

test('S3: every record has exactly the shape of the three records real S3 sent (recording)', () => {
  const records = recordedS3Records();
  assert.equal(records.length, 3);
  const ev = s3ObjectCreatedEvent(fixedEnv(), { bucket: 'my-bucket', key: 'test', size: 11, eTag: 'e9fb1ed1d5eaa36781088aae37acffbd', sourceAccount: '111111111111' });
  assert.equal(ev.Records.length, 1);
  for (const recorded of records) assertSameShape(ev.Records[0], recorded);
  const post = s3ObjectCreatedEvent(fixedEnv(), { bucket: 'b', key: 'k', eventName: 'ObjectCreated:Post', sourceAccount: '111111111111' });
  assert.equal(post.Records[0]!.eventName, records[1]!.eventName);
});

test('S3: constant fields and value formats as recorded', () => {
  const recorded = recordedS3Records()[0]!;
  const env = fixedEnv('2025-01-21T23:31:40.123Z', 'eu-west-1');
  const r = s3ObjectCreatedEvent(env, { bucket: 'my-bucket', key: 'test', size: 11, eTag: '"e9fb1ed1d5eaa36781088aae37acffbd"', sourceAccount: '111111111111', principalId: 'AWS:AIDAEXAMPLE', sourceIp: '203.0.113.9', configurationId: 'id123' }).Records[0]!;
  assert.equal(r.eventVersion, recorded.eventVersion); // 2.1
  assert.equal(r.eventSource, recorded.eventSource); // aws:s3
  assert.equal(r.eventName, recorded.eventName); // ObjectCreated:Put
  assert.equal(r.s3.s3SchemaVersion, (recorded.s3 as { s3SchemaVersion: string }).s3SchemaVersion);
  assert.equal(r.awsRegion, 'eu-west-1');
  assert.equal(r.eventTime, '2025-01-21T23:31:40.123Z');
  assert.match(r.eventTime, ISO_MILLIS);
  assert.deepEqual(r.userIdentity, { principalId: 'AWS:AIDAEXAMPLE' });
  assert.deepEqual(r.requestParameters, { sourceIPAddress: '203.0.113.9' });
  assert.match(r.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
  assert.match(r.responseElements['x-amz-id-2'], /^[A-Za-z0-9+/]{64}$/);
  assert.equal(r.s3.configurationId, 'id123');
  assert.deepEqual(r.s3.bucket.name, 'my-bucket');
  assert.equal(r.s3.bucket.arn, 'arn:aws:s3:::my-bucket');
  assert.match(r.s3.bucket.ownerIdentity.principalId, /^A[A-Z0-9]{13}$/);
  // size is a JSON number; eTag loses the quotes of the ETag header (recorded value has none).
  assert.equal(r.s3.object.size, 11);
  assert.equal(r.s3.object.eTag, 'e9fb1ed1d5eaa36781088aae37acffbd');
  assert.equal(r.s3.object.key, 'test');
  assert.match(r.s3.object.sequencer, /^[0-9A-F]{18}$/);
  assert.equal('versionId' in r.s3.object, false, 'no versionId for an unversioned bucket (recorded)');
});

test('S3: versioned buckets carry versionId; keys are form-encoded; sequencers grow with time', () => {
  const env = fixedEnv();
  const r = s3ObjectCreatedEvent(env, { bucket: 'b', key: 'photos/red flower.jpg', sourceAccount: '1', versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' }).Records[0]!;
  assert.deepEqual(Object.keys(r.s3.object), ['key', 'size', 'eTag', 'versionId', 'sequencer']);
  assert.equal(r.s3.object.versionId, '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');
  assert.equal(r.s3.object.key, 'photos/red+flower.jpg');
  assert.equal(r.s3.object.size, 0);
  assert.equal(r.s3.object.eTag, 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(s3EventKey('a b+c(1)=é.txt'), 'a+b%2Bc%281%29%3D%C3%A9.txt');
  const later = s3ObjectCreatedEvent(fixedEnv('2025-01-21T23:31:40.124Z'), { bucket: 'b', key: 'k', sourceAccount: '1' }).Records[0]!;
  assert.ok(later.s3.object.sequencer > r.s3.object.sequencer);
  assert.equal(later.s3.object.sequencer.length, r.s3.object.sequencer.length);
});

test('SNS: the documented record, field for field', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html, "Example Amazon SNS Message Event".
  const documented = {
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-2:123456789012:sns-lambda:21be56ed-a058-49f5-8c98-aedd2564c486',
    EventSource: 'aws:sns',
    Sns: {
      SignatureVersion: '1',
      Timestamp: '2019-01-02T12:45:07.000Z',
      Signature: 'tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==',
      SigningCertUrl: 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem',
      MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      Message: 'Hello from SNS!',
      MessageAttributes: { Test: { Type: 'String', Value: 'TestString' } },
      Type: 'Notification',
      UnsubscribeUrl: 'https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-2:123456789012:test-lambda:21be56ed-a058-49f5-8c98-aedd2564c486',
      TopicArn: 'arn:aws:sns:us-east-2:123456789012:sns-lambda',
      Subject: 'TestInvoke',
    },
  };
  const topicArn = 'arn:aws:sns:us-east-2:123456789012:sns-lambda';
  const ev = snsNotificationEvent(fixedEnv('2019-01-02T12:45:07.000Z', 'us-east-1'), { topicArn, message: 'Hello from SNS!', subject: 'TestInvoke', messageAttributes: { Test: 'TestString' } });
  assert.equal(ev.Records.length, 1);
  const r = ev.Records[0]!;
  assertSameShape(r, documented);
  assert.equal(r.EventVersion, '1.0');
  assert.equal(r.EventSource, 'aws:sns');
  assert.match(r.EventSubscriptionArn, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
  assert.equal(r.Sns.Type, 'Notification');
  assert.match(r.Sns.MessageId, UUID);
  assert.equal(r.Sns.TopicArn, topicArn);
  assert.equal(r.Sns.Subject, 'TestInvoke');
  assert.equal(r.Sns.Message, 'Hello from SNS!');
  assert.equal(r.Sns.Timestamp, '2019-01-02T12:45:07.000Z');
  assert.match(r.Sns.Timestamp, ISO_MILLIS);
  assert.equal(r.Sns.SignatureVersion, '1');
  assert.match(r.Sns.Signature, /^[A-Za-z0-9+/]{342}==$/);
  // The URLs name the topic's region (us-east-2), not the env's.
  assert.match(r.Sns.SigningCertUrl, /^https:\/\/sns\.us-east-2\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  assert.equal(r.Sns.UnsubscribeUrl, `https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${r.EventSubscriptionArn}`);
  assert.deepEqual(r.Sns.MessageAttributes, { Test: { Type: 'String', Value: 'TestString' } });
});

test('SNS: no Subject is null, no attributes is {}, typed attributes pass through', () => {
  const r = snsNotificationEvent(fixedEnv(), { topicArn: 'arn:aws:sns:us-east-1:1:t', message: 'm', subscriptionId: 'sub-1', messageAttributes: { n: { Type: 'Number', Value: '7' } } }).Records[0]!;
  assert.equal(r.EventSubscriptionArn, 'arn:aws:sns:us-east-1:1:t:sub-1');
  assert.deepEqual(r.Sns.MessageAttributes, { n: { Type: 'Number', Value: '7' } });
  const bare = snsNotificationEvent(fixedEnv(), { topicArn: 'arn:aws:sns:us-east-1:1:t', message: 'm' }).Records[0]!;
  assert.equal(bare.Sns.Subject, null);
  assert.deepEqual(bare.Sns.MessageAttributes, {});
});

test('EventBridge: the documented envelope, in its key order, time without milliseconds', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
  const documented = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { instance_id: 'i-1234567890abcdef0', state: 'terminated' },
  };
  const ev = eventBridgeEvent(fixedEnv('2017-12-22T18:43:48.512Z', 'us-west-1'), { account: '111122223333', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', detail: documented.detail, resources: documented.resources });
  assertSameShape(ev, documented);
  assert.deepEqual(Object.keys(ev), Object.keys(documented));
  assert.equal(ev.version, '0');
  assert.match(ev.id, UUID);
  assert.equal(ev.time, '2017-12-22T18:43:48Z');
  assert.match(ev.time, ISO_SECONDS);
  assert.equal(ev.region, 'us-west-1');
  assert.deepEqual({ ...ev, id: documented.id }, documented);
  assert.deepEqual(eventBridgeEvent(fixedEnv(), { account: '1', source: 'my.app', detailType: 'x', detail: { a: 1 } }).resources, []);
});

test('API Gateway 2.0 (HTTP API): the documented payload shape and formats', () => {
  // http-api-develop-integrations-lambda.html, payload format 2.0, without the parts that need
  // an authorizer or mutual TLS (authentication, authorizer).
  const documented = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/my/path',
    rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
    cookies: ['cookie1', 'cookie2'],
    headers: { header1: 'value1', header2: 'value1,value2' },
    queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'id',
      http: { method: 'POST', path: '/my/path', protocol: 'HTTP/1.1', sourceIp: 'IP', userAgent: 'agent' },
      requestId: 'id',
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: 1583348638390,
    },
    body: 'Hello from Lambda',
    pathParameters: { parameter1: 'value1' },
    isBase64Encoded: false,
    stageVariables: { stageVariable1: 'value1', stageVariable2: 'value2' },
  };
  const env = fixedEnv('2020-03-12T19:03:58.390Z');
  const ev = apiGatewayProxyEvent(env, {
    account: '123456789012',
    apiId: 'a1b2c3d4e5',
    method: 'POST',
    path: '/my/path',
    headers: { Header1: 'value1', header2: 'value1,value2', Cookie: 'cookie1; cookie2', 'User-Agent': 'agent' },
    query: 'parameter1=value1&parameter1=value2&parameter2=value',
    body: 'Hello from Lambda',
    pathParameters: { parameter1: 'value1' },
    stageVariables: { stageVariable1: 'value1', stageVariable2: 'value2' },
    version: '2.0',
  }) as ApiGatewayHttpProxyEvent;
  assertSameShape({ ...ev, headers: {} }, { ...documented, headers: {} });
  assert.deepEqual(Object.keys(ev), Object.keys(documented));
  assert.equal(ev.rawQueryString, documented.rawQueryString);
  assert.deepEqual(ev.queryStringParameters, documented.queryStringParameters);
  assert.deepEqual(ev.cookies, documented.cookies);
  assert.equal(ev.headers.header1, 'value1');
  assert.equal(ev.headers.header2, 'value1,value2');
  assert.ok(Object.keys(ev.headers).every((k) => k === k.toLowerCase()), 'HTTP APIs lower-case header names');
  assert.equal(ev.headers.host, 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com');
  assert.equal(ev.headers['x-forwarded-proto'], 'https');
  assert.match(ev.headers['x-amzn-trace-id']!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  const rc = ev.requestContext;
  assert.equal(rc.accountId, '123456789012');
  assert.equal(rc.apiId, 'a1b2c3d4e5');
  assert.equal(rc.domainName, 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com');
  assert.equal(rc.domainPrefix, 'a1b2c3d4e5');
  assert.deepEqual(rc.http, { method: 'POST', path: '/my/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'agent' });
  assert.match(rc.requestId, /^[A-Za-z0-9_-]{15}=$/);
  // The documented example contradicts itself (time 12 Mar, timeEpoch 4 Mar); both describe env.now.
  assert.equal(rc.time, documented.requestContext.time);
  assert.match(rc.time, CLF);
  assert.equal(rc.timeEpoch, Date.parse('2020-03-12T19:03:58.390Z'));
  assert.equal(rc.stage, '$default');
  assert.equal(ev.isBase64Encoded, false);
});

test('API Gateway 2.0: optional keys absent when empty; a named stage is part of the path', () => {
  const ev = apiGatewayProxyEvent(fixedEnv(), { account: '1', apiId: 'abc', stage: 'dev', method: 'GET', path: '/pets', version: '2.0', resource: 'GET /pets' }) as ApiGatewayHttpProxyEvent;
  for (const k of ['cookies', 'queryStringParameters', 'body', 'pathParameters', 'stageVariables']) assert.equal(k in ev, false, k);
  assert.equal(ev.rawPath, '/dev/pets');
  assert.equal(ev.requestContext.http.path, '/dev/pets');
  assert.equal(ev.requestContext.stage, 'dev');
  assert.equal(ev.routeKey, 'GET /pets');
  assert.equal(ev.requestContext.routeKey, 'GET /pets');
  const q = apiGatewayProxyEvent(fixedEnv(), { account: '1', apiId: 'abc', method: 'GET', path: '/', query: { q: 'a b', z: '1' } }) as ApiGatewayHttpProxyEvent;
  assert.equal(q.version, '2.0', '2.0 is the default');
  assert.equal(q.rawQueryString, 'q=a%20b&z=1');
  assert.deepEqual(q.queryStringParameters, { q: 'a b', z: '1' });
});

test('API Gateway 1.0 (REST proxy): the documented input format', () => {
  // set-up-lambda-proxy-integrations.html "Input format", requestContext completed from the
  // payload 1.0 example of http-api-develop-integrations-lambda.html.
  const documented = {
    resource: '/{proxy+}',
    path: '/hello/world',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    queryStringParameters: { name: 'me', multivalueName: 'me' },
    multiValueQueryStringParameters: { name: ['me'], multivalueName: ['you', 'me'] },
    pathParameters: { proxy: 'hello/world' },
    stageVariables: { stageVariableName: 'stageVariableValue' },
    requestContext: {
      resourceId: 'roq9wj',
      resourcePath: '/{proxy+}',
      httpMethod: 'POST',
      extendedRequestId: 'request-id=',
      requestTime: '04/Mar/2020:19:15:17 +0000',
      path: '/testStage/hello/world',
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'testStage',
      domainPrefix: 'gy415nuibc',
      requestTimeEpoch: 1583349317135,
      requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: '192.168.196.186',
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: 'PostmanRuntime/2.4.5',
        user: null,
      },
      domainName: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
      apiId: 'gy415nuibc',
    },
    body: '{\r\n\t"a": 1\r\n}',
    isBase64Encoded: false,
  };
  const ev = apiGatewayProxyEvent(fixedEnv('2020-03-04T19:15:17.135Z'), {
    version: '1.0',
    account: '123456789012',
    apiId: 'gy415nuibc',
    stage: 'testStage',
    method: 'POST',
    path: '/hello/world',
    resource: '/{proxy+}',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'PostmanRuntime/2.4.5' },
    query: 'name=me&multivalueName=you&multivalueName=me',
    pathParameters: { proxy: 'hello/world' },
    stageVariables: { stageVariableName: 'stageVariableValue' },
    body: documented.body,
    sourceIp: '192.168.196.186',
  }) as ApiGatewayRestProxyEvent;
  assertSameShape({ ...ev, headers: {}, multiValueHeaders: {} }, { ...documented, headers: {}, multiValueHeaders: {} });
  assert.deepEqual(ev.queryStringParameters, documented.queryStringParameters);
  assert.deepEqual(ev.multiValueQueryStringParameters, documented.multiValueQueryStringParameters);
  assert.equal(ev.headers!['Content-Type'], 'application/json', 'REST keeps header case');
  assert.deepEqual(ev.multiValueHeaders!['Content-Type'], ['application/json']);
  assert.equal(ev.headers!.Host, 'gy415nuibc.execute-api.us-east-1.amazonaws.com');
  assert.equal(ev.requestContext.path, '/testStage/hello/world');
  assert.equal(ev.requestContext.requestTime, documented.requestContext.requestTime);
  assert.match(ev.requestContext.requestTime, CLF);
  assert.equal(ev.requestContext.requestTimeEpoch, documented.requestContext.requestTimeEpoch);
  assert.match(ev.requestContext.requestId, UUID);
  assert.match(ev.requestContext.resourceId, /^[a-z0-9]{10}$/);
  assert.deepEqual(ev.requestContext.identity, documented.requestContext.identity);
  assert.equal(ev.body, documented.body);
  const bare = apiGatewayProxyEvent(fixedEnv(), { version: '1.0', account: '1', apiId: 'x', method: 'GET', path: '/' }) as ApiGatewayRestProxyEvent;
  assert.equal(bare.queryStringParameters, null);
  assert.equal(bare.multiValueQueryStringParameters, null);
  assert.equal(bare.pathParameters, null);
  assert.equal(bare.stageVariables, null);
  assert.equal(bare.body, null);
  assert.equal(bare.requestContext.stage, 'prod');
});

test('CloudWatch Logs: base64(gzip(JSON)) round trip, decoded shape as documented', () => {
  // services-cloudwatchlogs.html, "Example CloudWatch Logs message data (decoded)".
  const documented = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/lambda/echo-nodejs',
    logStream: '2019/03/13/[$LATEST]94fa867e5374431291a7fc14e2f56ae7',
    subscriptionFilters: ['LambdaStream_cloudwatchlogs-node'],
    logEvents: [{ id: '34622316099697884706540976068822859012661220141643892546', timestamp: 1552518348220, message: 'REPORT RequestId: …' }],
  };
  const env = fixedEnv('2019-03-13T23:05:48.220Z');
  const ev = cloudWatchLogsEvent(env, { account: '123456789012', logGroup: '/aws/lambda/echo-nodejs', filterName: 'LambdaStream_cloudwatchlogs-node', messages: ['test', 'test 2'] });
  assert.deepEqual(Object.keys(ev), ['awslogs']);
  assert.deepEqual(Object.keys(ev.awslogs), ['data']);
  assert.match(ev.awslogs.data, /^H4sI[A-Za-z0-9+/]+={0,2}$/, 'base64 of a gzip stream (magic 1f 8b 08)');
  const raw = gunzipSync(Buffer.from(ev.awslogs.data, 'base64')).toString('utf8');
  const data = decodeCloudWatchLogsData(ev.awslogs.data);
  assert.deepEqual(JSON.parse(raw), data);
  assertSameShape(data, documented);
  assert.deepEqual(Object.keys(data), Object.keys(documented));
  assert.equal(data.messageType, 'DATA_MESSAGE');
  assert.equal(data.owner, '123456789012');
  assert.equal(data.logGroup, '/aws/lambda/echo-nodejs');
  assert.match(data.logStream, /^2019\/03\/13\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.deepEqual(data.subscriptionFilters, ['LambdaStream_cloudwatchlogs-node']);
  assert.deepEqual(data.logEvents.map((e) => e.message), ['test', 'test 2']);
  for (const e of data.logEvents) {
    assert.equal(e.timestamp, 1552518348220);
    assert.match(e.id, /^\d{56}$/);
    assert.equal(BigInt(e.id) >> 144n, BigInt(e.timestamp), 'id carries its timestamp in the top bits');
  }
  assert.ok(BigInt(data.logEvents[1]!.id) > BigInt(data.logEvents[0]!.id));
  // The documented id follows the same rule.
  assert.equal(BigInt(documented.logEvents[0]!.id) >> 144n, BigInt(documented.logEvents[0]!.timestamp));
  assert.equal(BigInt(logEventId(1552518348220, 's', 0)) >> 144n, 1552518348220n);
  const own = decodeCloudWatchLogsData(cloudWatchLogsEvent(env, { account: '1', logGroup: 'g', logStream: 's', messages: [] }).awslogs.data);
  assert.equal(own.logStream, 's');
  assert.deepEqual(own.logEvents, []);
});

test('Alexa: the documented request envelope for each request type', () => {
  // request-and-response-json-reference.html "Request body syntax" (the parts every request has).
  const documented = {
    version: '1.0',
    session: { new: true, sessionId: 'amzn1.echo-api.session.x', application: { applicationId: 'amzn1.ask.skill.x' }, user: { userId: 'amzn1.ask.account.x' } },
    context: {
      System: {
        application: { applicationId: 'amzn1.ask.skill.x' },
        user: { userId: 'amzn1.ask.account.x' },
        device: { deviceId: 'string', supportedInterfaces: {} },
        apiEndpoint: 'https://api.amazonalexa.com',
        apiAccessToken: 'AxThk...',
      },
    },
    request: { type: 'LaunchRequest', requestId: 'amzn1.echo-api.request.x', timestamp: '2015-05-13T12:34:56Z', locale: 'en-US', shouldLinkResultBeReturned: false },
  };
  const skillId = 'amzn1.ask.skill.e6b8a7c8-8d5e-4a4d-aeb4-755d250f474d';
  const ev = alexaSkillEvent(fixedEnv('2015-05-13T12:34:56.789Z'), { skillId });
  assertSameShape(ev, documented);
  assert.equal(ev.version, '1.0');
  assert.equal(ev.session.new, true);
  assert.match(ev.session.sessionId, /^amzn1\.echo-api\.session\.[0-9a-f-]{36}$/);
  assert.equal(ev.session.application.applicationId, skillId);
  assert.equal(ev.context.System.application.applicationId, skillId);
  assert.match(ev.session.user.userId, /^amzn1\.ask\.account\.[A-Z0-9]{64}$/);
  assert.equal(ev.context.System.user.userId, ev.session.user.userId);
  assert.match(ev.context.System.device.deviceId, /^amzn1\.ask\.device\.[A-Z0-9]{64}$/);
  assert.match(ev.context.System.apiAccessToken, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(ev.request.type, 'LaunchRequest');
  assert.match(ev.request.requestId, /^amzn1\.echo-api\.request\.[0-9a-f-]{36}$/);
  assert.equal(ev.request.timestamp, '2015-05-13T12:34:56Z');
  assert.equal(ev.request.locale, 'en-US');

  const intent = alexaSkillEvent(fixedEnv(), { skillId, requestType: 'IntentRequest', intentName: 'OrderIntent', locale: 'de-DE' });
  assert.deepEqual(intent.request.intent, { name: 'OrderIntent', confirmationStatus: 'NONE' });
  assert.equal(intent.request.locale, 'de-DE');
  assert.equal('shouldLinkResultBeReturned' in intent.request, false);
  const ended = alexaSkillEvent(fixedEnv(), { skillId, requestType: 'SessionEndedRequest' });
  assert.equal(ended.request.reason, 'USER_INITIATED');
  assert.equal(ended.session.new, false);

  assert.equal(alexaApiEndpoint('us-east-1'), 'https://api.amazonalexa.com');
  assert.equal(alexaApiEndpoint('eu-west-1'), 'https://api.eu.amazonalexa.com');
  assert.equal(alexaApiEndpoint('us-west-2'), 'https://api.amazonalexa.com');
  assert.equal(alexaApiEndpoint('ap-northeast-1'), 'https://api.fe.amazonalexa.com');
});

test('every builder is deterministic for a given env and JSON-serializable', () => {
  const build = () => {
    const env = fixedEnv();
    return [
      s3ObjectCreatedEvent(env, { bucket: 'b', key: 'k', sourceAccount: '1' }),
      snsNotificationEvent(env, { topicArn: 'arn:aws:sns:us-east-1:1:t', message: 'm' }),
      eventBridgeEvent(env, { account: '1', source: 's', detailType: 'd', detail: {} }),
      apiGatewayProxyEvent(env, { account: '1', apiId: 'a', method: 'GET', path: '/' }),
      apiGatewayProxyEvent(env, { account: '1', apiId: 'a', method: 'GET', path: '/', version: '1.0' }),
      cloudWatchLogsEvent(env, { account: '1', logGroup: 'g', messages: ['x'] }),
      alexaSkillEvent(env, { skillId: 'amzn1.ask.skill.x' }),
    ];
  };
  const a = build();
  assert.deepEqual(a, build());
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
});
