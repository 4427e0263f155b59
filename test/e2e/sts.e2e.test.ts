// STS sessions as AWS limits them, through a started server and SDK v3: GetSessionToken
// credentials belong to the user (by id) who asked for them and, without MFA, cannot call IAM
// or STS but AssumeRole and GetCallerIdentity; a source identity needs sts:SetSourceIdentity in
// the trust policy and, once set, travels through role chaining unchanged.

import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, DeleteAccessKeyCommand, DeleteUserCommand, PutUserPolicyCommand,
  CreateRoleCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, type Credentials } from '@aws-sdk/client-sts';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { refusal, sdkConfig, startServer, type RunningServer } from './support.js';

const OWNER = '123456789012';
let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server?.stop());

const iam = () => new IAMClient(sdkConfig(server, 'owner'));
const keysOf = (c: Credentials) => ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
type AwsFailure = Error & { $metadata: { httpStatusCode?: number } };

describe('GetSessionToken credentials', () => {
  test('belong to the user who asked, by id: a new user of the same name does not inherit them', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'temp' }));
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: 'temp' }))).AccessKey!;
    const { Credentials } = await new STSClient(sdkConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! })).send(new GetSessionTokenCommand({}));
    const session = new STSClient(sdkConfig(server, keysOf(Credentials!) as never));
    assert.equal((await session.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${OWNER}:user/temp`);

    await iam().send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: key.AccessKeyId! }));
    await iam().send(new DeleteUserCommand({ UserName: 'temp' }));
    await iam().send(new CreateUserCommand({ UserName: 'temp' }));
    const e = await refusal<AwsFailure>(session.send(new GetCallerIdentityCommand({})));
    assert.equal(e.name, 'InvalidClientTokenId');
    assert.equal(e.$metadata.httpStatusCode, 403);
  });

  test('call no IAM and no STS but AssumeRole and GetCallerIdentity; other services as the user', async () => {
    const { Credentials } = await new STSClient(sdkConfig(server, 'owner')).send(new GetSessionTokenCommand({}));
    const keys = keysOf(Credentials!) as never;
    const iamRefusal = await refusal<AwsFailure>(new IAMClient(sdkConfig(server, keys)).send(new ListUsersCommand({})));
    assert.equal(iamRefusal.name, 'InvalidClientTokenId');
    assert.equal(iamRefusal.message, 'The security token included in the request is invalid');
    const again = await refusal<AwsFailure>(new STSClient(sdkConfig(server, keys)).send(new GetSessionTokenCommand({})));
    assert.equal(again.name, 'AccessDenied');
    assert.equal(again.message, 'Cannot call GetSessionToken with session credentials');
    assert.ok((await new LambdaClient(sdkConfig(server, keys)).send(new ListFunctionsCommand({}))).Functions);

    await iam().send(new CreateRoleCommand({
      RoleName: 'from-session',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: OWNER }, Action: 'sts:AssumeRole' }] }),
    }));
    const assumed = await new STSClient(sdkConfig(server, keys)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OWNER}:role/from-session`, RoleSessionName: 'ss' }));
    assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${OWNER}:assumed-role/from-session/ss`);
  });
});

describe('SourceIdentity', () => {
  const trust = (actions: string[], principal: string = OWNER) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: actions }] });
  const roleArn = (name: string) => `arn:aws:iam::${OWNER}:role/${name}`;

  before(async () => {
    await iam().send(new CreateRoleCommand({ RoleName: 'assume-only', AssumeRolePolicyDocument: trust(['sts:AssumeRole']) }));
    await iam().send(new CreateRoleCommand({ RoleName: 'with-source', AssumeRolePolicyDocument: trust(['sts:AssumeRole', 'sts:SetSourceIdentity']) }));
    // Chained from with-source's sessions: one trusts the source identity, one does not.
    await iam().send(new CreateRoleCommand({ RoleName: 'chain-assume-only', AssumeRolePolicyDocument: trust(['sts:AssumeRole'], roleArn('with-source')) }));
    await iam().send(new CreateRoleCommand({ RoleName: 'chain-with-source', AssumeRolePolicyDocument: trust(['sts:AssumeRole', 'sts:SetSourceIdentity'], roleArn('with-source')) }));
    await iam().send(new PutUserPolicyCommand({
      UserName: 'admin', PolicyName: 'unused', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }),
    }));
  });

  test('setting one needs sts:SetSourceIdentity in the trust policy', async () => {
    const sts = new STSClient(sdkConfig(server, 'owner'));
    const e = await refusal<AwsFailure>(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('assume-only'), RoleSessionName: 'ss', SourceIdentity: 'alice' })));
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /^User: arn:aws:iam::123456789012:user\/admin is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::123456789012:role\/assume-only( because|$)/);
    // Without one, the same role is fine.
    await sts.send(new AssumeRoleCommand({ RoleArn: roleArn('assume-only'), RoleSessionName: 'ss' }));
  });

  test('once set it travels through role chaining, needs the next trust policy too, and cannot be changed', async () => {
    const first = await new STSClient(sdkConfig(server, 'owner')).send(new AssumeRoleCommand({ RoleArn: roleArn('with-source'), RoleSessionName: 'sa', SourceIdentity: 'alice' }));
    assert.equal(first.SourceIdentity, 'alice');
    const chained = new STSClient(sdkConfig(server, keysOf(first.Credentials!) as never));

    // Not asked for again, still there: the next role must trust it.
    const refused = await refusal<AwsFailure>(chained.send(new AssumeRoleCommand({ RoleArn: roleArn('chain-assume-only'), RoleSessionName: 'sb' })));
    assert.equal(refused.name, 'AccessDenied');
    assert.match(refused.message, /is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::123456789012:role\/chain-assume-only( because|$)/);

    const second = await chained.send(new AssumeRoleCommand({ RoleArn: roleArn('chain-with-source'), RoleSessionName: 'sb' }));
    assert.equal(second.SourceIdentity, 'alice');
    const changed = await refusal<AwsFailure>(chained.send(new AssumeRoleCommand({ RoleArn: roleArn('chain-with-source'), RoleSessionName: 'sc', SourceIdentity: 'bob' })));
    assert.equal(changed.name, 'ValidationError');
  });
});
