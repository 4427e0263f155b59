// Words for decisions: AWS's current AccessDenied message, and a readable account of which
// statements decided.

import type { AuthorizationRequest, Decision, PolicyType, StatementReason } from './evaluate.js';
import { principalArn } from './principals.js';

const POLICY_TYPE_NAMES: Record<PolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

function withArticle(type: PolicyType): string {
  const name = POLICY_TYPE_NAMES[type];
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/**
 * AWS's AccessDenied message for a denied request, e.g.
 * `User: arn:aws:iam::111122223333:user/dev is not authorized to perform:
 * lambda:InvokeFunction on resource: arn:…:function:f because no resource-based policy
 * allows the lambda:InvokeFunction action`.
 */
export function accessDeniedMessage(
  req: Pick<AuthorizationRequest, 'principal' | 'action' | 'resource'>,
  decision: Decision,
): string {
  const head = `User: ${principalArn(req.principal)} is not authorized to perform: ${req.action} on resource: ${req.resource}`;
  if (decision.decision === 'ExplicitDeny') return `${head} with an explicit deny in ${withArticle(decision.deniedBy!)}`;
  if (decision.decision === 'ImplicitDeny') {
    return `${head} because no ${POLICY_TYPE_NAMES[decision.missing!]} allows the ${req.action} action`;
  }
  throw new Error('accessDeniedMessage: the request was allowed');
}

export function describeStatement(r: StatementReason): string {
  const sid = r.sid ? ` (Sid "${r.sid}")` : '';
  const via = r.principalMatch ? `, principal matched as ${r.principalMatch}` : '';
  // A statement whose place is not shown (statement < 0) is another account's.
  const place = r.statement >= 0 ? ` statement ${r.statement}` : '';
  return `${r.effect} by ${POLICY_TYPE_NAMES[r.policyType]} ${r.policyId || '(unnamed)'}${place}${sid}${via}`;
}

/** A short, line-per-fact account of a decision, for logs and the console. */
export function explain(decision: Decision): string {
  const lines: string[] = [];
  switch (decision.decision) {
    case 'Allow':
      lines.push('Allowed.');
      break;
    case 'ExplicitDeny':
      lines.push(`Explicitly denied by ${withArticle(decision.deniedBy!)}.`);
      break;
    case 'ImplicitDeny':
      lines.push(`Implicitly denied: no ${POLICY_TYPE_NAMES[decision.missing!]} allows the action.`);
      break;
  }
  for (const r of decision.reasons) lines.push(`- ${describeStatement(r)}`);
  return lines.join('\n');
}
