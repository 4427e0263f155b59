// The SQLite store: one database file, `<stateDir>/latchkey.db`, opened with
// better-sqlite3. Every mutation runs as one IMMEDIATE transaction (the write lock is taken
// at BEGIN, so a check-then-write such as "fewer than 2 access keys" cannot race another
// connection), every multi-statement read as one deferred transaction (a consistent
// snapshot). Statements are prepared once, when the store opens.
//
// better-sqlite3 is synchronous: a call runs to completion before the next one starts, so
// within the process the transactions are serialized; across processes SQLite's locks
// (with busy_timeout) do it. Methods stay async to keep the Store contract that a
// PostgreSQL store will share.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.js';
import { translate, type ErrorContext } from './sqliteErrors.js';
import { SqliteLogsStore } from './sqliteLogs.js';
import type { LogsStore } from './logs.js';
import { SqliteSqsStore } from './sqliteSqs.js';
import type { SqsStore } from './sqs.js';
import {
  StoreError,
  type AccessKeyRecord,
  type AccountRecord,
  type GroupRecord,
  type InlinePolicyRecord,
  type ManagedPolicyRecord,
  type OrganizationRecord,
  type OrganizationalUnitRecord,
  type OrgPolicyRecord,
  type Page,
  type PageRequest,
  type PolicyVersionRecord,
  type PrincipalKind,
  type RoleRecord,
  type SessionRecord,
  type Credentials,
  type LambdaKind,
  type LambdaTransaction,
  type LambdaReader,
  type RootAccessKeyRecord,
  type Store,
  type Tag,
  type UserRecord,
} from './store.js';

export const DATABASE_FILE = 'latchkey.db';

/** IAM's quotas that the store enforces (LimitExceeded). */
export const LIMITS = {
  accessKeysPerUser: 2,
  versionsPerPolicy: 5,
  attachedPoliciesPerPrincipal: 10,
  groupsPerUser: 10,
} as const;

const DEFAULT_MAX_ITEMS = 100;
const AWS_ACCOUNT = 'aws';

type Db = Database.Database;
type Stmt = Database.Statement;

/** Opens (creating if needed) the store in `stateDir` and brings its schema up to date. */
export async function openSqliteStore(stateDir: string): Promise<Store> {
  fs.mkdirSync(stateDir, { recursive: true });
  const db = new Database(path.join(stateDir, DATABASE_FILE));
  try {
    // Wait for a competing writer (another process on the same state dir) instead of failing.
    db.pragma('busy_timeout = 5000');
    // WAL + synchronous=NORMAL: a commit is appended to the WAL file with write(2) before
    // the call returns, so it lives in the OS page cache and survives a crash of the
    // process (kill -9): an acknowledged write is never lost that way. Only an OS crash or
    // power loss can drop the most recent commits (never corrupt the database); FULL would
    // fsync every commit to cover that too, at a large cost per write.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`Latchkey store: cannot enable WAL (journal_mode=${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies the migrations not yet recorded in schema_migrations, all in one transaction. */
function migrate(db: Db): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) throw new Error('Latchkey store: migrations must have increasing versions');
  }
  const known = migrations.at(-1)?.version ?? 0;
  db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_TABLE);
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new Error(`Latchkey store: the database has schema version ${newest}, newer than this Latchkey knows (${known})`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements) db.exec(sql);
      record.run(m.version, new Date().toISOString());
    }
  }).immediate();
}

// ---- Rows ------------------------------------------------------------------------------

interface AccountRow { account_id: string; name: string; email: string; organization_id: string | null; parent_id: string | null; joined_at: string }
interface OrganizationRow { organization_id: string; management_account_id: string; root_id: string; feature_set: 'ALL' }
interface OuRow { ou_id: string; organization_id: string; name: string; parent_id: string }
interface OrgPolicyRow { policy_id: string; organization_id: string; name: string; description: string; type: 'SERVICE_CONTROL_POLICY'; content: string; aws_managed: number }
interface UserRow { user_id: string; account_id: string; user_name: string; name_lower: string; path: string; arn: string; create_date: string; permissions_boundary_arn: string | null; tags: string }
interface GroupRow { group_id: string; account_id: string; group_name: string; name_lower: string; path: string; arn: string; create_date: string }
interface RoleRow {
  role_id: string; account_id: string; role_name: string; name_lower: string; path: string; arn: string; create_date: string;
  assume_role_policy_document: string; description: string | null; max_session_duration: number; permissions_boundary_arn: string | null; tags: string;
}
interface PolicyRow {
  arn: string; account_id: string; policy_name: string; name_lower: string; policy_id: string; path: string; description: string | null;
  default_version_id: string; create_date: string; update_date: string; tags: string; attachment_count: number; boundary_usage_count: number;
}
interface VersionRow { policy_arn: string; version_id: string; document: string; create_date: string; default_version_id: string }
interface InlineRow { policy_name: string; document: string }
interface RootKeyRow { access_key_id: string; account_id: string; secret_access_key: string; status: 'Active' | 'Inactive'; create_date: string }
interface AccessKeyRow { access_key_id: string; secret_access_key: string; status: 'Active' | 'Inactive'; create_date: string; account_id: string; user_name: string }
interface SessionRow {
  access_key_id: string; secret_access_key: string; session_token: string; account_id: string; kind: 'AssumedRole' | 'SessionToken';
  role_arn: string | null; role_id: string | null; session_name: string | null; user_name: string | null; session_policy: string | null;
  session_policy_arns: string; source_identity: string | null; issued_at: string; expires_at: string; user_id: string | null;
}
interface PrincipalRow { id: string; name: string }

const toAccount = (r: AccountRow): AccountRecord => ({
  accountId: r.account_id, name: r.name, email: r.email, organizationId: r.organization_id, parentId: r.parent_id, joinedAt: r.joined_at,
});
const toOrganization = (r: OrganizationRow): OrganizationRecord => ({
  organizationId: r.organization_id, managementAccountId: r.management_account_id, rootId: r.root_id, featureSet: r.feature_set,
});
const toOu = (r: OuRow): OrganizationalUnitRecord => ({ ouId: r.ou_id, organizationId: r.organization_id, name: r.name, parentId: r.parent_id });
const toOrgPolicy = (r: OrgPolicyRow): OrgPolicyRecord => ({
  policyId: r.policy_id, organizationId: r.organization_id, name: r.name, description: r.description, type: r.type, content: r.content,
  awsManaged: r.aws_managed === 1,
});
const toUser = (r: UserRow): UserRecord => ({
  accountId: r.account_id, userName: r.user_name, userId: r.user_id, path: r.path, arn: r.arn, createDate: r.create_date,
  permissionsBoundaryArn: r.permissions_boundary_arn, tags: parseTags(r.tags),
});
const toGroup = (r: GroupRow): GroupRecord => ({
  accountId: r.account_id, groupName: r.group_name, groupId: r.group_id, path: r.path, arn: r.arn, createDate: r.create_date,
});
const toRole = (r: RoleRow): RoleRecord => ({
  accountId: r.account_id, roleName: r.role_name, roleId: r.role_id, path: r.path, arn: r.arn, createDate: r.create_date,
  assumeRolePolicyDocument: r.assume_role_policy_document, description: r.description, maxSessionDuration: r.max_session_duration,
  permissionsBoundaryArn: r.permissions_boundary_arn, tags: parseTags(r.tags),
});
const toPolicy = (r: PolicyRow): ManagedPolicyRecord => ({
  arn: r.arn, accountId: r.account_id, policyName: r.policy_name, policyId: r.policy_id, path: r.path, description: r.description,
  defaultVersionId: r.default_version_id, createDate: r.create_date, updateDate: r.update_date, attachmentCount: r.attachment_count,
  boundaryUsageCount: r.boundary_usage_count, tags: parseTags(r.tags),
});
const toVersion = (r: VersionRow): PolicyVersionRecord => ({
  policyArn: r.policy_arn, versionId: r.version_id, document: r.document, isDefault: r.version_id === r.default_version_id, createDate: r.create_date,
});
const toRootKey = (r: RootKeyRow): RootAccessKeyRecord => ({
  accessKeyId: r.access_key_id,
  secretAccessKey: r.secret_access_key,
  accountId: r.account_id,
  status: r.status,
  createDate: r.create_date,
});

const toAccessKey = (r: AccessKeyRow): AccessKeyRecord => ({
  accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key, accountId: r.account_id, userName: r.user_name, status: r.status,
  createDate: r.create_date,
});
const toSession = (r: SessionRow): SessionRecord => ({
  accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key, sessionToken: r.session_token, accountId: r.account_id, kind: r.kind,
  roleArn: r.role_arn, roleId: r.role_id, sessionName: r.session_name, userName: r.user_name, sessionPolicy: r.session_policy,
  sessionPolicyArns: JSON.parse(r.session_policy_arns) as string[], sourceIdentity: r.source_identity, issuedAt: r.issued_at, expiresAt: r.expires_at,
  userId: r.user_id,
});

function parseTags(json: string): Tag[] {
  return JSON.parse(json) as Tag[];
}

const lower = (name: string): string => name.toLowerCase();

/** Numeric part of a version id ('v12' → 12), for newest-first ordering. */
const versionNumber = (id: string): number => Number(/\d+/.exec(id)?.[0] ?? 0);

// ---- Pagination --------------------------------------------------------------------------
// Lists are ordered by the lower-cased name (the UNIQUE index), so a marker is the sort key
// of the last item returned, base64url-encoded. Managed policies add the ARN as a
// tie-breaker because AWS and local policies can share a name.

const encodeMarker = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
const decodeMarker = (marker: string | undefined): string => (marker ? Buffer.from(marker, 'base64url').toString('utf8') : '');

function pageLimit(page: PageRequest): number {
  const n = page.maxItems;
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_MAX_ITEMS;
  return Math.max(1, Math.floor(n));
}

function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(map), nextMarker: more ? encodeMarker(key(items[items.length - 1]!)) : null };
}

// ---- Errors: sqliteErrors.ts ----------------------------------------------------------------

/** The smallest string greater than every string starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}

const notFound = (message: string) => new StoreError('NotFound', message);
const conflict = (message: string) => new StoreError('Conflict', message);
const limitExceeded = (message: string) => new StoreError('LimitExceeded', message);

// ---- Principal kinds ---------------------------------------------------------------------

const KINDS = {
  user: { table: 'iam_users', id: 'user_id', name: 'user_name', label: 'user', quota: 'PoliciesPerUser' },
  group: { table: 'iam_groups', id: 'group_id', name: 'group_name', label: 'group', quota: 'PoliciesPerGroup' },
  role: { table: 'iam_roles', id: 'role_id', name: 'role_name', label: 'role', quota: 'PoliciesPerRole' },
} as const;
const KIND_NAMES = Object.keys(KINDS) as PrincipalKind[];

interface KindStatements {
  find: Stmt;
  remove: Stmt;
  inlinePut: Stmt;
  inlineGet: Stmt;
  inlineDelete: Stmt;
  inlineList: Stmt;
  inlineCount: Stmt;
  attach: Stmt;
  attachedExists: Stmt;
  detach: Stmt;
  attachedCount: Stmt;
  attachedList: Stmt;
}

// A managed policy with its derived counts. @acct scopes the counts of AWS managed policies
// to the account looking at them (as IAM reports them); null counts every account. A local
// policy can only be attached or used as a boundary in its own account.
const POLICY_COUNTS = (['user', 'group', 'role'] as const).map((k) => `(SELECT count(*) FROM iam_${k}_attached_policies a
    JOIN ${KINDS[k].table} p ON p.${KINDS[k].id} = a.principal_id
    WHERE a.policy_arn = mp.arn AND (@acct IS NULL OR mp.account_id <> 'aws' OR p.account_id = @acct))`).join(' + ');
const BOUNDARY_COUNTS = (['user', 'role'] as const).map((k) => `(SELECT count(*) FROM ${KINDS[k].table} p
    WHERE p.permissions_boundary_arn = mp.arn AND (@acct IS NULL OR mp.account_id <> 'aws' OR p.account_id = @acct))`).join(' + ');
const POLICY_SELECT = `SELECT mp.arn, mp.account_id, mp.policy_name, mp.name_lower, mp.policy_id, mp.path, mp.description,
    mp.default_version_id, mp.create_date, mp.update_date, mp.tags,
    ${POLICY_COUNTS} AS attachment_count,
    ${BOUNDARY_COUNTS} AS boundary_usage_count
  FROM managed_policies mp`;

const PATH_FILTER = (col: string) => `substr(${col}, 1, length(@prefix)) = @prefix`;

class SqliteStore implements Store {
  readonly logs: LogsStore;
  readonly sqs: SqsStore;
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly kinds: Record<PrincipalKind, KindStatements>;
  private readonly s;

  constructor(private readonly db: Db) {
    this.logs = new SqliteLogsStore(db);
    this.sqs = new SqliteSqsStore(db);
    this.tx = db.transaction((fn: () => unknown) => fn());
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      // accounts and organizations
      putAccount: p(`INSERT INTO accounts (account_id, name, email, organization_id, parent_id, joined_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, email = excluded.email, organization_id = excluded.organization_id,
        parent_id = excluded.parent_id, joined_at = excluded.joined_at`),
      getAccount: p('SELECT * FROM accounts WHERE account_id = ?'),
      listAccounts: p('SELECT * FROM accounts ORDER BY account_id'),
      putOrganization: p(`INSERT INTO organizations (organization_id, management_account_id, root_id, feature_set) VALUES (?, ?, ?, ?)
        ON CONFLICT (organization_id) DO UPDATE SET management_account_id = excluded.management_account_id, root_id = excluded.root_id,
        feature_set = excluded.feature_set`),
      getOrganization: p('SELECT * FROM organizations WHERE organization_id = ?'),
      getOu: p('SELECT * FROM organizational_units WHERE ou_id = ?'),
      putOu: p(`INSERT INTO organizational_units (ou_id, organization_id, name, parent_id) VALUES (?, ?, ?, ?)
        ON CONFLICT (ou_id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, parent_id = excluded.parent_id`),
      listOus: p('SELECT * FROM organizational_units WHERE organization_id = ? ORDER BY name, ou_id'),
      putOrgPolicy: p(`INSERT INTO org_policies (policy_id, organization_id, name, description, type, content, aws_managed) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (policy_id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, description = excluded.description,
        type = excluded.type, content = excluded.content, aws_managed = excluded.aws_managed`),
      getOrgPolicy: p('SELECT * FROM org_policies WHERE policy_id = ?'),
      listOrgPolicies: p('SELECT * FROM org_policies WHERE organization_id = ? ORDER BY name, policy_id'),
      orgTargetExists: p(`SELECT 1 FROM organizations WHERE organization_id = @org AND root_id = @target
        UNION ALL SELECT 1 FROM organizational_units WHERE organization_id = @org AND ou_id = @target
        UNION ALL SELECT 1 FROM accounts WHERE organization_id = @org AND account_id = @target`),
      attachOrgPolicy: p('INSERT INTO org_policy_targets (policy_id, target_id) VALUES (?, ?) ON CONFLICT (policy_id, target_id) DO NOTHING'),
      detachOrgPolicy: p('DELETE FROM org_policy_targets WHERE policy_id = ? AND target_id = ?'),
      orgPoliciesForTarget: p(`SELECT op.* FROM org_policy_targets t JOIN org_policies op ON op.policy_id = t.policy_id
        WHERE t.target_id = ? ORDER BY op.name, op.policy_id`),
      targetsForOrgPolicy: p('SELECT target_id FROM org_policy_targets WHERE policy_id = ? ORDER BY target_id').pluck(),

      // users
      insertUser: p(`INSERT INTO iam_users (user_id, account_id, user_name, name_lower, path, arn, create_date, permissions_boundary_arn, tags)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getUser: p('SELECT * FROM iam_users WHERE account_id = ? AND name_lower = ?'),
      listUsers: p(`SELECT * FROM iam_users WHERE account_id = @account AND name_lower > @after AND ${PATH_FILTER('path')}
        ORDER BY name_lower LIMIT @limit`),
      updateUser: p(`UPDATE iam_users SET user_name = ?, name_lower = ?, path = ?, arn = ?, permissions_boundary_arn = ?, tags = ?
        WHERE user_id = ? AND account_id = ?`),
      userAccessKeyCount: p('SELECT count(*) FROM access_keys WHERE user_id = ?').pluck(),
      userGroupCount: p('SELECT count(*) FROM iam_group_members WHERE user_id = ?').pluck(),

      // groups
      insertGroup: p(`INSERT INTO iam_groups (group_id, account_id, group_name, name_lower, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      getGroup: p('SELECT * FROM iam_groups WHERE account_id = ? AND name_lower = ?'),
      listGroups: p(`SELECT * FROM iam_groups WHERE account_id = @account AND name_lower > @after AND ${PATH_FILTER('path')}
        ORDER BY name_lower LIMIT @limit`),
      groupMemberCount: p('SELECT count(*) FROM iam_group_members WHERE group_id = ?').pluck(),
      addMember: p('INSERT INTO iam_group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT (group_id, user_id) DO NOTHING'),
      isMember: p('SELECT 1 FROM iam_group_members WHERE group_id = ? AND user_id = ?'),
      removeMember: p('DELETE FROM iam_group_members WHERE group_id = ? AND user_id = ?'),
      groupsForUser: p(`SELECT g.* FROM iam_group_members m JOIN iam_groups g ON g.group_id = m.group_id
        WHERE m.user_id = ? ORDER BY g.name_lower`),
      usersInGroup: p(`SELECT u.* FROM iam_group_members m JOIN iam_users u ON u.user_id = m.user_id
        WHERE m.group_id = ? ORDER BY u.name_lower`),

      // roles
      insertRole: p(`INSERT INTO iam_roles (role_id, account_id, role_name, name_lower, path, arn, create_date, assume_role_policy_document,
        description, max_session_duration, permissions_boundary_arn, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getRole: p('SELECT * FROM iam_roles WHERE account_id = ? AND name_lower = ?'),
      listRoles: p(`SELECT * FROM iam_roles WHERE account_id = @account AND name_lower > @after AND ${PATH_FILTER('path')}
        ORDER BY name_lower LIMIT @limit`),
      updateRole: p(`UPDATE iam_roles SET role_name = ?, name_lower = ?, path = ?, arn = ?, assume_role_policy_document = ?, description = ?,
        max_session_duration = ?, permissions_boundary_arn = ?, tags = ? WHERE role_id = ? AND account_id = ?`),

      // managed policies
      policyOwner: p('SELECT account_id FROM managed_policies WHERE arn = ?').pluck(),
      insertPolicy: p(`INSERT INTO managed_policies (arn, account_id, policy_name, name_lower, policy_id, path, description, default_version_id,
        create_date, update_date, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getPolicy: p(`${POLICY_SELECT} WHERE mp.arn = @arn`),
      listPolicies: p(`SELECT * FROM (${POLICY_SELECT}
          WHERE (mp.account_id = @a1 OR mp.account_id = @a2) AND ${PATH_FILTER('mp.path')}
            AND (mp.name_lower > @afterName OR (mp.name_lower = @afterName AND mp.arn > @afterArn))) listed
        WHERE (@onlyAttached = 0 OR attachment_count > 0)
        ORDER BY name_lower, arn LIMIT @limit`),
      deletePolicyVersions: p('DELETE FROM policy_versions WHERE policy_arn = ?'),
      deletePolicy: p('DELETE FROM managed_policies WHERE arn = ?'),
      insertVersion: p('INSERT INTO policy_versions (policy_arn, version_id, document, create_date) VALUES (?, ?, ?, ?)'),
      versionCount: p('SELECT count(*) FROM policy_versions WHERE policy_arn = ?').pluck(),
      getVersion: p(`SELECT v.*, mp.default_version_id FROM policy_versions v JOIN managed_policies mp ON mp.arn = v.policy_arn
        WHERE v.policy_arn = ? AND v.version_id = ?`),
      listVersions: p(`SELECT v.*, mp.default_version_id FROM policy_versions v JOIN managed_policies mp ON mp.arn = v.policy_arn
        WHERE v.policy_arn = ?`),
      touchPolicy: p('UPDATE managed_policies SET update_date = ? WHERE arn = ?'),
      setDefault: p('UPDATE managed_policies SET default_version_id = ? WHERE arn = ?'),
      deleteVersion: p('DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?'),

      // credentials
      insertAccessKey: p(`INSERT INTO access_keys (access_key_id, user_id, secret_access_key, status, create_date) VALUES (?, ?, ?, ?, ?)`),
      accessKeyById: p(`SELECT k.access_key_id, k.secret_access_key, k.status, k.create_date, u.account_id, u.user_name
        FROM access_keys k JOIN iam_users u ON u.user_id = k.user_id WHERE k.access_key_id = ?`),
      accessKeysForUser: p(`SELECT k.access_key_id, k.secret_access_key, k.status, k.create_date, u.account_id, u.user_name
        FROM access_keys k JOIN iam_users u ON u.user_id = k.user_id WHERE k.user_id = ? ORDER BY k.create_date, k.access_key_id`),
      updateAccessKey: p('UPDATE access_keys SET status = ? WHERE access_key_id = ? AND user_id = ?'),
      deleteAccessKey: p('DELETE FROM access_keys WHERE access_key_id = ? AND user_id = ?'),
      accessKeyExists: p('SELECT 1 FROM access_keys WHERE access_key_id = ?'),
      insertSession: p(`INSERT INTO sessions (access_key_id, secret_access_key, session_token, account_id, kind, role_arn, role_id, session_name,
        user_name, session_policy, session_policy_arns, source_identity, issued_at, expires_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      sessionById: p('SELECT * FROM sessions WHERE access_key_id = ?'),
      rootKeyById: p('SELECT * FROM root_access_keys WHERE access_key_id = ?'),
      rootKeysForAccount: p('SELECT * FROM root_access_keys WHERE account_id = ? ORDER BY create_date, access_key_id'),
      insertRootKey: p('INSERT INTO root_access_keys (access_key_id, account_id, secret_access_key, status, create_date) VALUES (?, ?, ?, ?, ?)'),
      sessionExists: p('SELECT 1 FROM sessions WHERE access_key_id = ?'),
      deleteExpiredSessions: p('DELETE FROM sessions WHERE expires_at < ?'),
    };

    const kinds = {} as Record<PrincipalKind, KindStatements>;
    for (const kind of KIND_NAMES) {
      const k = KINDS[kind];
      const inline = `iam_${kind}_inline_policies`;
      const attached = `iam_${kind}_attached_policies`;
      kinds[kind] = {
        find: p(`SELECT ${k.id} AS id, ${k.name} AS name FROM ${k.table} WHERE account_id = ? AND name_lower = ?`),
        remove: p(`DELETE FROM ${k.table} WHERE ${k.id} = ?`),
        inlinePut: p(`INSERT INTO ${inline} (principal_id, policy_name, name_lower, document) VALUES (?, ?, ?, ?)
          ON CONFLICT (principal_id, name_lower) DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document`),
        inlineGet: p(`SELECT policy_name, document FROM ${inline} WHERE principal_id = ? AND name_lower = ?`),
        inlineDelete: p(`DELETE FROM ${inline} WHERE principal_id = ? AND name_lower = ?`),
        inlineList: p(`SELECT policy_name, document FROM ${inline} WHERE principal_id = ? ORDER BY name_lower`),
        inlineCount: p(`SELECT count(*) FROM ${inline} WHERE principal_id = ?`).pluck(),
        attach: p(`INSERT INTO ${attached} (principal_id, policy_arn) VALUES (?, ?) ON CONFLICT (principal_id, policy_arn) DO NOTHING`),
        attachedExists: p(`SELECT 1 FROM ${attached} WHERE principal_id = ? AND policy_arn = ?`),
        detach: p(`DELETE FROM ${attached} WHERE principal_id = ? AND policy_arn = ?`),
        attachedCount: p(`SELECT count(*) FROM ${attached} WHERE principal_id = ?`).pluck(),
        attachedList: p(`${POLICY_SELECT} JOIN ${attached} att ON att.policy_arn = mp.arn
          WHERE att.principal_id = @principal ORDER BY mp.name_lower, mp.arn`),
      };
    }
    this.kinds = kinds;
  }

  // ---- Plumbing ----------------------------------------------------------------------------

  /** One IMMEDIATE transaction: the write lock is held from the first statement to COMMIT. */
  private write<T>(fn: () => T, ctx: ErrorContext = {}): T {
    try {
      return this.tx.immediate(fn) as T;
    } catch (err) {
      throw translate(err, ctx);
    }
  }

  /** A consistent read: one deferred transaction when it takes several statements. */
  private read<T>(fn: () => T, snapshot = true): T {
    try {
      return (snapshot ? this.tx.deferred(fn) : fn()) as T;
    } catch (err) {
      throw translate(err, {});
    }
  }

  private principal(accountId: string, kind: PrincipalKind, name: string): PrincipalRow {
    const row = this.kinds[kind].find.get(accountId, lower(name)) as PrincipalRow | undefined;
    if (!row) throw notFound(`The ${KINDS[kind].label} with name ${name} cannot be found.`);
    return row;
  }

  private requireAccount(accountId: string): void {
    if (!this.s.getAccount.get(accountId)) throw notFound(`Account ${accountId} does not exist.`);
  }

  /** A policy usable in `accountId` (its own or an AWS managed one), for attachments and boundaries. */
  private requireUsablePolicy(accountId: string, arn: string): void {
    const owner = this.s.policyOwner.get(arn) as string | undefined;
    if (owner === undefined || (owner !== accountId && owner !== AWS_ACCOUNT)) {
      throw notFound(`Policy ${arn} does not exist or is not attachable.`);
    }
  }

  private requirePolicy(arn: string): void {
    if (this.s.policyOwner.get(arn) === undefined) throw notFound(`Policy ${arn} was not found.`);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- Accounts and organizations --------------------------------------------------------

  async putAccount(a: AccountRecord): Promise<void> {
    this.write(() => {
      if (a.organizationId !== null && !this.s.getOrganization.get(a.organizationId)) {
        throw notFound(`Organization ${a.organizationId} does not exist.`);
      }
      this.s.putAccount.run(a.accountId, a.name, a.email, a.organizationId, a.parentId, a.joinedAt);
    });
  }

  async getAccount(accountId: string): Promise<AccountRecord | null> {
    const row = this.read(() => this.s.getAccount.get(accountId) as AccountRow | undefined, false);
    return row ? toAccount(row) : null;
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return this.read(() => (this.s.listAccounts.all() as AccountRow[]).map(toAccount), false);
  }

  async putOrganization(o: OrganizationRecord): Promise<void> {
    this.write(() => {
      this.s.putOrganization.run(o.organizationId, o.managementAccountId, o.rootId, o.featureSet);
    }, { exists: `Root ${o.rootId} already belongs to another organization.` });
  }

  async getOrganization(organizationId: string): Promise<OrganizationRecord | null> {
    const row = this.read(() => this.s.getOrganization.get(organizationId) as OrganizationRow | undefined, false);
    return row ? toOrganization(row) : null;
  }

  async putOrganizationalUnit(ou: OrganizationalUnitRecord): Promise<void> {
    this.write(() => {
      const org = this.s.getOrganization.get(ou.organizationId) as OrganizationRow | undefined;
      if (!org) throw notFound(`Organization ${ou.organizationId} does not exist.`);
      const parent = this.s.getOu.get(ou.parentId) as OuRow | undefined;
      if (ou.parentId !== org.root_id && parent?.organization_id !== ou.organizationId) {
        throw notFound(`Parent ${ou.parentId} does not exist in organization ${ou.organizationId}.`);
      }
      if (ou.parentId === ou.ouId) throw conflict('An organizational unit cannot be its own parent.');
      this.s.putOu.run(ou.ouId, ou.organizationId, ou.name, ou.parentId);
    }, { exists: `An OU named ${ou.name} already exists under ${ou.parentId}.` });
  }

  async listOrganizationalUnits(organizationId: string): Promise<OrganizationalUnitRecord[]> {
    return this.read(() => (this.s.listOus.all(organizationId) as OuRow[]).map(toOu), false);
  }

  async putOrgPolicy(p: OrgPolicyRecord): Promise<void> {
    this.write(() => {
      if (!this.s.getOrganization.get(p.organizationId)) throw notFound(`Organization ${p.organizationId} does not exist.`);
      const existing = this.s.getOrgPolicy.get(p.policyId) as OrgPolicyRow | undefined;
      if (existing && existing.organization_id !== p.organizationId) {
        throw conflict(`Policy ${p.policyId} belongs to organization ${existing.organization_id}.`);
      }
      this.s.putOrgPolicy.run(p.policyId, p.organizationId, p.name, p.description, p.type, p.content, p.awsManaged ? 1 : 0);
    }, { exists: `A policy named ${p.name} already exists.` });
  }

  async getOrgPolicy(policyId: string): Promise<OrgPolicyRecord | null> {
    const row = this.read(() => this.s.getOrgPolicy.get(policyId) as OrgPolicyRow | undefined, false);
    return row ? toOrgPolicy(row) : null;
  }

  async listOrgPolicies(organizationId: string): Promise<OrgPolicyRecord[]> {
    return this.read(() => (this.s.listOrgPolicies.all(organizationId) as OrgPolicyRow[]).map(toOrgPolicy), false);
  }

  async attachOrgPolicy(policyId: string, targetId: string): Promise<void> {
    this.write(() => {
      const policy = this.s.getOrgPolicy.get(policyId) as OrgPolicyRow | undefined;
      if (!policy) throw notFound(`Policy ${policyId} does not exist.`);
      if (!this.s.orgTargetExists.get({ org: policy.organization_id, target: targetId })) {
        throw notFound(`Target ${targetId} does not exist in organization ${policy.organization_id}.`);
      }
      this.s.attachOrgPolicy.run(policyId, targetId);
    });
  }

  async detachOrgPolicy(policyId: string, targetId: string): Promise<void> {
    this.write(() => {
      if (this.s.detachOrgPolicy.run(policyId, targetId).changes === 0) {
        throw notFound(`Policy ${policyId} is not attached to ${targetId}.`);
      }
    });
  }

  async listOrgPoliciesForTarget(targetId: string): Promise<OrgPolicyRecord[]> {
    return this.read(() => (this.s.orgPoliciesForTarget.all(targetId) as OrgPolicyRow[]).map(toOrgPolicy), false);
  }

  async listTargetsForOrgPolicy(policyId: string): Promise<string[]> {
    return this.read(() => this.s.targetsForOrgPolicy.all(policyId) as string[], false);
  }

  // ---- Users -----------------------------------------------------------------------------

  async createUser(u: UserRecord): Promise<void> {
    this.write(() => {
      this.requireAccount(u.accountId);
      if (u.permissionsBoundaryArn !== null) this.requireUsablePolicy(u.accountId, u.permissionsBoundaryArn);
      this.s.insertUser.run(u.userId, u.accountId, u.userName, lower(u.userName), u.path, u.arn, u.createDate,
        u.permissionsBoundaryArn, JSON.stringify(u.tags));
    }, { exists: `User with name ${u.userName} already exists.` });
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | null> {
    const row = this.read(() => this.s.getUser.get(accountId, lower(userName)) as UserRow | undefined, false);
    return row ? toUser(row) : null;
  }

  async listUsers(accountId: string, page: PageRequest): Promise<Page<UserRecord>> {
    const limit = pageLimit(page);
    const rows = this.read(() => this.s.listUsers.all({
      account: accountId, after: decodeMarker(page.marker), prefix: page.pathPrefix ?? '', limit: limit + 1,
    }) as UserRow[], false);
    return toPage(rows, limit, toUser, (r) => r.name_lower);
  }

  async deleteUser(accountId: string, userName: string): Promise<void> {
    this.write(() => {
      const user = this.principal(accountId, 'user', userName);
      const k = this.kinds.user;
      if ((this.s.userAccessKeyCount.get(user.id) as number) > 0) throw conflict('Cannot delete entity, must delete access keys first.');
      if ((k.inlineCount.get(user.id) as number) > 0) throw conflict('Cannot delete entity, must delete policies first.');
      if ((k.attachedCount.get(user.id) as number) > 0) throw conflict('Cannot delete entity, must detach all policies first.');
      if ((this.s.userGroupCount.get(user.id) as number) > 0) throw conflict('Cannot delete entity, must remove user from all groups first.');
      k.remove.run(user.id);
    }, { foreignKey: 'Conflict' });
  }

  async updateUser(u: UserRecord): Promise<void> {
    this.write(() => {
      if (u.permissionsBoundaryArn !== null) this.requireUsablePolicy(u.accountId, u.permissionsBoundaryArn);
      const { changes } = this.s.updateUser.run(u.userName, lower(u.userName), u.path, u.arn, u.permissionsBoundaryArn,
        JSON.stringify(u.tags), u.userId, u.accountId);
      if (changes === 0) throw notFound(`The user with name ${u.userName} cannot be found.`);
    }, { exists: `User with name ${u.userName} already exists.` });
  }

  // ---- Groups ----------------------------------------------------------------------------

  async createGroup(g: GroupRecord): Promise<void> {
    this.write(() => {
      this.requireAccount(g.accountId);
      this.s.insertGroup.run(g.groupId, g.accountId, g.groupName, lower(g.groupName), g.path, g.arn, g.createDate);
    }, { exists: `Group with name ${g.groupName} already exists.` });
  }

  async getGroup(accountId: string, groupName: string): Promise<GroupRecord | null> {
    const row = this.read(() => this.s.getGroup.get(accountId, lower(groupName)) as GroupRow | undefined, false);
    return row ? toGroup(row) : null;
  }

  async listGroups(accountId: string, page: PageRequest): Promise<Page<GroupRecord>> {
    const limit = pageLimit(page);
    const rows = this.read(() => this.s.listGroups.all({
      account: accountId, after: decodeMarker(page.marker), prefix: page.pathPrefix ?? '', limit: limit + 1,
    }) as GroupRow[], false);
    return toPage(rows, limit, toGroup, (r) => r.name_lower);
  }

  async deleteGroup(accountId: string, groupName: string): Promise<void> {
    this.write(() => {
      const group = this.principal(accountId, 'group', groupName);
      const k = this.kinds.group;
      if ((this.s.groupMemberCount.get(group.id) as number) > 0) throw conflict('Cannot delete entity, must remove users from group first.');
      if ((k.inlineCount.get(group.id) as number) > 0) throw conflict('Cannot delete entity, must delete policies first.');
      if ((k.attachedCount.get(group.id) as number) > 0) throw conflict('Cannot delete entity, must detach all policies first.');
      k.remove.run(group.id);
    }, { foreignKey: 'Conflict' });
  }

  async addUserToGroup(accountId: string, groupName: string, userName: string): Promise<void> {
    this.write(() => {
      const group = this.principal(accountId, 'group', groupName);
      const user = this.principal(accountId, 'user', userName);
      if (this.s.isMember.get(group.id, user.id)) return;
      if ((this.s.userGroupCount.get(user.id) as number) >= LIMITS.groupsPerUser) {
        throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${LIMITS.groupsPerUser}`);
      }
      this.s.addMember.run(group.id, user.id);
    });
  }

  async removeUserFromGroup(accountId: string, groupName: string, userName: string): Promise<void> {
    this.write(() => {
      const group = this.principal(accountId, 'group', groupName);
      const user = this.principal(accountId, 'user', userName);
      if (this.s.removeMember.run(group.id, user.id).changes === 0) {
        throw notFound(`The user with name ${user.name} is not in group ${group.name}.`);
      }
    });
  }

  async listGroupsForUser(accountId: string, userName: string): Promise<GroupRecord[]> {
    return this.read(() => {
      const user = this.principal(accountId, 'user', userName);
      return (this.s.groupsForUser.all(user.id) as GroupRow[]).map(toGroup);
    });
  }

  async listUsersInGroup(accountId: string, groupName: string): Promise<UserRecord[]> {
    return this.read(() => {
      const group = this.principal(accountId, 'group', groupName);
      return (this.s.usersInGroup.all(group.id) as UserRow[]).map(toUser);
    });
  }

  // ---- Roles -----------------------------------------------------------------------------

  async createRole(r: RoleRecord): Promise<void> {
    this.write(() => {
      this.requireAccount(r.accountId);
      if (r.permissionsBoundaryArn !== null) this.requireUsablePolicy(r.accountId, r.permissionsBoundaryArn);
      this.s.insertRole.run(r.roleId, r.accountId, r.roleName, lower(r.roleName), r.path, r.arn, r.createDate, r.assumeRolePolicyDocument,
        r.description, r.maxSessionDuration, r.permissionsBoundaryArn, JSON.stringify(r.tags));
    }, { exists: `Role with name ${r.roleName} already exists.` });
  }

  async getRole(accountId: string, roleName: string): Promise<RoleRecord | null> {
    const row = this.read(() => this.s.getRole.get(accountId, lower(roleName)) as RoleRow | undefined, false);
    return row ? toRole(row) : null;
  }

  async listRoles(accountId: string, page: PageRequest): Promise<Page<RoleRecord>> {
    const limit = pageLimit(page);
    const rows = this.read(() => this.s.listRoles.all({
      account: accountId, after: decodeMarker(page.marker), prefix: page.pathPrefix ?? '', limit: limit + 1,
    }) as RoleRow[], false);
    return toPage(rows, limit, toRole, (r) => r.name_lower);
  }

  async updateRole(r: RoleRecord): Promise<void> {
    this.write(() => {
      if (r.permissionsBoundaryArn !== null) this.requireUsablePolicy(r.accountId, r.permissionsBoundaryArn);
      const { changes } = this.s.updateRole.run(r.roleName, lower(r.roleName), r.path, r.arn, r.assumeRolePolicyDocument, r.description,
        r.maxSessionDuration, r.permissionsBoundaryArn, JSON.stringify(r.tags), r.roleId, r.accountId);
      if (changes === 0) throw notFound(`The role with name ${r.roleName} cannot be found.`);
    }, { exists: `Role with name ${r.roleName} already exists.` });
  }

  async deleteRole(accountId: string, roleName: string): Promise<void> {
    this.write(() => {
      const role = this.principal(accountId, 'role', roleName);
      const k = this.kinds.role;
      if ((k.inlineCount.get(role.id) as number) > 0) throw conflict('Cannot delete entity, must delete policies first.');
      if ((k.attachedCount.get(role.id) as number) > 0) throw conflict('Cannot delete entity, must detach all policies first.');
      k.remove.run(role.id);
    }, { foreignKey: 'Conflict' });
  }

  // ---- Inline policies ---------------------------------------------------------------------

  async putInlinePolicy(p: InlinePolicyRecord): Promise<void> {
    this.write(() => {
      const owner = this.principal(p.accountId, p.principalKind, p.principalName);
      this.kinds[p.principalKind].inlinePut.run(owner.id, p.policyName, lower(p.policyName), p.document);
    });
  }

  async getInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<InlinePolicyRecord | null> {
    return this.read(() => {
      const owner = this.principal(accountId, kind, principalName);
      const row = this.kinds[kind].inlineGet.get(owner.id, lower(policyName)) as InlineRow | undefined;
      return row ? { accountId, principalKind: kind, principalName: owner.name, policyName: row.policy_name, document: row.document } : null;
    });
  }

  async deleteInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<void> {
    this.write(() => {
      const owner = this.principal(accountId, kind, principalName);
      if (this.kinds[kind].inlineDelete.run(owner.id, lower(policyName)).changes === 0) {
        throw notFound(`The ${KINDS[kind].label} policy with name ${policyName} cannot be found.`);
      }
    });
  }

  async listInlinePolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<InlinePolicyRecord[]> {
    return this.read(() => {
      const owner = this.principal(accountId, kind, principalName);
      return (this.kinds[kind].inlineList.all(owner.id) as InlineRow[]).map((row) => ({
        accountId, principalKind: kind, principalName: owner.name, policyName: row.policy_name, document: row.document,
      }));
    });
  }

  // ---- Managed policies --------------------------------------------------------------------

  async createManagedPolicy(p: Omit<ManagedPolicyRecord, 'attachmentCount' | 'boundaryUsageCount'>, firstVersion: PolicyVersionRecord): Promise<void> {
    this.write(() => {
      if (p.accountId !== AWS_ACCOUNT) this.requireAccount(p.accountId);
      this.s.insertPolicy.run(p.arn, p.accountId, p.policyName, lower(p.policyName), p.policyId, p.path, p.description, firstVersion.versionId,
        p.createDate, p.updateDate, JSON.stringify(p.tags));
      this.s.insertVersion.run(p.arn, firstVersion.versionId, firstVersion.document, firstVersion.createDate);
    }, { exists: `A policy called ${p.policyName} already exists. Duplicate names are not allowed.` });
  }

  async getManagedPolicy(arn: string, viewerAccountId?: string): Promise<ManagedPolicyRecord | null> {
    const row = this.read(() => this.s.getPolicy.get({ arn, acct: viewerAccountId ?? null }) as PolicyRow | undefined, false);
    return row ? toPolicy(row) : null;
  }

  async listManagedPolicies(accountId: string, scope: 'All' | 'AWS' | 'Local', onlyAttached: boolean, page: PageRequest): Promise<Page<ManagedPolicyRecord>> {
    const limit = pageLimit(page);
    const [afterName = '', afterArn = ''] = page.marker ? decodeMarker(page.marker).split('\n') : [];
    const owners = scope === 'AWS' ? [AWS_ACCOUNT, AWS_ACCOUNT] : scope === 'Local' ? [accountId, accountId] : [AWS_ACCOUNT, accountId];
    const rows = this.read(() => this.s.listPolicies.all({
      acct: accountId, a1: owners[0], a2: owners[1], prefix: page.pathPrefix ?? '', afterName, afterArn,
      onlyAttached: onlyAttached ? 1 : 0, limit: limit + 1,
    }) as PolicyRow[], false);
    return toPage(rows, limit, toPolicy, (r) => `${r.name_lower}\n${r.arn}`);
  }

  async deleteManagedPolicy(arn: string): Promise<void> {
    this.write(() => {
      const row = this.s.getPolicy.get({ arn, acct: null }) as PolicyRow | undefined;
      if (!row) throw notFound(`Policy ${arn} was not found.`);
      if (row.attachment_count > 0) throw conflict('Cannot delete a policy attached to entities.');
      if (row.boundary_usage_count > 0) throw conflict('Cannot delete a policy used as a permissions boundary.');
      if ((this.s.versionCount.get(arn) as number) > 1) throw conflict('Cannot delete a policy with non-default versions.');
      this.s.deletePolicyVersions.run(arn);
      this.s.deletePolicy.run(arn);
    }, { foreignKey: 'Conflict' });
  }

  async createPolicyVersion(v: PolicyVersionRecord, setAsDefault: boolean): Promise<void> {
    this.write(() => {
      this.requirePolicy(v.policyArn);
      if ((this.s.versionCount.get(v.policyArn) as number) >= LIMITS.versionsPerPolicy) {
        throw limitExceeded(`A managed policy can have up to ${LIMITS.versionsPerPolicy} versions. Before you create a new version, you must delete an existing version.`);
      }
      this.s.insertVersion.run(v.policyArn, v.versionId, v.document, v.createDate);
      this.s.touchPolicy.run(v.createDate, v.policyArn);
      if (setAsDefault) this.s.setDefault.run(v.versionId, v.policyArn);
    }, { exists: `Policy version ${v.versionId} of ${v.policyArn} already exists.` });
  }

  async getPolicyVersion(arn: string, versionId: string): Promise<PolicyVersionRecord | null> {
    const row = this.read(() => this.s.getVersion.get(arn, versionId) as VersionRow | undefined, false);
    return row ? toVersion(row) : null;
  }

  /** Newest first, as IAM lists them; NotFound when the policy is missing. */
  async listPolicyVersions(arn: string): Promise<PolicyVersionRecord[]> {
    return this.read(() => {
      this.requirePolicy(arn);
      const rows = this.s.listVersions.all(arn) as VersionRow[];
      return rows.sort((a, b) => versionNumber(b.version_id) - versionNumber(a.version_id)).map(toVersion);
    });
  }

  async setDefaultPolicyVersion(arn: string, versionId: string): Promise<void> {
    this.write(() => {
      this.requirePolicy(arn);
      if (!this.s.getVersion.get(arn, versionId)) throw notFound(`Policy ${arn} version ${versionId} does not exist.`);
      this.s.setDefault.run(versionId, arn);
    });
  }

  async deletePolicyVersion(arn: string, versionId: string): Promise<void> {
    this.write(() => {
      this.requirePolicy(arn);
      const row = this.s.getVersion.get(arn, versionId) as VersionRow | undefined;
      if (!row) throw notFound(`Policy ${arn} version ${versionId} does not exist.`);
      if (row.default_version_id === versionId) throw conflict('Cannot delete the default version of a policy.');
      this.s.deleteVersion.run(arn, versionId);
    });
  }

  async attachPolicy(accountId: string, kind: PrincipalKind, principalName: string, policyArn: string): Promise<void> {
    this.write(() => {
      const owner = this.principal(accountId, kind, principalName);
      this.requireUsablePolicy(accountId, policyArn);
      const k = this.kinds[kind];
      if (k.attachedExists.get(owner.id, policyArn)) return;
      if ((k.attachedCount.get(owner.id) as number) >= LIMITS.attachedPoliciesPerPrincipal) {
        throw limitExceeded(`Cannot exceed quota for ${KINDS[kind].quota}: ${LIMITS.attachedPoliciesPerPrincipal}`);
      }
      k.attach.run(owner.id, policyArn);
    });
  }

  async detachPolicy(accountId: string, kind: PrincipalKind, principalName: string, policyArn: string): Promise<void> {
    this.write(() => {
      const owner = this.principal(accountId, kind, principalName);
      if (this.kinds[kind].detach.run(owner.id, policyArn).changes === 0) {
        throw notFound(`Policy ${policyArn} was not found.`);
      }
    });
  }

  async listAttachedPolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<ManagedPolicyRecord[]> {
    return this.read(() => {
      const owner = this.principal(accountId, kind, principalName);
      return (this.kinds[kind].attachedList.all({ principal: owner.id, acct: accountId }) as PolicyRow[]).map(toPolicy);
    });
  }

  // ---- Lambda documents and code -----------------------------------------------------------

  private lambdaStatements?: {
    get: Database.Statement;
    has: Database.Statement;
    put: Database.Statement;
    del: Database.Statement;
    list: Database.Statement;
    page: Database.Statement;
    putCode: Database.Statement;
    getCode: Database.Statement;
  };

  private get lambda() {
    // Prefix scans use a half-open key range, which both SQLite and PostgreSQL index.
    this.lambdaStatements ??= {
      get: this.db.prepare('SELECT document FROM lambda_documents WHERE kind = ? AND doc_key = ?').pluck(),
      has: this.db.prepare('SELECT 1 FROM lambda_documents WHERE kind = ? AND doc_key = ?').pluck(),
      put: this.db.prepare(
        'INSERT INTO lambda_documents (kind, doc_key, document) VALUES (?, ?, ?) ON CONFLICT (kind, doc_key) DO UPDATE SET document = excluded.document',
      ),
      del: this.db.prepare('DELETE FROM lambda_documents WHERE kind = ? AND doc_key = ?'),
      list: this.db.prepare('SELECT document FROM lambda_documents WHERE kind = ? AND doc_key >= ? AND doc_key < ? ORDER BY doc_key').pluck(),
      page: this.db.prepare(
        'SELECT doc_key, document FROM lambda_documents WHERE kind = ? AND doc_key >= ? AND doc_key < ? AND doc_key > ? ORDER BY doc_key LIMIT ?',
      ),
      putCode: this.db.prepare('INSERT INTO lambda_code (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING'),
      getCode: this.db.prepare('SELECT content FROM lambda_code WHERE sha256 = ?').pluck(),
    };
    return this.lambdaStatements;
  }

  private lambdaTx(): LambdaTransaction {
    const st = this.lambda;
    return {
      get: <T>(kind: LambdaKind, key: string) => {
        const doc = st.get.get(kind, key) as string | undefined;
        return doc === undefined ? null : (JSON.parse(doc) as T);
      },
      has: (kind, key) => st.has.get(kind, key) !== undefined,
      put: (kind, key, document) => void st.put.run(kind, key, JSON.stringify(document)),
      delete: (kind, key) => st.del.run(kind, key).changes > 0,
      list: <T>(kind: LambdaKind, prefix: string) =>
        (st.list.all(kind, prefix, prefixEnd(prefix)) as string[]).map((d) => JSON.parse(d) as T),
    };
  }

  async lambdaGet<T>(kind: LambdaKind, key: string): Promise<T | null> {
    return this.read(() => this.lambdaTx().get<T>(kind, key), false);
  }

  async lambdaList<T>(kind: LambdaKind, prefix: string, page: { marker?: string; maxItems?: number }) {
    return this.read(() => {
      const limit = page.maxItems ?? 50;
      const rows = this.lambda.page.all(kind, prefix, prefixEnd(prefix), page.marker ?? '', limit + 1) as { doc_key: string; document: string }[];
      const items = rows.slice(0, limit).map((r) => JSON.parse(r.document) as T);
      return { items, nextMarker: rows.length > limit ? rows[limit - 1]!.doc_key : null };
    });
  }

  async lambdaTransact<T>(change: (tx: LambdaTransaction) => T): Promise<T> {
    return this.write(() => change(this.lambdaTx()));
  }

  async lambdaView<T>(read: (tx: LambdaReader) => T): Promise<T> {
    return this.read(() => read(this.lambdaTx()));
  }

  async putCode(sha256: string, content: Buffer): Promise<void> {
    this.write(() => void this.lambda.putCode.run(sha256, content.length, content));
  }

  async getCode(sha256: string): Promise<Buffer | null> {
    return this.read(() => (this.lambda.getCode.get(sha256) as Buffer | undefined) ?? null, false);
  }

  // ---- Credentials -------------------------------------------------------------------------

  async createAccessKey(k: AccessKeyRecord): Promise<void> {
    this.write(() => {
      const user = this.principal(k.accountId, 'user', k.userName);
      if ((this.s.userAccessKeyCount.get(user.id) as number) >= LIMITS.accessKeysPerUser) {
        throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${LIMITS.accessKeysPerUser}`);
      }
      if (this.s.sessionExists.get(k.accessKeyId)) throw new StoreError('AlreadyExists', `Access key ${k.accessKeyId} already exists.`);
      this.s.insertAccessKey.run(k.accessKeyId, user.id, k.secretAccessKey, k.status, k.createDate);
    }, { exists: `Access key ${k.accessKeyId} already exists.` });
  }

  async getCredentials(accessKeyId: string): Promise<Credentials | null> {
    // Hot path: one primary-key lookup in the table the id's prefix points at (ASIA… are
    // STS sessions), the others only when that misses. No transaction: each is one statement.
    try {
      const sessionFirst = accessKeyId.startsWith('ASIA');
      if (sessionFirst) {
        const s = this.s.sessionById.get(accessKeyId) as SessionRow | undefined;
        if (s) return { session: toSession(s) };
      }
      const k = this.s.accessKeyById.get(accessKeyId) as AccessKeyRow | undefined;
      if (k) return { accessKey: toAccessKey(k) };
      const r = this.s.rootKeyById.get(accessKeyId) as RootKeyRow | undefined;
      if (r) return { rootKey: toRootKey(r) };
      if (!sessionFirst) {
        const s = this.s.sessionById.get(accessKeyId) as SessionRow | undefined;
        if (s) return { session: toSession(s) };
      }
      return null;
    } catch (err) {
      throw translate(err, {});
    }
  }

  async createRootAccessKey(k: RootAccessKeyRecord): Promise<void> {
    this.write(() => {
      if (this.s.sessionExists.get(k.accessKeyId) || this.s.accessKeyExists.get(k.accessKeyId)) {
        throw new StoreError('AlreadyExists', `Access key ${k.accessKeyId} already exists.`);
      }
      this.s.insertRootKey.run(k.accessKeyId, k.accountId, k.secretAccessKey, k.status, k.createDate);
    }, { exists: `Access key ${k.accessKeyId} already exists.` });
  }

  async listRootAccessKeys(accountId: string): Promise<RootAccessKeyRecord[]> {
    return this.read(() => (this.s.rootKeysForAccount.all(accountId) as RootKeyRow[]).map(toRootKey));
  }

  async listAccessKeys(accountId: string, userName: string): Promise<AccessKeyRecord[]> {
    return this.read(() => {
      const user = this.principal(accountId, 'user', userName);
      return (this.s.accessKeysForUser.all(user.id) as AccessKeyRow[]).map(toAccessKey);
    });
  }

  async updateAccessKey(accountId: string, userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    this.write(() => {
      const user = this.principal(accountId, 'user', userName);
      if (this.s.updateAccessKey.run(status, accessKeyId, user.id).changes === 0) {
        throw notFound(`The Access Key with id ${accessKeyId} cannot be found.`);
      }
    });
  }

  async deleteAccessKey(accountId: string, userName: string, accessKeyId: string): Promise<void> {
    this.write(() => {
      const user = this.principal(accountId, 'user', userName);
      if (this.s.deleteAccessKey.run(accessKeyId, user.id).changes === 0) {
        throw notFound(`The Access Key with id ${accessKeyId} cannot be found.`);
      }
    });
  }

  async putSession(s: SessionRecord): Promise<void> {
    this.write(() => {
      this.requireAccount(s.accountId);
      if (this.s.accessKeyExists.get(s.accessKeyId)) throw new StoreError('AlreadyExists', `Access key ${s.accessKeyId} already exists.`);
      this.s.insertSession.run(s.accessKeyId, s.secretAccessKey, s.sessionToken, s.accountId, s.kind, s.roleArn, s.roleId, s.sessionName,
        s.userName, s.sessionPolicy, JSON.stringify(s.sessionPolicyArns), s.sourceIdentity, s.issuedAt, s.expiresAt, s.userId);
    }, { exists: `Access key ${s.accessKeyId} already exists.` });
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return this.write(() => this.s.deleteExpiredSessions.run(now).changes);
  }
}
