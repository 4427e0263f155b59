// Accounts and AWS Organizations in the store: accounts, the organization and its units,
// service control policies and where they are attached. The SQL runs on SQLite and
// PostgreSQL alike (sql/database.ts).

import type { SqlDatabase } from './sql/database.js';
import { conflict, notFound } from './sqlShared.js';
import type { AccountRecord, OrganizationalUnitRecord, OrganizationRecord, OrgPolicyRecord, Store } from './store.js';

export type OrganizationsStore = Pick<
  Store,
  | 'putAccount' | 'getAccount' | 'listAccounts' | 'putOrganization' | 'getOrganization' | 'putOrganizationalUnit' | 'listOrganizationalUnits'
  | 'putOrgPolicy' | 'getOrgPolicy' | 'listOrgPolicies' | 'attachOrgPolicy' | 'detachOrgPolicy' | 'listOrgPoliciesForTarget' | 'listTargetsForOrgPolicy'
>;

interface AccountRow { account_id: string; name: string; email: string; organization_id: string | null; parent_id: string | null; joined_at: string }
interface OrganizationRow { organization_id: string; management_account_id: string; root_id: string; feature_set: 'ALL' }
interface OuRow { ou_id: string; organization_id: string; name: string; parent_id: string }
interface OrgPolicyRow { policy_id: string; organization_id: string; name: string; description: string; type: 'SERVICE_CONTROL_POLICY'; content: string; aws_managed: number }

const toAccount = (r: AccountRow): AccountRecord => ({
  accountId: r.account_id, name: r.name, email: r.email, organizationId: r.organization_id, parentId: r.parent_id, joinedAt: r.joined_at,
});
const toOrganization = (r: OrganizationRow): OrganizationRecord => ({
  organizationId: r.organization_id, managementAccountId: r.management_account_id, rootId: r.root_id, featureSet: r.feature_set,
});
const toOu = (r: OuRow): OrganizationalUnitRecord => ({ ouId: r.ou_id, organizationId: r.organization_id, name: r.name, parentId: r.parent_id });
const toOrgPolicy = (r: OrgPolicyRow): OrgPolicyRecord => ({
  policyId: r.policy_id, organizationId: r.organization_id, name: r.name, description: r.description, type: r.type, content: r.content,
  awsManaged: Number(r.aws_managed) === 1,
});

const GET_ORGANIZATION = 'SELECT * FROM organizations WHERE organization_id = ?';
const GET_OU = 'SELECT * FROM organizational_units WHERE ou_id = ?';
const GET_ORG_POLICY = 'SELECT * FROM org_policies WHERE policy_id = ?';

export function organizationsStore(db: SqlDatabase): OrganizationsStore {
  return {
    async putAccount(a) {
      await db.write(async (q) => {
        if (a.organizationId !== null && !(await q.get(GET_ORGANIZATION, [a.organizationId]))) {
          throw notFound(`Organization ${a.organizationId} does not exist.`);
        }
        await q.run(
          `INSERT INTO accounts (account_id, name, email, organization_id, parent_id, joined_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, email = excluded.email, organization_id = excluded.organization_id,
           parent_id = excluded.parent_id, joined_at = excluded.joined_at`,
          [a.accountId, a.name, a.email, a.organizationId, a.parentId, a.joinedAt],
        );
      });
    },

    async getAccount(accountId) {
      const row = await db.get<AccountRow>('SELECT * FROM accounts WHERE account_id = ?', [accountId]);
      return row ? toAccount(row) : null;
    },

    async listAccounts() {
      return (await db.all<AccountRow>('SELECT * FROM accounts ORDER BY account_id')).map(toAccount);
    },

    async putOrganization(o) {
      await db.write(
        (q) => q.run(
          `INSERT INTO organizations (organization_id, management_account_id, root_id, feature_set) VALUES (?, ?, ?, ?)
           ON CONFLICT (organization_id) DO UPDATE SET management_account_id = excluded.management_account_id, root_id = excluded.root_id,
           feature_set = excluded.feature_set`,
          [o.organizationId, o.managementAccountId, o.rootId, o.featureSet],
        ),
        { exists: `Root ${o.rootId} already belongs to another organization.` },
      );
    },

    async getOrganization(organizationId) {
      const row = await db.get<OrganizationRow>(GET_ORGANIZATION, [organizationId]);
      return row ? toOrganization(row) : null;
    },

    async putOrganizationalUnit(ou) {
      await db.write(async (q) => {
        const org = await q.get<OrganizationRow>(GET_ORGANIZATION, [ou.organizationId]);
        if (!org) throw notFound(`Organization ${ou.organizationId} does not exist.`);
        const parent = await q.get<OuRow>(GET_OU, [ou.parentId]);
        if (ou.parentId !== org.root_id && parent?.organization_id !== ou.organizationId) {
          throw notFound(`Parent ${ou.parentId} does not exist in organization ${ou.organizationId}.`);
        }
        if (ou.parentId === ou.ouId) throw conflict('An organizational unit cannot be its own parent.');
        await q.run(
          `INSERT INTO organizational_units (ou_id, organization_id, name, parent_id) VALUES (?, ?, ?, ?)
           ON CONFLICT (ou_id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, parent_id = excluded.parent_id`,
          [ou.ouId, ou.organizationId, ou.name, ou.parentId],
        );
      }, { exists: `An OU named ${ou.name} already exists under ${ou.parentId}.` });
    },

    async listOrganizationalUnits(organizationId) {
      return (await db.all<OuRow>('SELECT * FROM organizational_units WHERE organization_id = ? ORDER BY name, ou_id', [organizationId])).map(toOu);
    },

    async putOrgPolicy(p) {
      await db.write(async (q) => {
        if (!(await q.get(GET_ORGANIZATION, [p.organizationId]))) throw notFound(`Organization ${p.organizationId} does not exist.`);
        const existing = await q.get<OrgPolicyRow>(GET_ORG_POLICY, [p.policyId]);
        if (existing && existing.organization_id !== p.organizationId) {
          throw conflict(`Policy ${p.policyId} belongs to organization ${existing.organization_id}.`);
        }
        await q.run(
          `INSERT INTO org_policies (policy_id, organization_id, name, description, type, content, aws_managed) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (policy_id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, description = excluded.description,
           type = excluded.type, content = excluded.content, aws_managed = excluded.aws_managed`,
          [p.policyId, p.organizationId, p.name, p.description, p.type, p.content, p.awsManaged ? 1 : 0],
        );
      }, { exists: `A policy named ${p.name} already exists.` });
    },

    async getOrgPolicy(policyId) {
      const row = await db.get<OrgPolicyRow>(GET_ORG_POLICY, [policyId]);
      return row ? toOrgPolicy(row) : null;
    },

    async listOrgPolicies(organizationId) {
      return (await db.all<OrgPolicyRow>('SELECT * FROM org_policies WHERE organization_id = ? ORDER BY name, policy_id', [organizationId])).map(toOrgPolicy);
    },

    async attachOrgPolicy(policyId, targetId) {
      await db.write(async (q) => {
        const policy = await q.get<OrgPolicyRow>(GET_ORG_POLICY, [policyId]);
        if (!policy) throw notFound(`Policy ${policyId} does not exist.`);
        const target = await q.get(
          `SELECT 1 FROM organizations WHERE organization_id = @org AND root_id = @target
           UNION ALL SELECT 1 FROM organizational_units WHERE organization_id = @org AND ou_id = @target
           UNION ALL SELECT 1 FROM accounts WHERE organization_id = @org AND account_id = @target`,
          { org: policy.organization_id, target: targetId },
        );
        if (!target) throw notFound(`Target ${targetId} does not exist in organization ${policy.organization_id}.`);
        await q.run('INSERT INTO org_policy_targets (policy_id, target_id) VALUES (?, ?) ON CONFLICT (policy_id, target_id) DO NOTHING', [policyId, targetId]);
      });
    },

    async detachOrgPolicy(policyId, targetId) {
      await db.write(async (q) => {
        if ((await q.run('DELETE FROM org_policy_targets WHERE policy_id = ? AND target_id = ?', [policyId, targetId])) === 0) {
          throw notFound(`Policy ${policyId} is not attached to ${targetId}.`);
        }
      });
    },

    async listOrgPoliciesForTarget(targetId) {
      const rows = await db.all<OrgPolicyRow>(
        `SELECT op.* FROM org_policy_targets t JOIN org_policies op ON op.policy_id = t.policy_id
         WHERE t.target_id = ? ORDER BY op.name, op.policy_id`,
        [targetId],
      );
      return rows.map(toOrgPolicy);
    },

    async listTargetsForOrgPolicy(policyId) {
      return (await db.all<{ target_id: string }>('SELECT target_id FROM org_policy_targets WHERE policy_id = ? ORDER BY target_id', [policyId])).map((r) => r.target_id);
    },
  };
}
