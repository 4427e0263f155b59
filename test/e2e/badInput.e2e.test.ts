// Bad input gets AWS's error, never a crash: unknown operations, constraint violations,
// malformed documents and bodies, oversized requests, hostile strings. Afterwards the server
// still answers and nothing stored before is lost.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { IAMClient, CreateUserCommand, GetUserCommand, SimulateCustomPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sdkConfig, startServer, type RunningServer } from './support.js';
import { sendRaw, signRequest } from './signing.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
  await new IAMClient(sdkConfig(server, 'owner')).send(new CreateUserCommand({ UserName: 'keeper' }));
});
after(async () => server?.stop());

const owner = () => server.profiles.owner!;
const iamCall = async (body: string) => sendRaw(server.endpoint, await signRequest(server.endpoint, { credentials: owner(), body }));

test('an unknown action', async () => {
  const r = await iamCall('Action=MakeCoffee&Version=2010-05-08');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.code, 'InvalidAction');
  assert.equal(r.message, 'Could not find operation MakeCoffee for version 2010-05-08');
});

test('constraint violations, one and several', async () => {
  const one = await iamCall('Action=CreateUser&Version=2010-05-08&UserName=a+b');
  assert.equal(one.code, 'ValidationError', one.text);
  assert.equal(
    one.message,
    "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
  );
  const long = await iamCall(`Action=CreateRole&Version=2010-05-08&RoleName=${'r'.repeat(65)}&AssumeRolePolicyDocument=%7B%7D`);
  assert.equal(long.code, 'ValidationError', long.text);
  assert.match(long.message ?? '', /Member must have length less than or equal to 64/);
});

test('malformed policy documents', async () => {
  const r = await iamCall('Action=PutUserPolicy&Version=2010-05-08&UserName=keeper&PolicyName=p&PolicyDocument=%7Bnot+json');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.code, 'MalformedPolicyDocument');
  assert.equal(r.message, 'Syntax errors in policy.');
});

test('hostile strings are data, not markup', async () => {
  const name = 'x<y>&"z\'';
  const r = await iamCall(`Action=GetUser&Version=2010-05-08&UserName=${encodeURIComponent(name)}`);
  assert.equal(r.status, 400, r.text);
  assert.match(r.text, /&lt;y&gt;&amp;/);
});

test('malformed JSON to a JSON service', async () => {
  const req = await signRequest(server.endpoint, {
    credentials: owner(),
    service: 'organizations',
    body: '{"not": json',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.DescribeAccount' },
  });
  const r = await sendRaw(server.endpoint, req);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.code, 'SerializationException');
});

/**
 * Declares a body of `declared` bytes and sends only its first few: the answer can come only
 * from what the server decides before it reads the body (racing a client still uploading
 * against an early answer would make this flaky).
 */
function partlySent(path: string, declared: number, headers: Record<string, string> = {}) {
  const url = new URL(server.endpoint);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-length': String(declared), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', () => undefined); // the server may close the socket after answering
    req.write('Action=CreateUser&Version=2010-05-08&UserName=');
  });
}
const oversized = (path: string, headers: Record<string, string> = {}) => partlySent(path, 8 * 1024 * 1024, headers);

test('an oversized body is refused before it is read, in the shape of the door it came to', async () => {
  const iam = await oversized('/', {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20261122/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00',
  });
  assert.equal(iam.status, 413);
  assert.match(iam.body, /<Code>RequestEntityTooLargeException<\/Code>/);
  const url = await oversized(`/lambda-url/${'a'.repeat(32)}/`);
  assert.equal(url.status, 413);
  assert.deepEqual(JSON.parse(url.body), { Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
  const emit = await oversized('/_latchkey/emit');
  assert.equal(emit.status, 413);
  assert.equal(JSON.parse(emit.body).code, 'RequestEntityTooLargeException');
});

// Without the early answer the server would wait for the rest of the body for ever: the timeout ends the test then.
test('a body without a signature, or signed with an unknown key, is not read: the answer comes first', { timeout: 20_000 }, async () => {
  const unsigned = await partlySent('/', 6 * 1024 * 1024, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(unsigned.status, 403);
  assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const unknownKey = await partlySent('/2015-03-31/functions', 6 * 1024 * 1024, {
    'content-type': 'application/json',
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=AKIANOSUCHKEY0000000/${amzDate.slice(0, 8)}/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  });
  assert.equal(unknownKey.status, 403);
  assert.deepEqual(JSON.parse(unknownKey.body), { message: 'The security token included in the request is invalid.' });
});

test('URLs that do not decode, paths that try to leave the console, a foreign Host asking for profiles', async () => {
  const badUrl = await fetch(`${server.endpoint}/lambda-url/${'a'.repeat(32)}/%ff%fe?x=%zz`);
  assert.equal(badUrl.status, 400);
  assert.deepEqual(await badUrl.json(), { Message: 'Bad Request' });
  const badApi = await fetch(`${server.endpoint}/2015-03-31/functions/%zz/invocations`, { method: 'POST' });
  assert.equal(badApi.status, 400);
  assert.match(((await badApi.json()) as { message: string }).message, /is not a valid url component/);
  // (fetch resolves `..` and `%2e%2e` segments itself; those land on the API door, unsigned.)
  for (const path of ['/console/..%2F..%2Fpackage.json', '/console/%2e%2e/package.json', '/console/..', '/console/..%5c..%5cpackage.json']) {
    const res = await fetch(`${server.endpoint}${path}`);
    assert.notEqual(res.status, 200, path);
    assert.doesNotMatch(await res.text(), /"name": "latchkey"/, path);
  }
  const url = new URL(server.endpoint);
  const rebound = await new Promise<number>((resolve, reject) =>
    http.get({ host: url.hostname, port: url.port, path: '/console/profiles.json', headers: { host: `evil.example:${url.port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject));
  assert.equal(rebound, 404, 'a page rebinding its name to 127.0.0.1 gets no keys');
});

test('the server is still up and nothing was lost', async () => {
  const { User } = await new IAMClient(sdkConfig(server, 'owner')).send(new GetUserCommand({ UserName: 'keeper' }));
  assert.equal(User?.UserName, 'keeper');
});

test('a simulation of 20 policies of hundreds of statements over 50 actions × 50 resources: one page, and the server answers others meanwhile', { timeout: 120_000 }, async () => {
  const statement = (i: number) => ({
    Sid: `S${i}`, Effect: i % 7 ? 'Allow' : 'Deny', Action: [`lambda:Get${i}*`, 's3:GetObject'], Resource: `arn:aws:s3:::bucket-${i}/*`,
    Condition: { StringEquals: { 'aws:PrincipalTag/team': `t${i}` } },
  });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 700 }, (_, i) => statement(i)) });
  const input = {
    PolicyInputList: Array(20).fill(policy) as string[],
    ActionNames: Array.from({ length: 50 }, (_, i) => (i % 2 ? 's3:GetObject' : `s3:GetObject${i}`)),
    ResourceArns: Array.from({ length: 50 }, (_, i) => `arn:aws:s3:::bucket-${i}/k`),
    MaxItems: 500,
  };
  const iam = new IAMClient(sdkConfig(server, 'owner'));
  const order: string[] = [];
  const simulation = iam.send(new SimulateCustomPolicyCommand(input)).then((r) => {
    order.push('simulation');
    return r;
  });
  // Sent while the simulation runs: a server busy with it alone would answer this one after.
  await new Promise((r) => setTimeout(r, 100));
  await new STSClient(sdkConfig(server, 'owner')).send(new GetCallerIdentityCommand({}));
  order.push('caller identity');
  const first = await simulation;
  assert.deepEqual(order, ['caller identity', 'simulation']);
  assert.equal(first.EvaluationResults?.length, 500);
  assert.equal(first.IsTruncated, true);
  const second = await iam.send(new SimulateCustomPolicyCommand({ ...input, Marker: first.Marker! }));
  assert.equal(second.EvaluationResults?.length, 500);
  assert.deepEqual([second.EvaluationResults![0]!.EvalActionName, second.EvaluationResults![0]!.EvalResourceName], [input.ActionNames[10], input.ResourceArns[0]]);
});
