// A logged decision in words, for `latchkey explain <request-id>`: who asked for what, the
// answer, and why — which statements decided, or which side of AWS's evaluation had no Allow
// (the caller's identity-based policies, the resource-based policy, a boundary, a session
// policy, an SCP), with the cross-account rule spelled out when it is the reason.

import { describeStatement, type PolicyType } from '../iam/index.js';
import type { DecisionRecord } from './decisionLog.js';

const SIDE: Record<PolicyType, string> = {
  identity: "the caller's identity-based policies",
  resource: 'the resource-based policy',
  boundary: "the caller's permissions boundary",
  session: 'the session policy',
  scp: 'the service control policies of the caller\'s account',
  rcp: 'the resource control policies',
};

const VIA: Record<NonNullable<DecisionRecord['via']>, string> = { api: 'API call', event: 'service event', url: 'function URL request', logs: "Lambda writing a function's logs as its execution role" };

export function describeDecision(r: DecisionRecord): string {
  const lines = [`${r.at}  ${VIA[r.via ?? 'api']} ${r.requestId}`, `  ${r.caller} → ${r.action} on ${r.resource}`];
  for (const [k, v] of Object.entries(r.context ?? {})) lines.push(`  with ${k} = ${v}`);
  const d = r.explanation;
  const crossAccount = r.callerAccount !== undefined && r.resourceAccount !== undefined && r.callerAccount !== r.resourceAccount;
  const noIdentity = r.callerAccount === undefined;
  switch (d.decision) {
    case 'Allow':
      lines.push('  ALLOWED');
      for (const reason of d.reasons) lines.push(`    ${describeStatement(reason)}`);
      break;
    case 'ExplicitDeny':
      lines.push(`  DENIED explicitly by ${SIDE[d.deniedBy!]}:`);
      for (const reason of d.reasons.filter((x) => x.effect === 'Deny')) lines.push(`    ${describeStatement(reason)}`);
      lines.push('    An explicit Deny wins over every Allow.');
      break;
    case 'ImplicitDeny': {
      lines.push(`  DENIED: nothing in ${SIDE[d.missing!]} allows it.`);
      const found = d.reasons.filter((x) => x.effect === 'Allow');
      for (const reason of found) lines.push(`    (found: ${describeStatement(reason)})`);
      if (noIdentity) {
        lines.push('    A service or anonymous caller has no identity-based policies: only the resource-based policy can allow it.');
      } else if (crossAccount) {
        lines.push(
          `    The caller's account (${r.callerAccount}) is not the resource's (${r.resourceAccount}): across accounts both ` +
            `the caller's identity-based policies and the resource-based policy must allow. The missing side is ${SIDE[d.missing!]}.`,
        );
      } else if (d.missing === 'identity' || d.missing === 'resource') {
        lines.push('    In one account either an identity-based policy or the resource-based policy may allow it; neither does.');
      }
      break;
    }
  }
  return lines.join('\n');
}
