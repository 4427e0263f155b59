// Runs a neutral Scenario through Latchkey's engine (the counterpart of iamSimulatePeer.ts).

import { authorize, compilePolicy, RequestContext, type PolicySet, type Principal } from '../../../src/iam/index.js';
import type { Scenario, ScenarioDecision } from './scenario.js';

function principalOf(s: Scenario): Principal {
  const p = s.principal;
  return p.type === 'Account' ? { type: 'Account', accountId: p.accountId } : p;
}

/** Compiles the scenario's policies once; the returned function decides the request. */
export function prepareLatchkey(s: Scenario): () => ScenarioDecision {
  const compile = (document: object, kind: Parameters<typeof compilePolicy>[1]['kind'], id: string) =>
    compilePolicy(document, { kind, id, skipActionCatalogue: true });
  const policies: PolicySet = {
    identity: s.identityPolicies.map((p) => compile(p.document, 'identity', p.name)),
  };
  if (s.resourcePolicy) policies.resource = compile(s.resourcePolicy, 'resource', 'resource-policy');
  if (s.permissionsBoundary) policies.permissionsBoundary = compile(s.permissionsBoundary.document, 'boundary', s.permissionsBoundary.name);
  if (s.sessionPolicy) policies.session = [compile(s.sessionPolicy.document, 'session', s.sessionPolicy.name)];
  if (s.scps) policies.scps = s.scps.map((level) => level.policies.map((p) => compile(p.document, 'scp', p.name)));
  const request = {
    principal: principalOf(s),
    action: s.action,
    resource: s.resource.arn,
    resourceAccount: s.resource.accountId,
    context: new RequestContext(s.context),
  };
  return () => authorize(request, policies).decision;
}

/** Decides once; a policy Latchkey refuses becomes `{ error }`, as with the peer. */
export function decideWithLatchkey(s: Scenario): ScenarioDecision | { error: string } {
  try {
    return prepareLatchkey(s)();
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
