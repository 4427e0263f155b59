// IAM users, groups (with their memberships), roles and the inline policies of all three in
// the store. The SQL runs on SQLite and PostgreSQL alike (sql/database.ts).
//
// A principal is found by (account_id, name_lower), the UNIQUE index that makes IAM names
// case-insensitive per account; everything hanging off it (memberships, inline policies,
// attachments, access keys) references its stable id, so a rename touches one row and a delete
// is refused while anything still hangs off the entity (checked first, for IAM's messages; the
// FOREIGN KEYs back that up, hence `foreignKey: 'Conflict'` on deletes).

import type { SqlDatabase } from './sql/database.js';
import {
  conflict, decodeMarker, findPrincipal, KINDS, LIMITS, limitExceeded, lower, notFound, PATH_FILTER, pageLimit, parseTags, requireAccount,
  requireUsablePolicy, toPage, type PrincipalRow,
} from './sqlShared.js';
import type { GroupRecord, InlinePolicyRecord, Page, PageRequest, PrincipalKind, RoleRecord, Store, UserRecord } from './store.js';

export type IamEntitiesStore = Pick<
  Store,
  | 'createUser' | 'getUser' | 'listUsers' | 'deleteUser' | 'updateUser'
  | 'createGroup' | 'getGroup' | 'listGroups' | 'deleteGroup' | 'addUserToGroup' | 'removeUserFromGroup' | 'listGroupsForUser' | 'listUsersInGroup'
  | 'createRole' | 'getRole' | 'listRoles' | 'updateRole' | 'deleteRole'
  | 'putInlinePolicy' | 'getInlinePolicy' | 'deleteInlinePolicy' | 'listInlinePolicies'
>;

// ---- Rows ------------------------------------------------------------------------------

interface UserRow { user_id: string; account_id: string; user_name: string; name_lower: string; path: string; arn: string; create_date: string; permissions_boundary_arn: string | null; tags: string }
interface GroupRow { group_id: string; account_id: string; group_name: string; name_lower: string; path: string; arn: string; create_date: string }
interface RoleRow {
  role_id: string; account_id: string; role_name: string; name_lower: string; path: string; arn: string; create_date: string;
  assume_role_policy_document: string; description: string | null; max_session_duration: number; permissions_boundary_arn: string | null; tags: string;
}
interface InlineRow { policy_name: string; document: string }
/** A principal as found by name: its id and its name as stored (the caller's may differ in case). */

const toUser = (r: UserRow): UserRecord => ({
  accountId: r.account_id, userName: r.user_name, userId: r.user_id, path: r.path, arn: r.arn, createDate: r.create_date,
  permissionsBoundaryArn: r.permissions_boundary_arn, tags: parseTags(r.tags),
});
const toGroup = (r: GroupRow): GroupRecord => ({
  accountId: r.account_id, groupName: r.group_name, groupId: r.group_id, path: r.path, arn: r.arn, createDate: r.create_date,
});
const toRole = (r: RoleRow): RoleRecord => ({
  accountId: r.account_id, roleName: r.role_name, roleId: r.role_id, path: r.path, arn: r.arn, createDate: r.create_date,
  // BIGINT on PostgreSQL: its type parser makes it a number already; Number() keeps that explicit.
  assumeRolePolicyDocument: r.assume_role_policy_document, description: r.description, maxSessionDuration: Number(r.max_session_duration),
  permissionsBoundaryArn: r.permissions_boundary_arn, tags: parseTags(r.tags),
});

// ---- SQL -------------------------------------------------------------------------------


const INSERT_USER = `INSERT INTO iam_users (user_id, account_id, user_name, name_lower, path, arn, create_date, permissions_boundary_arn, tags)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE_USER = `UPDATE iam_users SET user_name = ?, name_lower = ?, path = ?, arn = ?, permissions_boundary_arn = ?, tags = ?
  WHERE user_id = ? AND account_id = ?`;
const INSERT_GROUP = 'INSERT INTO iam_groups (group_id, account_id, group_name, name_lower, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INSERT_ROLE = `INSERT INTO iam_roles (role_id, account_id, role_name, name_lower, path, arn, create_date, assume_role_policy_document,
  description, max_session_duration, permissions_boundary_arn, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE_ROLE = `UPDATE iam_roles SET role_name = ?, name_lower = ?, path = ?, arn = ?, assume_role_policy_document = ?, description = ?,
  max_session_duration = ?, permissions_boundary_arn = ?, tags = ? WHERE role_id = ? AND account_id = ?`;

const IS_MEMBER = 'SELECT 1 FROM iam_group_members WHERE group_id = ? AND user_id = ?';
const USER_GROUP_COUNT = 'SELECT count(*) FROM iam_group_members WHERE user_id = ?';
const ADD_MEMBER = 'INSERT INTO iam_group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT (group_id, user_id) DO NOTHING';
const REMOVE_MEMBER = 'DELETE FROM iam_group_members WHERE group_id = ? AND user_id = ?';
const GROUPS_FOR_USER = `SELECT g.* FROM iam_group_members m JOIN iam_groups g ON g.group_id = m.group_id
  WHERE m.user_id = ? ORDER BY g.name_lower`;
const USERS_IN_GROUP = `SELECT u.* FROM iam_group_members m JOIN iam_users u ON u.user_id = m.user_id
  WHERE m.group_id = ? ORDER BY u.name_lower`;

const POLICIES_FIRST = 'Cannot delete entity, must delete policies first.';
const DETACH_FIRST = 'Cannot delete entity, must detach all policies first.';

/** What blocks deleting a principal (rows referencing its id), in the order and with the messages IAM reports. */
const DEPENDANTS: Record<PrincipalKind, [from: string, message: string][]> = {
  user: [
    ['access_keys WHERE user_id = ?', 'Cannot delete entity, must delete access keys first.'],
    ['iam_user_inline_policies WHERE principal_id = ?', POLICIES_FIRST],
    ['iam_user_attached_policies WHERE principal_id = ?', DETACH_FIRST],
    ['iam_group_members WHERE user_id = ?', 'Cannot delete entity, must remove user from all groups first.'],
  ],
  group: [
    ['iam_group_members WHERE group_id = ?', 'Cannot delete entity, must remove users from group first.'],
    ['iam_group_inline_policies WHERE principal_id = ?', POLICIES_FIRST],
    ['iam_group_attached_policies WHERE principal_id = ?', DETACH_FIRST],
  ],
  role: [
    ['iam_role_inline_policies WHERE principal_id = ?', POLICIES_FIRST],
    ['iam_role_attached_policies WHERE principal_id = ?', DETACH_FIRST],
  ],
};

/** Each kind's statements, built from its table names (KINDS); the names are ours, never input. */
function kindSql(kind: PrincipalKind) {
  const k = KINDS[kind];
  const inline = `iam_${kind}_inline_policies`;
  return {
    get: `SELECT * FROM ${k.table} WHERE account_id = ? AND name_lower = ?`,
    // Paged by the sort key: the marker is the name_lower of the last row returned.
    list: `SELECT * FROM ${k.table} WHERE account_id = @account AND name_lower > @after AND ${PATH_FILTER('path')}
      ORDER BY name_lower LIMIT @limit`,
    remove: `DELETE FROM ${k.table} WHERE ${k.id} = ?`,
    // SELECT 1 … LIMIT 1 rather than count(*) > 0: the same answer, and it stops at the first row.
    dependants: DEPENDANTS[kind].map(([from, message]) => ({ sql: `SELECT 1 FROM ${from} LIMIT 1`, message })),
    inlinePut: `INSERT INTO ${inline} (principal_id, policy_name, name_lower, document) VALUES (?, ?, ?, ?)
      ON CONFLICT (principal_id, name_lower) DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document`,
    inlineGet: `SELECT policy_name, document FROM ${inline} WHERE principal_id = ? AND name_lower = ?`,
    inlineDelete: `DELETE FROM ${inline} WHERE principal_id = ? AND name_lower = ?`,
    inlineList: `SELECT policy_name, document FROM ${inline} WHERE principal_id = ? ORDER BY name_lower`,
  };
}

const SQL: Record<PrincipalKind, ReturnType<typeof kindSql>> = { user: kindSql('user'), group: kindSql('group'), role: kindSql('role') };

// ---- Checks inside a transaction -------------------------------------------------------




const inlineRecord = (accountId: string, kind: PrincipalKind, owner: PrincipalRow, row: InlineRow): InlinePolicyRecord => ({
  accountId, principalKind: kind, principalName: owner.name, policyName: row.policy_name, document: row.document,
});

export function iamEntitiesStore(db: SqlDatabase): IamEntitiesStore {
  /** One autocommit statement: a lookup by the (account_id, name_lower) index. */
  async function getByName<R, T>(kind: PrincipalKind, accountId: string, name: string, map: (r: R) => T): Promise<T | null> {
    const row = await db.get<R>(SQL[kind].get, [accountId, lower(name)]);
    return row ? map(row) : null;
  }

  async function listPage<R extends { name_lower: string }, T>(kind: PrincipalKind, accountId: string, page: PageRequest, map: (r: R) => T): Promise<Page<T>> {
    const limit = pageLimit(page);
    const rows = await db.all<R>(SQL[kind].list, { account: accountId, after: decodeMarker(page.marker), prefix: page.pathPrefix ?? '', limit: limit + 1 });
    return toPage(rows, limit, map, (r) => r.name_lower);
  }

  async function deletePrincipal(kind: PrincipalKind, accountId: string, name: string): Promise<void> {
    await db.write(async (q) => {
      const { id } = await findPrincipal(q, accountId, kind, name);
      for (const d of SQL[kind].dependants) {
        if (await q.get(d.sql, [id])) throw conflict(d.message);
      }
      await q.run(SQL[kind].remove, [id]);
    }, { foreignKey: 'Conflict' });
  }

  return {
    // ---- Users -----------------------------------------------------------------------------

    async createUser(u) {
      await db.write(async (q) => {
        await requireAccount(q, u.accountId);
        if (u.permissionsBoundaryArn !== null) await requireUsablePolicy(q, u.accountId, u.permissionsBoundaryArn);
        await q.run(INSERT_USER, [u.userId, u.accountId, u.userName, lower(u.userName), u.path, u.arn, u.createDate,
          u.permissionsBoundaryArn, JSON.stringify(u.tags)]);
      }, { exists: `User with name ${u.userName} already exists.` });
    },

    getUser: (accountId, userName) => getByName('user', accountId, userName, toUser),

    listUsers: (accountId, page) => listPage('user', accountId, page, toUser),

    deleteUser: (accountId, userName) => deletePrincipal('user', accountId, userName),

    async updateUser(u) {
      await db.write(async (q) => {
        if (u.permissionsBoundaryArn !== null) await requireUsablePolicy(q, u.accountId, u.permissionsBoundaryArn);
        const changes = await q.run(UPDATE_USER, [u.userName, lower(u.userName), u.path, u.arn, u.permissionsBoundaryArn,
          JSON.stringify(u.tags), u.userId, u.accountId]);
        if (changes === 0) throw notFound(`The user with name ${u.userName} cannot be found.`);
      }, { exists: `User with name ${u.userName} already exists.` });
    },

    // ---- Groups ----------------------------------------------------------------------------

    async createGroup(g) {
      await db.write(async (q) => {
        await requireAccount(q, g.accountId);
        await q.run(INSERT_GROUP, [g.groupId, g.accountId, g.groupName, lower(g.groupName), g.path, g.arn, g.createDate]);
      }, { exists: `Group with name ${g.groupName} already exists.` });
    },

    getGroup: (accountId, groupName) => getByName('group', accountId, groupName, toGroup),

    listGroups: (accountId, page) => listPage('group', accountId, page, toGroup),

    deleteGroup: (accountId, groupName) => deletePrincipal('group', accountId, groupName),

    async addUserToGroup(accountId, groupName, userName) {
      await db.write(async (q) => {
        const group = await findPrincipal(q, accountId, 'group', groupName);
        const user = await findPrincipal(q, accountId, 'user', userName);
        if (await q.get(IS_MEMBER, [group.id, user.id])) return; // idempotent, even at the quota
        if (Number(await q.value(USER_GROUP_COUNT, [user.id])) >= LIMITS.groupsPerUser) {
          throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${LIMITS.groupsPerUser}`);
        }
        await q.run(ADD_MEMBER, [group.id, user.id]);
      });
    },

    async removeUserFromGroup(accountId, groupName, userName) {
      await db.write(async (q) => {
        const group = await findPrincipal(q, accountId, 'group', groupName);
        const user = await findPrincipal(q, accountId, 'user', userName);
        if ((await q.run(REMOVE_MEMBER, [group.id, user.id])) === 0) {
          throw notFound(`The user with name ${user.name} is not in group ${group.name}.`);
        }
      });
    },

    listGroupsForUser(accountId, userName) {
      return db.read(async (q) => {
        const user = await findPrincipal(q, accountId, 'user', userName);
        return (await q.all<GroupRow>(GROUPS_FOR_USER, [user.id])).map(toGroup);
      });
    },

    listUsersInGroup(accountId, groupName) {
      return db.read(async (q) => {
        const group = await findPrincipal(q, accountId, 'group', groupName);
        return (await q.all<UserRow>(USERS_IN_GROUP, [group.id])).map(toUser);
      });
    },

    // ---- Roles -----------------------------------------------------------------------------

    async createRole(r) {
      await db.write(async (q) => {
        await requireAccount(q, r.accountId);
        if (r.permissionsBoundaryArn !== null) await requireUsablePolicy(q, r.accountId, r.permissionsBoundaryArn);
        await q.run(INSERT_ROLE, [r.roleId, r.accountId, r.roleName, lower(r.roleName), r.path, r.arn, r.createDate, r.assumeRolePolicyDocument,
          r.description, r.maxSessionDuration, r.permissionsBoundaryArn, JSON.stringify(r.tags)]);
      }, { exists: `Role with name ${r.roleName} already exists.` });
    },

    getRole: (accountId, roleName) => getByName('role', accountId, roleName, toRole),

    listRoles: (accountId, page) => listPage('role', accountId, page, toRole),

    async updateRole(r) {
      await db.write(async (q) => {
        if (r.permissionsBoundaryArn !== null) await requireUsablePolicy(q, r.accountId, r.permissionsBoundaryArn);
        const changes = await q.run(UPDATE_ROLE, [r.roleName, lower(r.roleName), r.path, r.arn, r.assumeRolePolicyDocument, r.description,
          r.maxSessionDuration, r.permissionsBoundaryArn, JSON.stringify(r.tags), r.roleId, r.accountId]);
        if (changes === 0) throw notFound(`The role with name ${r.roleName} cannot be found.`);
      }, { exists: `Role with name ${r.roleName} already exists.` });
    },

    deleteRole: (accountId, roleName) => deletePrincipal('role', accountId, roleName),

    // ---- Inline policies -------------------------------------------------------------------

    async putInlinePolicy(p) {
      await db.write(async (q) => {
        const owner = await findPrincipal(q, p.accountId, p.principalKind, p.principalName);
        await q.run(SQL[p.principalKind].inlinePut, [owner.id, p.policyName, lower(p.policyName), p.document]);
      });
    },

    getInlinePolicy(accountId, kind, principalName, policyName) {
      return db.read(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        const row = await q.get<InlineRow>(SQL[kind].inlineGet, [owner.id, lower(policyName)]);
        return row ? inlineRecord(accountId, kind, owner, row) : null;
      });
    },

    async deleteInlinePolicy(accountId, kind, principalName, policyName) {
      await db.write(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        if ((await q.run(SQL[kind].inlineDelete, [owner.id, lower(policyName)])) === 0) {
          throw notFound(`The ${KINDS[kind].label} policy with name ${policyName} cannot be found.`);
        }
      });
    },

    listInlinePolicies(accountId, kind, principalName) {
      return db.read(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        return (await q.all<InlineRow>(SQL[kind].inlineList, [owner.id])).map((row) => inlineRecord(accountId, kind, owner, row));
      });
    },
  };
}
