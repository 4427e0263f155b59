// `latchkey serve --world examples/world.json`: the README's example world, driven with the
// SDK: its profiles, a fixed access key, an ExternalId-guarded cross-account role with a
// longer maximum session.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { sdkConfig, startServer, type RunningServer } from './support.js';

const world = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../../examples/world.json', import.meta.url)), 'utf8'));
const ROLE = 'arn:aws:iam::111122223333:role/partner-readonly';

let server: RunningServer;
before(async () => {
  server = await startServer({ world });
});
after(async () => server?.stop());

test('one profile per account of the world', async () => {
  assert.deepEqual(Object.keys(server.profiles).sort(), ['management', 'production', 'sandbox', 'sandbox-root']);
  const me = await new STSClient(sdkConfig(server, 'sandbox')).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:iam::210987654321:user/admin');
});

test('a fixed access key from the world file works', async () => {
  const ci = world.accounts.production.users.ci.accessKeys[0];
  const me = await new STSClient(sdkConfig(server, { accessKeyId: ci.accessKeyId, secretAccessKey: ci.secretAccessKey })).send(
    new GetCallerIdentityCommand({}),
  );
  assert.equal(me.Arn, 'arn:aws:iam::111122223333:user/ci');
});

test('the trust policy demands the ExternalId', async () => {
  const sts = new STSClient(sdkConfig(server, 'sandbox'));
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'no-id' })), { name: 'AccessDenied' });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'bad-id', ExternalId: 'other' })), { name: 'AccessDenied' });
  const ok = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'with-id', ExternalId: 'sandbox', DurationSeconds: 7200 }));
  assert.equal(ok.AssumedRoleUser?.Arn, 'arn:aws:sts::111122223333:assumed-role/partner-readonly/with-id');
});

test('DurationSeconds is bounded by the role\'s MaxSessionDuration', async () => {
  const sts = new STSClient(sdkConfig(server, 'sandbox'));
  await assert.rejects(
    sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'too-long', ExternalId: 'sandbox', DurationSeconds: 7201 })),
    { name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' },
  );
});

test('the root user: its identity shape, and full access in its own account', async () => {
  const me = await new STSClient(sdkConfig(server, 'sandbox-root')).send(new GetCallerIdentityCommand({}));
  assert.deepEqual({ UserId: me.UserId, Account: me.Account, Arn: me.Arn }, { UserId: '210987654321', Account: '210987654321', Arn: 'arn:aws:iam::210987654321:root' });
  const { Users } = await new IAMClient(sdkConfig(server, 'sandbox-root')).send(new ListUsersCommand({}));
  assert.deepEqual(Users?.map((u) => u.UserName), ['admin']);
});
