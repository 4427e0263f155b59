// Three Latchkey nodes on one PostgreSQL, as a team runs them behind a load balancer: writes
// through one node are read and enforced by the others at once (a revoked key, a detached
// policy, an SCP), racing AddPermission calls spread over the nodes lose nothing and a
// contested statement id has one winner, an acknowledged write survives kill -9 of its node,
// reserved concurrency is counted across nodes, and a PostgreSQL restart under load costs
// errors during the outage only.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient, AddPermissionCommand, CreateFunctionCommand, GetFunctionCommand, GetPolicyCommand, InvokeCommand, PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import {
  IAMClient, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DetachUserPolicyCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AttachPolicyCommand, CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { LAMBDA_TRUST_POLICY, refusal, sdkConfig, startServer, type Profile, type RunningServer } from './support.js';
import { freshDatabase, postgresBinaries, startPrivatePostgres } from '../support/postgres.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const bin = postgresBinaries();
if (!bin) {
  if (process.env.CI) throw new Error('PostgreSQL is not installed: the cluster tests cannot run (apt-get install postgresql)');
  console.error('\n!!! PostgreSQL is not installed (no initdb): the cluster tests are SKIPPED\n');
}

type Failure = Error & { name: string; $metadata: { httpStatusCode?: number } };
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;

let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
let databaseUrl: string;
const nodes: RunningServer[] = [];
const lambda = (node: number, profile: string | Profile = 'owner') => new LambdaClient(sdkConfig(nodes[node]!, profile));
const iam = (node: number, profile: string | Profile = 'owner') => new IAMClient(sdkConfig(nodes[node]!, profile));
const sts = (node: number, profile: string | Profile) => new STSClient(sdkConfig(nodes[node]!, profile));

async function createFunction(name: string, code = 'exports.handler = async (e) => ({ ok: true });\n', timeout = 10) {
  await iam(0).send(new CreateRoleCommand({ RoleName: `${name}-exec`, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  await lambda(0).send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/${name}-exec`, Timeout: timeout,
    Code: { ZipFile: zipSync({ 'index.js': strToU8(code) }) },
  }));
}

const statementSids = async (node: number, name: string) =>
  (JSON.parse((await lambda(node).send(new GetPolicyCommand({ FunctionName: name }))).Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);

describe('three nodes on one PostgreSQL', { skip: !bin && 'no PostgreSQL' }, () => {
  before(async () => {
    postgres = await startPrivatePostgres(bin!);
    databaseUrl = await freshDatabase(postgres.adminUrl, 'latchkey_cluster');
    const env = { LATCHKEY_DATABASE_URL: databaseUrl };
    // The first node creates the schema and the world; the other two start together and join it.
    nodes.push(await startServer({ env }));
    nodes.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    postgres?.stop();
  });

  test('every node serves the same world with the same keys', () => {
    for (const n of nodes) assert.match(n.output(), /store: PostgreSQL at 127\.0\.0\.1:\d+\/latchkey_cluster/);
    assert.deepEqual(nodes[1]!.profiles.owner, nodes[0]!.profiles.owner);
    assert.deepEqual(nodes[2]!.profiles.partner, nodes[0]!.profiles.partner);
  });

  test('a node given --database keeps the password out of its command line, which every local user can read', async () => {
    const node = await startServer({ args: ['--database', databaseUrl.replace('latchkey@', 'latchkey:not-the-password@')] });
    try {
      const cmdline = fs.readFileSync(`/proc/${node.process.pid}/cmdline`, 'utf8');
      assert.ok(!cmdline.includes('not-the-password'), cmdline);
      assert.deepEqual(node.profiles.owner, nodes[0]!.profiles.owner, 'it joined the same world');
    } finally {
      await node.stop();
    }
  });

  test('read-your-writes across nodes: created on one, read and enforced on the others', async () => {
    await createFunction('shared');
    assert.equal((await lambda(1).send(new GetFunctionCommand({ FunctionName: 'shared' }))).Configuration?.FunctionName, 'shared');
    await lambda(1).send(new AddPermissionCommand({ FunctionName: 'shared', StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: PARTNER }));
    assert.deepEqual(await statementSids(2, 'shared'), ['partner']);
    assert.equal((await lambda(2, 'partner').send(new InvokeCommand({ FunctionName: fnArn('shared'), Payload: Buffer.from('{}') }))).StatusCode, 200);
  });

  test('a revoked key, a detached policy and a new SCP are refused on every node right after the call returned', async () => {
    await iam(0).send(new CreateUserCommand({ UserName: 'dev' }));
    await iam(0).send(new AttachUserPolicyCommand({ UserName: 'dev', PolicyArn: 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess' }));
    const key = (await iam(0).send(new CreateAccessKeyCommand({ UserName: 'dev' }))).AccessKey!;
    const dev: Profile = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    // Warm every node's caches (credentials, caller, compiled policies) first.
    for (let n = 0; n < 3; n++) await lambda(n, dev).send(new GetPolicyCommand({ FunctionName: 'shared' }));

    await iam(1).send(new DetachUserPolicyCommand({ UserName: 'dev', PolicyArn: 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess' }));
    for (const n of [0, 2]) assert.equal((await refusal<Failure>(lambda(n, dev).send(new GetPolicyCommand({ FunctionName: 'shared' })))).name, 'AccessDeniedException');

    await iam(2).send(new UpdateAccessKeyCommand({ UserName: 'dev', AccessKeyId: dev.accessKeyId, Status: 'Inactive' }));
    for (const n of [0, 1]) {
      const refused = await refusal<Failure>(sts(n, dev).send(new GetCallerIdentityCommand({})));
      assert.equal(refused.$metadata.httpStatusCode, 403);
    }

    // The partner account is a member of the organization: an SCP attached through node 0
    // denies its Lambda calls through nodes 1 and 2.
    for (const n of [1, 2]) await lambda(n, 'partner').send(new InvokeCommand({ FunctionName: fnArn('shared'), Payload: Buffer.from('{}') }));
    const orgs = new OrganizationsClient(sdkConfig(nodes[0]!, 'owner'));
    const scp = await orgs.send(new CreatePolicyCommand({
      Name: 'no-lambda', Description: '', Type: 'SERVICE_CONTROL_POLICY',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'lambda:*', Resource: '*' }] }),
    }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: PARTNER }));
    for (const n of [1, 2]) {
      const refused = await refusal<Failure>(lambda(n, 'partner').send(new InvokeCommand({ FunctionName: fnArn('shared'), Payload: Buffer.from('{}') })));
      assert.equal(refused.name, 'AccessDeniedException');
    }
  });

  test('100 racing AddPermission calls spread over the nodes: all present, none lost', async () => {
    await createFunction('raced');
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) =>
      lambda(i % 3).send(new AddPermissionCommand({ FunctionName: 'raced', StatementId: `s${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }))));
    assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
    const sids = await statementSids(1, 'raced');
    assert.equal(sids.length, 100);
    assert.deepEqual(new Set(sids), new Set(Array.from({ length: 100 }, (_, i) => `s${i}`)));
  });

  test('20 racing AddPermission calls with one statement id: exactly one winner', async () => {
    await createFunction('contested');
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
      lambda(i % 3).send(new AddPermissionCommand({ FunctionName: 'contested', StatementId: 'only', Action: 'lambda:InvokeFunction', Principal: `1111222233${String(i).padStart(2, '0')}` }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Failure).name, 'ResourceConflictException', nodes.map((n) => n.output()).join('\n'));
    assert.deepEqual(await statementSids(2, 'contested'), ['only']);
  });

  test('reserved concurrency 1 holds across nodes', async () => {
    await createFunction('single', "exports.handler = async () => { await new Promise((r) => setTimeout(r, 1500)); return 'done'; };\n");
    await lambda(0).send(new PutFunctionConcurrencyCommand({ FunctionName: 'single', ReservedConcurrentExecutions: 1 }));
    // Warm an environment on each node, one after another, so the race below is not about cold starts.
    for (let n = 0; n < 3; n++) await lambda(n).send(new InvokeCommand({ FunctionName: 'single', Payload: Buffer.from('{}') }));
    const results = await Promise.allSettled([0, 1, 2].map((n) => lambda(n).send(new InvokeCommand({ FunctionName: 'single', Payload: Buffer.from('{}') }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'one invocation at a time in the whole cluster');
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Failure).name, 'TooManyRequestsException');
  });

  test('kill -9 of a node in the middle of writes: every acknowledged write is present', async () => {
    await createFunction('durable');
    const acked: string[] = [];
    const victim = nodes[2]!;
    const writes = Array.from({ length: 60 }, (_, i) =>
      lambda(2).send(new AddPermissionCommand({ FunctionName: 'durable', StatementId: `k${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }))
        .then(() => acked.push(`k${i}`), () => undefined));
    while (acked.length < 10) await new Promise((r) => setTimeout(r, 5));
    await victim.kill();
    await Promise.allSettled(writes);
    nodes.pop();
    const present = new Set(await statementSids(0, 'durable'));
    for (const sid of acked) assert.ok(present.has(sid), `${sid} was acknowledged and must be present`);
  });

  test('PostgreSQL restarted under load: errors during the outage, full service after, nothing lost', async () => {
    await createFunction('outage');
    let stop = false;
    const acked: string[] = [];
    const failures: string[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await lambda(i % 2).send(new AddPermissionCommand({ FunctionName: 'outage', StatementId: `o${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
          acked.push(`o${i}`);
        } catch (e) {
          failures.push(`${(e as Failure).name} ${(e as Failure).$metadata?.httpStatusCode}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    while (acked.length < 5) await new Promise((r) => setTimeout(r, 5));
    await postgres.restart(500);
    const before = acked.length;
    // Service comes back by itself: wait for new acknowledged writes.
    const deadline = Date.now() + 15_000;
    while (acked.length < before + 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await load;
    assert.ok(failures.length > 0, 'requests failed while PostgreSQL was down');
    assert.ok(acked.length >= before + 5, `writes resumed after the restart (failures: ${failures.slice(0, 5).join(', ')})`);
    for (const f of failures) assert.match(f, /^ServiceException 500$/);
    const present = new Set(await statementSids(1, 'outage'));
    for (const sid of acked) assert.ok(present.has(sid), `${sid} was acknowledged and must be present`);
    for (let n = 0; n < nodes.length; n++) assert.equal(nodes[n]!.process.exitCode, null, `node ${n} is still up`);
  });
});
