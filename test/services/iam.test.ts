// The IAM operations driven through the pipeline (authorize → handle) against a real SQLite
// store: entities, conflicts, AWS's error texts, policy versions and attachments, access keys,
// AccessDenied from the engine, and the policy simulator.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicyCache } from '../../src/iam/index.js';
import { AwsError } from '../../src/aws/errors.js';
import { openStore } from '../../src/store/sqlStore.js';
import type { Store } from '../../src/store/store.js';
import { resolveCaller, type Caller } from '../../src/services/caller.js';
import { execute, type RequestMeta } from '../../src/services/pipeline.js';
import { DecisionLog } from '../../src/services/decisionLog.js';
import type { Deps } from '../../src/services/operation.js';
import { iamService } from '../../src/services/iam/index.js';
import { statementOffsets } from '../../src/services/iam/simulate.js';

const ACCOUNT = '123456789012';
const MEMBER = '111122223333';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const META: RequestMeta = { region: 'us-east-1', requestId: 'req-1', sourceIp: '127.0.0.1', secureTransport: true, baseUrl: 'http://127.0.0.1:4570' };

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const S3_READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let dir: string;
let store: Store;
let deps: Deps & { decisions: DecisionLog };
let admin: Caller;
let memberAdmin: Caller;
let keySeq = 0;

/** A long-term key for a user, written straight to the store (as the world bootstrap does). */
async function keyFor(accountId: string, userName: string): Promise<Caller> {
  const accessKeyId = `AKIATEST${String(++keySeq).padStart(12, '0')}`;
  await store.createAccessKey({
    accessKeyId,
    secretAccessKey: 'x'.repeat(40),
    accountId,
    userName,
    status: 'Active',
    createDate: new Date().toISOString(),
  });
  return resolveCaller(store, accessKeyId);
}

function call(operation: string, input: Record<string, unknown>, caller: Caller = admin) {
  return execute(deps, iamService, operation, input, caller, META);
}

/** Asserts that the call fails with exactly this AWS error code and message. */
async function fails(promise: Promise<unknown>, code: string, message: string | RegExp, status?: number) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    if (status !== undefined) assert.equal(e.status, status);
    return true;
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-iam-'));
  store = await openStore({ stateDir: dir });
  deps = { store, policies: new PolicyCache(), revision: { value: 0 }, now: () => new Date(), decisions: new DecisionLog(), publicUrl: () => 'http://127.0.0.1:4570' };
  const at = new Date().toISOString();
  await store.putOrganization({ organizationId: 'o-test000001', managementAccountId: ACCOUNT, rootId: 'r-test', featureSet: 'ALL' });
  await store.putAccount({ accountId: ACCOUNT, name: 'owner', email: 'o@example.com', organizationId: 'o-test000001', parentId: 'r-test', joinedAt: at });
  await store.putAccount({ accountId: MEMBER, name: 'partner', email: 'p@example.com', organizationId: 'o-test000001', parentId: 'r-test', joinedAt: at });
  await store.createManagedPolicy(
    {
      arn: ADMIN_ARN,
      accountId: 'aws',
      policyName: 'AdministratorAccess',
      policyId: 'ANPAIWMBCKSKIEE64ZLYK',
      path: '/',
      description: 'Provides full access to AWS services and resources.',
      defaultVersionId: 'v1',
      createDate: at,
      updateDate: at,
      tags: [],
    },
    {
      policyArn: ADMIN_ARN,
      versionId: 'v1',
      document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      isDefault: true,
      createDate: at,
    },
  );
  for (const accountId of [ACCOUNT, MEMBER]) {
    await store.createUser({
      accountId,
      userName: 'admin',
      userId: `AIDA${accountId}ADMIN`,
      path: '/',
      arn: `arn:aws:iam::${accountId}:user/admin`,
      createDate: at,
      permissionsBoundaryArn: null,
      tags: [],
    });
    await store.attachPolicy(accountId, 'user', 'admin', ADMIN_ARN);
  }
  admin = await keyFor(ACCOUNT, 'admin');
  memberAdmin = await keyFor(MEMBER, 'admin');
});

after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('groups', () => {
  test('create, get with users, list, memberships, delete', async () => {
    const created = (await call('CreateGroup', { GroupName: 'devs', Path: '/eng/' }))!;
    const group = created.Group as Record<string, unknown>;
    assert.equal(group.Arn, `arn:aws:iam::${ACCOUNT}:group/eng/devs`);
    assert.match(group.GroupId as string, /^AGPA[A-Z2-7]{17}$/);
    assert.match(group.CreateDate as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await fails(call('CreateGroup', { GroupName: 'DEVS' }), 'EntityAlreadyExists', 'Group with name DEVS already exists.', 409);

    await call('CreateUser', { UserName: 'carol' });
    await call('AddUserToGroup', { GroupName: 'devs', UserName: 'carol' });
    await call('AddUserToGroup', { GroupName: 'devs', UserName: 'carol' }); // idempotent
    const got = (await call('GetGroup', { GroupName: 'devs' }))!;
    assert.deepEqual(
      (got.Users as Record<string, unknown>[]).map((u) => u.UserName),
      ['carol'],
    );
    assert.equal(got.IsTruncated, false);
    const forUser = (await call('ListGroupsForUser', { UserName: 'carol' }))!;
    assert.deepEqual((forUser.Groups as Record<string, unknown>[]).map((g) => g.GroupName), ['devs']);

    await fails(call('DeleteGroup', { GroupName: 'devs' }), 'DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
    await call('RemoveUserFromGroup', { GroupName: 'devs', UserName: 'carol' });
    await fails(call('RemoveUserFromGroup', { GroupName: 'devs', UserName: 'carol' }), 'NoSuchEntity', 'The user with name carol cannot be found.');

    await call('PutGroupPolicy', { GroupName: 'devs', PolicyName: 'read', PolicyDocument: S3_READ });
    await fails(call('DeleteGroup', { GroupName: 'devs' }), 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
    await call('DeleteGroupPolicy', { GroupName: 'devs', PolicyName: 'read' });
    await call('AttachGroupPolicy', { GroupName: 'devs', PolicyArn: ADMIN_ARN });
    await fails(call('DeleteGroup', { GroupName: 'devs' }), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    await call('DetachGroupPolicy', { GroupName: 'devs', PolicyArn: ADMIN_ARN });

    const listed = (await call('ListGroups', { PathPrefix: '/eng/' }))!;
    assert.deepEqual((listed.Groups as Record<string, unknown>[]).map((g) => g.GroupName), ['devs']);
    await call('DeleteGroup', { GroupName: 'devs' });
    await fails(call('GetGroup', { GroupName: 'devs' }), 'NoSuchEntity', 'The group with name devs cannot be found.', 404);
    await fails(call('AddUserToGroup', { GroupName: 'devs', UserName: 'carol' }), 'NoSuchEntity', 'The group with name devs cannot be found.');
    await call('DeleteUser', { UserName: 'carol' });
  });
});

describe('roles', () => {
  test('create, get, update, tags, boundary, list, delete', async () => {
    const created = (await call('CreateRole', {
      RoleName: 'exec',
      Path: '/service-role/',
      AssumeRolePolicyDocument: TRUST,
      Description: 'demo role',
      Tags: [{ Key: 'team', Value: 'a' }],
    }))!;
    const role = created.Role as Record<string, unknown>;
    assert.equal(role.Arn, `arn:aws:iam::${ACCOUNT}:role/service-role/exec`);
    assert.match(role.RoleId as string, /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.AssumeRolePolicyDocument, TRUST);
    assert.equal(role.Description, 'demo role');
    assert.deepEqual(role.Tags, [{ Key: 'team', Value: 'a' }]);
    assert.equal(role.MaxSessionDuration, undefined);

    const got = (await call('GetRole', { RoleName: 'exec' }))!.Role as Record<string, unknown>;
    assert.equal(got.MaxSessionDuration, 3600);
    assert.deepEqual(got.RoleLastUsed, {});
    await fails(call('CreateRole', { RoleName: 'EXEC', AssumeRolePolicyDocument: TRUST }), 'EntityAlreadyExists', 'Role with name EXEC already exists.');
    await fails(call('GetRole', { RoleName: 'missing' }), 'NoSuchEntity', 'The role with name missing cannot be found.', 404);

    await call('UpdateRole', { RoleName: 'exec', Description: 'changed', MaxSessionDuration: 7200 });
    const updated = (await call('GetRole', { RoleName: 'exec' }))!.Role as Record<string, unknown>;
    assert.equal(updated.Description, 'changed');
    assert.equal(updated.MaxSessionDuration, 7200);
    await fails(
      call('UpdateRole', { RoleName: 'exec', MaxSessionDuration: 100 }),
      'ValidationError',
      "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );

    const newTrust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: 'sts:AssumeRole' });
    await call('UpdateAssumeRolePolicy', { RoleName: 'exec', PolicyDocument: newTrust });
    assert.equal(((await call('GetRole', { RoleName: 'exec' }))!.Role as Record<string, unknown>).AssumeRolePolicyDocument, newTrust);

    await call('TagRole', { RoleName: 'exec', Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }] });
    await call('UntagRole', { RoleName: 'exec', TagKeys: ['env'] });
    assert.deepEqual((await call('ListRoleTags', { RoleName: 'exec' }))!.Tags, [{ Key: 'team', Value: 'b' }]);

    await call('PutRolePermissionsBoundary', { RoleName: 'exec', PermissionsBoundary: ADMIN_ARN });
    const bounded = (await call('GetRole', { RoleName: 'exec' }))!.Role as Record<string, unknown>;
    assert.deepEqual(bounded.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: ADMIN_ARN });
    const missingPolicy = `arn:aws:iam::${ACCOUNT}:policy/nope`;
    await fails(
      call('PutRolePermissionsBoundary', { RoleName: 'exec', PermissionsBoundary: missingPolicy }),
      'NoSuchEntity',
      `Policy ${missingPolicy} does not exist or is not attachable.`,
    );
    await call('DeleteRolePermissionsBoundary', { RoleName: 'exec' });
    assert.equal(((await call('GetRole', { RoleName: 'exec' }))!.Role as Record<string, unknown>).PermissionsBoundary, undefined);

    const listed = (await call('ListRoles', { PathPrefix: '/service-role/' }))!;
    const roles = listed.Roles as Record<string, unknown>[];
    assert.deepEqual(roles.map((r) => r.RoleName), ['exec']);
    assert.equal(roles[0]!.Tags, undefined);
    assert.equal(roles[0]!.MaxSessionDuration, 7200);

    await call('AttachRolePolicy', { RoleName: 'exec', PolicyArn: ADMIN_ARN });
    await fails(call('DeleteRole', { RoleName: 'exec' }), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    await call('DetachRolePolicy', { RoleName: 'exec', PolicyArn: ADMIN_ARN });
    await call('PutRolePolicy', { RoleName: 'exec', PolicyName: 'inline', PolicyDocument: S3_READ });
    await fails(call('DeleteRole', { RoleName: 'exec' }), 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
    await call('DeleteRolePolicy', { RoleName: 'exec', PolicyName: 'inline' });
    await call('DeleteRole', { RoleName: 'exec' });
    await fails(call('DeleteRole', { RoleName: 'exec' }), 'NoSuchEntity', 'The role with name exec cannot be found.');
  });

  test('the trust policy is validated as one', async () => {
    const withResource = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' });
    await fails(call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: withResource }), 'MalformedPolicyDocument', 'Has prohibited field Resource.', 400);
    const noPrincipal = doc({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    await fails(call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: noPrincipal }), 'MalformedPolicyDocument', 'Missing required field Principal.');
    await fails(call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: '{not json' }), 'MalformedPolicyDocument', 'Syntax errors in policy.');
    await fails(
      call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 50000 }),
      'ValidationError',
      /Member must have value less than or equal to 43200$/,
    );
    const huge = doc(
      ...Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: 'sts:AssumeRole' })),
    );
    await fails(call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: huge }), 'LimitExceeded', 'Cannot exceed quota for ACLSizePerRole: 2048', 409);
    await fails(call('GetRole', { RoleName: 'bad' }), 'NoSuchEntity', 'The role with name bad cannot be found.');
  });
});

describe('inline policies', () => {
  test('put, get, list, delete for users, groups and roles', async () => {
    await call('CreateUser', { UserName: 'dana' });
    await call('CreateGroup', { GroupName: 'ops' });
    await call('CreateRole', { RoleName: 'worker', AssumeRolePolicyDocument: TRUST });
    for (const [word, name] of [
      ['User', 'dana'],
      ['Group', 'ops'],
      ['Role', 'worker'],
    ] as const) {
      const member = `${word}Name`;
      await call(`Put${word}Policy`, { [member]: name, PolicyName: 'read', PolicyDocument: S3_READ });
      await call(`Put${word}Policy`, { [member]: name, PolicyName: 'read', PolicyDocument: S3_READ }); // replaces
      const got = (await call(`Get${word}Policy`, { [member]: name, PolicyName: 'read' }))!;
      assert.deepEqual(got, { [member]: name, PolicyName: 'read', PolicyDocument: S3_READ });
      assert.deepEqual((await call(`List${word}Policies`, { [member]: name }))!, { PolicyNames: ['read'], IsTruncated: false });
      const word_ = word.toLowerCase();
      await fails(call(`Get${word}Policy`, { [member]: name, PolicyName: 'nope' }), 'NoSuchEntity', `The ${word_} policy with name nope cannot be found.`, 404);
      await fails(call(`Delete${word}Policy`, { [member]: name, PolicyName: 'nope' }), 'NoSuchEntity', `The ${word_} policy with name nope cannot be found.`);
      await fails(
        call(`Put${word}Policy`, { [member]: 'ghost', PolicyName: 'read', PolicyDocument: S3_READ }),
        'NoSuchEntity',
        `The ${word_} with name ghost cannot be found.`,
      );
      await fails(
        call(`Put${word}Policy`, { [member]: name, PolicyName: 'bad', PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }) }),
        'MalformedPolicyDocument',
        'Policy document should not specify a principal.',
      );
      await call(`Delete${word}Policy`, { [member]: name, PolicyName: 'read' });
      assert.deepEqual((await call(`List${word}Policies`, { [member]: name }))!.PolicyNames, []);
    }
  });

  test('the size quota counts all inline policies of the principal together', async () => {
    const big = (n: number) =>
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) });
    await call('PutUserPolicy', { UserName: 'dana', PolicyName: 'one', PolicyDocument: big(40) });
    await fails(
      call('PutUserPolicy', { UserName: 'dana', PolicyName: 'two', PolicyDocument: big(40) }),
      'LimitExceeded',
      'Maximum policy size of 2048 bytes exceeded for user dana',
      409,
    );
    // Replacing the same policy does not count it twice.
    await call('PutUserPolicy', { UserName: 'dana', PolicyName: 'one', PolicyDocument: big(41) });
    await call('PutRolePolicy', { RoleName: 'worker', PolicyName: 'two', PolicyDocument: big(60) });
    await call('DeleteUserPolicy', { UserName: 'dana', PolicyName: 'one' });
    await call('DeleteRolePolicy', { RoleName: 'worker', PolicyName: 'two' });
  });
});

describe('managed policies', () => {
  const localArn = `arn:aws:iam::${ACCOUNT}:policy/team/S3Read`;

  test('create, get, versions, delete', async () => {
    const created = (await call('CreatePolicy', {
      PolicyName: 'S3Read',
      Path: '/team/',
      PolicyDocument: S3_READ,
      Description: 'read objects',
      Tags: [{ Key: 'k', Value: 'v' }],
    }))!.Policy as Record<string, unknown>;
    assert.equal(created.Arn, localArn);
    assert.match(created.PolicyId as string, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(created.DefaultVersionId, 'v1');
    assert.equal(created.AttachmentCount, 0);
    assert.equal(created.IsAttachable, true);
    await fails(
      call('CreatePolicy', { PolicyName: 's3read', PolicyDocument: S3_READ }),
      'EntityAlreadyExists',
      'A policy called s3read already exists. Duplicate names are not allowed.',
    );
    await fails(
      call('CreatePolicy', { PolicyName: 'Old', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }),
      'MalformedPolicyDocument',
      'Policy document must be version 2012-10-17 or greater.',
    );
    const tooBig = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::b-${i}/*`) });
    await fails(call('CreatePolicy', { PolicyName: 'Big', PolicyDocument: tooBig }), 'LimitExceeded', 'Cannot exceed quota for PolicySize: 6144');

    const got = (await call('GetPolicy', { PolicyArn: localArn }))!.Policy as Record<string, unknown>;
    assert.equal(got.Description, 'read objects');
    assert.deepEqual(got.Tags, [{ Key: 'k', Value: 'v' }]);
    const missing = `arn:aws:iam::${ACCOUNT}:policy/missing`;
    await fails(call('GetPolicy', { PolicyArn: missing }), 'NoSuchEntity', `Policy ${missing} was not found.`, 404);
    await fails(call('GetPolicy', { PolicyArn: 'not-an-arn-at-all-really' }), 'InvalidInput', 'Invalid ARN:  Could not be parsed!', 400);

    // Versions: v2…v5, then the quota.
    for (let i = 2; i <= 5; i++) {
      const v = (await call('CreatePolicyVersion', { PolicyArn: localArn, PolicyDocument: S3_READ, SetAsDefault: i === 3 }))!;
      assert.deepEqual(Object.keys(v.PolicyVersion as object).sort(), ['CreateDate', 'IsDefaultVersion', 'VersionId']);
      assert.equal((v.PolicyVersion as Record<string, unknown>).VersionId, `v${i}`);
    }
    await fails(
      call('CreatePolicyVersion', { PolicyArn: localArn, PolicyDocument: S3_READ }),
      'LimitExceeded',
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      409,
    );
    assert.equal(((await call('GetPolicy', { PolicyArn: localArn }))!.Policy as Record<string, unknown>).DefaultVersionId, 'v3');
    const listed = (await call('ListPolicyVersions', { PolicyArn: localArn }))!.Versions as Record<string, unknown>[];
    assert.deepEqual(listed.map((v) => [v.VersionId, v.IsDefaultVersion]), [
      ['v5', false],
      ['v4', false],
      ['v3', true],
      ['v2', false],
      ['v1', false],
    ]);
    await fails(call('DeletePolicyVersion', { PolicyArn: localArn, VersionId: 'v3' }), 'DeleteConflict', 'Cannot delete the default version of a policy.', 409);
    await fails(
      call('GetPolicyVersion', { PolicyArn: localArn, VersionId: 'v9' }),
      'NoSuchEntity',
      `Policy ${localArn} version v9 does not exist or is not attachable.`,
    );
    // An id is not reused: deleting v2 makes room, and the next one is v6.
    await call('DeletePolicyVersion', { PolicyArn: localArn, VersionId: 'v2' });
    const v6 = (await call('CreatePolicyVersion', { PolicyArn: localArn, PolicyDocument: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }) }))!;
    assert.equal((v6.PolicyVersion as Record<string, unknown>).VersionId, 'v6');
    await call('SetDefaultPolicyVersion', { PolicyArn: localArn, VersionId: 'v6' });
    const v = (await call('GetPolicyVersion', { PolicyArn: localArn, VersionId: 'v6' }))!.PolicyVersion as Record<string, unknown>;
    assert.equal(v.IsDefaultVersion, true);
    assert.equal(v.Document, doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }));
    await fails(call('SetDefaultPolicyVersion', { PolicyArn: localArn, VersionId: 'v2' }), 'NoSuchEntity', `Policy ${localArn} version v2 does not exist or is not attachable.`);

    await fails(
      call('DeletePolicy', { PolicyArn: localArn }),
      'DeleteConflict',
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    for (const id of ['v1', 'v3', 'v4', 'v5']) await call('DeletePolicyVersion', { PolicyArn: localArn, VersionId: id });
    await call('DeletePolicy', { PolicyArn: localArn });
    await fails(call('GetPolicy', { PolicyArn: localArn }), 'NoSuchEntity', `Policy ${localArn} was not found.`);
  });

  test('attachments, ListAttached*, ListEntitiesForPolicy, ListPolicies', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/Attachable`;
    await call('CreatePolicy', { PolicyName: 'Attachable', PolicyDocument: S3_READ });
    await call('CreateUser', { UserName: 'erin' });
    await call('CreateGroup', { GroupName: 'readers' });
    await call('CreateRole', { RoleName: 'reader', AssumeRolePolicyDocument: TRUST });
    await call('AttachUserPolicy', { UserName: 'erin', PolicyArn: arn });
    await call('AttachUserPolicy', { UserName: 'erin', PolicyArn: arn }); // idempotent
    await call('AttachGroupPolicy', { GroupName: 'readers', PolicyArn: arn });
    await call('AttachRolePolicy', { RoleName: 'reader', PolicyArn: ADMIN_ARN });
    await call('PutRolePermissionsBoundary', { RoleName: 'reader', PermissionsBoundary: arn });

    assert.deepEqual((await call('ListAttachedUserPolicies', { UserName: 'erin' }))!, {
      AttachedPolicies: [{ PolicyName: 'Attachable', PolicyArn: arn }],
      IsTruncated: false,
    });
    assert.deepEqual(((await call('ListAttachedRolePolicies', { RoleName: 'reader' }))!.AttachedPolicies as unknown[]).length, 1);
    const policy = (await call('GetPolicy', { PolicyArn: arn }))!.Policy as Record<string, unknown>;
    assert.equal(policy.AttachmentCount, 2);
    assert.equal(policy.PermissionsBoundaryUsageCount, 1);

    const entities = (await call('ListEntitiesForPolicy', { PolicyArn: arn }))!;
    assert.deepEqual(entities.PolicyUsers, [{ UserName: 'erin', UserId: (await store.getUser(ACCOUNT, 'erin'))!.userId }]);
    assert.deepEqual((entities.PolicyGroups as Record<string, unknown>[]).map((g) => g.GroupName), ['readers']);
    assert.deepEqual((entities.PolicyRoles as Record<string, unknown>[]).map((r) => r.RoleName), ['reader']);
    const onlyRoles = (await call('ListEntitiesForPolicy', { PolicyArn: arn, EntityFilter: 'Role', PolicyUsageFilter: 'PermissionsPolicy' }))!;
    assert.deepEqual(onlyRoles.PolicyRoles, []);
    assert.deepEqual(onlyRoles.PolicyUsers, []);

    const missing = `arn:aws:iam::${ACCOUNT}:policy/Nope`;
    await fails(call('AttachUserPolicy', { UserName: 'erin', PolicyArn: missing }), 'NoSuchEntity', `Policy ${missing} does not exist or is not attachable.`, 404);
    await fails(call('AttachUserPolicy', { UserName: 'erin', PolicyArn: 'arn:aws:iam::123:nope' }), 'InvalidInput', 'Invalid ARN:  Could not be parsed!');
    await fails(call('AttachUserPolicy', { UserName: 'ghost', PolicyArn: arn }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
    await fails(call('DetachGroupPolicy', { GroupName: 'readers', PolicyArn: ADMIN_ARN }), 'NoSuchEntity', `Policy ${ADMIN_ARN} was not found.`);
    await fails(call('DeletePolicy', { PolicyArn: arn }), 'DeleteConflict', 'Cannot delete a policy attached to entities.');

    const local = (await call('ListPolicies', { Scope: 'Local' }))!.Policies as Record<string, unknown>[];
    assert.deepEqual(local.map((p) => p.PolicyName), ['Attachable']);
    assert.equal(local[0]!.Description, undefined);
    const aws = (await call('ListPolicies', { Scope: 'AWS', OnlyAttached: true }))!.Policies as Record<string, unknown>[];
    assert.deepEqual(aws.map((p) => p.Arn), [ADMIN_ARN]);
    const all = (await call('ListPolicies', { MaxItems: 1 }))!;
    assert.equal(all.IsTruncated, true);
    const rest = (await call('ListPolicies', { Marker: all.Marker }))!;
    assert.equal((all.Policies as unknown[]).length + (rest.Policies as unknown[]).length, 2);

    await call('DetachUserPolicy', { UserName: 'erin', PolicyArn: arn });
    await call('DetachGroupPolicy', { GroupName: 'readers', PolicyArn: arn });
    await call('DetachRolePolicy', { RoleName: 'reader', PolicyArn: ADMIN_ARN });
    await call('DeleteRolePermissionsBoundary', { RoleName: 'reader' });
    await call('DeletePolicy', { PolicyArn: arn });
  });

  test('AWS managed policies can be read and attached but not changed', async () => {
    const got = (await call('GetPolicy', { PolicyArn: ADMIN_ARN }))!.Policy as Record<string, unknown>;
    assert.equal(got.PolicyName, 'AdministratorAccess');
    const version = (await call('GetPolicyVersion', { PolicyArn: ADMIN_ARN, VersionId: 'v1' }))!.PolicyVersion as Record<string, unknown>;
    assert.equal(version.IsDefaultVersion, true);
    await fails(
      call('DeletePolicy', { PolicyArn: ADMIN_ARN }),
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: iam:DeletePolicy on resource: ${ADMIN_ARN} because no resource-based policy allows the iam:DeletePolicy action`,
      403,
    );
    await fails(call('CreatePolicyVersion', { PolicyArn: ADMIN_ARN, PolicyDocument: S3_READ }), 'AccessDenied', /iam:CreatePolicyVersion/);
    await fails(call('SetDefaultPolicyVersion', { PolicyArn: ADMIN_ARN, VersionId: 'v1' }), 'AccessDenied', /iam:SetDefaultPolicyVersion/);
  });
});

describe('access keys', () => {
  test('create (for a user and for oneself), list, update, delete, quota', async () => {
    await call('CreateUser', { UserName: 'frank' });
    const created = (await call('CreateAccessKey', { UserName: 'frank' }))!.AccessKey as Record<string, unknown>;
    assert.match(created.AccessKeyId as string, /^AKIA[A-Z2-7]{16}$/);
    assert.equal((created.SecretAccessKey as string).length, 40);
    assert.equal(created.Status, 'Active');
    assert.equal(created.UserName, 'frank');
    await call('CreateAccessKey', { UserName: 'frank' });
    await fails(call('CreateAccessKey', { UserName: 'frank' }), 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
    await fails(call('CreateAccessKey', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');

    const listed = (await call('ListAccessKeys', { UserName: 'frank' }))!.AccessKeyMetadata as Record<string, unknown>[];
    assert.equal(listed.length, 2);
    assert.deepEqual(Object.keys(listed[0]!).sort(), ['AccessKeyId', 'CreateDate', 'Status', 'UserName']);

    await call('UpdateAccessKey', { UserName: 'frank', AccessKeyId: created.AccessKeyId, Status: 'Inactive' });
    const after = (await call('ListAccessKeys', { UserName: 'frank' }))!.AccessKeyMetadata as Record<string, unknown>[];
    assert.equal(after.find((k) => k.AccessKeyId === created.AccessKeyId)!.Status, 'Inactive');
    assert.deepEqual((await call('GetAccessKeyLastUsed', { AccessKeyId: created.AccessKeyId }))!, {
      UserName: 'frank',
      AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
    });

    await fails(call('DeleteUser', { UserName: 'frank' }), 'DeleteConflict', 'Cannot delete entity, must delete access keys first.');
    for (const k of after) await call('DeleteAccessKey', { UserName: 'frank', AccessKeyId: k.AccessKeyId });
    await fails(
      call('DeleteAccessKey', { UserName: 'frank', AccessKeyId: created.AccessKeyId }),
      'NoSuchEntity',
      `The Access Key with id ${created.AccessKeyId} cannot be found.`,
    );
    await call('DeleteUser', { UserName: 'frank' });

    // Without UserName: the caller's own user.
    const own = (await call('CreateAccessKey', {}))!.AccessKey as Record<string, unknown>;
    assert.equal(own.UserName, 'admin');
    const mine = (await call('ListAccessKeys', {}))!.AccessKeyMetadata as Record<string, unknown>[];
    assert.ok(mine.some((k) => k.AccessKeyId === own.AccessKeyId));
    await call('DeleteAccessKey', { AccessKeyId: own.AccessKeyId });
  });
});

describe('authorization', () => {
  test('a user without policies is denied by the engine, in AWS words', async () => {
    await call('CreateUser', { UserName: 'nobody' });
    const nobody = await keyFor(ACCOUNT, 'nobody');
    await fails(
      call('CreateUser', { UserName: 'x' }, nobody),
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/x because no identity-based policy allows the iam:CreateUser action`,
      403,
    );
    await fails(
      call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST }, nobody),
      'AccessDenied',
      /iam:CreateRole on resource: arn:aws:iam::123456789012:role\/r because no identity-based policy allows/,
    );
    await fails(call('SimulateCustomPolicy', { PolicyInputList: [S3_READ], ActionNames: ['s3:GetObject'] }, nobody), 'AccessDenied', /iam:SimulateCustomPolicy on resource: \*/);

    // Granted through a group with a condition on iam:PolicyARN.
    await call('CreateGroup', { GroupName: 'attachers' });
    await call('AddUserToGroup', { GroupName: 'attachers', UserName: 'nobody' });
    await call('PutGroupPolicy', {
      GroupName: 'attachers',
      PolicyName: 'attach-admin-only',
      PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': ADMIN_ARN } } }),
    });
    await call('AttachUserPolicy', { UserName: 'nobody', PolicyArn: ADMIN_ARN }, nobody);
    await call('DetachUserPolicy', { UserName: 'nobody', PolicyArn: ADMIN_ARN });
    await call('CreatePolicy', { PolicyName: 'Other', PolicyDocument: S3_READ });
    await fails(
      call('AttachUserPolicy', { UserName: 'nobody', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Other` }, nobody),
      'AccessDenied',
      /iam:AttachUserPolicy on resource: arn:aws:iam::123456789012:user\/nobody because no identity-based policy allows/,
    );
  });
});

describe('policy simulation', () => {
  // The AWS recording of iam-sts-wire.md §5: Python's json.dumps of the policy.
  const RECORDED = '{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}';

  test('statement positions follow AWS: line 1, columns index + 2', () => {
    assert.deepEqual(statementOffsets(RECORDED), [[39, 111]]);
    const multi = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"},\n    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}\n  ]\n}';
    const spans = statementOffsets(multi);
    assert.equal(spans.length, 2);
    assert.equal(multi[spans[0]![0]], '{');
    assert.equal(multi[spans[1]![1]], '}');
    assert.ok(multi.slice(spans[1]![0], spans[1]![1] + 1).includes('"Deny"'));
  });

  test('SimulatePrincipalPolicy reproduces the recorded result', async () => {
    await call('CreateUser', { UserName: 'sim' });
    await call('CreatePolicy', { PolicyName: 'put-object', PolicyDocument: RECORDED });
    await call('AttachUserPolicy', { UserName: 'sim', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/put-object` });
    const out = (await call('SimulatePrincipalPolicy', {
      PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/sim`,
      ActionNames: ['s3:PutObject', 's3:GetObjectVersion'],
      ResourceArns: ['arn:aws:s3:::bucket'],
    }))!;
    const matched = [
      { SourcePolicyId: 'put-object', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 41 }, EndPosition: { Line: 1, Column: 113 } },
    ];
    assert.deepEqual(out, {
      EvaluationResults: [
        {
          EvalActionName: 's3:PutObject',
          EvalResourceName: 'arn:aws:s3:::bucket',
          EvalDecision: 'allowed',
          MatchedStatements: matched,
          MissingContextValues: [],
          OrganizationsDecisionDetail: { AllowedByOrganizations: true },
          EvalDecisionDetails: {},
          ResourceSpecificResults: [
            { EvalResourceName: 'arn:aws:s3:::bucket', EvalResourceDecision: 'allowed', MatchedStatements: matched, MissingContextValues: [] },
          ],
        },
        {
          EvalActionName: 's3:GetObjectVersion',
          EvalResourceName: 'arn:aws:s3:::bucket',
          EvalDecision: 'implicitDeny',
          MatchedStatements: [],
          MissingContextValues: [],
          OrganizationsDecisionDetail: { AllowedByOrganizations: true },
          EvalDecisionDetails: {},
          ResourceSpecificResults: [
            { EvalResourceName: 'arn:aws:s3:::bucket', EvalResourceDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: [] },
          ],
        },
      ],
      IsTruncated: false,
    });
  });

  test('SimulateCustomPolicy: explicit deny, context keys, default resource', async () => {
    const allow = doc({ Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } });
    const deny = doc({ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' });
    const base = { PolicyInputList: [allow, deny], ActionNames: ['s3:GetObject', 's3:DeleteBucket'] };

    const missing = (await call('SimulateCustomPolicy', base))!.EvaluationResults as Record<string, unknown>[];
    assert.equal(missing[0]!.EvalResourceName, '*');
    assert.equal(missing[0]!.EvalDecision, 'implicitDeny');
    assert.deepEqual(missing[0]!.MissingContextValues, ['aws:RequestedRegion']);
    assert.equal(missing[0]!.ResourceSpecificResults, undefined);
    assert.equal(missing[0]!.EvalDecisionDetails, undefined);
    assert.equal(missing[1]!.EvalDecision, 'explicitDeny');
    assert.deepEqual(missing[1]!.MatchedStatements, [
      { SourcePolicyId: 'PolicyInputList.2', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 39 }, EndPosition: { Line: 1, Column: 97 } },
    ]);

    const withContext = (await call('SimulateCustomPolicy', {
      ...base,
      ContextEntries: [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: ['eu-west-1'], ContextKeyType: 'string' }],
    }))!.EvaluationResults as Record<string, unknown>[];
    assert.equal(withContext[0]!.EvalDecision, 'allowed');
    assert.deepEqual(withContext[0]!.MissingContextValues, []);
    assert.equal((withContext[0]!.MatchedStatements as Record<string, unknown>[])[0]!.SourcePolicyId, 'PolicyInputList.1');

    const paged = (await call('SimulateCustomPolicy', { ...base, MaxItems: 1 }))!;
    assert.equal(paged.IsTruncated, true);
    const next = (await call('SimulateCustomPolicy', { ...base, Marker: paged.Marker }))!;
    assert.equal((next.EvaluationResults as Record<string, unknown>[])[0]!.EvalActionName, 's3:DeleteBucket');

    await fails(call('SimulateCustomPolicy', { PolicyInputList: ['{oops'], ActionNames: ['s3:GetObject'] }), 'InvalidInput', 'Syntax errors in policy.');
  });

  test('SimulatePrincipalPolicy: groups, boundary, resource policy across accounts', async () => {
    await call('CreateUser', { UserName: 'grace' });
    await call('CreateGroup', { GroupName: 'lambda-users' });
    await call('AddUserToGroup', { GroupName: 'lambda-users', UserName: 'grace' });
    await call('PutGroupPolicy', {
      GroupName: 'lambda-users',
      PolicyName: 'invoke',
      PolicyDocument: doc({ Effect: 'Allow', Action: ['lambda:InvokeFunction', 's3:GetObject'], Resource: '*' }),
    });
    await call('CreatePolicy', { PolicyName: 'LambdaOnly', PolicyDocument: doc({ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }) });
    await call('PutUserPermissionsBoundary', { UserName: 'grace', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/LambdaOnly` });

    const source = `arn:aws:iam::${ACCOUNT}:user/grace`;
    const res = (await call('SimulatePrincipalPolicy', { PolicySourceArn: source, ActionNames: ['lambda:InvokeFunction', 's3:GetObject'] }))!
      .EvaluationResults as Record<string, unknown>[];
    assert.equal(res[0]!.EvalDecision, 'allowed');
    assert.equal((res[0]!.MatchedStatements as Record<string, unknown>[])[0]!.SourcePolicyId, 'invoke');
    assert.deepEqual(res[0]!.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: true });
    assert.equal(res[1]!.EvalDecision, 'implicitDeny');
    assert.deepEqual(res[1]!.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: false });

    // A function in another account: both sides must allow.
    const fn = `arn:aws:lambda:us-east-1:${MEMBER}:function:f`;
    const resourcePolicy = doc({ Effect: 'Allow', Principal: { AWS: source }, Action: 'lambda:InvokeFunction', Resource: fn });
    const cross = (await call('SimulatePrincipalPolicy', {
      PolicySourceArn: source,
      ActionNames: ['lambda:InvokeFunction'],
      ResourceArns: [fn],
      ResourcePolicy: resourcePolicy,
    }))!.EvaluationResults as Record<string, unknown>[];
    assert.equal(cross[0]!.EvalDecision, 'allowed');
    assert.deepEqual(cross[0]!.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' });
    const withoutGrant = (await call('SimulatePrincipalPolicy', {
      PolicySourceArn: source,
      ActionNames: ['lambda:InvokeFunction'],
      ResourceArns: [`arn:aws:lambda:us-east-1:${MEMBER}:function:other`],
      ResourcePolicy: resourcePolicy,
    }))!.EvaluationResults as Record<string, unknown>[];
    assert.equal(withoutGrant[0]!.EvalDecision, 'implicitDeny');
    assert.deepEqual(withoutGrant[0]!.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'implicitDeny' });

    await fails(
      call('SimulatePrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/ghost`, ActionNames: ['s3:GetObject'] }),
      'NoSuchEntity',
      'The user with name ghost cannot be found.',
    );
    await fails(call('SimulatePrincipalPolicy', { PolicySourceArn: 'arn:aws:s3:::not-a-principal', ActionNames: ['s3:GetObject'] }), 'InvalidInput', 'Invalid ARN:  Could not be parsed!');
  });

  test('SimulatePrincipalPolicy for a role, and SCPs in a member account', async () => {
    await call('CreateRole', { RoleName: 'sim-role', AssumeRolePolicyDocument: TRUST });
    await call('AttachRolePolicy', { RoleName: 'sim-role', PolicyArn: ADMIN_ARN });
    const res = (await call('SimulatePrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/sim-role`, ActionNames: ['dynamodb:GetItem'] }))!
      .EvaluationResults as Record<string, unknown>[];
    assert.equal(res[0]!.EvalDecision, 'allowed');
    assert.equal((res[0]!.MatchedStatements as Record<string, unknown>[])[0]!.SourcePolicyId, 'AdministratorAccess');

    // The member account: FullAWSAccess at both levels, a deny on s3 at the account.
    const full = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    await store.putOrgPolicy({ policyId: 'p-full', organizationId: 'o-test000001', name: 'FullAWSAccess', description: '', type: 'SERVICE_CONTROL_POLICY', content: full, awsManaged: true });
    await store.putOrgPolicy({
      policyId: 'p-nos3',
      organizationId: 'o-test000001',
      name: 'NoS3',
      description: '',
      type: 'SERVICE_CONTROL_POLICY',
      content: doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }),
      awsManaged: false,
    });
    await store.attachOrgPolicy('p-full', 'r-test');
    await store.attachOrgPolicy('p-full', MEMBER);
    await store.attachOrgPolicy('p-nos3', MEMBER);
    deps.revision.value++;
    const member = (await call(
      'SimulatePrincipalPolicy',
      { PolicySourceArn: `arn:aws:iam::${MEMBER}:user/admin`, ActionNames: ['s3:GetObject', 'lambda:GetFunction'] },
      memberAdmin,
    ))!.EvaluationResults as Record<string, unknown>[];
    assert.equal(member[0]!.EvalDecision, 'explicitDeny');
    assert.deepEqual(member[0]!.OrganizationsDecisionDetail, { AllowedByOrganizations: false });
    assert.equal((member[0]!.MatchedStatements as Record<string, unknown>[])[0]!.SourcePolicyId, 'NoS3');
    assert.equal(member[1]!.EvalDecision, 'allowed');
    assert.deepEqual(member[1]!.OrganizationsDecisionDetail, { AllowedByOrganizations: true });
  });
});
