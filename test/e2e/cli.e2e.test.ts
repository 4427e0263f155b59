// The real AWS CLIs against a started server, exactly as docs/design.md's contract shows:
// AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE from the state directory, --profile,
// --endpoint-url. CLI v1 is `aws` on the PATH; CLI v2 is Debian's /usr/bin/aws (.ci/run
// installs it). Outside CI a missing CLI skips its tests loudly; in CI it fails them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { zipSync, strToU8 } from 'fflate';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, LAMBDA_TRUST_POLICY } from './support.js';

/** The Lambda model Latchkey serves, which `aws configure add-model` takes (README). */
const LAMBDA_MODEL = fileURLToPath(new URL('../../../src/aws/models/lambda.json', import.meta.url));

interface Cli {
  name: string;
  command: string | null;
}

function findCli(major: 1 | 2): string | null {
  const candidates = major === 2 ? ['/usr/bin/aws'] : ['aws', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'aws'))];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && `${r.stdout}${r.stderr}`.startsWith(`aws-cli/${major}.`)) return c;
  }
  return null;
}

const clis: Cli[] = [
  { name: 'AWS CLI v1', command: findCli(1) },
  { name: 'AWS CLI v2', command: findCli(2) },
];

let server: RunningServer;
/** Function URLs the CLIs created, for the test that calls them. */
const urls: string[] = [];
before(async () => {
  server = await startServer();
});
after(async () => server?.stop());

function run(cli: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(cli, ['--endpoint-url', server.endpoint, '--output', 'json', ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

for (const cli of clis) {
  const missing = cli.command === null;
  if (missing && process.env.CI) {
    test(`${cli.name} is installed in CI`, () => assert.fail(`${cli.name} not found; .ci/run must install it`));
    continue;
  }
  if (missing) console.warn(`\n!!! ${cli.name} not found: its e2e tests are SKIPPED (they run in CI) !!!\n`);

  describe(cli.name, { skip: missing ? `${cli.name} not installed` : false }, () => {
    const aws = cli.command!;
    const tag = cli.name.endsWith('v1') ? 'v1' : 'v2';
    const as = (profile: string) => ({ ...server.cliEnv(profile), AWS_ENDPOINT_URL: undefined });

    test('sts get-caller-identity with each profile', () => {
      const r = run(aws, ['--profile', 'partner', 'sts', 'get-caller-identity'], as('partner'));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.json().Arn, 'arn:aws:iam::111122223333:user/admin');
      assert.equal(r.json().Account, '111122223333');
    });

    test('a new user is denied until a policy allows', () => {
      const user = `cli-${tag}-dev`;
      assert.equal(run(aws, ['--profile', 'owner', 'iam', 'create-user', '--user-name', user], as('owner')).status, 0);
      const key = run(aws, ['--profile', 'owner', 'iam', 'create-access-key', '--user-name', user], as('owner')).json().AccessKey;
      const env = { ...as('owner'), AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };

      const denied = run(aws, ['iam', 'list-users'], env);
      assert.notEqual(denied.status, 0);
      assert.match(
        denied.stderr,
        new RegExp(`An error occurred \\(AccessDenied\\) when calling the ListUsers operation: User: arn:aws:iam::123456789012:user/${user} is not authorized to perform: iam:ListUsers on resource: \\* because no identity-based policy allows the iam:ListUsers action`),
      );

      const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] });
      const put = run(aws, ['--profile', 'owner', 'iam', 'put-user-policy', '--user-name', user, '--policy-name', 'list', '--policy-document', doc], as('owner'));
      assert.equal(put.status, 0, put.stderr);
      // The CLI URL-decodes and parses the policy document AWS returns encoded.
      const got = run(aws, ['--profile', 'owner', 'iam', 'get-user-policy', '--user-name', user, '--policy-name', 'list'], as('owner'));
      assert.deepEqual(got.json().PolicyDocument, JSON.parse(doc));

      const allowed = run(aws, ['iam', 'list-users'], env);
      assert.equal(allowed.status, 0, allowed.stderr);
      assert.ok(allowed.json().Users.some((u: { UserName: string }) => u.UserName === user));
    });

    test('assume a role of another account, then act with its credentials', () => {
      const role = `cli-${tag}-role`;
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
      const created = run(aws, ['--profile', 'partner', 'iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust], as('partner'));
      assert.equal(created.status, 0, created.stderr);
      assert.deepEqual(created.json().Role.AssumeRolePolicyDocument, JSON.parse(trust));

      const assumed = run(aws, ['--profile', 'owner', 'sts', 'assume-role', '--role-arn', `arn:aws:iam::111122223333:role/${role}`, '--role-session-name', 'cli'], as('owner'));
      assert.equal(assumed.status, 0, assumed.stderr);
      const c = assumed.json().Credentials;
      const env = { ...as('owner'), AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken, AWS_DEFAULT_REGION: 'us-east-1' };
      const me = run(aws, ['sts', 'get-caller-identity'], env);
      assert.equal(me.status, 0, me.stderr);
      assert.equal(me.json().Arn, `arn:aws:sts::111122223333:assumed-role/${role}/cli`);

      const outsider = run(aws, ['--profile', 'outsider', 'sts', 'assume-role', '--role-arn', `arn:aws:iam::111122223333:role/${role}`, '--role-session-name', 'xx'], as('outsider'));
      assert.notEqual(outsider.status, 0);
      assert.match(outsider.stderr, /An error occurred \(AccessDenied\) when calling the AssumeRole operation/);
    });

    test('lambda: create a function, add a permission, read the policy', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-cli-'));
      const zip = path.join(dir, 'fn.zip');
      fs.writeFileSync(zip, zipSync({ 'index.js': strToU8('exports.handler = async () => 1;\n') }));
      const role = `cli-${tag}-exec`;
      const trust = LAMBDA_TRUST_POLICY;
      assert.equal(run(aws, ['--profile', 'owner', 'iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust], as('owner')).status, 0);
      const fn = `cli-${tag}-fn`;
      const created = run(
        aws,
        ['--profile', 'owner', 'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', `arn:aws:iam::123456789012:role/${role}`, '--zip-file', `fileb://${zip}`],
        as('owner'),
      );
      assert.equal(created.status, 0, created.stderr);
      assert.equal(created.json().FunctionArn, `arn:aws:lambda:us-east-1:123456789012:function:${fn}`);
      const added = spawnSync(aws, ['--endpoint-url', server.endpoint, '--profile', 'owner', 'lambda', 'add-permission', '--function-name', fn, '--statement-id', 'sns', '--action', 'lambda:InvokeFunction', '--principal', 'sns.amazonaws.com', '--output', 'text'], { env: as('owner'), encoding: 'utf8' });
      assert.equal(added.status, 0, added.stderr);
      assert.equal(added.stdout.trim(), `{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:${fn}"}`);
      const policy = run(aws, ['--profile', 'owner', 'lambda', 'get-policy', '--function-name', fn], as('owner'));
      assert.equal(policy.status, 0, policy.stderr);
      assert.equal(JSON.parse(policy.json().Policy).Statement[0].Sid, 'sns');
      const denied = run(aws, ['--profile', 'outsider', 'lambda', 'get-policy', '--function-name', `arn:aws:lambda:us-east-1:123456789012:function:${fn}`], as('outsider'));
      assert.notEqual(denied.status, 0);
      assert.match(denied.stderr, /An error occurred \(AccessDeniedException\) when calling the GetPolicy operation/);

      // A function URL, opened to anyone the way the Lambda docs show it.
      const url = run(aws, ['--profile', 'owner', 'lambda', 'create-function-url-config', '--function-name', fn, '--auth-type', 'NONE'], as('owner'));
      assert.equal(url.status, 0, url.stderr);
      const open = run(aws, ['--profile', 'owner', 'lambda', 'add-permission', '--function-name', fn, '--statement-id', 'url', '--action', 'lambda:InvokeFunctionUrl', '--principal', '*', '--function-url-auth-type', 'NONE'], as('owner'));
      assert.equal(open.status, 0, open.stderr);
      assert.equal(JSON.parse(open.json().Statement).Condition.StringEquals['lambda:FunctionUrlAuthType'], 'NONE');
      // The second permission a URL needs since October 2025. CLI v2 2.9 predates the flag;
      // Latchkey's model, added as the README shows, gives it (and put-resource-policy).
      const withModel: NodeJS.ProcessEnv = tag === 'v1' ? as('owner') : { ...as('owner'), HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-cli-home-')) };
      if (tag === 'v2') {
        const added = run(aws, ['configure', 'add-model', '--service-name', 'lambda', '--service-model', `file://${LAMBDA_MODEL}`], withModel);
        assert.equal(added.status, 0, added.stderr);
      }
      const via = run(aws, ['--profile', 'owner', 'lambda', 'add-permission', '--function-name', fn, '--statement-id', 'url-invoke', '--action', 'lambda:InvokeFunction', '--principal', '*', '--invoked-via-function-url'], withModel);
      assert.equal(via.status, 0, via.stderr);
      assert.deepEqual(JSON.parse(via.json().Statement).Condition, { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } });
      if (tag === 'v2') {
        const put = run(aws, ['--profile', 'owner', 'lambda', 'get-resource-policy', '--resource-arn', `arn:aws:lambda:us-east-1:123456789012:function:${fn}`], withModel);
        assert.equal(put.status, 0, put.stderr);
        assert.deepEqual(JSON.parse(put.json().Policy).Statement.map((st: { Sid: string }) => st.Sid), ['sns', 'url', 'url-invoke']);
        fs.rmSync(withModel.HOME!, { recursive: true, force: true });
      }
      const got = run(aws, ['--profile', 'owner', 'lambda', 'get-function-url-config', '--function-name', fn], as('owner'));
      assert.equal(got.json().FunctionUrl, url.json().FunctionUrl);
      urls.push(url.json().FunctionUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the function URL answers', async () => {
      const id = new URL(urls.at(-1)!).hostname.split('.')[0];
      const res = await fetch(`${server.endpoint}/lambda-url/${id}/`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '1');
    });

    test('organizations describe-organization', () => {
      const r = run(aws, ['--profile', 'owner', 'organizations', 'describe-organization'], as('owner'));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.json().Organization.Id, 'o-t194hfs8cz');
    });
  });
}
