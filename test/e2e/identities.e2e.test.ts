// A started server driven with the AWS SDK for JavaScript v3, as a user would: users and
// keys, denied until a policy allows; AssumeRole across accounts allowed or denied by the
// trust policy, the identity policy and SCPs; temporary credentials that work and expire.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  type IAMServiceException,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import {
  OrganizationsClient,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  CreatePolicyCommand,
  AttachPolicyCommand,
  DetachPolicyCommand,
} from '@aws-sdk/client-organizations';
import { sdkConfig, startServer, type RunningServer } from './support.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const OUTSIDER = '210987654321';

let server: RunningServer;
before(async () => {
  server = await startServer({ env: { LATCHKEY_SESSION_TIME_SCALE: '0.002' } });
});
after(async () => server?.stop());

async function rejection(promise: Promise<unknown>): Promise<IAMServiceException> {
  try {
    await promise;
  } catch (e) {
    return e as IAMServiceException;
  }
  assert.fail('expected the call to be refused');
}

const trust = (principal: unknown, extra: object = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }] });

describe('the default world', () => {
  test('each profile is its account admin', async () => {
    for (const [profile, account] of [['owner', OWNER], ['partner', PARTNER], ['outsider', OUTSIDER]] as const) {
      const sts = new STSClient(sdkConfig(server, profile));
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Account, account);
      assert.equal(me.Arn, `arn:aws:iam::${account}:user/admin`);
      assert.match(me.UserId!, /^AIDA[A-Z2-7]{17}$/);
    }
  });

  test('the organization holds owner (management) and partner, not outsider', async () => {
    const orgs = new OrganizationsClient(sdkConfig(server, 'owner'));
    const { Organization } = await orgs.send(new DescribeOrganizationCommand({}));
    assert.equal(Organization?.Id, 'o-t194hfs8cz');
    assert.equal(Organization?.MasterAccountId, OWNER);
    const { Accounts } = await orgs.send(new ListAccountsCommand({}));
    assert.deepEqual(Accounts?.map((a) => a.Id).sort(), [PARTNER, OWNER].sort());
    const outsider = new OrganizationsClient(sdkConfig(server, 'outsider'));
    const e = await rejection(outsider.send(new DescribeOrganizationCommand({})));
    assert.equal(e.name, 'AWSOrganizationsNotInUseException');
  });
});

describe('a new user is denied until a policy allows', () => {
  test('create user, key, deny, allow', async () => {
    const admin = new IAMClient(sdkConfig(server, 'owner'));
    await admin.send(new CreateUserCommand({ UserName: 'dev' }));
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
    assert.match(AccessKey!.AccessKeyId!, /^AKIA/);
    const dev = new IAMClient(sdkConfig(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }));

    const denied = await rejection(dev.send(new ListUsersCommand({})));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    assert.equal(
      denied.message,
      `User: arn:aws:iam::${OWNER}:user/dev is not authorized to perform: iam:ListUsers on resource: * because no identity-based policy allows the iam:ListUsers action`,
    );

    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'dev',
        PolicyName: 'list-users',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }),
      }),
    );
    const { Users } = await dev.send(new ListUsersCommand({}));
    assert.ok(Users?.some((u) => u.UserName === 'dev'));
  });
});

describe('AssumeRole across accounts', () => {
  const partnerIam = () => new IAMClient(sdkConfig(server, 'partner'));
  const ownerSts = () => new STSClient(sdkConfig(server, 'owner'));

  test('allowed when the trust policy names the account and the identity policy allows', async () => {
    await partnerIam().send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust({ AWS: OWNER }) }));
    const { Role } = await partnerIam().send(new GetRoleCommand({ RoleName: 'deployer' }));
    const assumed = await ownerSts().send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: 'ci' }));
    assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${PARTNER}:assumed-role/deployer/ci`);
    assert.match(assumed.Credentials!.AccessKeyId!, /^ASIA/);

    const asRole = new STSClient(
      sdkConfig(server, {
        accessKeyId: assumed.Credentials!.AccessKeyId!,
        secretAccessKey: assumed.Credentials!.SecretAccessKey!,
        sessionToken: assumed.Credentials!.SessionToken!,
      } as never),
    );
    const me = await asRole.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:sts::${PARTNER}:assumed-role/deployer/ci`);
    assert.equal(me.UserId, `${Role!.RoleId}:ci`);
  });

  test('denied when the trust policy does not name the caller', async () => {
    await partnerIam().send(new CreateRoleCommand({ RoleName: 'closed', AssumeRolePolicyDocument: trust({ AWS: OUTSIDER }) }));
    const e = await rejection(ownerSts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/closed`, RoleSessionName: 'xx' })));
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role\/closed/);
  });

  test('denied when the identity policy does not allow sts:AssumeRole', async () => {
    const admin = new IAMClient(sdkConfig(server, 'owner'));
    await admin.send(new CreateUserCommand({ UserName: 'no-sts' }));
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: 'no-sts' }));
    const sts = new STSClient(sdkConfig(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }));
    const e = await rejection(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/deployer`, RoleSessionName: 'xx' })));
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /because no identity-based policy allows the sts:AssumeRole action/);
  });

  test('a same-account identity Allow is not enough: the trust policy must allow', async () => {
    const e = await rejection(
      new STSClient(sdkConfig(server, 'partner')).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/closed`, RoleSessionName: 'xx' })),
    );
    assert.equal(e.name, 'AccessDenied');
  });

  test('an SCP on the member account denies; detaching it allows again', async () => {
    const outsiderIam = new IAMClient(sdkConfig(server, 'outsider'));
    await outsiderIam.send(new CreateRoleCommand({ RoleName: 'for-partner', AssumeRolePolicyDocument: trust({ AWS: PARTNER }) }));
    const partnerSts = new STSClient(sdkConfig(server, 'partner'));
    const assume = () => partnerSts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OUTSIDER}:role/for-partner`, RoleSessionName: 'ss' }));
    await assume();

    const orgs = new OrganizationsClient(sdkConfig(server, 'owner'));
    const { Policy } = await orgs.send(
      new CreatePolicyCommand({
        Name: 'no-assume-role',
        Description: 'partner may not assume roles',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] }),
      }),
    );
    const policyId = Policy!.PolicySummary!.Id!;
    await orgs.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: PARTNER }));
    const e = await rejection(assume());
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /with an explicit deny in a service control policy$/);

    // SCPs never limit the management account.
    await orgs.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: OWNER }));
    await ownerSts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/deployer`, RoleSessionName: 'still' }));

    await orgs.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: PARTNER }));
    await assume();
  });

  test('temporary credentials stop working after they expire', async () => {
    // The server runs with LATCHKEY_SESSION_TIME_SCALE=0.002: 900 s last 1.8 s.
    const assumed = await ownerSts().send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/deployer`, RoleSessionName: 'short', DurationSeconds: 900 }),
    );
    const creds = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    const sts = new STSClient(sdkConfig(server, creds as never));
    await sts.send(new GetCallerIdentityCommand({}));
    await new Promise((r) => setTimeout(r, 2500));
    const e = await rejection(sts.send(new GetCallerIdentityCommand({})));
    assert.equal(e.name, 'ExpiredToken');
    assert.equal(e.$metadata.httpStatusCode, 403);

    // A session key without its token is refused as well.
    const fresh = await ownerSts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PARTNER}:role/deployer`, RoleSessionName: 'no-token' }));
    const tokenless = new STSClient(
      sdkConfig(server, { accessKeyId: fresh.Credentials!.AccessKeyId!, secretAccessKey: fresh.Credentials!.SecretAccessKey! }),
    );
    const missing = await rejection(tokenless.send(new GetCallerIdentityCommand({})));
    assert.equal(missing.$metadata.httpStatusCode, 403);
  });
});

describe('GetSessionToken', () => {
  test('session credentials act as the user who asked for them', async () => {
    const { Credentials } = await new STSClient(sdkConfig(server, 'outsider')).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    assert.match(Credentials!.AccessKeyId!, /^ASIA/);
    const session = new STSClient(
      sdkConfig(server, {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      } as never),
    );
    const me = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${OUTSIDER}:user/admin`);
    // Session credentials cannot make more sessions.
    const e = await rejection(session.send(new GetSessionTokenCommand({})));
    assert.equal(e.name, 'AccessDenied');
  });
});
