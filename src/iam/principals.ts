// Who is asking, and whether a Principal / NotPrincipal element names them.
//
// How a resource policy names the caller decides, in the same account, which implicit
// denies its grant escapes (reference/iam-evaluation.md §3.1), so a match reports
// its kind, not just yes or no.

import { MalformedPolicyDocumentError, PolicyMessages } from './errors.js';

export type Principal =
  /** The account's root user. */
  | { type: 'Account'; accountId: string; arn?: string }
  | { type: 'User'; arn: string; accountId: string }
  /** A role session; `arn` is the `assumed-role/…` session ARN. */
  | { type: 'AssumedRole'; arn: string; roleArn: string; accountId: string }
  /** A GetFederationToken session; `userArn` is the IAM user that federated. */
  | { type: 'FederatedUser'; arn: string; userArn?: string; accountId: string }
  | { type: 'Service'; service: string }
  | { type: 'Anonymous' };

export function principalArn(p: Principal): string {
  switch (p.type) {
    case 'Account':
      return p.arn ?? `arn:aws:iam::${p.accountId}:root`;
    case 'Service':
      return p.service;
    case 'Anonymous':
      return 'anonymous';
    default:
      return p.arn;
  }
}

export function principalAccount(p: Principal): string | undefined {
  return p.type === 'Service' || p.type === 'Anonymous' ? undefined : p.accountId;
}

/**
 * How a statement's Principal named the caller, strongest first:
 * - `exact`: its own ARN (user, role session, federated user, or the root for the account);
 * - `wildcard`: `"*"` or `{"AWS":"*"}`;
 * - `role`: the role of a role session, or the user behind a federated session;
 * - `account`: its account, which delegates the decision to the account's own policies;
 * - `service`: an AWS service principal.
 */
export type PrincipalMatch = 'exact' | 'wildcard' | 'role' | 'account' | 'service';

export interface CompiledPrincipal {
  /** `"*"` or `{"AWS":"*"}`. */
  anyone: boolean;
  arns: ReadonlySet<string>;
  accounts: ReadonlySet<string>;
  services: ReadonlySet<string>;
  federated: ReadonlySet<string>;
  canonicalUsers: ReadonlySet<string>;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:aws[\w-]*:iam::(\d{12}):root$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[\w-]*:(iam|sts)::\d{12}:(user|role|assumed-role|federated-user)\/\S+$/;

/** Compiles a Principal or NotPrincipal element; throws MalformedPolicyDocument when invalid. */
export function compilePrincipal(element: unknown): CompiledPrincipal {
  const out = {
    anyone: false,
    arns: new Set<string>(),
    accounts: new Set<string>(),
    services: new Set<string>(),
    federated: new Set<string>(),
    canonicalUsers: new Set<string>(),
  };
  if (element === '*') {
    out.anyone = true;
    return out;
  }
  if (typeof element !== 'object' || element === null || Array.isArray(element)) {
    throw new MalformedPolicyDocumentError(PolicyMessages.syntax);
  }
  const entries = Object.entries(element as Record<string, unknown>);
  if (entries.length === 0) throw new MalformedPolicyDocumentError(PolicyMessages.syntax);
  for (const [type, raw] of entries) {
    const values = stringList(raw);
    for (const value of values) {
      switch (type) {
        case 'AWS':
          addAwsPrincipal(out, value);
          break;
        case 'Service':
          if (!value || value.includes('*')) throw invalid(type, value);
          out.services.add(value);
          break;
        case 'Federated':
          if (!value || value.includes('*')) throw invalid(type, value);
          out.federated.add(value);
          break;
        case 'CanonicalUser':
          if (!value || value.includes('*')) throw invalid(type, value);
          out.canonicalUsers.add(value);
          break;
        default:
          throw new MalformedPolicyDocumentError(PolicyMessages.syntax);
      }
    }
  }
  return out;
}

function addAwsPrincipal(out: { anyone: boolean; arns: Set<string>; accounts: Set<string> }, value: string) {
  if (value === '*') {
    out.anyone = true;
    return;
  }
  if (ACCOUNT_ID.test(value)) {
    out.accounts.add(value);
    return;
  }
  const root = ROOT_ARN.exec(value);
  if (root) {
    out.accounts.add(root[1]!);
    return;
  }
  // No partial wildcards: `*` may only stand for everyone.
  if (value.includes('*') || !IAM_PRINCIPAL_ARN.test(value)) throw invalid('AWS', value);
  out.arns.add(value);
}

function invalid(type: string, value: string) {
  return new MalformedPolicyDocumentError(PolicyMessages.invalidPrincipal(type, value));
}

function stringList(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.length > 0 && raw.every((v) => typeof v === 'string')) return raw as string[];
  throw new MalformedPolicyDocumentError(PolicyMessages.syntax);
}

/** The strongest way the element names the principal, or null when it does not. */
export function matchPrincipal(p: CompiledPrincipal, principal: Principal): PrincipalMatch | null {
  switch (principal.type) {
    case 'Anonymous':
      return p.anyone ? 'wildcard' : null;
    case 'Service':
      if (p.services.has(principal.service)) return 'service';
      return p.anyone ? 'wildcard' : null;
    case 'Account':
      if (p.accounts.has(principal.accountId)) return 'exact';
      return p.anyone ? 'wildcard' : null;
    case 'User':
      if (p.arns.has(principal.arn)) return 'exact';
      break;
    case 'AssumedRole':
      if (p.arns.has(principal.arn)) return 'exact';
      if (p.arns.has(principal.roleArn)) return 'role';
      break;
    case 'FederatedUser':
      if (p.arns.has(principal.arn)) return 'exact';
      if (principal.userArn !== undefined && p.arns.has(principal.userArn)) return 'role';
      break;
  }
  if (p.anyone) return 'wildcard';
  return p.accounts.has(principal.accountId) ? 'account' : null;
}

/**
 * NotPrincipal: the statement applies unless every identity the request carries (session,
 * role, account) is listed. AWS's NotPrincipal page says to list the account, the role and
 * the session together for exactly this reason.
 */
export function matchNotPrincipal(p: CompiledPrincipal, principal: Principal): boolean {
  if (p.anyone) return false;
  switch (principal.type) {
    case 'Anonymous':
      return true;
    case 'Service':
      return !p.services.has(principal.service);
    case 'Account':
      return !p.accounts.has(principal.accountId);
    case 'User':
      return !(p.arns.has(principal.arn) && p.accounts.has(principal.accountId));
    case 'AssumedRole':
      return !(p.arns.has(principal.arn) && p.arns.has(principal.roleArn) && p.accounts.has(principal.accountId));
    case 'FederatedUser':
      return !(p.arns.has(principal.arn) && p.accounts.has(principal.accountId));
  }
}
