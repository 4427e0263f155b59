// Whole JSON resource-based policies (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy,
// Lambda API 2026-07-09) through SDK v3 against a started server: Deny statements and global
// condition keys decided on Invoke and on service events, the interplay with AddPermission /
// RemovePermission / GetPolicy, RevisionId races, block public access, and the error a client
// of a service Latchkey does not serve gets.
//
// Expectations cite the Developer Guide page "Working with resource-based policies in Lambda"
// (access-control-resource-based.html: Put "replaces the entire existing policy"; AddPermission
// after Put "appends to the existing JSON policy"; get-policy shows the same policy), the API
// reference for the three operations (routes, RevisionId → PreconditionFailedException, the
// 20 KB limit) and the Service Authorization Reference (the actions each one needs).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient, AddPermissionCommand, CreateFunctionCommand, DeleteResourcePolicyCommand, GetPolicyCommand, GetResourcePolicyCommand,
  InvokeCommand, PublishVersionCommand, PutResourcePolicyCommand, RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { emitRequest, LAMBDA_TRUST_POLICY, refusal, sdkConfig, startServer, type RunningServer } from './support.js';
import { sendRaw, signRequest } from './signing.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const CONTRACTOR = '444455556666';
const OUTSIDER = '210987654321';
const LOCKED = '777788889999';
const ORG = 'o-t194hfs8cz';
const ADMIN = { admin: { managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] } };

/** The default world, a third member of the organization, and an account that blocks public access. */
const WORLD = {
  organization: { id: ORG, managementAccount: 'owner', accounts: ['partner', 'contractor'] },
  accounts: {
    owner: { id: OWNER, users: ADMIN },
    partner: { id: PARTNER, users: ADMIN },
    contractor: { id: CONTRACTOR, users: ADMIN },
    outsider: { id: OUTSIDER, users: ADMIN },
    locked: { id: LOCKED, users: ADMIN, lambda: { blockPublicAccess: true } },
  },
};

let server: RunningServer;
const lambda = (profile = 'owner') => new LambdaClient(sdkConfig(server, profile));
const fnArn = (name: string, account = OWNER) => `arn:aws:lambda:us-east-1:${account}:function:${name}`;
type Failure = Error & { $metadata: { httpStatusCode?: number } };

async function createFunction(name: string, profile = 'owner', account = OWNER) {
  await new IAMClient(sdkConfig(server, profile)).send(new CreateRoleCommand({ RoleName: `${name}-exec`, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  await lambda(profile).send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${account}:role/${name}-exec`,
    Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async (e) => ({ ok: true, e });\n') }) },
  }));
}

const document = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const put = (name: string, policy: string, extra: { RevisionId?: string; profile?: string; arn?: string } = {}) =>
  lambda(extra.profile).send(new PutResourcePolicyCommand({ ResourceArn: extra.arn ?? fnArn(name), Policy: policy, ...(extra.RevisionId ? { RevisionId: extra.RevisionId } : {}) }));
const sids = async (arn: string) => (JSON.parse((await lambda().send(new GetResourcePolicyCommand({ ResourceArn: arn }))).Policy!) as { Statement: { Sid?: string }[] }).Statement.map((s) => s.Sid);
const invokeAs = (profile: string, name: string) => lambda(profile).send(new InvokeCommand({ FunctionName: fnArn(name), Payload: Buffer.from('{}') }));

before(async () => {
  server = await startServer({ world: WORLD });
});
after(async () => server?.stop());

describe('Deny statements and global condition keys, decided on every request', () => {
  test('a Deny for one account beside an Allow for its organization: partner in, contractor refused explicitly, outsider out', async () => {
    await createFunction('shared');
    await put('shared', document(
      { Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: fnArn('shared'), Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } },
      { Sid: 'not-contractor', Effect: 'Deny', Principal: { AWS: CONTRACTOR }, Action: 'lambda:*', Resource: [fnArn('shared'), `${fnArn('shared')}:*`] },
    ));
    assert.equal((await invokeAs('partner', 'shared')).StatusCode, 200);
    const contractor = await refusal<Failure>(invokeAs('contractor', 'shared'));
    assert.equal(contractor.name, 'AccessDeniedException');
    assert.match(contractor.message, /with an explicit deny in a resource-based policy/);
    const outsider = await refusal<Failure>(invokeAs('outsider', 'shared'));
    assert.equal(outsider.name, 'AccessDeniedException');
    assert.doesNotMatch(outsider.message, /explicit deny/);
    assert.equal((await invokeAs('owner', 'shared')).StatusCode, 200, 'the Deny names the contractor only');
  });

  test('aws:SourceIp decided on Invoke: an Allow for a range, then a Deny outside one that stops even the owner', async () => {
    await createFunction('by-ip');
    const first = await put('by-ip', document({
      Sid: 'partner-local', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'lambda:InvokeFunction', Resource: fnArn('by-ip'),
      Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
    }));
    assert.equal((await invokeAs('partner', 'by-ip')).StatusCode, 200, 'the SDK calls from 127.0.0.1');
    const second = await put('by-ip', document(
      { Sid: 'partner-office', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'lambda:InvokeFunction', Resource: fnArn('by-ip'), Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      { Sid: 'office-only', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: fnArn('by-ip'), Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
    ), { RevisionId: first.RevisionId! });
    assert.notEqual(second.RevisionId, first.RevisionId);
    assert.equal((await refusal<Failure>(invokeAs('partner', 'by-ip'))).name, 'AccessDeniedException');
    const owner = await refusal<Failure>(invokeAs('owner', 'by-ip'));
    assert.match(owner.message, /explicit deny in a resource-based policy/, 'a resource policy Deny holds in the own account too');
  });

  test('aws:PrincipalTag: the partner\'s tagged user gets in, its untagged admin does not', async () => {
    await createFunction('by-tag');
    await put('by-tag', document({
      Sid: 'blue-team', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: fnArn('by-tag'),
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
    }));
    const iam = new IAMClient(sdkConfig(server, 'partner'));
    await iam.send(new CreateUserCommand({ UserName: 'blue-dev', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'blue-dev', PolicyName: 'invoke',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'blue-dev' }))).AccessKey!;
    const blue = new LambdaClient(sdkConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    assert.equal((await blue.send(new InvokeCommand({ FunctionName: fnArn('by-tag'), Payload: Buffer.from('{}') }))).StatusCode, 200);
    assert.equal((await refusal<Failure>(invokeAs('partner', 'by-tag'))).name, 'AccessDeniedException');
  });

  test('service events: aws:SourceAccount allows S3, a Deny on aws:SourceArn keeps one bucket out', async () => {
    await createFunction('uploads');
    await put('uploads', document(
      { Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('uploads'), Condition: { StringEquals: { 'aws:SourceAccount': OWNER } } },
      { Sid: 'quarantine', Effect: 'Deny', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn('uploads'), Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::quarantine-*' } } },
    ));
    const emit = async (bucket: string) => (await (await emitRequest(server, { service: 's3', function: fnArn('uploads'), bucket, sourceAccount: OWNER })).json()) as { delivered: boolean; reason?: string };
    assert.equal((await emit('photos')).delivered, true);
    const kept = await emit('quarantine-7');
    assert.equal(kept.delivered, false);
    assert.match(kept.reason ?? '', /explicit/i);
  });
});

describe('one policy, written whole or a statement at a time', () => {
  test('Put replaces AddPermission\'s statements; AddPermission then appends; GetPolicy shows the same policy and RevisionId', async () => {
    await createFunction('mixed');
    await lambda().send(new AddPermissionCommand({ FunctionName: 'mixed', StatementId: 'added', Action: 'lambda:InvokeFunction', Principal: OUTSIDER }));
    const policy = document({ Sid: 'whole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: ['lambda:InvokeFunction', 'lambda:GetFunction'], Resource: fnArn('mixed') });
    const written = await put('mixed', policy);
    assert.deepEqual(JSON.parse(written.Policy!), JSON.parse(policy));
    assert.deepEqual(await sids(fnArn('mixed')), ['whole'], '"Replaces the entire existing policy"');
    const viaGetPolicy = await lambda().send(new GetPolicyCommand({ FunctionName: 'mixed' }));
    assert.equal(viaGetPolicy.Policy, written.Policy);
    assert.equal(viaGetPolicy.RevisionId, written.RevisionId);
    assert.equal((await refusal<Failure>(invokeAs('outsider', 'mixed'))).name, 'AccessDeniedException', 'the replaced grant is gone');

    await lambda().send(new AddPermissionCommand({ FunctionName: 'mixed', StatementId: 'appended', Action: 'lambda:InvokeFunction', Principal: OUTSIDER }));
    const after = JSON.parse((await lambda().send(new GetResourcePolicyCommand({ ResourceArn: fnArn('mixed') }))).Policy!);
    assert.deepEqual(after.Statement.map((s: { Sid: string }) => s.Sid), ['whole', 'appended']);
    assert.equal(after.Version, '2012-10-17');
    assert.equal(after.Id, undefined, 'the document keeps its own head: no "Id":"default" added');
    assert.equal((await invokeAs('outsider', 'mixed')).StatusCode, 200);

    await lambda().send(new RemovePermissionCommand({ FunctionName: 'mixed', StatementId: 'whole' }));
    assert.deepEqual(await sids(fnArn('mixed')), ['appended']);
    await lambda().send(new DeleteResourcePolicyCommand({ ResourceArn: fnArn('mixed') }));
    assert.equal((await refusal<Failure>(lambda().send(new GetPolicyCommand({ FunctionName: 'mixed' })))).name, 'ResourceNotFoundException');
    const gone = await refusal<Failure>(lambda().send(new GetResourcePolicyCommand({ ResourceArn: fnArn('mixed') })));
    assert.equal(gone.$metadata.httpStatusCode, 404);
    assert.equal((await refusal<Failure>(lambda().send(new DeleteResourcePolicyCommand({ ResourceArn: fnArn('mixed') })))).name, 'ResourceNotFoundException');
  });

  test('a version has a policy of its own; the function\'s may cover its versions with <arn>:*', async () => {
    await createFunction('versioned');
    const { Version } = await lambda().send(new PublishVersionCommand({ FunctionName: 'versioned' }));
    const versionArn = `${fnArn('versioned')}:${Version}`;
    await put('versioned', document({ Sid: 'v', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: versionArn }), { arn: versionArn });
    assert.deepEqual(await sids(versionArn), ['v']);
    assert.equal((await refusal<Failure>(lambda().send(new GetResourcePolicyCommand({ ResourceArn: fnArn('versioned') })))).name, 'ResourceNotFoundException');
    await put('versioned', document({ Sid: 'all', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:GetFunction', Resource: `${fnArn('versioned')}:*` }));
    const onVersion = await refusal<Failure>(put('versioned', document({ Sid: 'x', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:GetFunction', Resource: `${fnArn('versioned')}:*` }), { arn: versionArn }));
    assert.equal(onVersion.name, 'InvalidParameterValueException');
  });

  test('RevisionId races: of eight Puts carrying the same RevisionId exactly one wins', async () => {
    await createFunction('raced');
    const { RevisionId } = await put('raced', document({ Sid: 'start', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: fnArn('raced') }));
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => put('raced', document({
      Sid: `writer${i}`, Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: fnArn('raced'),
    }), { RevisionId: RevisionId! })));
    const won = attempts.flatMap((a, i) => (a.status === 'fulfilled' ? [i] : []));
    assert.equal(won.length, 1);
    for (const a of attempts) if (a.status === 'rejected') assert.equal((a.reason as Failure).name, 'PreconditionFailedException');
    assert.deepEqual(await sids(fnArn('raced')), [`writer${won[0]}`]);
    // AddPermission races the same way against a Put: the policy's RevisionId is one.
    const current = (await lambda().send(new GetPolicyCommand({ FunctionName: 'raced' }))).RevisionId!;
    const [a, b] = await Promise.allSettled([
      lambda().send(new AddPermissionCommand({ FunctionName: 'raced', StatementId: 'add', Action: 'lambda:InvokeFunction', Principal: OUTSIDER, RevisionId: current })),
      put('raced', document({ Sid: 'put', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: fnArn('raced') }), { RevisionId: current }),
    ]);
    assert.equal([a, b].filter((r) => r.status === 'fulfilled').length, 1);
  });
});

describe('what PutResourcePolicy refuses', () => {
  const allow = (fields: object = {}) => ({ Sid: 's', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction', Resource: fnArn('checked'), ...fields });

  before(async () => {
    await createFunction('checked');
  });

  for (const [name, policy] of [
    ['not JSON', '{"Version":"2012-10-17","Statement":['],
    ['no Principal', document({ Sid: 's', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn('checked') })],
    ['NotAction', document({ Sid: 's', Effect: 'Allow', Principal: { AWS: PARTNER }, NotAction: 'lambda:DeleteFunction', Resource: fnArn('checked') })],
    ['another function\'s ARN', document(allow({ Resource: fnArn('other') }))],
    ['an action no resource policy grants', document(allow({ Action: 'lambda:CreateFunction' }))],
    ['a service that is not Lambda', document(allow({ Action: 's3:GetObject' }))],
    ['an unknown condition operator', document(allow({ Condition: { StringSortOf: { 'aws:SourceIp': 'x' } } }))],
  ] as const) {
    test(`${name}: InvalidParameterValueException, and the stored policy is untouched`, async () => {
      const before = await lambda().send(new GetPolicyCommand({ FunctionName: 'checked' })).catch(() => undefined);
      const e = await refusal<Failure>(put('checked', policy));
      assert.equal(e.name, 'InvalidParameterValueException', e.message);
      assert.equal(e.$metadata.httpStatusCode, 400);
      const now = await lambda().send(new GetPolicyCommand({ FunctionName: 'checked' })).catch(() => undefined);
      assert.equal(now?.RevisionId, before?.RevisionId);
    });
  }

  test('over 20,480 characters: the model\'s ValidationException; within them but over 20,480 bytes: PolicyLengthExceededException', async () => {
    const many = (value: (i: number) => string, count = 120) => document(...Array.from({ length: count }, (_, i) => allow({ Sid: `s${i}`, Condition: { StringEquals: { 'aws:PrincipalTag/team': value(i) } } })));
    const long = many((i) => `team-${'x'.repeat(40)}-${i}`);
    assert.ok(long.length > 20480);
    const e = await refusal<Failure>(put('checked', long));
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /Member must have length less than or equal to 20480/);
    // "é" is two bytes in UTF-8: the limit Lambda checks is the document's bytes.
    const wide = many((i) => `${'é'.repeat(150)}-${i}`, 50);
    assert.ok(wide.length <= 20480 && Buffer.byteLength(wide) > 20480, `${wide.length} characters, ${Buffer.byteLength(wide)} bytes`);
    assert.equal((await refusal<Failure>(put('checked', wide))).name, 'PolicyLengthExceededException');
  });

  test('$LATEST, a missing function, a stale RevisionId, another account', async () => {
    assert.equal((await refusal<Failure>(put('checked', document(allow()), { arn: `${fnArn('checked')}:$LATEST` }))).name, 'InvalidParameterValueException');
    const missing = await refusal<Failure>(put('nothing', document(allow({ Resource: fnArn('nothing') }))));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.$metadata.httpStatusCode, 404);
    const stale = await refusal<Failure>(put('checked', document(allow()), { RevisionId: '00000000-0000-4000-8000-000000000000' }));
    assert.equal(stale.name, 'PreconditionFailedException');
    assert.equal(stale.$metadata.httpStatusCode, 412);
    const partner = await refusal<Failure>(put('checked', document(allow()), { profile: 'partner' }));
    assert.equal(partner.name, 'AccessDeniedException');
  });

  test('PutResourcePolicy alone is not enough: it needs AddPermission and RemovePermission too', async () => {
    const iam = new IAMClient(sdkConfig(server, 'owner'));
    await iam.send(new CreateUserCommand({ UserName: 'put-only' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'put-only', PolicyName: 'put',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:PutResourcePolicy', 'lambda:GetResourcePolicy'], Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'put-only' }))).AccessKey!;
    const user = new LambdaClient(sdkConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const e = await refusal<Failure>(user.send(new PutResourcePolicyCommand({ ResourceArn: fnArn('checked'), Policy: document(allow()) })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /lambda:AddPermission/);
    const get = await refusal<Failure>(user.send(new GetResourcePolicyCommand({ ResourceArn: fnArn('checked') })));
    assert.match(get.message, /lambda:GetPolicy/, 'GetResourcePolicy needs GetPolicy too');
  });
});

describe('block public access (the account setting of the world file)', () => {
  before(async () => {
    await createFunction('guarded', 'locked', LOCKED);
  });

  test('a public statement is refused with PublicPolicyException, by AddPermission and by PutResourcePolicy', async () => {
    const added = await refusal<Failure>(lambda('locked').send(new AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'open', Action: 'lambda:InvokeFunction', Principal: '*' })));
    assert.equal(added.name, 'PublicPolicyException');
    assert.equal(added.$metadata.httpStatusCode, 400);
    assert.match(added.message, /would grant public access to it, and your account's BlockPublicAccess setting prevents public access/);
    const arn = fnArn('guarded', LOCKED);
    const open = { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn };
    assert.equal((await refusal<Failure>(put('guarded', document(open), { profile: 'locked', arn }))).name, 'PublicPolicyException');
    const ipOnly = { ...open, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
    assert.equal((await refusal<Failure>(put('guarded', document(ipOnly), { profile: 'locked', arn }))).name, 'PublicPolicyException', 'a source IP does not make it private');
  });

  test('statements limited to an account or organization, or naming one, are accepted', async () => {
    const arn = fnArn('guarded', LOCKED);
    await put('guarded', document({ Sid: 'own', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn, Condition: { StringEquals: { 'aws:PrincipalAccount': LOCKED } } }), { profile: 'locked', arn });
    await lambda('locked').send(new AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: PARTNER }));
    assert.deepEqual(await lambda('locked').send(new GetResourcePolicyCommand({ ResourceArn: arn })).then((r) => JSON.parse(r.Policy!).Statement.length), 2);
  });

  test('an account without the setting may still make a function public', async () => {
    await createFunction('open-door');
    await lambda().send(new AddPermissionCommand({ FunctionName: 'open-door', StatementId: 'open', Action: 'lambda:InvokeFunction', Principal: '*' }));
    assert.equal((await invokeAs('outsider', 'open-door')).StatusCode, 200);
  });
});

describe('services Latchkey does not serve', () => {
  test('a request signed for S3 (XML) or DynamoDB (JSON) gets 501 NotImplemented naming the service', async () => {
    const credentials = server.profiles.owner!;
    const s3 = await sendRaw(server.endpoint, await signRequest(server.endpoint, { credentials, body: '', service: 's3' }));
    assert.equal(s3.status, 501);
    assert.equal(s3.code, 'NotImplemented');
    assert.match(s3.text, /Latchkey does not serve the s3 service/);
    const dynamodb = await sendRaw(server.endpoint, await signRequest(server.endpoint, {
      credentials, body: '{}', service: 'dynamodb', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    }));
    assert.equal(dynamodb.status, 501);
    const body = JSON.parse(dynamodb.text) as { __type: string; message: string };
    assert.equal(body.__type, 'NotImplemented');
    assert.match(body.message, /^Latchkey does not serve the dynamodb service; it serves iam, sts, organizations, lambda, logs/);
  });
});
