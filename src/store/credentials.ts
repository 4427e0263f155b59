// Credentials in the store: IAM users' access keys, the account root users' access keys, and
// STS sessions, with the one-statement getCredentials that SigV4 verification runs on every
// request. The SQL runs on SQLite and PostgreSQL alike (sql/database.ts).
//
// An access key id is unique across the three tables. Each table's PRIMARY KEY covers itself;
// the store checks the others inside the same write transaction (as the SQLite store did).

import type { Queries, SqlDatabase } from './sql/database.js';
import { findPrincipal, limitExceeded, LIMITS, notFound, requireAccount } from './sqlShared.js';
import { StoreError, type AccessKeyRecord, type Credentials, type RootAccessKeyRecord, type SessionRecord, type Store } from './store.js';

export type CredentialsStore = Pick<
  Store,
  | 'createAccessKey' | 'getCredentials' | 'createRootAccessKey' | 'listRootAccessKeys' | 'listAccessKeys' | 'updateAccessKey' | 'deleteAccessKey'
  | 'putSession' | 'deleteExpiredSessions'
>;

type Status = 'Active' | 'Inactive';
interface RootKeyRow { access_key_id: string; account_id: string; secret_access_key: string; status: Status; create_date: string }
interface AccessKeyRow { access_key_id: string; secret_access_key: string; status: Status; create_date: string; account_id: string; user_name: string }
interface SessionRow {
  access_key_id: string; secret_access_key: string; session_token: string; account_id: string; kind: 'AssumedRole' | 'SessionToken';
  role_arn: string | null; role_id: string | null; session_name: string | null; user_name: string | null; session_policy: string | null;
  session_policy_arns: string; source_identity: string | null; issued_at: string; expires_at: string; user_id: string | null;
}
/** getCredentials' row: whichever table it came from (`source`), the others' columns NULL. */
type CredentialsRow = { source: 'session' | 'key' | 'root' } & SessionRow & AccessKeyRow & RootKeyRow;

const toRootKey = (r: RootKeyRow): RootAccessKeyRecord => ({
  accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key, accountId: r.account_id, status: r.status, createDate: r.create_date,
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

// ---- SQL -------------------------------------------------------------------------------

const KEY_SELECT = `SELECT k.access_key_id, k.secret_access_key, k.status, k.create_date, u.account_id, u.user_name
  FROM access_keys k JOIN iam_users u ON u.user_id = k.user_id`;
const INSERT_ACCESS_KEY = 'INSERT INTO access_keys (access_key_id, user_id, secret_access_key, status, create_date) VALUES (?, ?, ?, ?, ?)';
const KEYS_FOR_USER = `${KEY_SELECT} WHERE k.user_id = ? ORDER BY k.create_date, k.access_key_id`;
const USER_KEY_COUNT = 'SELECT count(*) FROM access_keys WHERE user_id = ?';
const UPDATE_ACCESS_KEY = 'UPDATE access_keys SET status = ? WHERE access_key_id = ? AND user_id = ?';
const DELETE_ACCESS_KEY = 'DELETE FROM access_keys WHERE access_key_id = ? AND user_id = ?';
const ACCESS_KEY_EXISTS = 'SELECT 1 FROM access_keys WHERE access_key_id = ?';

const INSERT_ROOT_KEY = 'INSERT INTO root_access_keys (access_key_id, account_id, secret_access_key, status, create_date) VALUES (?, ?, ?, ?, ?)';
const ROOT_KEYS_FOR_ACCOUNT = 'SELECT * FROM root_access_keys WHERE account_id = ? ORDER BY create_date, access_key_id';

const INSERT_SESSION = `INSERT INTO sessions (access_key_id, secret_access_key, session_token, account_id, kind, role_arn, role_id, session_name,
  user_name, session_policy, session_policy_arns, source_identity, issued_at, expires_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const SESSION_EXISTS = 'SELECT 1 FROM sessions WHERE access_key_id = ?';
const DELETE_EXPIRED_SESSIONS = 'DELETE FROM sessions WHERE expires_at < ?';

// The hot path: one statement, three primary-key probes, the first hit by precedence. The
// precedence is the one the id's prefix suggests — ASIA… is an STS session, so sessions first;
// otherwise a user's key, then a root key, then a session — the order the SQLite store tried
// the tables in. (The tables can share an id only where the checks below do not look: a root
// key's id with a user's key or a session made later.) The NULLs take their types from the
// other branches on PostgreSQL; ORDER BY and LIMIT apply to the whole UNION.
const GET_CREDENTIALS = `SELECT 'session' AS source, CASE WHEN @sessionFirst = 1 THEN 0 ELSE 3 END AS pick,
      s.access_key_id, s.secret_access_key, s.account_id, NULL AS status, NULL AS create_date, s.user_name,
      s.session_token, s.kind, s.role_arn, s.role_id, s.session_name, s.session_policy, s.session_policy_arns, s.source_identity,
      s.issued_at, s.expires_at, s.user_id
    FROM sessions s WHERE s.access_key_id = @id
  UNION ALL
    SELECT 'key', 1,
      k.access_key_id, k.secret_access_key, u.account_id, k.status, k.create_date, u.user_name,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM access_keys k JOIN iam_users u ON u.user_id = k.user_id WHERE k.access_key_id = @id
  UNION ALL
    SELECT 'root', 2,
      r.access_key_id, r.secret_access_key, r.account_id, r.status, r.create_date, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM root_access_keys r WHERE r.access_key_id = @id
  ORDER BY pick LIMIT 1`;

// ---- Checks inside a transaction -------------------------------------------------------

/** The user's id (AIDA…): what its keys reference. */
async function userId(q: Queries, accountId: string, userName: string): Promise<string> {
  return (await findPrincipal(q, accountId, 'user', userName)).id;
}

const taken = (accessKeyId: string) => new StoreError('AlreadyExists', `Access key ${accessKeyId} already exists.`);

export function credentialsStore(db: SqlDatabase): CredentialsStore {
  return {
    // ---- Users' access keys ----------------------------------------------------------------

    async createAccessKey(k) {
      await db.write(async (q) => {
        const user = await userId(q, k.accountId, k.userName);
        if (Number(await q.value(USER_KEY_COUNT, [user])) >= LIMITS.accessKeysPerUser) {
          throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${LIMITS.accessKeysPerUser}`);
        }
        if (await q.get(SESSION_EXISTS, [k.accessKeyId])) throw taken(k.accessKeyId);
        await q.run(INSERT_ACCESS_KEY, [k.accessKeyId, user, k.secretAccessKey, k.status, k.createDate]);
      }, { exists: `Access key ${k.accessKeyId} already exists.` });
    },

    async getCredentials(accessKeyId): Promise<Credentials | null> {
      // One autocommit statement, no transaction: it sees the last commit, and never waits for a writer.
      const r = await db.get<CredentialsRow>(GET_CREDENTIALS, { id: accessKeyId, sessionFirst: accessKeyId.startsWith('ASIA') ? 1 : 0 });
      if (!r) return null;
      if (r.source === 'session') return { session: toSession(r) };
      if (r.source === 'key') return { accessKey: toAccessKey(r) };
      return { rootKey: toRootKey(r) };
    },

    listAccessKeys(accountId, userName) {
      return db.read(async (q) => {
        const user = await userId(q, accountId, userName);
        return (await q.all<AccessKeyRow>(KEYS_FOR_USER, [user])).map(toAccessKey);
      });
    },

    async updateAccessKey(accountId, userName, accessKeyId, status) {
      await db.write(async (q) => {
        const user = await userId(q, accountId, userName);
        if ((await q.run(UPDATE_ACCESS_KEY, [status, accessKeyId, user])) === 0) {
          throw notFound(`The Access Key with id ${accessKeyId} cannot be found.`);
        }
      });
    },

    async deleteAccessKey(accountId, userName, accessKeyId) {
      await db.write(async (q) => {
        const user = await userId(q, accountId, userName);
        if ((await q.run(DELETE_ACCESS_KEY, [accessKeyId, user])) === 0) {
          throw notFound(`The Access Key with id ${accessKeyId} cannot be found.`);
        }
      });
    },

    // ---- Root users' access keys -----------------------------------------------------------

    async createRootAccessKey(k) {
      // A missing account is the FOREIGN KEY's to report (NotFound, the default meaning).
      await db.write(async (q) => {
        if ((await q.get(SESSION_EXISTS, [k.accessKeyId])) || (await q.get(ACCESS_KEY_EXISTS, [k.accessKeyId]))) throw taken(k.accessKeyId);
        await q.run(INSERT_ROOT_KEY, [k.accessKeyId, k.accountId, k.secretAccessKey, k.status, k.createDate]);
      }, { exists: `Access key ${k.accessKeyId} already exists.` });
    },

    async listRootAccessKeys(accountId) {
      return (await db.all<RootKeyRow>(ROOT_KEYS_FOR_ACCOUNT, [accountId])).map(toRootKey);
    },

    // ---- STS sessions ----------------------------------------------------------------------

    async putSession(s) {
      await db.write(async (q) => {
        await requireAccount(q, s.accountId);
        if (await q.get(ACCESS_KEY_EXISTS, [s.accessKeyId])) throw taken(s.accessKeyId);
        await q.run(INSERT_SESSION, [s.accessKeyId, s.secretAccessKey, s.sessionToken, s.accountId, s.kind, s.roleArn, s.roleId, s.sessionName,
          s.userName, s.sessionPolicy, JSON.stringify(s.sessionPolicyArns), s.sourceIdentity, s.issuedAt, s.expiresAt, s.userId]);
      }, { exists: `Access key ${s.accessKeyId} already exists.` });
    },

    deleteExpiredSessions(now) {
      return db.write((q) => q.run(DELETE_EXPIRED_SESSIONS, [now]));
    },
  };
}
