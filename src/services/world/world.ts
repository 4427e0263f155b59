// The world: accounts, the organization and its SCPs, and each account's IAM users, groups,
// roles and policies, declared in JSON (`--world FILE`, or the default world). Applying a
// world creates what is missing and leaves what exists alone, so applying it twice changes
// nothing. This is the only code that writes without a caller (docs/design.md, principle 1).

import type { Store, Tag } from '../../store/store.js';
import { orgId, secretAccessKey, uniqueId } from '../ids.js';
import { iamArn, validatePolicyDocument } from '../iam/common.js';
import { FULL_AWS_ACCESS_CONTENT, FULL_AWS_ACCESS_ID } from '../organizations/index.js';
import type { LambdaAccountSettings } from '../lambda/publicAccess.js';
import awsManagedPolicyData from '../iam/data/aws-managed-policies.json' with { type: 'json' };

export interface WorldFile {
  organization?: WorldOrganization;
  /** Keyed by profile name: each account gets a profile in the generated credentials file. */
  accounts: Record<string, WorldAccount>;
  /**
   * Profiles that assume a role (`role_arn` + `source_profile` in the generated config), so
   * `aws --profile <name>` acts as the role as it would against AWS.
   */
  roleProfiles?: Record<string, WorldRoleProfile>;
}

export interface WorldRoleProfile {
  roleArn: string;
  /** A profile with keys: an account's profile, or its `-root` profile. */
  sourceProfile: string;
  externalId?: string;
  roleSessionName?: string;
}

export interface WorldOrganization {
  id: string;
  /** Profile name (or account id) of the management account. */
  managementAccount: string;
  /** Accounts directly under the root (profile names or ids). */
  accounts?: string[];
  units?: WorldUnit[];
  serviceControlPolicies?: WorldScp[];
}

export interface WorldUnit {
  name: string;
  accounts?: string[];
  units?: WorldUnit[];
}

export interface WorldScp {
  name: string;
  description?: string;
  document: object | string;
  /** `root`, a unit name, or an account (profile name or id). */
  targets: string[];
}

type PolicyDoc = object | string;

export interface WorldAccount {
  id: string;
  name?: string;
  email?: string;
  /** Whose access key becomes the profile; default `admin`. */
  profileUser?: string;
  /**
   * Gives the root user an access key, in a profile `<profile>-root`: `true` generates one,
   * or give it. AWS advises against root keys; worlds that test root behaviour need one.
   */
  rootAccessKey?: boolean | { accessKeyId: string; secretAccessKey: string };
  users?: Record<string, WorldUser>;
  groups?: Record<string, WorldGroup>;
  roles?: Record<string, WorldRole>;
  /** Customer managed policies of the account, by name. */
  policies?: Record<string, { path?: string; description?: string; document: PolicyDoc }>;
  /**
   * Lambda settings of the account. `blockPublicAccess`: AddPermission, RemovePermission and
   * PutResourcePolicy refuse (PublicPolicyException) a policy that would make a function, version
   * or alias public. AWS publishes no API for it, so the world file holds it; default off.
   */
  lambda?: { blockPublicAccess?: boolean };
}

interface Attachable {
  path?: string;
  /** Policy ARNs, or names of the account's own managed policies. */
  managedPolicies?: string[];
  inlinePolicies?: Record<string, PolicyDoc>;
}

export interface WorldUser extends Attachable {
  groups?: string[];
  permissionsBoundary?: string;
  tags?: Record<string, string>;
  /** Fixed keys (for reproducible test setups); one is generated when none exists. */
  accessKeys?: { accessKeyId: string; secretAccessKey: string }[];
}

export type WorldGroup = Attachable;

export interface WorldRole extends Attachable {
  assumeRolePolicy: PolicyDoc;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Record<string, string>;
}

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** AWS managed policies shipped with Latchkey (public documents). */
const awsManagedPolicies = awsManagedPolicyData as {
  policies: { name: string; path: string; versionId: string; createDate: string; document: object }[];
};

/**
 * owner / partner / outsider, organization o-t194hfs8cz (docs/design.md, contracts), and the
 * role profile partner-ops: the partner's admin acting in the owner account through the role
 * partner-ops, which may read (not change) the owner's Lambda resources.
 */
export const DEFAULT_WORLD: WorldFile = {
  organization: { id: 'o-t194hfs8cz', managementAccount: 'owner', accounts: ['partner'] },
  accounts: {
    owner: {
      id: '123456789012',
      users: { admin: { managedPolicies: [ADMIN] } },
      roles: {
        'partner-ops': {
          description: "Assumed by the partner account's operators",
          assumeRolePolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }],
          },
          managedPolicies: ['arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess'],
        },
      },
    },
    partner: { id: '111122223333', users: { admin: { managedPolicies: [ADMIN] } } },
    outsider: { id: '210987654321', users: { admin: { managedPolicies: [ADMIN] } } },
  },
  roleProfiles: {
    'partner-ops': { roleArn: 'arn:aws:iam::123456789012:role/partner-ops', sourceProfile: 'partner' },
  },
};

const text = (doc: PolicyDoc) => (typeof doc === 'string' ? doc : JSON.stringify(doc));
const tagList = (tags?: Record<string, string>): Tag[] => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

/** Creates what is missing, idempotently. Throws with the path of a bad entry. */
export async function applyWorld(store: Store, world: WorldFile, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await loadAwsManagedPolicies(store, at);
  const ids = new Map(Object.entries(world.accounts).map(([profile, a]) => [profile, a.id]));
  const accountId = (ref: string) => ids.get(ref) ?? ref;

  for (const [profile, a] of Object.entries(world.accounts)) {
    if (!/^\d{12}$/.test(a.id)) throw new Error(`world: accounts.${profile}.id must be 12 digits`);
    const block = a.lambda?.blockPublicAccess;
    if (block !== undefined && typeof block !== 'boolean') throw new Error(`world: accounts.${profile}.lambda.blockPublicAccess must be true or false`);
    if (!(await store.getAccount(a.id))) {
      await store.putAccount({
        accountId: a.id,
        name: a.name ?? profile,
        email: a.email ?? `${profile}@example.com`,
        organizationId: null,
        parentId: null,
        joinedAt: at,
      });
    }
  }
  checkRoleProfiles(world);
  if (world.organization) await applyOrganization(store, world.organization, accountId);
  for (const [profile, a] of Object.entries(world.accounts)) await applyAccount(store, profile, a, at);
}

function checkRoleProfiles(world: WorldFile) {
  const keyed = new Set(Object.entries(world.accounts).flatMap(([name, a]) => (a.rootAccessKey ? [name, `${name}-root`] : [name])));
  for (const [name, r] of Object.entries(world.roleProfiles ?? {})) {
    if (keyed.has(name)) throw new Error(`world: roleProfiles.${name} has the name of an account's profile`);
    if (!keyed.has(r.sourceProfile)) throw new Error(`world: roleProfiles.${name}.sourceProfile must be a profile of the world's accounts, not ${r.sourceProfile}`);
    if (!/^arn:aws:iam::\d{12}:role\/.+/.test(r.roleArn)) throw new Error(`world: roleProfiles.${name}.roleArn must be a role ARN`);
  }
}

async function loadAwsManagedPolicies(store: Store, at: string) {
  for (const p of awsManagedPolicies.policies) {
    const arn = `arn:aws:iam::aws:policy${p.path}${p.name}`;
    if (await store.getManagedPolicy(arn)) continue;
    const createDate = new Date(p.createDate).toISOString();
    await store.createManagedPolicy(
      {
        arn,
        accountId: 'aws',
        policyName: p.name,
        policyId: uniqueId('ANPA'),
        path: p.path,
        description: null,
        defaultVersionId: p.versionId,
        createDate,
        updateDate: createDate,
        tags: [],
      },
      { policyArn: arn, versionId: p.versionId, document: JSON.stringify(p.document), isDefault: true, createDate: at },
    );
  }
}

async function applyOrganization(store: Store, o: WorldOrganization, accountId: (ref: string) => string) {
  let org = await store.getOrganization(o.id);
  if (!org) {
    org = { organizationId: o.id, managementAccountId: accountId(o.managementAccount), rootId: orgId('root'), featureSet: 'ALL' };
    await store.putOrganization(org);
    await store.putOrgPolicy({
      policyId: FULL_AWS_ACCESS_ID,
      organizationId: o.id,
      name: 'FullAWSAccess',
      description: 'Allows access to every operation',
      type: 'SERVICE_CONTROL_POLICY',
      content: FULL_AWS_ACCESS_CONTENT,
      awsManaged: true,
    });
    await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, org.rootId);
  }
  const { rootId } = org;
  const unitIds = new Map<string, string>();
  const existingUnits = await store.listOrganizationalUnits(o.id);

  const join = async (ref: string, parentId: string) => {
    const id = accountId(ref);
    const account = await store.getAccount(id);
    if (!account) throw new Error(`world: organization names account ${ref}, which the world does not declare`);
    if (account.organizationId === o.id) return;
    await store.putAccount({ ...account, organizationId: o.id, parentId });
    // Every account and OU gets FullAWSAccess when it joins, as on AWS.
    await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, id);
  };

  const addUnits = async (units: WorldUnit[], parentId: string) => {
    for (const u of units) {
      let unit = existingUnits.find((e) => e.name === u.name && e.parentId === parentId);
      if (!unit) {
        unit = { ouId: orgId('ou', rootId.slice(2)), organizationId: o.id, name: u.name, parentId };
        await store.putOrganizationalUnit(unit);
        await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, unit.ouId);
      }
      unitIds.set(u.name, unit.ouId);
      for (const ref of u.accounts ?? []) await join(ref, unit.ouId);
      await addUnits(u.units ?? [], unit.ouId);
    }
  };

  await join(o.managementAccount, rootId);
  for (const ref of o.accounts ?? []) await join(ref, rootId);
  await addUnits(o.units ?? [], rootId);

  const existing = await store.listOrgPolicies(o.id);
  for (const scp of o.serviceControlPolicies ?? []) {
    const content = text(scp.document);
    validatePolicyDocument(content, 'scp');
    let policy = existing.find((p) => p.name === scp.name);
    if (!policy) {
      policy = {
        policyId: orgId('policy'),
        organizationId: o.id,
        name: scp.name,
        description: scp.description ?? '',
        type: 'SERVICE_CONTROL_POLICY',
        content,
        awsManaged: false,
      };
      await store.putOrgPolicy(policy);
    }
    for (const target of scp.targets) {
      const targetId = target === 'root' ? rootId : (unitIds.get(target) ?? accountId(target));
      await store.attachOrgPolicy(policy.policyId, targetId);
    }
  }
}

async function applyAccount(store: Store, profile: string, a: WorldAccount, at: string) {
  const acct = a.id;
  if (a.rootAccessKey && (await store.listRootAccessKeys(acct)).length === 0) {
    const given = typeof a.rootAccessKey === 'object' ? a.rootAccessKey : { accessKeyId: uniqueId('AKIA'), secretAccessKey: secretAccessKey() };
    await store.createRootAccessKey({ ...given, accountId: acct, status: 'Active', createDate: at });
  }
  const policyArn = (ref: string) => {
    if (ref.startsWith('arn:')) return ref;
    const local = a.policies?.[ref];
    if (!local) throw new Error(`world: accounts.${profile} refers to policy ${ref}, which it does not declare`);
    return iamArn(acct, 'policy', local.path ?? '/', ref);
  };

  for (const [name, p] of Object.entries(a.policies ?? {})) {
    const arn = iamArn(acct, 'policy', p.path ?? '/', name);
    if (await store.getManagedPolicy(arn)) continue;
    const document = text(p.document);
    validatePolicyDocument(document, 'identity', true);
    await store.createManagedPolicy(
      { arn, accountId: acct, policyName: name, policyId: uniqueId('ANPA'), path: p.path ?? '/', description: p.description ?? null, defaultVersionId: 'v1', createDate: at, updateDate: at, tags: [] },
      { policyArn: arn, versionId: 'v1', document, isDefault: true, createDate: at },
    );
  }

  // A setting, not a thing to create: the world file's value holds at every start.
  const settings: LambdaAccountSettings = { blockPublicAccess: a.lambda?.blockPublicAccess === true };
  await store.lambdaTransact(async (tx) => tx.put('accountSettings', acct, settings));

  const attach = async (kind: 'user' | 'group' | 'role', name: string, spec: Attachable) => {
    for (const ref of spec.managedPolicies ?? []) await store.attachPolicy(acct, kind, name, policyArn(ref));
    for (const [policyName, doc] of Object.entries(spec.inlinePolicies ?? {})) {
      const document = text(doc);
      validatePolicyDocument(document, 'identity');
      await store.putInlinePolicy({ accountId: acct, principalKind: kind, principalName: name, policyName, document });
    }
  };

  for (const [name, g] of Object.entries(a.groups ?? {})) {
    if (!(await store.getGroup(acct, name))) {
      const path = g.path ?? '/';
      await store.createGroup({ accountId: acct, groupName: name, groupId: uniqueId('AGPA'), path, arn: iamArn(acct, 'group', path, name), createDate: at });
    }
    await attach('group', name, g);
  }

  for (const [name, u] of Object.entries(a.users ?? {})) {
    if (!(await store.getUser(acct, name))) {
      const path = u.path ?? '/';
      await store.createUser({
        accountId: acct,
        userName: name,
        userId: uniqueId('AIDA'),
        path,
        arn: iamArn(acct, 'user', path, name),
        createDate: at,
        permissionsBoundaryArn: u.permissionsBoundary ? policyArn(u.permissionsBoundary) : null,
        tags: tagList(u.tags),
      });
    }
    await attach('user', name, u);
    for (const group of u.groups ?? []) await store.addUserToGroup(acct, group, name);
    const keys = await store.listAccessKeys(acct, name);
    for (const k of u.accessKeys ?? []) {
      if (keys.some((e) => e.accessKeyId === k.accessKeyId)) continue;
      await store.createAccessKey({ ...k, accountId: acct, userName: name, status: 'Active', createDate: at });
    }
    if (keys.length === 0 && (u.accessKeys ?? []).length === 0) {
      await store.createAccessKey({
        accessKeyId: uniqueId('AKIA'),
        secretAccessKey: secretAccessKey(),
        accountId: acct,
        userName: name,
        status: 'Active',
        createDate: at,
      });
    }
  }

  for (const [name, r] of Object.entries(a.roles ?? {})) {
    if (!(await store.getRole(acct, name))) {
      const path = r.path ?? '/';
      const trust = text(r.assumeRolePolicy);
      validatePolicyDocument(trust, 'trust');
      await store.createRole({
        accountId: acct,
        roleName: name,
        roleId: uniqueId('AROA'),
        path,
        arn: iamArn(acct, 'role', path, name),
        createDate: at,
        assumeRolePolicyDocument: trust,
        description: r.description ?? null,
        maxSessionDuration: r.maxSessionDuration ?? 3600,
        permissionsBoundaryArn: r.permissionsBoundary ? policyArn(r.permissionsBoundary) : null,
        tags: tagList(r.tags),
      });
    }
    await attach('role', name, r);
  }
}

/**
 * The generated AWS shared files: one profile per account (the profile user's first active
 * key), `<profile>-root` where the root user has a key, and the role profiles. Every profile
 * of the config names Latchkey's endpoint, so clients that read `endpoint_url` (CLI v1,
 * boto3, CLI v2 from 2.13) need no `--endpoint-url`.
 */
export async function profileFiles(store: Store, world: WorldFile, endpoint: string): Promise<{ credentials: string; config: string }> {
  let credentials = '';
  let config = '';
  const withKeys = new Set<string>();
  const profile = (name: string, extra = '') => `[profile ${name}]\n${extra}region = us-east-1\nendpoint_url = ${endpoint}\n\n`;
  for (const [name, a] of Object.entries(world.accounts)) {
    const keys = (await store.listAccessKeys(a.id, a.profileUser ?? 'admin')).filter((k) => k.status === 'Active');
    const key = keys[0];
    if (!key) continue;
    credentials += `[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n\n`;
    config += profile(name);
    withKeys.add(name);
    const root = (await store.listRootAccessKeys(a.id)).find((k) => k.status === 'Active');
    if (!root) continue;
    credentials += `[${name}-root]\naws_access_key_id = ${root.accessKeyId}\naws_secret_access_key = ${root.secretAccessKey}\n\n`;
    config += profile(`${name}-root`);
    withKeys.add(`${name}-root`);
  }
  for (const [name, r] of Object.entries(world.roleProfiles ?? {})) {
    if (!withKeys.has(r.sourceProfile)) continue;
    const lines = [`role_arn = ${r.roleArn}`, `source_profile = ${r.sourceProfile}`];
    if (r.externalId) lines.push(`external_id = ${r.externalId}`);
    if (r.roleSessionName) lines.push(`role_session_name = ${r.roleSessionName}`);
    config += profile(name, lines.map((l) => `${l}\n`).join(''));
  }
  return { credentials, config };
}
