// The store against its contract, on SQLite and on PostgreSQL alike: round trips, every
// StoreError case, paging, reopening, concurrency inside one process and across connections
// (worker threads: on PostgreSQL, what several nodes do), and durability of an acknowledged
// write when the process is killed. SQLite's file format gets a few tests of its own.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openStore } from '../../src/store/sqlStore.js';
import { LIMITS } from '../../src/store/sqlShared.js';
import { freshDatabase, testPostgres } from '../support/postgres.js';
import { migrations } from '../../src/store/migrations.js';
import {
  StoreError,
  type AccessKeyRecord,
  type GroupRecord,
  type ManagedPolicyRecord,
  type PolicyVersionRecord,
  type PrincipalKind,
  type RoleRecord,
  type SessionRecord,
  type Store,
  type StoreErrorCode,
  type UserRecord,
} from '../../src/store/store.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const ORG = 'o-t194hfs8cz';
const ROOT = 'r-t194';
const AT = '2024-01-01T00:00:00.000Z';
const STORE_URL = new URL('../../src/store/sqlStore.js', import.meta.url).href;

// ---- Helpers -------------------------------------------------------------------------------

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-store-'));

/** Where a store lives: SQLite in the state directory, or a PostgreSQL database of its own per directory. */
interface Backend {
  name: string;
  location(dir: string): Promise<{ stateDir: string; databaseUrl?: string }>;
}

const sqlite: Backend = { name: 'SQLite', location: async (dir) => ({ stateDir: dir }) };
const postgresAdmin = await testPostgres();
const postgres: Backend = {
  name: 'PostgreSQL',
  location: async (dir) => ({
    stateDir: dir,
    databaseUrl: await freshDatabase(postgresAdmin!, `latchkey_store_${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`),
  }),
};
const backends = postgresAdmin ? [sqlite, postgres] : [sqlite];

const openSqliteStore = (dir: string) => openStore({ stateDir: dir });
const openOn = async (backend: Backend, dir: string) => openStore(await backend.location(dir));

async function withStore(backend: Backend, fn: (store: Store, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const store = await openOn(backend, dir);
  try {
    await seedAccounts(store);
    await fn(store, dir);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function seedAccounts(store: Store) {
  for (const accountId of [OWNER, PARTNER]) {
    await store.putAccount({ accountId, name: `acct-${accountId}`, email: `${accountId}@example.com`, organizationId: null, parentId: null, joinedAt: AT });
  }
}

let seq = 0;
const id = (prefix: string) => `${prefix}${String(++seq).padStart(17, '0')}`;

const user = (name: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  accountId: OWNER, userName: name, userId: id('AIDA'), path: '/', arn: `arn:aws:iam::${extra.accountId ?? OWNER}:user/${name}`,
  createDate: AT, permissionsBoundaryArn: null, tags: [], ...extra,
});
const group = (name: string, extra: Partial<GroupRecord> = {}): GroupRecord => ({
  accountId: OWNER, groupName: name, groupId: id('AGPA'), path: '/', arn: `arn:aws:iam::${OWNER}:group/${name}`, createDate: AT, ...extra,
});
const role = (name: string, extra: Partial<RoleRecord> = {}): RoleRecord => ({
  accountId: OWNER, roleName: name, roleId: id('AROA'), path: '/', arn: `arn:aws:iam::${OWNER}:role/${name}`, createDate: AT,
  assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}', description: null, maxSessionDuration: 3600,
  permissionsBoundaryArn: null, tags: [], ...extra,
});

type NewPolicy = Omit<ManagedPolicyRecord, 'attachmentCount' | 'boundaryUsageCount'>;
function policy(name: string, accountId = OWNER, pathName = '/'): [NewPolicy, PolicyVersionRecord] {
  const arn = `arn:aws:iam::${accountId}:policy${pathName}${name}`;
  return [
    { arn, accountId, policyName: name, policyId: id('ANPA'), path: pathName, description: null, defaultVersionId: 'v1', createDate: AT, updateDate: AT, tags: [] },
    { policyArn: arn, versionId: 'v1', document: doc('s3:GetObject'), isDefault: true, createDate: AT },
  ];
}
const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

async function createPolicy(store: Store, name: string, accountId = OWNER, pathName = '/'): Promise<string> {
  const [p, v] = policy(name, accountId, pathName);
  await store.createManagedPolicy(p, v);
  return p.arn;
}

const accessKey = (userName: string, extra: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
  accessKeyId: id('AKIA'), secretAccessKey: 'secret', accountId: OWNER, userName, status: 'Active', createDate: AT, ...extra,
});
const session = (extra: Partial<SessionRecord> = {}): SessionRecord => ({
  accessKeyId: id('ASIA'), secretAccessKey: 'ssecret', sessionToken: 'token', accountId: OWNER, kind: 'AssumedRole',
  roleArn: `arn:aws:iam::${OWNER}:role/r`, roleId: 'AROAEXAMPLE', sessionName: 's', userName: null, userId: null, sessionPolicy: null,
  sessionPolicyArns: [], sourceIdentity: null, issuedAt: AT, expiresAt: '2024-01-01T01:00:00.000Z', ...extra,
});

function isStoreError(code: StoreErrorCode) {
  return (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}
const rejectsWith = (promise: Promise<unknown>, code: StoreErrorCode) => assert.rejects(promise, isStoreError(code));

async function createPrincipal(store: Store, kind: PrincipalKind, name: string, accountId = OWNER) {
  if (kind === 'user') await store.createUser(user(name, { accountId }));
  else if (kind === 'group') await store.createGroup(group(name, { accountId }));
  else await store.createRole(role(name, { accountId }));
}

// ---- Opening, migrations, reopening --------------------------------------------------------

test('migrations have increasing versions and at least one statement each', () => {
  assert.ok(migrations.length > 0);
  migrations.forEach((m, i) => {
    assert.ok(m.statements.length > 0, m.name);
    if (i > 0) assert.ok(m.version > migrations[i - 1]!.version);
  });
});

test('opening creates the database in WAL mode with every migration recorded once', async () => {
  const dir = path.join(tempDir(), 'nested', 'state');
  try {
    const store = await openSqliteStore(dir);
    await store.close();
    await store.close(); // idempotent
    const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const rows = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; applied_at: string }[];
      assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
      for (const r of rows) assert.ok(!Number.isNaN(Date.parse(r.applied_at)));
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  }
});

test('reopening the same directory keeps everything and does not re-run migrations', async () => {
  const dir = tempDir();
  try {
    let store = await openSqliteStore(dir);
    await seedAccounts(store);
    const arn = await createPolicy(store, 'Keep');
    await store.createUser(user('alice', { tags: [{ Key: 'team', Value: 'blue' }] }));
    await store.attachPolicy(OWNER, 'user', 'alice', arn);
    const key = accessKey('alice');
    await store.createAccessKey(key);
    const s = session();
    await store.putSession(s);
    await store.close();

    const readMigrations = () => {
      const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
      try {
        return db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
      } finally {
        db.close();
      }
    };
    const before = readMigrations();

    store = await openSqliteStore(dir);
    try {
      assert.deepEqual(readMigrations(), before);
      assert.equal((await store.getUser(OWNER, 'alice'))?.tags[0]?.Value, 'blue');
      assert.deepEqual((await store.listAttachedPolicies(OWNER, 'user', 'alice')).map((p) => p.arn), [arn]);
      assert.deepEqual(await store.getCredentials(key.accessKeyId), { accessKey: key });
      assert.deepEqual(await store.getCredentials(s.accessKeyId), { session: s });
      assert.equal((await store.listAccounts()).length, 2);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a database from a newer Latchkey is refused', async () => {
  const dir = tempDir();
  try {
    await (await openSqliteStore(dir)).close();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(9999, AT);
    db.close();
    await assert.rejects(openSqliteStore(dir), /newer/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const backend of backends) {
  describe(backend.name, () => {
    // ---- Accounts and organizations ------------------------------------------------------------

    test('accounts: put is an upsert, get and list round-trip', async () => {
      await withStore(backend, async (store) => {
        assert.equal(await store.getAccount('999999999999'), null);
        const a = { accountId: '210987654321', name: 'outsider', email: 'o@example.com', organizationId: null, parentId: null, joinedAt: AT };
        await store.putAccount(a);
        assert.deepEqual(await store.getAccount(a.accountId), a);
        await store.putAccount({ ...a, name: 'renamed' });
        assert.equal((await store.getAccount(a.accountId))?.name, 'renamed');
        assert.deepEqual((await store.listAccounts()).map((x) => x.accountId), [PARTNER, OWNER, a.accountId].sort());
        await rejectsWith(store.putAccount({ ...a, organizationId: 'o-missing', parentId: 'r-x' }), 'NotFound');
      });
    });

    test('organizations, OUs and SCPs: round trips and every error', async () => {
      await withStore(backend, async (store) => {
        const org = { organizationId: ORG, managementAccountId: OWNER, rootId: ROOT, featureSet: 'ALL' as const };
        assert.equal(await store.getOrganization(ORG), null);
        await store.putOrganization(org);
        await store.putOrganization(org); // upsert
        assert.deepEqual(await store.getOrganization(ORG), org);
        await rejectsWith(store.putOrganization({ ...org, organizationId: 'o-other' }), 'AlreadyExists'); // same root

        const owner = (await store.getAccount(OWNER))!;
        await store.putAccount({ ...owner, organizationId: ORG, parentId: ROOT });
        assert.equal((await store.getAccount(OWNER))?.organizationId, ORG);

        const ou = { ouId: 'ou-t194-aaaa', organizationId: ORG, name: 'Prod', parentId: ROOT };
        await store.putOrganizationalUnit(ou);
        const child = { ouId: 'ou-t194-bbbb', organizationId: ORG, name: 'Apps', parentId: ou.ouId };
        await store.putOrganizationalUnit(child);
        assert.deepEqual(await store.listOrganizationalUnits(ORG), [child, ou]);
        await rejectsWith(store.putOrganizationalUnit({ ...ou, ouId: 'ou-t194-cccc' }), 'AlreadyExists'); // same name, same parent
        await rejectsWith(store.putOrganizationalUnit({ ...ou, ouId: 'ou-t194-dddd', parentId: 'ou-missing' }), 'NotFound');
        await rejectsWith(store.putOrganizationalUnit({ ...ou, ouId: 'ou-x', organizationId: 'o-missing' }), 'NotFound');

        const scp = {
          policyId: 'p-abcd1234', organizationId: ORG, name: 'DenyAll', description: '', type: 'SERVICE_CONTROL_POLICY' as const,
          content: '{"Version":"2012-10-17","Statement":[]}', awsManaged: false,
        };
        assert.equal(await store.getOrgPolicy(scp.policyId), null);
        await store.putOrgPolicy(scp);
        assert.deepEqual(await store.getOrgPolicy(scp.policyId), scp);
        await store.putOrgPolicy({ ...scp, description: 'changed' });
        assert.equal((await store.getOrgPolicy(scp.policyId))?.description, 'changed');
        const full = { ...scp, policyId: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true };
        await store.putOrgPolicy(full);
        assert.deepEqual((await store.listOrgPolicies(ORG)).map((p) => p.name), ['DenyAll', 'FullAWSAccess']);
        await rejectsWith(store.putOrgPolicy({ ...scp, policyId: 'p-other' }), 'AlreadyExists'); // duplicate name
        await rejectsWith(store.putOrgPolicy({ ...scp, organizationId: 'o-missing' }), 'NotFound');
        await store.putOrganization({ organizationId: 'o-second', managementAccountId: PARTNER, rootId: 'r-2', featureSet: 'ALL' });
        await rejectsWith(store.putOrgPolicy({ ...scp, organizationId: 'o-second' }), 'Conflict'); // an id cannot move

        for (const target of [ROOT, ou.ouId, child.ouId, OWNER]) await store.attachOrgPolicy(full.policyId, target);
        await store.attachOrgPolicy(full.policyId, ROOT); // idempotent
        await store.attachOrgPolicy(scp.policyId, child.ouId);
        await rejectsWith(store.attachOrgPolicy('p-missing', ROOT), 'NotFound');
        await rejectsWith(store.attachOrgPolicy(scp.policyId, PARTNER), 'NotFound'); // account not in the organization
        await rejectsWith(store.attachOrgPolicy(scp.policyId, 'r-2'), 'NotFound'); // another organization's root
        assert.deepEqual(await store.listTargetsForOrgPolicy(full.policyId), [OWNER, child.ouId, ou.ouId, ROOT].sort());
        assert.deepEqual((await store.listOrgPoliciesForTarget(child.ouId)).map((p) => p.policyId), [scp.policyId, full.policyId]);
        assert.deepEqual(await store.listOrgPoliciesForTarget('ou-none'), []);

        await store.detachOrgPolicy(scp.policyId, child.ouId);
        await rejectsWith(store.detachOrgPolicy(scp.policyId, child.ouId), 'NotFound');
        assert.deepEqual((await store.listOrgPoliciesForTarget(child.ouId)).map((p) => p.policyId), [full.policyId]);
      });
    });

    // ---- Users ---------------------------------------------------------------------------------

    test('users: round trip, case-insensitive names, update by id, every error', async () => {
      await withStore(backend, async (store) => {
        const alice = user('Alice', { path: '/eng/', tags: [{ Key: 'k', Value: 'v' }] });
        await store.createUser(alice);
        assert.deepEqual(await store.getUser(OWNER, 'Alice'), alice);
        assert.deepEqual(await store.getUser(OWNER, 'ALICE'), alice);
        assert.equal(await store.getUser(PARTNER, 'Alice'), null);
        assert.equal(await store.getUser(OWNER, 'bob'), null);

        await rejectsWith(store.createUser(user('alice')), 'AlreadyExists');
        await rejectsWith(store.createUser(user('ALICE')), 'AlreadyExists');
        await rejectsWith(store.createUser({ ...user('other'), userId: alice.userId }), 'AlreadyExists');
        await store.createUser(user('alice', { accountId: PARTNER })); // another account: fine
        await rejectsWith(store.createUser(user('x', { accountId: '999999999999' })), 'NotFound');
        await rejectsWith(store.createUser(user('x', { permissionsBoundaryArn: `arn:aws:iam::${OWNER}:policy/missing` })), 'NotFound');
        const partnerPolicy = await createPolicy(store, 'PartnerOnly', PARTNER);
        await rejectsWith(store.createUser(user('x', { permissionsBoundaryArn: partnerPolicy })), 'NotFound');

        const boundary = await createPolicy(store, 'Boundary');
        const renamed = { ...alice, userName: 'alicia', arn: `arn:aws:iam::${OWNER}:user/eng/alicia`, permissionsBoundaryArn: boundary, tags: [] };
        await store.updateUser(renamed);
        assert.equal(await store.getUser(OWNER, 'alice'), null);
        assert.deepEqual(await store.getUser(OWNER, 'Alicia'), renamed);
        await store.updateUser({ ...renamed, permissionsBoundaryArn: null });
        assert.equal((await store.getUser(OWNER, 'alicia'))?.permissionsBoundaryArn, null);

        await store.createUser(user('bob'));
        await rejectsWith(store.updateUser({ ...renamed, userName: 'BOB' }), 'AlreadyExists');
        await rejectsWith(store.updateUser(user('ghost')), 'NotFound');
        await rejectsWith(store.updateUser({ ...renamed, accountId: PARTNER }), 'NotFound'); // the id is in another account
        await rejectsWith(store.updateUser({ ...renamed, permissionsBoundaryArn: `arn:aws:iam::${OWNER}:policy/missing` }), 'NotFound');

        await store.deleteUser(OWNER, 'BOB');
        assert.equal(await store.getUser(OWNER, 'bob'), null);
        await rejectsWith(store.deleteUser(OWNER, 'bob'), 'NotFound');
      });
    });

    test('deleteUser is refused while keys, inline policies, attachments or memberships remain', async () => {
      await withStore(backend, async (store) => {
        const arn = await createPolicy(store, 'P');
        await store.createUser(user('carol'));
        await store.createGroup(group('devs'));
        const key = accessKey('carol');
        await store.createAccessKey(key);
        await store.putInlinePolicy({ accountId: OWNER, principalKind: 'user', principalName: 'carol', policyName: 'inline', document: doc('s3:*') });
        await store.attachPolicy(OWNER, 'user', 'carol', arn);
        await store.addUserToGroup(OWNER, 'devs', 'carol');

        await rejectsWith(store.deleteUser(OWNER, 'carol'), 'Conflict');
        await store.deleteAccessKey(OWNER, 'carol', key.accessKeyId);
        await rejectsWith(store.deleteUser(OWNER, 'carol'), 'Conflict');
        await store.deleteInlinePolicy(OWNER, 'user', 'carol', 'inline');
        await rejectsWith(store.deleteUser(OWNER, 'carol'), 'Conflict');
        await store.detachPolicy(OWNER, 'user', 'carol', arn);
        await rejectsWith(store.deleteUser(OWNER, 'carol'), 'Conflict');
        assert.ok(await store.getUser(OWNER, 'carol'));
        await store.removeUserFromGroup(OWNER, 'devs', 'carol');
        await store.deleteUser(OWNER, 'carol');
        assert.equal(await store.getUser(OWNER, 'carol'), null);
      });
    });

    // ---- Groups --------------------------------------------------------------------------------

    test('groups: round trip, membership (idempotent), every error', async () => {
      await withStore(backend, async (store) => {
        const devs = group('Devs', { path: '/teams/' });
        await store.createGroup(devs);
        assert.deepEqual(await store.getGroup(OWNER, 'devs'), devs);
        assert.equal(await store.getGroup(OWNER, 'ops'), null);
        await rejectsWith(store.createGroup(group('DEVS')), 'AlreadyExists');
        await rejectsWith(store.createGroup(group('x', { accountId: '999999999999' })), 'NotFound');

        await store.createUser(user('dan'));
        await store.createUser(user('eve'));
        await store.addUserToGroup(OWNER, 'devs', 'dan');
        await store.addUserToGroup(OWNER, 'DEVS', 'Dan'); // idempotent
        await store.addUserToGroup(OWNER, 'devs', 'eve');
        await rejectsWith(store.addUserToGroup(OWNER, 'ops', 'dan'), 'NotFound');
        await rejectsWith(store.addUserToGroup(OWNER, 'devs', 'nobody'), 'NotFound');
        assert.deepEqual((await store.listUsersInGroup(OWNER, 'devs')).map((u) => u.userName), ['dan', 'eve']);
        assert.deepEqual(await store.listGroupsForUser(OWNER, 'dan'), [devs]);
        await rejectsWith(store.listGroupsForUser(OWNER, 'nobody'), 'NotFound');
        await rejectsWith(store.listUsersInGroup(OWNER, 'ops'), 'NotFound');

        await store.removeUserFromGroup(OWNER, 'devs', 'dan');
        await rejectsWith(store.removeUserFromGroup(OWNER, 'devs', 'dan'), 'NotFound');
        await rejectsWith(store.removeUserFromGroup(OWNER, 'ops', 'dan'), 'NotFound');
        assert.deepEqual(await store.listGroupsForUser(OWNER, 'dan'), []);

        // deleteGroup: members, inline policies, attachments each block it
        const arn = await createPolicy(store, 'GroupPolicy');
        await store.putInlinePolicy({ accountId: OWNER, principalKind: 'group', principalName: 'devs', policyName: 'g', document: doc('s3:*') });
        await store.attachPolicy(OWNER, 'group', 'devs', arn);
        await rejectsWith(store.deleteGroup(OWNER, 'devs'), 'Conflict');
        await store.removeUserFromGroup(OWNER, 'devs', 'eve');
        await rejectsWith(store.deleteGroup(OWNER, 'devs'), 'Conflict');
        await store.deleteInlinePolicy(OWNER, 'group', 'devs', 'g');
        await rejectsWith(store.deleteGroup(OWNER, 'devs'), 'Conflict');
        await store.detachPolicy(OWNER, 'group', 'devs', arn);
        await store.deleteGroup(OWNER, 'devs');
        assert.equal(await store.getGroup(OWNER, 'devs'), null);
        await rejectsWith(store.deleteGroup(OWNER, 'devs'), 'NotFound');
      });
    });

    test(`a user joins at most ${LIMITS.groupsPerUser} groups`, async () => {
      await withStore(backend, async (store) => {
        await store.createUser(user('joiner'));
        for (let i = 0; i <= LIMITS.groupsPerUser; i++) await store.createGroup(group(`g${i}`));
        for (let i = 0; i < LIMITS.groupsPerUser; i++) await store.addUserToGroup(OWNER, `g${i}`, 'joiner');
        await store.addUserToGroup(OWNER, 'g0', 'joiner'); // already a member: still idempotent at the limit
        await rejectsWith(store.addUserToGroup(OWNER, `g${LIMITS.groupsPerUser}`, 'joiner'), 'LimitExceeded');
      });
    });

    // ---- Roles ---------------------------------------------------------------------------------

    test('roles: round trip, update by id, every error', async () => {
      await withStore(backend, async (store) => {
        const boundary = await createPolicy(store, 'RoleBoundary');
        const r = role('Lambda-Exec', { description: 'runs functions', permissionsBoundaryArn: boundary, tags: [{ Key: 'a', Value: 'b' }] });
        await store.createRole(r);
        assert.deepEqual(await store.getRole(OWNER, 'lambda-exec'), r);
        assert.equal(await store.getRole(OWNER, 'nope'), null);
        await rejectsWith(store.createRole(role('LAMBDA-EXEC')), 'AlreadyExists');
        await rejectsWith(store.createRole(role('x', { accountId: '999999999999' })), 'NotFound');
        await rejectsWith(store.createRole(role('x', { permissionsBoundaryArn: `arn:aws:iam::${OWNER}:policy/none` })), 'NotFound');

        const updated = { ...r, description: null, maxSessionDuration: 7200, assumeRolePolicyDocument: '{"x":1}', permissionsBoundaryArn: null };
        await store.updateRole(updated);
        assert.deepEqual(await store.getRole(OWNER, 'Lambda-Exec'), updated);
        await rejectsWith(store.updateRole(role('ghost')), 'NotFound');
        await store.createRole(role('second'));
        await rejectsWith(store.updateRole({ ...updated, roleName: 'Second' }), 'AlreadyExists');

        const arn = await createPolicy(store, 'RolePolicy');
        await store.putInlinePolicy({ accountId: OWNER, principalKind: 'role', principalName: 'lambda-exec', policyName: 'p', document: doc('s3:*') });
        await store.attachPolicy(OWNER, 'role', 'lambda-exec', arn);
        await rejectsWith(store.deleteRole(OWNER, 'lambda-exec'), 'Conflict');
        await store.deleteInlinePolicy(OWNER, 'role', 'lambda-exec', 'P');
        await rejectsWith(store.deleteRole(OWNER, 'lambda-exec'), 'Conflict');
        await store.detachPolicy(OWNER, 'role', 'lambda-exec', arn);
        await store.deleteRole(OWNER, 'LAMBDA-EXEC');
        assert.equal(await store.getRole(OWNER, 'lambda-exec'), null);
        await rejectsWith(store.deleteRole(OWNER, 'lambda-exec'), 'NotFound');
      });
    });

    // ---- Inline policies -----------------------------------------------------------------------

    for (const kind of ['user', 'group', 'role'] as const) {
      test(`inline policies on a ${kind}: put replaces, names are case-insensitive, missing owner is NotFound`, async () => {
        await withStore(backend, async (store) => {
          await createPrincipal(store, kind, 'Owner1');
          const rec = { accountId: OWNER, principalKind: kind, principalName: 'owner1', policyName: 'ReadOnly', document: doc('s3:Get*') };
          await store.putInlinePolicy(rec);
          assert.deepEqual(await store.getInlinePolicy(OWNER, kind, 'OWNER1', 'readonly'), { ...rec, principalName: 'Owner1' });
          await store.putInlinePolicy({ ...rec, policyName: 'READONLY', document: doc('s3:List*') });
          await store.putInlinePolicy({ ...rec, policyName: 'Another', document: doc('s3:Put*') });
          const list = await store.listInlinePolicies(OWNER, kind, 'owner1');
          assert.deepEqual(list.map((p) => [p.policyName, p.document]), [['Another', doc('s3:Put*')], ['READONLY', doc('s3:List*')]]);
          assert.equal(await store.getInlinePolicy(OWNER, kind, 'owner1', 'missing'), null);

          await store.deleteInlinePolicy(OWNER, kind, 'owner1', 'readonly');
          await rejectsWith(store.deleteInlinePolicy(OWNER, kind, 'owner1', 'readonly'), 'NotFound');
          assert.equal((await store.listInlinePolicies(OWNER, kind, 'owner1')).length, 1);

          await rejectsWith(store.putInlinePolicy({ ...rec, principalName: 'ghost' }), 'NotFound');
          await rejectsWith(store.putInlinePolicy({ ...rec, accountId: PARTNER }), 'NotFound');
          await rejectsWith(store.getInlinePolicy(OWNER, kind, 'ghost', 'x'), 'NotFound');
          await rejectsWith(store.deleteInlinePolicy(OWNER, kind, 'ghost', 'x'), 'NotFound');
          await rejectsWith(store.listInlinePolicies(OWNER, kind, 'ghost'), 'NotFound');
        });
      });
    }

    // ---- Managed policies and versions -----------------------------------------------------------

    test('managed policies: create with v1, get, duplicates, derived counts', async () => {
      await withStore(backend, async (store) => {
        const [p, v1] = policy('Readers', OWNER, '/team/');
        await store.createManagedPolicy(p, v1);
        assert.deepEqual(await store.getManagedPolicy(p.arn), { ...p, attachmentCount: 0, boundaryUsageCount: 0 });
        assert.deepEqual(await store.getPolicyVersion(p.arn, 'v1'), v1);
        assert.equal(await store.getManagedPolicy(`arn:aws:iam::${OWNER}:policy/none`), null);

        await rejectsWith(store.createManagedPolicy(...policy('READERS')), 'AlreadyExists'); // same account, name differs in case
        await rejectsWith(store.createManagedPolicy(...policy('Readers', OWNER, '/other/')), 'AlreadyExists'); // path does not matter
        await store.createManagedPolicy(...policy('Readers', PARTNER)); // another account: fine
        await rejectsWith(store.createManagedPolicy({ ...policy('x')[0], policyId: p.policyId }, policy('x')[1]), 'AlreadyExists');
        await rejectsWith(store.createManagedPolicy(...policy('x', '999999999999')), 'NotFound');

        await store.createUser(user('u1', { permissionsBoundaryArn: p.arn }));
        await store.createRole(role('r1', { permissionsBoundaryArn: p.arn }));
        await store.createGroup(group('g1'));
        for (const [kind, name] of [['user', 'u1'], ['role', 'r1'], ['group', 'g1']] as const) await store.attachPolicy(OWNER, kind, name, p.arn);
        const got = await store.getManagedPolicy(p.arn);
        assert.equal(got?.attachmentCount, 3);
        assert.equal(got?.boundaryUsageCount, 2);

        // AWS managed: counts are per viewing account
        const [aws, awsV1] = policy('AdministratorAccess', 'aws');
        await store.createManagedPolicy({ ...aws, arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, { ...awsV1, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
        const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
        await store.attachPolicy(OWNER, 'user', 'u1', admin);
        await store.createUser(user('admin', { accountId: PARTNER }));
        await store.attachPolicy(PARTNER, 'user', 'admin', admin);
        await store.createUser(user('bounded', { accountId: PARTNER, permissionsBoundaryArn: admin }));
        assert.equal((await store.getManagedPolicy(admin))?.attachmentCount, 2);
        assert.equal((await store.getManagedPolicy(admin, OWNER))?.attachmentCount, 1);
        assert.equal((await store.getManagedPolicy(admin, OWNER))?.boundaryUsageCount, 0);
        assert.equal((await store.getManagedPolicy(admin, PARTNER))?.boundaryUsageCount, 1);
        assert.equal((await store.getManagedPolicy(admin, '210987654321'))?.attachmentCount, 0);
      });
    });

    test('policy versions: create, default, limit of 5, list newest first, delete rules', async () => {
      await withStore(backend, async (store) => {
        const arn = await createPolicy(store, 'Versioned');
        const v = (n: number): PolicyVersionRecord => ({
          policyArn: arn, versionId: `v${n}`, document: doc(`s3:Action${n}`), isDefault: false, createDate: `2024-01-0${n}T00:00:00.000Z`,
        });
        await store.createPolicyVersion(v(2), false);
        assert.equal((await store.getManagedPolicy(arn))?.defaultVersionId, 'v1');
        assert.equal((await store.getManagedPolicy(arn))?.updateDate, v(2).createDate);
        await store.createPolicyVersion(v(3), true);
        assert.equal((await store.getManagedPolicy(arn))?.defaultVersionId, 'v3');
        assert.equal((await store.getPolicyVersion(arn, 'v3'))?.isDefault, true);
        assert.equal((await store.getPolicyVersion(arn, 'v1'))?.isDefault, false);
        assert.equal(await store.getPolicyVersion(arn, 'v9'), null);
        await rejectsWith(store.createPolicyVersion(v(3), false), 'AlreadyExists');
        await rejectsWith(store.createPolicyVersion({ ...v(4), policyArn: `arn:aws:iam::${OWNER}:policy/none` }, false), 'NotFound');
        await store.createPolicyVersion(v(4), false);
        await store.createPolicyVersion(v(5), false);
        await rejectsWith(store.createPolicyVersion(v(6), true), 'LimitExceeded');
        assert.equal((await store.getManagedPolicy(arn))?.defaultVersionId, 'v3', 'a refused version changes nothing');

        const list = await store.listPolicyVersions(arn);
        assert.deepEqual(list.map((x) => [x.versionId, x.isDefault]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);
        await rejectsWith(store.listPolicyVersions(`arn:aws:iam::${OWNER}:policy/none`), 'NotFound');

        await rejectsWith(store.deletePolicyVersion(arn, 'v3'), 'Conflict');
        await rejectsWith(store.deletePolicyVersion(arn, 'v9'), 'NotFound');
        await rejectsWith(store.deletePolicyVersion(`arn:aws:iam::${OWNER}:policy/none`, 'v1'), 'NotFound');
        await store.deletePolicyVersion(arn, 'v1');
        await store.createPolicyVersion(v(6), false); // room again

        await store.setDefaultPolicyVersion(arn, 'v6');
        assert.equal((await store.getManagedPolicy(arn))?.defaultVersionId, 'v6');
        await rejectsWith(store.setDefaultPolicyVersion(arn, 'v1'), 'NotFound');
        await rejectsWith(store.setDefaultPolicyVersion(`arn:aws:iam::${OWNER}:policy/none`, 'v1'), 'NotFound');

        // deleteManagedPolicy: refused while it has non-default versions
        await rejectsWith(store.deleteManagedPolicy(arn), 'Conflict');
        for (const n of [2, 3, 4, 5]) await store.deletePolicyVersion(arn, `v${n}`);
        await store.deleteManagedPolicy(arn);
        assert.equal(await store.getManagedPolicy(arn), null);
        assert.equal(await store.getPolicyVersion(arn, 'v6'), null);
        await rejectsWith(store.deleteManagedPolicy(arn), 'NotFound');
      });
    });

    test('deleteManagedPolicy is refused while attached or used as a boundary', async () => {
      await withStore(backend, async (store) => {
        const arn = await createPolicy(store, 'InUse');
        await store.createRole(role('r', { permissionsBoundaryArn: arn }));
        await rejectsWith(store.deleteManagedPolicy(arn), 'Conflict');
        const r = (await store.getRole(OWNER, 'r'))!;
        await store.updateRole({ ...r, permissionsBoundaryArn: null });
        await store.createGroup(group('g'));
        await store.attachPolicy(OWNER, 'group', 'g', arn);
        await rejectsWith(store.deleteManagedPolicy(arn), 'Conflict');
        await store.detachPolicy(OWNER, 'group', 'g', arn);
        await store.deleteManagedPolicy(arn);
      });
    });

    // ---- Attachments -----------------------------------------------------------------------------

    for (const kind of ['user', 'group', 'role'] as const) {
      test(`attachPolicy on a ${kind}: idempotent, NotFound cases, quota, list`, async () => {
        await withStore(backend, async (store) => {
          await createPrincipal(store, kind, 'target');
          const a = await createPolicy(store, 'Bravo');
          const b = await createPolicy(store, 'alpha');
          await store.attachPolicy(OWNER, kind, 'TARGET', a);
          await store.attachPolicy(OWNER, kind, 'target', a); // idempotent
          await store.attachPolicy(OWNER, kind, 'target', b);
          const attached = await store.listAttachedPolicies(OWNER, kind, 'target');
          assert.deepEqual(attached.map((p) => [p.policyName, p.attachmentCount]), [['alpha', 1], ['Bravo', 1]]);

          await rejectsWith(store.attachPolicy(OWNER, kind, 'ghost', a), 'NotFound');
          await rejectsWith(store.attachPolicy(OWNER, kind, 'target', `arn:aws:iam::${OWNER}:policy/none`), 'NotFound');
          const foreign = await createPolicy(store, 'Foreign', PARTNER);
          await rejectsWith(store.attachPolicy(OWNER, kind, 'target', foreign), 'NotFound');
          await rejectsWith(store.listAttachedPolicies(OWNER, kind, 'ghost'), 'NotFound');

          await store.detachPolicy(OWNER, kind, 'target', a);
          await rejectsWith(store.detachPolicy(OWNER, kind, 'target', a), 'NotFound');
          await rejectsWith(store.detachPolicy(OWNER, kind, 'ghost', a), 'NotFound');
          assert.equal((await store.getManagedPolicy(a))?.attachmentCount, 0);

          for (let i = 1; i < LIMITS.attachedPoliciesPerPrincipal; i++) {
            await store.attachPolicy(OWNER, kind, 'target', await createPolicy(store, `Many${i}`));
          }
          await store.attachPolicy(OWNER, kind, 'target', b); // already attached: idempotent at the limit
          await rejectsWith(store.attachPolicy(OWNER, kind, 'target', a), 'LimitExceeded');
        });
      });
    }

    // ---- Listing and paging ----------------------------------------------------------------------

    test('listUsers, listGroups, listRoles: ordered by name, markers, maxItems, pathPrefix', async () => {
      await withStore(backend, async (store) => {
        const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'];
        for (const n of names) {
          const p = n === 'charlie' || n === 'echo' ? '/ops/' : '/';
          await store.createUser(user(n, { path: p }));
          await store.createGroup(group(n, { path: p }));
          await store.createRole(role(n, { path: p }));
        }
        await store.createUser(user('zulu', { accountId: PARTNER }));
        const sorted = ['Alpha', 'Bravo', 'charlie', 'delta', 'echo'];

        const lists = {
          users: (pg: object) => store.listUsers(OWNER, pg).then((r) => ({ names: r.items.map((u) => u.userName), next: r.nextMarker })),
          groups: (pg: object) => store.listGroups(OWNER, pg).then((r) => ({ names: r.items.map((u) => u.groupName), next: r.nextMarker })),
          roles: (pg: object) => store.listRoles(OWNER, pg).then((r) => ({ names: r.items.map((u) => u.roleName), next: r.nextMarker })),
        };
        for (const [what, list] of Object.entries(lists)) {
          assert.deepEqual(await list({}), { names: sorted, next: null }, what);
          const seen: string[] = [];
          let marker: string | undefined;
          let pages = 0;
          do {
            const pageResult: { names: string[]; next: string | null } = await list({ maxItems: 2, ...(marker ? { marker } : {}) });
            seen.push(...pageResult.names);
            marker = pageResult.next ?? undefined;
            pages++;
          } while (marker);
          assert.deepEqual(seen, sorted, what);
          assert.equal(pages, 3, what);
          const exact = await list({ maxItems: 5 });
          assert.equal(exact.next, null, `${what}: no marker when the page holds the rest`);
          assert.deepEqual((await list({ pathPrefix: '/ops/' })).names, ['charlie', 'echo'], what);
          assert.deepEqual((await list({ pathPrefix: '/op' })).names, ['charlie', 'echo'], what);
          assert.deepEqual((await list({ pathPrefix: '/nope/' })).names, [], what);
          const first = await list({ pathPrefix: '/ops/', maxItems: 1 });
          assert.deepEqual(first.names, ['charlie']);
          assert.deepEqual((await list({ pathPrefix: '/ops/', maxItems: 1, marker: first.next })).names, ['echo']);
        }
      });
    });

    test('list pages default to 100 items', async () => {
      await withStore(backend, async (store) => {
        for (let i = 0; i < 105; i++) await store.createUser(user(`user${String(i).padStart(3, '0')}`));
        const first = await store.listUsers(OWNER, {});
        assert.equal(first.items.length, 100);
        assert.ok(first.nextMarker);
        const rest = await store.listUsers(OWNER, { marker: first.nextMarker });
        assert.deepEqual(rest.items.map((u) => u.userName), ['user100', 'user101', 'user102', 'user103', 'user104']);
        assert.equal(rest.nextMarker, null);
      });
    });

    test('listManagedPolicies: scope, onlyAttached, pathPrefix, markers across AWS and local names', async () => {
      await withStore(backend, async (store) => {
        const mk = async (name: string, accountId: string, pathName = '/') => {
          const [p, v] = policy(name, accountId, pathName);
          const arn = accountId === 'aws' ? `arn:aws:iam::aws:policy${pathName}${name}` : p.arn;
          await store.createManagedPolicy({ ...p, arn }, { ...v, policyArn: arn });
          return arn;
        };
        const awsAdmin = await mk('AdministratorAccess', 'aws');
        await mk('AWSLambda_ReadOnlyAccess', 'aws', '/service-role/');
        const localAdmin = await mk('administratoraccess', OWNER);
        await mk('Custom', OWNER, '/team/');
        await mk('PartnerPolicy', PARTNER);
        await store.createUser(user('u'));
        await store.attachPolicy(OWNER, 'user', 'u', awsAdmin);
        await store.createUser(user('pu', { accountId: PARTNER }));
        await store.attachPolicy(PARTNER, 'user', 'pu', `arn:aws:iam::aws:policy/service-role/AWSLambda_ReadOnlyAccess`);

        const names = async (scope: 'All' | 'AWS' | 'Local', onlyAttached = false, page = {}) =>
          (await store.listManagedPolicies(OWNER, scope, onlyAttached, page)).items.map((p) => p.arn);
        assert.deepEqual(await names('AWS'), [awsAdmin, 'arn:aws:iam::aws:policy/service-role/AWSLambda_ReadOnlyAccess']);
        assert.deepEqual(await names('Local'), [localAdmin, `arn:aws:iam::${OWNER}:policy/team/Custom`]);
        assert.deepEqual(await names('All'), [
          localAdmin, awsAdmin, 'arn:aws:iam::aws:policy/service-role/AWSLambda_ReadOnlyAccess', `arn:aws:iam::${OWNER}:policy/team/Custom`,
        ].sort((a, b) => {
          const key = (arn: string) => `${arn.slice(arn.lastIndexOf('/') + 1).toLowerCase()}\n${arn}`;
          return key(a) < key(b) ? -1 : 1;
        }));
        // attached in this account only (the ReadOnly policy is attached in the partner account)
        assert.deepEqual(await names('All', true), [awsAdmin]);
        const listed = await store.listManagedPolicies(OWNER, 'All', true, {});
        assert.equal(listed.items[0]?.attachmentCount, 1);
        assert.deepEqual(await names('All', false, { pathPrefix: '/team/' }), [`arn:aws:iam::${OWNER}:policy/team/Custom`]);

        // paging one at a time walks through both same-named policies
        const all = await names('All');
        const seen: string[] = [];
        let marker: string | null = null;
        do {
          const page: { items: ManagedPolicyRecord[]; nextMarker: string | null } =
            await store.listManagedPolicies(OWNER, 'All', false, { maxItems: 1, ...(marker ? { marker } : {}) });
          seen.push(...page.items.map((p) => p.arn));
          marker = page.nextMarker;
        } while (marker);
        assert.deepEqual(seen, all);
      });
    });

    // ---- Credentials -----------------------------------------------------------------------------

    test('access keys: create, limit of 2, lookup, list, status, delete, every error', async () => {
      await withStore(backend, async (store) => {
        await store.createUser(user('Frank'));
        const k1 = accessKey('frank', { createDate: '2024-01-01T00:00:00.000Z' });
        const k2 = accessKey('FRANK', { createDate: '2024-01-02T00:00:00.000Z' });
        await store.createAccessKey(k1);
        await store.createAccessKey(k2);
        await rejectsWith(store.createAccessKey(accessKey('frank')), 'LimitExceeded');
        await rejectsWith(store.createAccessKey(accessKey('ghost')), 'NotFound');

        assert.deepEqual(await store.getCredentials(k1.accessKeyId), { accessKey: { ...k1, userName: 'Frank' } });
        assert.equal(await store.getCredentials('AKIANOTAKEY000000000'), null);
        assert.deepEqual((await store.listAccessKeys(OWNER, 'frank')).map((k) => k.accessKeyId), [k1.accessKeyId, k2.accessKeyId]);
        await rejectsWith(store.listAccessKeys(OWNER, 'ghost'), 'NotFound');

        await store.updateAccessKey(OWNER, 'frank', k1.accessKeyId, 'Inactive');
        const got = await store.getCredentials(k1.accessKeyId);
        assert.ok(got && 'accessKey' in got && got.accessKey.status === 'Inactive');
        await store.createUser(user('grace'));
        await rejectsWith(store.updateAccessKey(OWNER, 'grace', k1.accessKeyId, 'Active'), 'NotFound'); // not grace's key
        await rejectsWith(store.updateAccessKey(OWNER, 'ghost', k1.accessKeyId, 'Active'), 'NotFound');
        await rejectsWith(store.deleteAccessKey(OWNER, 'grace', k1.accessKeyId), 'NotFound');

        await store.deleteAccessKey(OWNER, 'frank', k1.accessKeyId);
        await rejectsWith(store.deleteAccessKey(OWNER, 'frank', k1.accessKeyId), 'NotFound');
        assert.equal(await store.getCredentials(k1.accessKeyId), null);
        await store.createAccessKey(accessKey('frank')); // room again
        await rejectsWith(store.createAccessKey({ ...accessKey('grace'), accessKeyId: k2.accessKeyId }), 'AlreadyExists');
      });
    });

    test('sessions: put, lookup, ids shared with access keys, expiry', async () => {
      await withStore(backend, async (store) => {
        const s1 = session({ sessionPolicy: '{"Version":"2012-10-17"}', sessionPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], sourceIdentity: 'me' });
        const s2 = session({
          kind: 'SessionToken', roleArn: null, roleId: null, sessionName: null, userName: 'frank', expiresAt: '2024-01-01T12:00:00.000Z',
        });
        await store.putSession(s1);
        await store.putSession(s2);
        assert.deepEqual(await store.getCredentials(s1.accessKeyId), { session: s1 });
        assert.deepEqual(await store.getCredentials(s2.accessKeyId), { session: s2 });
        await rejectsWith(store.putSession(s1), 'AlreadyExists');
        await rejectsWith(store.putSession(session({ accountId: '999999999999' })), 'NotFound');

        // one id space: a session id cannot reuse a key id and vice versa
        await store.createUser(user('keyholder'));
        const k = accessKey('keyholder');
        await store.createAccessKey(k);
        await rejectsWith(store.putSession(session({ accessKeyId: k.accessKeyId })), 'AlreadyExists');
        await rejectsWith(store.createAccessKey(accessKey('keyholder', { accessKeyId: s1.accessKeyId })), 'AlreadyExists');
        // a long-term key whose id looks like a session's is still found
        const odd = accessKey('keyholder', { accessKeyId: 'ASIAODDLONGTERMKEY00' });
        await store.createAccessKey(odd);
        assert.deepEqual(await store.getCredentials(odd.accessKeyId), { accessKey: odd });

        assert.equal(await store.deleteExpiredSessions('2024-01-01T00:59:59.000Z'), 0);
        assert.equal(await store.deleteExpiredSessions('2024-01-01T06:00:00.000Z'), 1);
        assert.equal(await store.getCredentials(s1.accessKeyId), null);
        assert.ok(await store.getCredentials(s2.accessKeyId));
        assert.equal(await store.deleteExpiredSessions('2025-01-01T00:00:00.000Z'), 1);
      });
    });

    // ---- Errors never leak SQLite ----------------------------------------------------------------

    test('a record the schema rejects becomes a plain Error, never an SqliteError', async () => {
      await withStore(backend, async (store) => {
        const bad = { ...user('nullpath'), path: null } as unknown as UserRecord;
        await assert.rejects(store.createUser(bad), (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.ok(!(err instanceof Database.SqliteError));
          assert.ok(!(err instanceof StoreError));
          return true;
        });
        assert.equal(await store.getUser(OWNER, 'nullpath'), null);
      });
    });

    test('a failed multi-step mutation leaves nothing behind', async () => {
      await withStore(backend, async (store) => {
        const [p, v] = policy('Atomic');
        // the version insert fails (NOT NULL) after the policy row was inserted: both roll back
        await assert.rejects(store.createManagedPolicy(p, { ...v, document: null as unknown as string }));
        assert.equal(await store.getManagedPolicy(p.arn), null);
        await store.createManagedPolicy(p, v);
        assert.ok(await store.getManagedPolicy(p.arn));
      });
    });

    // ---- Concurrency -----------------------------------------------------------------------------

    test('50 parallel createUser + attachPolicy: no lost or duplicated rows', async () => {
      await withStore(backend, async (store) => {
        const arn = await createPolicy(store, 'Shared');
        const names = Array.from({ length: 50 }, (_, i) => `worker${String(i).padStart(2, '0')}`);
        await Promise.all(names.map(async (n) => {
          await store.createUser(user(n));
          await store.attachPolicy(OWNER, 'user', n, arn);
        }));
        const users = await store.listUsers(OWNER, { maxItems: 1000 });
        assert.deepEqual(users.items.map((u) => u.userName), names);
        assert.equal((await store.getManagedPolicy(arn))?.attachmentCount, 50);
        for (const n of names) assert.deepEqual((await store.listAttachedPolicies(OWNER, 'user', n)).map((p) => p.arn), [arn]);

        // interleaved create + attach across all 50 at once, each as separate promises
        const names2 = names.map((n) => `${n}b`);
        await Promise.all([...names2.map((n) => store.createUser(user(n))), ...names2.map((n) => store.createGroup(group(n)))]);
        await Promise.all(names2.map((n) => store.attachPolicy(OWNER, 'group', n, arn)));
        assert.equal((await store.getManagedPolicy(arn))?.attachmentCount, 100);
      });
    });

    test('a name taken concurrently: exactly one createUser succeeds, the rest are AlreadyExists', async () => {
      await withStore(backend, async (store) => {
        const spellings = Array.from({ length: 20 }, (_, i) => ['Contested', 'CONTESTED', 'contested', 'conTESTed'][i % 4]!);
        const results = await Promise.allSettled(spellings.map((n) => store.createUser(user(n))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') isStoreError('AlreadyExists')(r.reason);
        assert.equal((await store.listUsers(OWNER, {})).items.length, 1);
      });
    });

    test('separate connections (worker threads) race for the same quota and names without losing writes', async () => {
      const dir = tempDir();
      const location = await backend.location(dir);
      const store = await openStore(location);
      try {
        await seedAccounts(store);
        await store.createUser(user('shared'));
        const workerCode = `
          import { parentPort, workerData } from 'node:worker_threads';
          const { openStore } = await import(workerData.url);
          const store = await openStore(workerData.location);
          // start together: every worker waits until all have opened the store
          const gate = new Int32Array(workerData.gate);
          Atomics.add(gate, 0, 1);
          while (Atomics.load(gate, 0) < workerData.workers) Atomics.wait(gate, 0, Atomics.load(gate, 0), 5);
          const out = { created: 0, keys: 0, codes: [] };
          for (let i = 0; i < 25; i++) {
            const name = 'w' + workerData.n + '_' + i;
            await store.createUser({ accountId: '${OWNER}', userName: name, userId: 'AIDA' + workerData.n + '_' + i, path: '/',
              arn: 'arn', createDate: '${AT}', permissionsBoundaryArn: null, tags: [] });
            out.created++;
            try {
              await store.createUser({ accountId: '${OWNER}', userName: 'Dup' + i, userId: 'AIDADUP' + workerData.n + '_' + i, path: '/',
                arn: 'arn', createDate: '${AT}', permissionsBoundaryArn: null, tags: [] });
            } catch (e) { out.codes.push(e.code); }
            try {
              await store.createAccessKey({ accessKeyId: 'AKIA' + workerData.n + '_' + i, secretAccessKey: 's', accountId: '${OWNER}',
                userName: 'shared', status: 'Active', createDate: '${AT}' });
              out.keys++;
            } catch (e) { out.codes.push(e.code); }
          }
          await store.close();
          parentPort.postMessage(out);
        `;
        const gate = new SharedArrayBuffer(4);
        const run = (n: number) => new Promise<{ created: number; keys: number; codes: string[] }>((resolve, reject) => {
          const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerCode)}`), {
            workerData: { url: STORE_URL, location, n, gate, workers: 4 },
          });
          w.once('message', resolve);
          w.once('error', reject);
        });
        const results = await Promise.all([0, 1, 2, 3].map(run));
        assert.equal(results.reduce((a, r) => a + r.created, 0), 100);
        assert.equal(results.reduce((a, r) => a + r.keys, 0), LIMITS.accessKeysPerUser);
        const codes = results.flatMap((r) => r.codes);
        assert.equal(codes.filter((c) => c === 'AlreadyExists').length, 25 * 3, 'each Dup name created once, refused three times');
        assert.equal(codes.filter((c) => c === 'LimitExceeded').length, 100 - LIMITS.accessKeysPerUser);
        assert.equal(codes.length, 25 * 3 + 100 - LIMITS.accessKeysPerUser);
        const all = await store.listUsers(OWNER, { maxItems: 1000 });
        assert.equal(all.items.length, 1 + 100 + 25);
        assert.equal((await store.listAccessKeys(OWNER, 'shared')).length, LIMITS.accessKeysPerUser);
      } finally {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('root access keys: create, lookup beside user keys and sessions, list, every error', async () => {
      await withStore(backend, async (store) => {
        const root = { accessKeyId: 'AKIAROOTKEY000000001', secretAccessKey: 's'.repeat(40), accountId: OWNER, status: 'Active' as const, createDate: '2024-01-01T00:00:00.000Z' };
        await store.createRootAccessKey(root);
        assert.deepEqual(await store.getCredentials(root.accessKeyId), { rootKey: root });
        assert.deepEqual(await store.listRootAccessKeys(OWNER), [root]);
        await rejectsWith(store.createRootAccessKey(root), 'AlreadyExists');
        await rejectsWith(store.createRootAccessKey({ ...root, accessKeyId: 'AKIAROOTKEY000000002', accountId: '999999999999' }), 'NotFound');
        await store.createUser(user('Ann'));
        await store.createAccessKey(accessKey('Ann', { accessKeyId: 'AKIAUSERKEY000000001' }));
        await rejectsWith(store.createRootAccessKey({ ...root, accessKeyId: 'AKIAUSERKEY000000001' }), 'AlreadyExists');
      });
    });

    test('Lambda documents: transactions, prefix lists in key order, pages, rollback; code by SHA-256', async () => {
      await withStore(backend, async (store) => {
        await store.lambdaTransact(async (tx) => {
          await tx.put('function', 'acct:us-east-1:b', { name: 'b' });
          await tx.put('function', 'acct:us-east-1:a', { name: 'a' });
          await tx.put('function', 'acct:us-west-2:c', { name: 'c' });
          await tx.put('alias', 'acct:us-east-1:a:prod', { name: 'prod' });
        });
        assert.deepEqual(await store.lambdaGet('function', 'acct:us-east-1:a'), { name: 'a' });
        assert.equal(await store.lambdaGet('function', 'acct:us-east-1:zzz'), null);
        const listed = await store.lambdaTransact(async (tx) => tx.list<{ name: string }>('function', 'acct:us-east-1:'));
        assert.deepEqual(listed.map((d) => d.name), ['a', 'b']);

        const first = await store.lambdaList<{ name: string }>('function', 'acct:', { maxItems: 2 });
        assert.deepEqual(first.items.map((d) => d.name), ['a', 'b']);
        const second = await store.lambdaList<{ name: string }>('function', 'acct:', { maxItems: 2, marker: first.nextMarker! });
        assert.deepEqual(second.items.map((d) => d.name), ['c']);
        assert.equal(second.nextMarker, null);

        await assert.rejects(
          store.lambdaTransact(async (tx) => {
            await tx.put('function', 'acct:us-east-1:d', { name: 'd' });
            throw new Error('no');
          }),
          /no/,
        );
        assert.equal(await store.lambdaGet('function', 'acct:us-east-1:d'), null, 'a failed transaction writes nothing');
        assert.equal(await store.lambdaTransact(async (tx) => tx.delete('function', 'acct:us-east-1:b')), true);
        assert.equal(await store.lambdaTransact(async (tx) => tx.delete('function', 'acct:us-east-1:b')), false);

        const zip = Buffer.from('PK\x03\x04 not really a zip');
        await store.putCode('abc', zip);
        await store.putCode('abc', zip);
        assert.deepEqual(await store.getCode('abc'), zip);
        assert.equal(await store.getCode('missing'), null);
      });
    });

    // ---- Durability ------------------------------------------------------------------------------

    test('an acknowledged write survives kill -9 of the process', async () => {
      const dir = tempDir();
      try {
        const location = await backend.location(dir);
        const script = `
          const { openStore } = await import(${JSON.stringify(STORE_URL)});
          const store = await openStore(${JSON.stringify(location)});
          await store.putAccount({ accountId: '${OWNER}', name: 'o', email: 'e', organizationId: null, parentId: null, joinedAt: '${AT}' });
          for (let i = 0; i < 20; i++) {
            await store.createUser({ accountId: '${OWNER}', userName: 'durable' + i, userId: 'AIDADURABLE' + i, path: '/', arn: 'arn',
              createDate: '${AT}', permissionsBoundaryArn: null, tags: [] });
            process.stdout.write('ack ' + i + '\\n');
          }
          setInterval(() => {}, 1000);
        `;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        const acked = await new Promise<number>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('ack 19\n')) {
              child.kill('SIGKILL');
              resolve(20);
            }
          });
          child.once('exit', (code, signal) => { if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}`)); });
        });
        await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
        const store = await openStore(location);
        try {
          const users = await store.listUsers(OWNER, {});
          assert.equal(users.items.length, acked);
        } finally {
          await store.close();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('Lambda read-modify-write transactions racing on one document lose no update', async () => {
      await withStore(backend, async (store) => {
        await store.lambdaTransact(async (tx) => tx.put('policy', 'counter', { n: 0, sids: [] as string[] }));
        await Promise.all(Array.from({ length: 30 }, (_, i) => store.lambdaTransact(async (tx) => {
          const doc = (await tx.get<{ n: number; sids: string[] }>('policy', 'counter'))!;
          await tx.put('policy', 'counter', { n: doc.n + 1, sids: [...doc.sids, `s${i}`] });
        })));
        const doc = await store.lambdaGet<{ n: number; sids: string[] }>('policy', 'counter');
        assert.equal(doc?.n, 30);
        assert.equal(new Set(doc?.sids).size, 30);
      });
    });

    test('cluster rows: world revision, concurrency slots counted across holders, leases', async () => {
      await withStore(backend, async (store) => {
        const r0 = await store.worldRevision();
        assert.equal(await store.bumpWorldRevision(), r0 + 1);
        assert.equal(await store.worldRevision(), r0 + 1);
        const results = await Promise.all(['a', 'b', 'c', 'd'].map((h) => store.acquireConcurrency('fn', h, 2, 1000, 5000)));
        assert.equal(results.filter(Boolean).length, 2, 'two of four holders get a slot of two');
        const holder = ['a', 'b', 'c', 'd'][results.indexOf(true)]!;
        await store.releaseConcurrency('fn', holder);
        assert.equal(await store.acquireConcurrency('fn', 'e', 2, 1000, 5000), true, 'a released slot is free again');
        assert.equal(await store.acquireConcurrency('fn', 'f', 2, 1000, 5000), false);
        assert.equal(await store.acquireConcurrency('fn', 'f', 2, 5000, 9000), true, 'expired slots free themselves');
        assert.equal(await store.acquireLease('mapping', 'node1', 1000, 2000), true);
        assert.equal(await store.acquireLease('mapping', 'node2', 1500, 2500), false, 'held by another node');
        assert.equal(await store.acquireLease('mapping', 'node1', 1500, 3000), true, 'renewed by its owner');
        assert.equal(await store.acquireLease('mapping', 'node2', 3000, 4000), true, 'taken over once expired');
        await store.releaseLease('mapping', 'node1');
        assert.equal(await store.acquireLease('mapping', 'node1', 3100, 4100), false, 'releasing a lease one no longer holds does nothing');
      });
    });

    test('Lambda reads: frozen documents shared between reads, never older than the last committed transaction', async () => {
      await withStore(backend, async (store) => {
        await store.lambdaTransact(async (tx) => tx.put('policy', 'shared', { statements: [{ Sid: 'a' }] }));
        const first = await store.lambdaGet<{ statements: { Sid: string }[] }>('policy', 'shared');
        assert.ok(Object.isFrozen(first) && Object.isFrozen(first!.statements[0]), 'readers share the document: it is frozen all the way down');
        assert.throws(() => first!.statements.push({ Sid: 'x' }), TypeError);
        assert.equal(await store.lambdaGet('policy', 'shared'), first, 'an unchanged document is not parsed again');
        const viewed = await store.lambdaView(async (tx) => tx.get('policy', 'shared'));
        assert.equal(viewed, first);
        await store.lambdaTransact(async (tx) => {
          const doc = (await tx.get<{ statements: { Sid: string }[] }>('policy', 'shared'))!;
          assert.ok(!Object.isFrozen(doc), 'a transaction reads its own copy to change');
          doc.statements.push({ Sid: 'b' });
          await tx.put('policy', 'shared', doc);
        });
        assert.deepEqual((await store.lambdaGet<{ statements: { Sid: string }[] }>('policy', 'shared'))?.statements.map((s) => s.Sid), ['a', 'b']);
        await store.lambdaTransact(async (tx) => tx.delete('policy', 'shared'));
        assert.equal(await store.lambdaGet('policy', 'shared'), null, 'a deleted document is gone for readers at once');
        await assert.rejects(store.lambdaTransact(async (tx) => {
          await tx.put('policy', 'shared', { statements: [] });
          throw new Error('rolled back');
        }), /rolled back/);
        assert.equal(await store.lambdaGet('policy', 'shared'), null, 'nor does a rolled-back write reach them');
      });
    });

    test('Lambda reads: a view answered from memory waits for no transaction; one that reads waits for its commit', async () => {
      await withStore(backend, async (store) => {
        await store.lambdaTransact(async (tx) => tx.put('function', 'held', { v: 1 }));
        const remembered = await store.lambdaGet('function', 'held');
        let finish!: () => void;
        const holding = new Promise<void>((resolve) => { finish = resolve; });
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => { entered = resolve; });
        const writing = store.lambdaTransact(async (tx) => {
          await tx.put('function', 'other', { v: 1 });
          entered();
          await holding;
        });
        await inside;
        // Answered while the write is still open (on SQLite, where transactions take turns, it used to wait).
        assert.equal(await store.lambdaView(async (tx) => tx.get('function', 'held')), remembered);
        const reading = store.lambdaView(async (tx) => tx.get('function', 'other'));
        finish();
        await writing;
        // SQLite's read waited for the commit. (PostgreSQL's readers never wait: its snapshot is
        // from before the commit or after it, depending on when the connection came.)
        if (backend === sqlite) assert.deepEqual(await reading, { v: 1 }, 'a read that runs waits for the transaction before it');
        else await reading;
      });
    });
  });
}

/** `nodes` stores opened together on one new PostgreSQL database, as that many Latchkey nodes would be; closed after. */
async function withPostgresNodes(nodes: number, fn: (stores: Store[]) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const location = await postgres.location(dir);
  const stores = await Promise.all(Array.from({ length: nodes }, () => openStore(location)));
  try {
    await fn(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const needsPostgres = { skip: !postgresAdmin && 'no PostgreSQL' };

test('PostgreSQL: nodes opening one new database together apply each migration once', needsPostgres, async () => {
  await withPostgresNodes(3, async (stores) => {
    for (const store of stores) assert.equal(await store.worldRevision(), 0);
    await stores[0]!.putAccount({ accountId: OWNER, name: 'o', email: 'e', organizationId: null, parentId: null, joinedAt: AT });
    assert.equal((await stores[2]!.listAccounts()).length, 1);
  });
});

test('PostgreSQL: a document another node changed is read anew after the next revision read (as every request starts with)', needsPostgres, async () => {
  await withPostgresNodes(2, async ([a, b]) => {
    await a!.lambdaTransact(async (tx) => tx.put('function', 'f', { v: 1 }));
    await b!.worldRevision();
    const first = await b!.lambdaGet('function', 'f');
    assert.deepEqual(first, { v: 1 });
    await a!.lambdaTransact(async (tx) => tx.put('function', 'f', { v: 2 }));
    assert.equal(await b!.lambdaGet('function', 'f'), first, 'until then, from memory: no round trip');
    assert.equal(await b!.lambdaView(async (tx) => tx.get('function', 'f')), first);
    await b!.worldRevision();
    assert.deepEqual(await b!.lambdaGet('function', 'f'), { v: 2 });
    await a!.lambdaTransact(async (tx) => tx.delete('function', 'f'));
    await b!.worldRevision();
    assert.equal(await b!.lambdaGet('function', 'f'), null);
    assert.equal(await b!.lambdaView(async (tx) => tx.has('function', 'f')), false);
  });
});
