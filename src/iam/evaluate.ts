// The decision: AWS's policy evaluation logic over every policy that applies to a request
// (reference/iam-evaluation.md §3, §4, §9). Pure: the caller gathers the policies
// and the context; nothing here reads a store.

import { parseArn } from './arn.js';
import { evaluateCondition } from './conditions.js';
import type { RequestContext } from './context.js';
import type { CompiledPolicy, CompiledStatement, Effect, PolicyKind } from './policy.js';
import {
  matchNotPrincipal,
  matchPrincipal,
  principalAccount,
  type Principal,
  type PrincipalMatch,
} from './principals.js';

export interface AuthorizationRequest {
  principal: Principal;
  /** `service:Action`, any case. */
  action: string;
  /** The resource ARN (qualifier-aware for Lambda), or `*` for actions without one. */
  resource: string;
  /** The account that owns the resource; taken from the ARN when omitted. */
  resourceAccount?: string;
  context: RequestContext;
}

/** Every policy AWS would consider for the request, already compiled. */
export interface PolicySet {
  /** The caller's identity-based policies: user inline, attached, groups'; or the role's. */
  identity?: readonly CompiledPolicy[];
  /** The resource-based policy of the resource addressed (function, version, alias, layer version). */
  resource?: CompiledPolicy;
  permissionsBoundary?: CompiledPolicy;
  /**
   * Session policies (inline and managed ARNs passed when the session was made). Present,
   * even empty, means the session has session policies; absent means it has none.
   */
  session?: readonly CompiledPolicy[];
  /** SCPs of the caller's account, one entry per level (root, OUs, account). Omit for a
   * management account or an account outside an organization. */
  scps?: readonly (readonly CompiledPolicy[])[];
  /** RCPs of the resource's account, per level, for services that support RCPs. */
  rcps?: readonly (readonly CompiledPolicy[])[];
}

/** The policy types of AWS's AccessDenied messages. */
export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp';

export interface StatementReason {
  policyId: string;
  policyType: PolicyType;
  /** 0-based position in the policy's Statement list. */
  statement: number;
  sid: string | undefined;
  effect: Effect;
  /** For resource-policy statements: how the Principal named the caller. */
  principalMatch?: PrincipalMatch;
}

export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Decision {
  decision: DecisionKind;
  /**
   * Allow: the statements that granted it. ExplicitDeny: every Deny that matched.
   * ImplicitDeny: the Allows that were found, on the sides that had one.
   */
  reasons: StatementReason[];
  /** ExplicitDeny: the type of the first denying policy. */
  deniedBy?: PolicyType;
  /** ImplicitDeny: the policy type that had no Allow. */
  missing?: PolicyType;
}

const POLICY_TYPE: Record<PolicyKind, PolicyType> = {
  identity: 'identity',
  resource: 'resource',
  trust: 'resource',
  boundary: 'boundary',
  session: 'session',
  scp: 'scp',
  rcp: 'rcp',
};

/** The statements of one policy that apply to the request, split by effect. */
interface Matches {
  allows: StatementReason[] | null;
  denies: StatementReason[] | null;
}

function matchPolicy(
  policy: CompiledPolicy,
  req: AuthorizationRequest,
  actionLower: string,
  hasBoundary: boolean,
  into: Matches,
): void {
  const statements = policy.statementsFor(actionLower);
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (!s.matchesResource(req.resource, req.context)) continue;
    let principalMatch: PrincipalMatch | undefined;
    if (s.principal) {
      const m = matchPrincipal(s.principal, req.principal);
      if (m === null) continue;
      principalMatch = m;
    } else if (s.notPrincipal) {
      // AWS: a Deny with NotPrincipal always denies an IAM principal that has a
      // permissions boundary, whatever NotPrincipal lists.
      const boundaryQuirk =
        s.effect === 'Deny' && hasBoundary && (req.principal.type === 'User' || req.principal.type === 'AssumedRole');
      if (!boundaryQuirk && !matchNotPrincipal(s.notPrincipal, req.principal)) continue;
      principalMatch = 'wildcard';
    }
    if (!conditionsHold(s, req.context)) continue;
    const reason: StatementReason = {
      policyId: policy.id,
      policyType: POLICY_TYPE[policy.kind],
      statement: s.index,
      sid: s.sid,
      effect: s.effect,
    };
    if (principalMatch !== undefined) reason.principalMatch = principalMatch;
    if (s.effect === 'Deny') (into.denies ??= []).push(reason);
    else (into.allows ??= []).push(reason);
  }
}

function conditionsHold(s: CompiledStatement, ctx: RequestContext): boolean {
  const cs = s.conditions;
  for (let i = 0; i < cs.length; i++) if (!evaluateCondition(cs[i]!, ctx)) return false;
  return true;
}

function matchOne(policy: CompiledPolicy | undefined, req: AuthorizationRequest, action: string, hasBoundary: boolean): Matches {
  const m: Matches = { allows: null, denies: null };
  if (policy) matchPolicy(policy, req, action, hasBoundary, m);
  return m;
}

function matchAll(policies: readonly CompiledPolicy[] | undefined, req: AuthorizationRequest, action: string, hasBoundary: boolean): Matches {
  const m: Matches = { allows: null, denies: null };
  if (policies) for (const p of policies) matchPolicy(p, req, action, hasBoundary, m);
  return m;
}

/** Guardrail layers (SCPs, RCPs): any Deny denies; every level needs an Allow. */
function matchLevels(levels: readonly (readonly CompiledPolicy[])[], req: AuthorizationRequest, action: string) {
  const denies: StatementReason[] = [];
  const allows: StatementReason[] = [];
  let everyLevelAllows = true;
  for (const level of levels) {
    const m = matchAll(level, req, action, false);
    if (m.denies) denies.push(...m.denies);
    if (m.allows) allows.push(...m.allows);
    else everyLevelAllows = false;
  }
  return { denies, allows, everyLevelAllows };
}

const RANK: Record<PrincipalMatch, number> = { exact: 4, wildcard: 3, service: 3, role: 2, account: 1 };

function strongest(reasons: StatementReason[] | null): PrincipalMatch | undefined {
  let best: PrincipalMatch | undefined;
  if (reasons) for (const r of reasons) if (!best || RANK[r.principalMatch!] > RANK[best]) best = r.principalMatch;
  return best;
}

/**
 * Decides a request the way AWS does: an explicit Deny anywhere wins; guardrails (RCPs,
 * SCPs) must allow at every level; then, in the same account, an identity-based or a
 * resource-based Allow is enough (with the principal-type rules on boundaries and session
 * policies), while across accounts both sides must allow. Service principals and anonymous
 * callers have only the resource-based policy.
 */
export function authorize(req: AuthorizationRequest, policies: PolicySet): Decision {
  const action = req.action.toLowerCase();
  const p = req.principal;
  const isAwsIdentity = p.type !== 'Service' && p.type !== 'Anonymous';
  const hasBoundary = isAwsIdentity && policies.permissionsBoundary !== undefined;

  const resource = matchOne(policies.resource, req, action, hasBoundary);
  const rcp = policies.rcps ? matchLevels(policies.rcps, req, action) : undefined;

  // Principal-side policies exist only for IAM identities.
  const identity = isAwsIdentity ? matchAll(policies.identity, req, action, hasBoundary) : { allows: null, denies: null };
  const boundary = hasBoundary ? matchOne(policies.permissionsBoundary, req, action, hasBoundary) : undefined;
  const hasSession = isAwsIdentity && policies.session !== undefined;
  const session = hasSession ? matchAll(policies.session, req, action, hasBoundary) : undefined;
  const scp = isAwsIdentity && policies.scps ? matchLevels(policies.scps, req, action) : undefined;

  // 1. Explicit deny anywhere.
  const denies = [
    ...(scp?.denies ?? []),
    ...(rcp?.denies ?? []),
    ...(resource.denies ?? []),
    ...(identity.denies ?? []),
    ...(boundary?.denies ?? []),
    ...(session?.denies ?? []),
  ];
  if (denies.length > 0) return { decision: 'ExplicitDeny', reasons: denies, deniedBy: denies[0]!.policyType };

  // 2. Guardrails: every level must allow.
  if (rcp && !rcp.everyLevelAllows) return implicit('rcp', []);
  if (scp && !scp.everyLevelAllows) return implicit('scp', []);

  const rbpAllows = resource.allows;
  if (!isAwsIdentity) {
    return rbpAllows ? { decision: 'Allow', reasons: rbpAllows } : implicit('resource', []);
  }

  // The root user has every permission of its account that guardrails leave it.
  const idAllows = identity.allows;
  const identityAllows = p.type === 'Account' || idAllows !== null;
  const boundaryAllows = !boundary || boundary.allows !== null;
  const sessionAllows = !session || session.allows !== null;
  const resourceAccount = req.resourceAccount ?? parseArn(req.resource)?.account ?? '';
  const sameAccount = resourceAccount === '' || resourceAccount === principalAccount(p);

  if (sameAccount) {
    const match = strongest(rbpAllows);
    // A grant naming the exact principal (or everyone) escapes identity, boundary and
    // session implicit denies; one naming the role of a session escapes only the identity.
    if (match === 'exact' || match === 'wildcard') return { decision: 'Allow', reasons: rbpAllows! };
    if (match === 'role' && boundaryAllows && sessionAllows) return { decision: 'Allow', reasons: rbpAllows! };
    if (identityAllows && boundaryAllows && sessionAllows) {
      return { decision: 'Allow', reasons: idAllows ?? [] };
    }
    const granted = identityAllows || match === 'role';
    return implicit(!granted ? 'identity' : !boundaryAllows ? 'boundary' : 'session', [
      ...(idAllows ?? []),
      ...(rbpAllows ?? []),
    ]);
  }

  // Cross-account: the resource side and the principal side must both allow.
  const found = [...(rbpAllows ?? []), ...(idAllows ?? [])];
  if (!rbpAllows) return implicit('resource', found);
  if (!identityAllows) return implicit('identity', found);
  if (!boundaryAllows) return implicit('boundary', found);
  if (!sessionAllows) return implicit('session', found);
  return { decision: 'Allow', reasons: found };
}

function implicit(missing: PolicyType, reasons: StatementReason[]): Decision {
  return { decision: 'ImplicitDeny', reasons, missing };
}
