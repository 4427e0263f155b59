// Client set-up in one step: the state directory's files are all a client needs. AWS CLI v1
// (`aws` on the PATH) finds the server from the profile's `endpoint_url` alone, also through
// the role profile partner-ops (role_arn + source_profile); the `latchkey` commands find it
// from --state-dir alone, and say which URL they tried when it is not there.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from './support.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server?.stop());

/** Exactly what a user exports: the two shared files. No endpoint, no profile, no ~/.aws. */
function userEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: server.stateDir,
    AWS_SHARED_CREDENTIALS_FILE: path.join(server.stateDir, 'credentials'),
    AWS_CONFIG_FILE: path.join(server.stateDir, 'config'),
    AWS_PAGER: '',
  };
}

function cliV1(): string | null {
  const r = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && `${r.stdout}${r.stderr}`.startsWith('aws-cli/1.') ? 'aws' : null;
}

const aws = cliV1();
if (!aws && process.env.CI) {
  test('AWS CLI v1 is on the PATH in CI', () => assert.fail('aws (CLI v1) not found'));
} else if (!aws) {
  console.warn('\n!!! AWS CLI v1 (aws on the PATH) not found: its client set-up tests are SKIPPED (they run in CI) !!!\n');
}

const run = (...args: string[]) => spawnSync(aws!, ['--output', 'json', ...args], { env: userEnv(), encoding: 'utf8' });

test('the config names the server in every profile', () => {
  const config = fs.readFileSync(path.join(server.stateDir, 'config'), 'utf8');
  for (const profile of ['owner', 'partner', 'outsider', 'partner-ops']) {
    assert.match(config, new RegExp(`\\[profile ${profile}\\]\\n(?:[a-z_]+ = .*\\n)*endpoint_url = ${server.endpoint}\\n`));
  }
  assert.equal(fs.readFileSync(path.join(server.stateDir, 'endpoint'), 'utf8'), `${server.endpoint}\n`);
});

test('CLI v1: aws --profile owner lambda list-functions, with no --endpoint-url', { skip: aws ? false : 'no AWS CLI v1' }, () => {
  const r = run('--profile', 'owner', 'lambda', 'list-functions');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { Functions: [] });
});

test('CLI v1: the role profile partner-ops acts as role partner-ops of the owner account, read-only', { skip: aws ? false : 'no AWS CLI v1' }, () => {
  const me = run('--profile', 'partner-ops', 'sts', 'get-caller-identity');
  assert.equal(me.status, 0, me.stderr);
  const identity = JSON.parse(me.stdout) as { Account: string; Arn: string };
  assert.equal(identity.Account, '123456789012');
  assert.match(identity.Arn, /^arn:aws:sts::123456789012:assumed-role\/partner-ops\/.+/);

  const list = run('--profile', 'partner-ops', 'lambda', 'list-functions');
  assert.equal(list.status, 0, list.stderr);
  const write = run('--profile', 'partner-ops', 'iam', 'create-user', '--user-name', 'not-allowed');
  assert.notEqual(write.status, 0);
  assert.match(write.stderr, /AccessDenied.*assumed-role\/partner-ops\/.* is not authorized to perform: iam:CreateUser/);
});

test('latchkey emit and access without a server: the missing endpoint file, then the URL that did not answer', async () => {
  const stopped = await startServer();
  await stopped.stop();
  const missing = spawnSync(process.execPath, [CLI, 'emit', 's3', '--function', 'f', '--account', '123456789012', '--bucket', 'b', '--state-dir', stopped.stateDir], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^latchkey: no Latchkey server is running on .*endpoint is missing/);

  // A server that went away without its shutdown (kill -9) leaves its endpoint behind.
  fs.writeFileSync(path.join(stopped.stateDir, 'endpoint'), `${stopped.endpoint}\n`);
  for (const args of [['emit', 's3', '--function', 'f', '--account', '123456789012', '--bucket', 'b'], ['access', '--profile', 'owner']]) {
    const r = spawnSync(process.execPath, [CLI, ...args, '--state-dir', stopped.stateDir], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^latchkey: cannot reach Latchkey at ${stopped.endpoint}/_latchkey/(emit|access): ECONNREFUSED\\n$`));
  }
});
