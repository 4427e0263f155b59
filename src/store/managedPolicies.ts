// IAM managed policies in the store: AWS's own (account 'aws') and the accounts' policies, their
// versions, and their attachments to users, groups and roles. The SQL runs on SQLite and
// PostgreSQL alike (sql/database.ts).
//
// The default version is `managed_policies.default_version_id`, the one source of truth
// (`isDefault` is derived). The counts a policy reports (attachments, boundary uses) are derived
// by the query that reads it, never stored, so they cannot drift from the attachment tables.

import type { Queries, SqlDatabase } from './sql/database.js';
import {
  AWS_ACCOUNT, conflict, decodeMarker, findPrincipal, KIND_NAMES, KINDS, limitExceeded, LIMITS, lower, notFound, pageLimit, parseTags, PATH_FILTER,
  POLICY_OWNER, requireAccount, requireUsablePolicy, toPage,
} from './sqlShared.js';
import type { ManagedPolicyRecord, PolicyVersionRecord, PrincipalKind, Store } from './store.js';

export type ManagedPoliciesStore = Pick<
  Store,
  | 'createManagedPolicy' | 'getManagedPolicy' | 'listManagedPolicies' | 'deleteManagedPolicy'
  | 'createPolicyVersion' | 'getPolicyVersion' | 'listPolicyVersions' | 'setDefaultPolicyVersion' | 'deletePolicyVersion'
  | 'attachPolicy' | 'detachPolicy' | 'listAttachedPolicies'
>;

interface PolicyRow {
  arn: string; account_id: string; policy_name: string; name_lower: string; policy_id: string; path: string; description: string | null;
  default_version_id: string; create_date: string; update_date: string; tags: string; attachment_count: number; boundary_usage_count: number;
}
interface VersionRow { policy_arn: string; version_id: string; document: string; create_date: string; default_version_id: string }
/** A principal as found by name: its id and its name as stored. */

const toPolicy = (r: PolicyRow): ManagedPolicyRecord => ({
  arn: r.arn, accountId: r.account_id, policyName: r.policy_name, policyId: r.policy_id, path: r.path, description: r.description,
  // count(*) sums: numbers on both (PostgreSQL's BIGINT through its type parser); Number() keeps that explicit.
  defaultVersionId: r.default_version_id, createDate: r.create_date, updateDate: r.update_date, attachmentCount: Number(r.attachment_count),
  boundaryUsageCount: Number(r.boundary_usage_count), tags: parseTags(r.tags),
});
const toVersion = (r: VersionRow): PolicyVersionRecord => ({
  policyArn: r.policy_arn, versionId: r.version_id, document: r.document, isDefault: r.version_id === r.default_version_id, createDate: r.create_date,
});

/** Numeric part of a version id ('v12' → 12), for newest-first ordering ('v10' after 'v9'). */
const versionNumber = (id: string): number => Number(/\d+/.exec(id)?.[0] ?? 0);

// ---- SQL -------------------------------------------------------------------------------

// A managed policy with its derived counts. @acct scopes the counts of AWS managed policies to
// the account looking at them (as IAM reports them); NULL counts every account. A local policy
// can only be attached or used as a boundary in its own account. The CAST: PostgreSQL cannot
// infer the type of a parameter that is only tested with IS NULL.
const IN_VIEW = `(CAST(@acct AS TEXT) IS NULL OR mp.account_id <> '${AWS_ACCOUNT}' OR p.account_id = @acct)`;
const POLICY_COUNTS = KIND_NAMES.map((k) => `(SELECT count(*) FROM iam_${k}_attached_policies a
    JOIN ${KINDS[k].table} p ON p.${KINDS[k].id} = a.principal_id
    WHERE a.policy_arn = mp.arn AND ${IN_VIEW})`).join(' + ');
const BOUNDARY_COUNTS = (['user', 'role'] as const).map((k) => `(SELECT count(*) FROM ${KINDS[k].table} p
    WHERE p.permissions_boundary_arn = mp.arn AND ${IN_VIEW})`).join(' + ');
const POLICY_SELECT = `SELECT mp.arn, mp.account_id, mp.policy_name, mp.name_lower, mp.policy_id, mp.path, mp.description,
    mp.default_version_id, mp.create_date, mp.update_date, mp.tags,
    ${POLICY_COUNTS} AS attachment_count,
    ${BOUNDARY_COUNTS} AS boundary_usage_count
  FROM managed_policies mp`;

const GET_POLICY = `${POLICY_SELECT} WHERE mp.arn = @arn`;
// Ordered by (name_lower, arn): an AWS and a local policy can share a name, so the ARN breaks
// the tie and the marker carries both. The counts are the listing account's; onlyAttached
// filters on them, hence the outer query.
const LIST_POLICIES = `SELECT * FROM (${POLICY_SELECT}
    WHERE (mp.account_id = @a1 OR mp.account_id = @a2) AND ${PATH_FILTER('mp.path')}
      AND (mp.name_lower > @afterName OR (mp.name_lower = @afterName AND mp.arn > @afterArn))) listed
  WHERE (@onlyAttached = 0 OR attachment_count > 0)
  ORDER BY name_lower, arn LIMIT @limit`;
const INSERT_POLICY = `INSERT INTO managed_policies (arn, account_id, policy_name, name_lower, policy_id, path, description, default_version_id,
  create_date, update_date, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const DELETE_POLICY = 'DELETE FROM managed_policies WHERE arn = ?';
const TOUCH_POLICY = 'UPDATE managed_policies SET update_date = ? WHERE arn = ?';
const SET_DEFAULT = 'UPDATE managed_policies SET default_version_id = ? WHERE arn = ?';

const INSERT_VERSION = 'INSERT INTO policy_versions (policy_arn, version_id, document, create_date) VALUES (?, ?, ?, ?)';
const VERSION_COUNT = 'SELECT count(*) FROM policy_versions WHERE policy_arn = ?';
const VERSION_SELECT = `SELECT v.policy_arn, v.version_id, v.document, v.create_date, mp.default_version_id
  FROM policy_versions v JOIN managed_policies mp ON mp.arn = v.policy_arn`;
const GET_VERSION = `${VERSION_SELECT} WHERE v.policy_arn = ? AND v.version_id = ?`;
// In key order (SQLite's natural order here), then sorted by version number in code.
const LIST_VERSIONS = `${VERSION_SELECT} WHERE v.policy_arn = ? ORDER BY v.version_id`;
const DELETE_VERSION = 'DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?';
const DELETE_VERSIONS = 'DELETE FROM policy_versions WHERE policy_arn = ?';

/** Each kind's attachment statements, built from its table name; the names are ours, never input. */
function kindSql(kind: PrincipalKind) {
  const attached = `iam_${kind}_attached_policies`;
  return {
    attach: `INSERT INTO ${attached} (principal_id, policy_arn) VALUES (?, ?) ON CONFLICT (principal_id, policy_arn) DO NOTHING`,
    attachedExists: `SELECT 1 FROM ${attached} WHERE principal_id = ? AND policy_arn = ?`,
    detach: `DELETE FROM ${attached} WHERE principal_id = ? AND policy_arn = ?`,
    attachedCount: `SELECT count(*) FROM ${attached} WHERE principal_id = ?`,
    attachedList: `${POLICY_SELECT} JOIN ${attached} att ON att.policy_arn = mp.arn
      WHERE att.principal_id = @principal ORDER BY mp.name_lower, mp.arn`,
  };
}

const SQL: Record<PrincipalKind, ReturnType<typeof kindSql>> = { user: kindSql('user'), group: kindSql('group'), role: kindSql('role') };

// ---- Checks inside a transaction -------------------------------------------------------




async function requirePolicy(q: Queries, arn: string): Promise<void> {
  if ((await q.value(POLICY_OWNER, [arn])) === undefined) throw notFound(`Policy ${arn} was not found.`);
}

const versionCount = async (q: Queries, arn: string): Promise<number> => Number(await q.value(VERSION_COUNT, [arn]));

export function managedPoliciesStore(db: SqlDatabase): ManagedPoliciesStore {
  return {
    // ---- Policies --------------------------------------------------------------------------

    async createManagedPolicy(p, firstVersion) {
      await db.write(async (q) => {
        if (p.accountId !== AWS_ACCOUNT) await requireAccount(q, p.accountId);
        await q.run(INSERT_POLICY, [p.arn, p.accountId, p.policyName, lower(p.policyName), p.policyId, p.path, p.description,
          firstVersion.versionId, p.createDate, p.updateDate, JSON.stringify(p.tags)]);
        await q.run(INSERT_VERSION, [p.arn, firstVersion.versionId, firstVersion.document, firstVersion.createDate]);
      }, { exists: `A policy called ${p.policyName} already exists. Duplicate names are not allowed.` });
    },

    async getManagedPolicy(arn, viewerAccountId) {
      const row = await db.get<PolicyRow>(GET_POLICY, { arn, acct: viewerAccountId ?? null });
      return row ? toPolicy(row) : null;
    },

    async listManagedPolicies(accountId, scope, onlyAttached, page) {
      const limit = pageLimit(page);
      const [afterName = '', afterArn = ''] = page.marker ? decodeMarker(page.marker).split('\n') : [];
      const owners = scope === 'AWS' ? [AWS_ACCOUNT, AWS_ACCOUNT] : scope === 'Local' ? [accountId, accountId] : [AWS_ACCOUNT, accountId];
      const rows = await db.all<PolicyRow>(LIST_POLICIES, {
        acct: accountId, a1: owners[0], a2: owners[1], prefix: page.pathPrefix ?? '', afterName, afterArn,
        onlyAttached: onlyAttached ? 1 : 0, limit: limit + 1,
      });
      return toPage(rows, limit, toPolicy, (r) => `${r.name_lower}\n${r.arn}`);
    },

    async deleteManagedPolicy(arn) {
      await db.write(async (q) => {
        const row = await q.get<PolicyRow>(GET_POLICY, { arn, acct: null });
        if (!row) throw notFound(`Policy ${arn} was not found.`);
        if (Number(row.attachment_count) > 0) throw conflict('Cannot delete a policy attached to entities.');
        if (Number(row.boundary_usage_count) > 0) throw conflict('Cannot delete a policy used as a permissions boundary.');
        if ((await versionCount(q, arn)) > 1) throw conflict('Cannot delete a policy with non-default versions.');
        await q.run(DELETE_VERSIONS, [arn]);
        await q.run(DELETE_POLICY, [arn]);
      }, { foreignKey: 'Conflict' });
    },

    // ---- Versions --------------------------------------------------------------------------

    async createPolicyVersion(v, setAsDefault) {
      await db.write(async (q) => {
        await requirePolicy(q, v.policyArn);
        if ((await versionCount(q, v.policyArn)) >= LIMITS.versionsPerPolicy) {
          throw limitExceeded(`A managed policy can have up to ${LIMITS.versionsPerPolicy} versions. Before you create a new version, you must delete an existing version.`);
        }
        await q.run(INSERT_VERSION, [v.policyArn, v.versionId, v.document, v.createDate]);
        await q.run(TOUCH_POLICY, [v.createDate, v.policyArn]);
        if (setAsDefault) await q.run(SET_DEFAULT, [v.versionId, v.policyArn]);
      }, { exists: `Policy version ${v.versionId} of ${v.policyArn} already exists.` });
    },

    async getPolicyVersion(arn, versionId) {
      const row = await db.get<VersionRow>(GET_VERSION, [arn, versionId]);
      return row ? toVersion(row) : null;
    },

    /** Newest first, as IAM lists them; NotFound when the policy is missing. */
    listPolicyVersions(arn) {
      return db.read(async (q) => {
        await requirePolicy(q, arn);
        const rows = await q.all<VersionRow>(LIST_VERSIONS, [arn]);
        return rows.sort((a, b) => versionNumber(b.version_id) - versionNumber(a.version_id)).map(toVersion);
      });
    },

    async setDefaultPolicyVersion(arn, versionId) {
      await db.write(async (q) => {
        await requirePolicy(q, arn);
        if (!(await q.get(GET_VERSION, [arn, versionId]))) throw notFound(`Policy ${arn} version ${versionId} does not exist.`);
        await q.run(SET_DEFAULT, [versionId, arn]);
      });
    },

    async deletePolicyVersion(arn, versionId) {
      await db.write(async (q) => {
        await requirePolicy(q, arn);
        const row = await q.get<VersionRow>(GET_VERSION, [arn, versionId]);
        if (!row) throw notFound(`Policy ${arn} version ${versionId} does not exist.`);
        if (row.default_version_id === versionId) throw conflict('Cannot delete the default version of a policy.');
        await q.run(DELETE_VERSION, [arn, versionId]);
      });
    },

    // ---- Attachments -----------------------------------------------------------------------

    async attachPolicy(accountId, kind, principalName, policyArn) {
      await db.write(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        await requireUsablePolicy(q, accountId, policyArn);
        const k = SQL[kind];
        if (await q.get(k.attachedExists, [owner.id, policyArn])) return; // idempotent, even at the quota
        if (Number(await q.value(k.attachedCount, [owner.id])) >= LIMITS.attachedPoliciesPerPrincipal) {
          throw limitExceeded(`Cannot exceed quota for ${KINDS[kind].quota}: ${LIMITS.attachedPoliciesPerPrincipal}`);
        }
        await q.run(k.attach, [owner.id, policyArn]);
      });
    },

    async detachPolicy(accountId, kind, principalName, policyArn) {
      await db.write(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        if ((await q.run(SQL[kind].detach, [owner.id, policyArn])) === 0) throw notFound(`Policy ${policyArn} was not found.`);
      });
    },

    listAttachedPolicies(accountId, kind, principalName) {
      return db.read(async (q) => {
        const owner = await findPrincipal(q, accountId, kind, principalName);
        return (await q.all<PolicyRow>(SQL[kind].attachedList, { principal: owner.id, acct: accountId })).map(toPolicy);
      });
    },
  };
}
