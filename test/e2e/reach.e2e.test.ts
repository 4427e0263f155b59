// Who can reach a function, through a started server: service events delivered as S3, SNS
// and Alexa would deliver them (seed 002's confused deputy included), function URLs with
// AuthType NONE and AWS_IAM, `latchkey explain` on denied requests, and `latchkey access`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient,
  CreateFunctionCommand,
  AddPermissionCommand,
  InvokeCommand,
  PublishVersionCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  DeleteFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { emitRequest, sdkConfig, startServer, startWitness, type RunningServer, type Witness, LAMBDA_TRUST_POLICY, refusal } from './support.js';
import { signRequest } from './signing.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const OUTSIDER = '210987654321';
const ROLE = `arn:aws:iam::${OWNER}:role/reach-exec`;
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

// Reports each event it gets to the witness, and answers URL requests with what it saw.
const HANDLER = `exports.handler = async (event) => {
  await fetch(process.env.WITNESS_URL, { method: 'POST', body: JSON.stringify(event) });
  if (event.requestContext && event.requestContext.http) {
    const iam = event.requestContext.authorizer && event.requestContext.authorizer.iam;
    return { statusCode: 201, headers: { 'x-seen-path': event.rawPath }, body: JSON.stringify({ method: event.requestContext.http.method, accountId: event.requestContext.accountId, caller: iam ? iam.accountId : null, body: event.body }) };
  }
  return { ok: true };
};
`;

let server: RunningServer;
let witness: Witness;
const lambda = (profile = 'owner') => new LambdaClient(sdkConfig(server, profile));
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;

async function createFunction(name: string) {
  await lambda().send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
    Code: { ZipFile: Buffer.from(zipSync({ 'index.js': strToU8(HANDLER) })) },
    Environment: { Variables: { WITNESS_URL: `${witness.url}/${name}` } },
  }));
}

/** What a service sent or Latchkey answered: JSON whose fields the tests read one by one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Received = Record<string, any>;

/** The events a function has received so far (waits a little for asynchronous ones). */
async function eventsOf(name: string, atLeast = 0): Promise<Received[]> {
  return (await witness.heard(name, atLeast, 5_000)).map((body) => JSON.parse(body) as Received);
}

async function emit(body: Record<string, unknown>) {
  const res = await emitRequest(server, body);
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid')!, result: (await res.json()) as Received };
}

function latchkey(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

before(async () => {
  server = await startServer();
  witness = await startWitness();
  await new IAMClient(sdkConfig(server, 'owner')).send(new CreateRoleCommand({ RoleName: 'reach-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
});
after(async () => {
  await server?.stop();
  await witness?.close();
});

describe('service events', () => {
  test('seed 002: S3 with --source-arn and --source-account; the same bucket name claimed by another account is refused', async () => {
    await createFunction('s3-handler');
    await lambda().send(new AddPermissionCommand({
      FunctionName: 's3-handler', StatementId: 's3-account', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com',
      SourceArn: 'arn:aws:s3:::my-bucket-123456', SourceAccount: OWNER,
    }));
    const cli = latchkey('emit', 's3', '--state-dir', server.stateDir, '--function', fnArn('s3-handler'), '--bucket', 'my-bucket-123456', '--key', 'photo.jpg', '--source-account', OWNER);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    const delivered = JSON.parse(cli.stdout);
    assert.equal(delivered.delivered, true);
    assert.equal(delivered.principal, 's3.amazonaws.com');
    assert.equal(delivered.sourceArn, 'arn:aws:s3:::my-bucket-123456');
    const [event] = await eventsOf('s3-handler', 1);
    assert.equal(event!.Records[0].eventSource, 'aws:s3');
    assert.equal(event!.Records[0].s3.bucket.name, 'my-bucket-123456');
    assert.equal(event!.Records[0].s3.object.key, 'photo.jpg');

    // The bucket was deleted and re-created by the outsider: same ARN, another account.
    const refused = await emit({ service: 's3', function: fnArn('s3-handler'), bucket: 'my-bucket-123456', sourceAccount: OUTSIDER });
    assert.equal(refused.status, 403);
    assert.equal(refused.result.delivered, false);
    assert.match(refused.result.reason, /only the resource-based policy can allow it/);
    await delay(300);
    assert.equal((await eventsOf('s3-handler')).length, 1, 'the refused event never ran');

    const explained = latchkey('explain', refused.requestId, '--state-dir', server.stateDir);
    assert.equal(explained.status, 0, explained.stderr);
    assert.match(explained.stdout, /s3\.amazonaws\.com → lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:s3-handler/);
    assert.match(explained.stdout, /with aws:SourceAccount = 210987654321/);
    assert.match(explained.stdout, /DENIED: nothing in the resource-based policy allows it/);
  });

  test('SNS: a source-arn grant admits its topic only; a grant without one admits any account\'s topic', async () => {
    await createFunction('sns-handler');
    await lambda().send(new AddPermissionCommand({
      FunctionName: 'sns-handler', StatementId: 'my-topic', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com',
      SourceArn: `arn:aws:sns:us-east-1:${OWNER}:my-topic`,
    }));
    const mine = await emit({ service: 'sns', function: fnArn('sns-handler'), topicArn: `arn:aws:sns:us-east-1:${OWNER}:my-topic`, message: 'hello' });
    assert.equal(mine.result.delivered, true);
    const [event] = await eventsOf('sns-handler', 1);
    assert.equal(event!.Records[0].EventSource, 'aws:sns');
    assert.equal(event!.Records[0].Sns.Message, 'hello');
    assert.equal(event!.Records[0].Sns.TopicArn, `arn:aws:sns:us-east-1:${OWNER}:my-topic`);
    const other = await emit({ service: 'sns', function: fnArn('sns-handler'), topicArn: `arn:aws:sns:us-east-1:${OUTSIDER}:my-topic`, message: 'x' });
    assert.equal(other.result.delivered, false);

    await createFunction('sns-open');
    await lambda().send(new AddPermissionCommand({ FunctionName: 'sns-open', StatementId: 'any-topic', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' }));
    const anyone = await emit({ service: 'sns', function: fnArn('sns-open'), topicArn: `arn:aws:sns:us-east-1:${OUTSIDER}:their-topic`, message: 'from outside' });
    assert.equal(anyone.result.delivered, true, 'the confused deputy: any account\'s topic gets in');
  });

  test('Alexa: only the skill named by --event-source-token', async () => {
    await createFunction('skill');
    await lambda().send(new AddPermissionCommand({
      FunctionName: 'skill', StatementId: 'alexa', Action: 'lambda:InvokeFunction', Principal: 'alexa-appkit.amazon.com', EventSourceToken: 'amzn1.ask.skill.mine',
    }));
    const mine = await emit({ service: 'alexa', function: fnArn('skill'), skillId: 'amzn1.ask.skill.mine' });
    assert.equal(mine.result.delivered, true);
    assert.deepEqual(mine.result.payload, { ok: true }, 'Alexa waits for the answer');
    const [event] = await eventsOf('skill', 1);
    assert.equal(event!.context.System.application.applicationId, 'amzn1.ask.skill.mine');
    const theirs = await emit({ service: 'alexa', function: fnArn('skill'), skillId: 'amzn1.ask.skill.theirs' });
    assert.equal(theirs.result.delivered, false);
  });

  test('EventBridge, API Gateway and CloudWatch Logs: their principals, source ARNs and payloads', async () => {
    await createFunction('many');
    const grant = (StatementId: string, Principal: string, SourceArn: string) =>
      lambda().send(new AddPermissionCommand({ FunctionName: 'many', StatementId, Action: 'lambda:InvokeFunction', Principal, SourceArn }));
    await grant('rule', 'events.amazonaws.com', `arn:aws:events:us-east-1:${OWNER}:rule/nightly`);
    await grant('api', 'apigateway.amazonaws.com', `arn:aws:execute-api:us-east-1:${OWNER}:abc123/*/GET/pets`);
    await grant('logs', 'logs.us-east-1.amazonaws.com', `arn:aws:logs:us-east-1:${OWNER}:log-group:/app/web:*`);

    const rule = await emit({ service: 'events', function: fnArn('many'), rule: 'nightly', source: 'my.app', detailType: 'Tick', detail: { n: 1 } });
    assert.equal(rule.result.delivered, true);
    const api = await emit({ service: 'apigateway', function: fnArn('many'), apiId: 'abc123', method: 'GET', path: '/pets' });
    assert.equal(api.result.delivered, true);
    assert.equal(api.result.invocationType, 'RequestResponse', 'API Gateway waits for the function');
    assert.equal(api.result.sourceArn, `arn:aws:execute-api:us-east-1:${OWNER}:abc123/prod/GET/pets`);
    const logs = await emit({ service: 'logs', function: fnArn('many'), logGroup: '/app/web', messages: ['line one'] });
    assert.equal(logs.result.delivered, true);
    assert.equal(logs.result.principal, 'logs.us-east-1.amazonaws.com');
    assert.equal((await emit({ service: 'events', function: fnArn('many'), rule: 'other' })).result.delivered, false);
    assert.equal((await emit({ service: 'apigateway', function: fnArn('many'), apiId: 'abc123', method: 'DELETE', path: '/pets' })).result.delivered, false);

    const events = await eventsOf('many', 3);
    const tick = events.find((e) => e['detail-type'] === 'Tick')!;
    assert.deepEqual(tick.detail, { n: 1 });
    assert.equal(tick.source, 'my.app');
    assert.ok(events.some((e) => e.requestContext?.apiId === 'abc123'));
    assert.ok(events.some((e) => typeof e.awslogs?.data === 'string'));
  });

  test('bad requests get an error, not a crash', async () => {
    const res = await emitRequest(server, '{not json');
    assert.equal(res.status, 400);
    assert.equal((await emit({ service: 'carrier-pigeon', function: fnArn('skill') })).status, 400);
    assert.equal((await emit({ service: 's3', function: fnArn('skill') })).status, 400, 'bucket is required');
    const missing = await emit({ service: 's3', function: fnArn('missing'), bucket: 'b', sourceAccount: OWNER });
    assert.equal(missing.status, 404, 'a function that is not there is said to be missing');
    assert.deepEqual(missing.result, { code: 'ResourceNotFoundException', message: `Function not found: ${fnArn('missing')}:$LATEST` });
  });
});

describe('function URLs', () => {
  let urls: { none: string; iam: string; alias: string };
  const forbidden = { Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' };
  /** The path form of a URL (no DNS): /lambda-url/<id>/… on the server's own address. */
  const pathForm = (url: string, rest = '') => `${server.endpoint}/lambda-url/${new URL(url).hostname.split('.')[0]}${rest}`;

  before(async () => {
    await createFunction('web');
    const none = await lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
    await lambda().send(new PublishVersionCommand({ FunctionName: 'web' }));
    await lambda().send(new CreateAliasCommand({ FunctionName: 'web', Name: 'live', FunctionVersion: '1' }));
    const alias = await lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'NONE' }));
    await createFunction('private-web');
    const iam = await lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: 'private-web', AuthType: 'AWS_IAM' }));
    urls = { none: none.FunctionUrl!, iam: iam.FunctionUrl!, alias: alias.FunctionUrl! };
  });

  test('the configuration APIs: Create, Get, List, the recorded errors', async () => {
    assert.match(urls.none, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    const got = await lambda().send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
    assert.equal(got.AuthType, 'NONE');
    assert.equal(got.InvokeMode, 'BUFFERED');
    assert.equal(got.FunctionArn, fnArn('web'));
    const listed = await lambda().send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }));
    assert.deepEqual(listed.FunctionUrlConfigs!.map((c) => c.FunctionArn).sort(), [fnArn('web'), `${fnArn('web')}:live`]);
    const dup = await refusal<Error & { $metadata: { httpStatusCode: number } }>(lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' })));
    assert.equal(dup.name, 'ResourceConflictException');
    assert.equal(dup.message, `Failed to create function url config for [functionArn = ${fnArn('web')}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    const version = await refusal(lambda().send(new GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: '1' })));
    assert.equal(version.name, 'ValidationException');
    assert.equal((await refusal(lambda().send(new GetFunctionUrlConfigCommand({ FunctionName: 'nothing' })))).message, 'The resource you requested does not exist.');
    assert.equal((await refusal(lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: 'nothing', AuthType: 'NONE' })))).message, 'Function does not exist');
    assert.equal((await refusal(lambda('partner').send(new GetFunctionUrlConfigCommand({ FunctionName: fnArn('web') })))).name, 'AccessDeniedException');
  });

  // Since October 2025 a URL needs both permissions (Developer Guide, "Control access to function URLs").
  const invokeViaUrl = (FunctionName: string, Principal: string, Qualifier?: string) =>
    lambda().send(new AddPermissionCommand({
      FunctionName, Qualifier, StatementId: 'invoke-via-url', Action: 'lambda:InvokeFunction', Principal, InvokedViaFunctionUrl: true,
    }));

  test('NONE: 403 until anyone may both InvokeFunctionUrl and InvokeFunction via the URL; then payload format 2.0', async () => {
    const before = await fetch(pathForm(urls.none, '/hello'));
    assert.equal(before.status, 403);
    assert.equal(before.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.deepEqual(await before.json(), forbidden);

    await lambda().send(new AddPermissionCommand({
      FunctionName: 'web', StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
    }));
    const half = await fetch(pathForm(urls.none, '/hello'));
    assert.equal(half.status, 403, 'InvokeFunctionUrl alone is no longer enough');
    assert.deepEqual(await half.json(), forbidden);
    await invokeViaUrl('web', '*');
    const res = await fetch(pathForm(urls.none, '/hello?x=1'), { method: 'POST', body: 'payload' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-seen-path'), '/hello');
    assert.deepEqual(await res.json(), { method: 'POST', accountId: 'anonymous', caller: null, body: 'payload' });
    const events = await eventsOf('web', 1);
    const event = events[events.length - 1]!;
    assert.equal(event.version, '2.0');
    assert.equal(event.rawQueryString, 'x=1');
    assert.deepEqual(event.queryStringParameters, { x: '1' });
  });

  test('the host form reaches the same function', async () => {
    // fetch() will not send another Host header, and *.localhost may not resolve here: ask 127.0.0.1 with the URL's host.
    const { port, host } = new URL(urls.none);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/via-host', headers: { host } }, resolve).on('error', reject));
    res.resume();
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['x-seen-path'], '/via-host');
  });

  test('AWS_IAM: signed by an allowed principal 201; unsigned, by a stranger, or across accounts without a grant 403', async () => {
    const call = async (profile: string | undefined) => {
      const target = pathForm(urls.iam, '/secure');
      const url = new URL(target);
      if (!profile) return fetch(target);
      const signed = await signRequest(server.endpoint, {
        credentials: server.profiles[profile]!, body: '', method: 'GET', service: 'lambda', path: url.pathname, headers: {},
      });
      const { host: _h, ...headers } = signed.headers;
      return fetch(target, { headers });
    };
    assert.equal((await call('owner')).status, 201, 'same account: the admin\'s identity policy is enough');
    assert.equal((await call(undefined)).status, 403);
    assert.equal((await call('outsider')).status, 403);
    assert.equal((await call('partner')).status, 403, 'across accounts the function\'s policy must agree');
    await lambda().send(new AddPermissionCommand({
      FunctionName: 'private-web', StatementId: 'partner-url', Action: 'lambda:InvokeFunctionUrl', Principal: PARTNER, FunctionUrlAuthType: 'AWS_IAM',
    }));
    assert.equal((await call('partner')).status, 403, 'InvokeFunction via the URL is granted too, or nothing');
    await invokeViaUrl('private-web', PARTNER);
    const partner = await call('partner');
    assert.equal(partner.status, 201);
    assert.equal(((await partner.json()) as { caller: string }).caller, PARTNER);
  });

  test('an alias URL whose alias was deleted answers 403; an unknown URL {"Message":null}', async () => {
    await lambda().send(new AddPermissionCommand({
      FunctionName: 'web', Qualifier: 'live', StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
    }));
    await invokeViaUrl('web', '*', 'live');
    assert.equal((await fetch(pathForm(urls.alias))).status, 201);
    await lambda().send(new DeleteAliasCommand({ FunctionName: 'web', Name: 'live' }));
    const gone = await fetch(pathForm(urls.alias));
    assert.equal(gone.status, 403);
    assert.deepEqual(await gone.json(), forbidden);
    const unknown = await fetch(`${server.endpoint}/lambda-url/${'0'.repeat(32)}/`);
    assert.equal(unknown.status, 403);
    assert.equal(await unknown.text(), '{"Message":null}');
    await lambda().send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'web' }));
    assert.equal((await fetch(pathForm(urls.none))).status, 403, 'a deleted URL is unknown');
  });
});

describe('latchkey explain', () => {
  test('a denied cross-account invoke names the missing side; an explicit deny names its statement', async () => {
    await createFunction('explained');
    const denied = await refusal<Error & { $metadata: { requestId: string } }>(lambda('partner').send(new InvokeCommand({ FunctionName: fnArn('explained') })));
    const out = latchkey('explain', denied.$metadata.requestId, '--state-dir', server.stateDir);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /arn:aws:iam::111122223333:user\/admin → lambda:InvokeFunction/);
    assert.match(out.stdout, /DENIED: nothing in the resource-based policy allows it/);
    assert.match(out.stdout, /The caller's account \(111122223333\) is not the resource's \(123456789012\)/);

    const iam = new IAMClient(sdkConfig(server, 'owner'));
    await iam.send(new CreateUserCommand({ UserName: 'no-invoke' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'no-invoke', PolicyName: 'mostly-lambda',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 'lambda:*', Resource: '*' },
        { Sid: 'NoInvoke', Effect: 'Deny', Action: 'lambda:InvokeFunction', Resource: '*' },
      ] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-invoke' }))).AccessKey!;
    const user = new LambdaClient(sdkConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const explicit = await refusal<Error & { $metadata: { requestId: string } }>(user.send(new InvokeCommand({ FunctionName: 'explained' })));
    const said = latchkey('explain', explicit.$metadata.requestId, '--state-dir', server.stateDir);
    assert.match(said.stdout, /DENIED explicitly by the caller's identity-based policies/);
    assert.match(said.stdout, /Sid "NoInvoke"/);
    assert.equal(latchkey('explain', 'no-such-request', '--state-dir', server.stateDir).status, 1);
  });
});

describe('latchkey access', () => {
  test('lists who outside the account can reach what, and how', async () => {
    await lambda().send(new AddPermissionCommand({ FunctionName: 'explained', StatementId: 'outsider', Action: 'lambda:InvokeFunction', Principal: OUTSIDER }));
    const out = latchkey('access', '--state-dir', server.stateDir, '--profile', 'owner', '--json');
    assert.equal(out.status, 0, out.stderr);
    const report = JSON.parse(out.stdout) as { resource: string; findings: { kind: string; principal: string }[] }[];
    const kinds = (arn: string) => report.find((r) => r.resource === arn)?.findings.map((f) => `${f.kind} ${f.principal}`) ?? [];
    assert.deepEqual(kinds(fnArn('sns-open')), ['service-without-source sns.amazonaws.com']);
    assert.deepEqual(kinds(fnArn('s3-handler')), [], 'source account and ARN keep it inside');
    // The partner is in the owner's organization, the zone of trust; the outsider is not.
    assert.deepEqual(kinds(fnArn('private-web')), []);
    assert.deepEqual(kinds(fnArn('explained')), [`cross-account arn:aws:iam::${OUTSIDER}:root`]);
    // Its URL is deleted, but the statements letting anyone use it stay (as on AWS); the pair is one finding.
    assert.deepEqual(kinds(fnArn('web')), ['public *']);
    const text = latchkey('access', '--state-dir', server.stateDir, '--profile', 'owner');
    assert.match(text.stdout, /service-without-source\s+sns\.amazonaws\.com/);
  });

  test('the findings are the caller\'s account\'s only, and only for signed callers', async () => {
    const outsider = latchkey('access', '--endpoint', server.endpoint, '--state-dir', server.stateDir, '--profile', 'outsider', '--json');
    assert.equal(outsider.status, 0, outsider.stderr);
    assert.deepEqual(JSON.parse(outsider.stdout), []);
    const unsigned = await fetch(`${server.endpoint}/_latchkey/access`);
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
  });
});
