// The policies that apply to a caller on every request: identity-based (own, groups'),
// permissions boundary, session policies and the SCPs on its organization path. Gathered
// from the store once per caller and world revision, compiled through the PolicyCache.

import type { CompiledPolicy, PolicyKind, PolicySet } from '../iam/index.js';
import type { AccountRecord, ManagedPolicyRecord, Store } from '../store/store.js';
import type { Caller } from './caller.js';
import type { Deps } from './operation.js';

export interface CallerPolicies {
  /** The principal-side policies; the resource policy is added per check. */
  set: PolicySet;
  /** aws:PrincipalOrgPaths of the caller's account. */
  orgPaths: string[];
}

const cache = new WeakMap<Deps, Map<string, { revision: number; value: CallerPolicies }>>();

export async function callerPolicies(deps: Deps, caller: Caller): Promise<CallerPolicies> {
  let perDeps = cache.get(deps);
  if (!perDeps) cache.set(deps, (perDeps = new Map()));
  const hit = perDeps.get(caller.accessKeyId);
  if (hit && hit.revision === deps.revision.value) return hit.value;
  const revision = deps.revision.value;
  const value = await gather(deps, caller);
  if (perDeps.size > 10_000) perDeps.clear();
  perDeps.set(caller.accessKeyId, { revision, value });
  return value;
}

async function gather(deps: Deps, caller: Caller): Promise<CallerPolicies> {
  const { store } = deps;
  const compile = (id: string, document: string, kind: PolicyKind) => deps.policies.get(id, document, document, { kind });
  const managed = async (arn: string, kind: PolicyKind) => {
    const policy = await store.getManagedPolicy(arn);
    return policy ? compileManaged(deps, policy, kind) : null;
  };

  const identity: CompiledPolicy[] = [];
  const addPrincipal = async (kind: 'user' | 'group' | 'role', name: string) => {
    for (const p of await store.listInlinePolicies(caller.accountId, kind, name)) {
      identity.push(compile(`${kind}/${name}/${p.policyName}`, p.document, 'identity'));
    }
    for (const p of await store.listAttachedPolicies(caller.accountId, kind, name)) {
      const compiled = await compileManaged(deps, p, 'identity');
      if (compiled) identity.push(compiled);
    }
  };

  let boundaryArn: string | null = null;
  if (caller.role) {
    await addPrincipal('role', caller.role.roleName);
    boundaryArn = caller.role.permissionsBoundaryArn;
  } else if (caller.user) {
    await addPrincipal('user', caller.user.userName);
    for (const g of await store.listGroupsForUser(caller.accountId, caller.user.userName)) await addPrincipal('group', g.groupName);
    boundaryArn = caller.user.permissionsBoundaryArn;
  }

  const set: PolicySet = { identity };
  if (boundaryArn) {
    const boundary = await managed(boundaryArn, 'boundary');
    if (boundary) set.permissionsBoundary = boundary;
  }

  const session = caller.session;
  if (session?.kind === 'AssumedRole' && (session.sessionPolicy || session.sessionPolicyArns.length > 0)) {
    const policies: CompiledPolicy[] = [];
    if (session.sessionPolicy) policies.push(compile(`session/${session.accessKeyId}`, session.sessionPolicy, 'session'));
    for (const arn of session.sessionPolicyArns) {
      const p = await managed(arn, 'session');
      if (p) policies.push(p);
    }
    set.session = policies;
  }

  const org = await organizationPath(store, caller.account);
  if (org && !org.isManagementAccount) {
    set.scps = await Promise.all(
      org.levels.map(async (target) =>
        (await store.listOrgPoliciesForTarget(target)).map((p) => compile(`scp/${p.policyId}`, p.content, 'scp')),
      ),
    );
  }
  return { set, orgPaths: org ? [org.path] : [] };
}

async function compileManaged(deps: Deps, policy: ManagedPolicyRecord, kind: PolicyKind): Promise<CompiledPolicy | null> {
  const version = await deps.store.getPolicyVersion(policy.arn, policy.defaultVersionId);
  if (!version) return null;
  return deps.policies.get(`${policy.arn}#${kind}`, `${version.versionId}:${version.document}`, version.document, { kind });
}

export interface OrganizationPath {
  organizationId: string;
  isManagementAccount: boolean;
  /** Root, OUs from the top, then the account: the levels SCPs are attached to. */
  levels: string[];
  /** aws:PrincipalOrgPaths form: `o-…/r-…/ou-…/`. */
  path: string;
}

export async function organizationPath(store: Store, account: AccountRecord | null): Promise<OrganizationPath | null> {
  if (!account?.organizationId) return null;
  const org = await store.getOrganization(account.organizationId);
  if (!org) return null;
  const units = new Map((await store.listOrganizationalUnits(org.organizationId)).map((u) => [u.ouId, u]));
  const chain: string[] = [];
  for (let parent = account.parentId ?? org.rootId; parent !== org.rootId; ) {
    const unit = units.get(parent);
    if (!unit || chain.includes(parent)) break;
    chain.unshift(parent);
    parent = unit.parentId;
  }
  return {
    organizationId: org.organizationId,
    isManagementAccount: org.managementAccountId === account.accountId,
    levels: [org.rootId, ...chain, account.accountId],
    path: `${org.organizationId}/${[org.rootId, ...chain].join('/')}/`,
  };
}
