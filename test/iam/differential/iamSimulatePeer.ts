// The peer side of the differential test: runs a neutral Scenario through
// @cloud-copilot/iam-simulate. That package (and its sibling iam-policy) is AGPL, so this
// file lives under test/ and nothing in src/ may import it.

import {
  anonymousPrincipal,
  isConditionKeyArray,
  runSimulation,
  runUnsafeSimulation,
  typeForContextKey,
  type EvaluationResult,
  type RunSimulationResults,
  type Simulation,
  type SimulationRequestPrincipal,
} from '@cloud-copilot/iam-simulate';
// iam-policy is iam-simulate's own parser and validator (a dependency of it, not of ours).
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  type ValidationError,
} from '@cloud-copilot/iam-policy';
import type { JsonPolicy, NamedPolicy, Scenario, ScenarioDecision, ScenarioPrincipal } from './scenario.js';

export type PeerResult = ScenarioDecision | { error: string };

/**
 * Name of the identity policy added for an account-root principal. iam-simulate has no notion
 * of the root user's implicit full access (its DefaultServiceAuthorizer leaves it as a TODO),
 * so without this every root request would be an implicit deny there while AWS allows it.
 */
export const ROOT_FULL_ACCESS_POLICY = '__latchkeyRootFullAccess';

const ROOT_FULL_ACCESS: NamedPolicy = {
  name: ROOT_FULL_ACCESS_POLICY,
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

// Strict is the peer's default; Discovery would turn unknown keys into "maybe" answers.
const OPTIONS = { simulationMode: 'Strict' } as const;

const DECISIONS: Record<EvaluationResult, ScenarioDecision> = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

function peerPrincipal(p: ScenarioPrincipal): SimulationRequestPrincipal {
  switch (p.type) {
    case 'User':
      return p.arn;
    // The request principal of a role session is the sts assumed-role ARN; the peer derives
    // the role from it (and matches role-ARN Principals as "SessionRoleMatch").
    case 'AssumedRole':
      return p.arn;
    case 'Account':
      return `arn:aws:iam::${p.accountId}:root`;
    case 'Service':
      return p.service;
    case 'Anonymous':
      return anonymousPrincipal;
  }
}

type Validator = (policy: unknown) => ValidationError[];

/**
 * Builds the peer's input. With `prevalidate`, each policy is wrapped once in iam-policy's
 * ValidatedPolicy, which runSimulation accepts in place of a raw document and then does not
 * validate again: that is how a caller reusing policies is meant to use the peer.
 */
function toSimulation(s: Scenario, prevalidate: boolean): Simulation {
  const wrap = (doc: JsonPolicy, validate: Validator, name?: string): unknown =>
    prevalidate ? createValidatedPolicy(doc, validate, name === undefined ? undefined : { name }) : doc;
  const identity = s.principal.type === 'Account' ? [...s.identityPolicies, ROOT_FULL_ACCESS] : s.identityPolicies;
  const sim: Simulation = {
    request: {
      principal: peerPrincipal(s.principal),
      action: s.action,
      resource: { resource: s.resource.arn, accountId: s.resource.accountId },
      contextVariables: s.context,
    },
    identityPolicies: identity.map((p) => ({ name: p.name, policy: wrap(p.document, validateIdentityPolicy) })),
    // Levels are passed root first, account last, as the peer documents; each level needs an Allow.
    serviceControlPolicies: (s.scps ?? []).map((level) => ({
      orgIdentifier: level.level,
      policies: level.policies.map((p) => ({ name: p.name, policy: wrap(p.document, validateServiceControlPolicy) })),
    })),
    // Lambda is not an RCP service and Scenario has no RCPs; the peer adds RCPFullAWSAccess per
    // level it is given, so no levels means no RCP check at all.
    resourceControlPolicies: [],
  };
  // runUnsafeSimulation loads the resource policy without a name and then reads it; a
  // ValidatedPolicy carries its own name, which keeps that path from crashing.
  if (s.resourcePolicy) sim.resourcePolicy = wrap(s.resourcePolicy, validateResourcePolicy, 'ResourcePolicy');
  if (s.permissionsBoundary) {
    sim.permissionBoundaryPolicies = [
      { name: s.permissionsBoundary.name, policy: wrap(s.permissionsBoundary.document, validateIdentityPolicy) },
    ];
  }
  // The peer checks session policies like identity policies (validateIdentityPolicy).
  if (s.sessionPolicy) sim.sessionPolicy = wrap(s.sessionPolicy.document, validateIdentityPolicy);
  return sim;
}

function errorText(result: Extract<RunSimulationResults, { resultType: 'error' }>): string {
  const { message, ...details } = result.errors;
  return Object.keys(details).length > 0 ? `${message} ${JSON.stringify(details)}` : message;
}

function ignoredKeys(result: Exclude<RunSimulationResults, { resultType: 'error' }>): string[] {
  if (result.resultType === 'single') return result.result.ignoredContextKeys ?? [];
  return [...new Set(result.results.flatMap((r) => r.ignoredContextKeys ?? []))];
}

/**
 * The peer reshapes context values to the catalogue type without saying so: a string given for
 * an ArrayOf… key becomes a one-element array, an array given for a single-valued key keeps only
 * its first element. Either way it would judge a different request than the scenario describes.
 */
async function contextShapeProblems(context: Scenario['context']): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    let type: string;
    try {
      type = await typeForContextKey(key);
    } catch {
      continue; // unknown keys come back as ignoredContextKeys
    }
    const multi = isConditionKeyArray(type as never);
    if (multi && !Array.isArray(value)) problems.push(`${key} is ${type} but was given a single string`);
    if (!multi && Array.isArray(value)) problems.push(`${key} is ${type} but was given an array`);
  }
  return problems;
}

/**
 * Decides a scenario with iam-simulate. Anything the peer refuses, or would silently change
 * (context keys it drops for this action, context values it reshapes), comes back as
 * `{ error }` so the differential test can skip it instead of reporting a false difference.
 */
export async function decideWithPeer(s: Scenario): Promise<PeerResult> {
  try {
    const shape = await contextShapeProblems(s.context);
    if (shape.length > 0) return { error: `context.shape: ${shape.join('; ')}` };
    const result = await runSimulation(toSimulation(s, false), OPTIONS);
    if (result.resultType === 'error') return { error: errorText(result) };
    const ignored = ignoredKeys(result);
    if (ignored.length > 0) return { error: `ignored.context.keys: ${ignored.join(', ')}` };
    return DECISIONS[result.overallResult];
  } catch (e) {
    return { error: `exception: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * For benchmarks: the peer's validated entry point (runSimulation) with everything that is not
 * the peer's own work done once here: the Simulation object is built and the policies are
 * validated ahead of time (ValidatedPolicy). Each call still pays what the peer does per
 * request: action and resource-type lookups, context normalisation and evaluation.
 * The returned function rejects if the peer reports an error; benchmark only scenarios that
 * decideWithPeer accepts.
 */
export function preparePeer(s: Scenario): () => Promise<ScenarioDecision> {
  const sim = toSimulation(s, true);
  return async () => {
    const result = await runSimulation(sim, OPTIONS);
    if (result.resultType === 'error') throw new Error(errorText(result));
    return DECISIONS[result.overallResult];
  };
}

/**
 * For benchmarks: the peer's fastest public path, runUnsafeSimulation (synchronous, no
 * validation, no per-request catalogue lookups). It ignores session policies, drops the
 * wildcard-only-action flag and does not normalise the context. So this accepts only scenarios
 * that decideWithPeer accepts (whose context runSimulation would leave as it is), refuses what
 * the unsafe path cannot represent, and checks once that both paths agree on the scenario.
 */
export async function preparePeerUnsafe(s: Scenario): Promise<() => ScenarioDecision> {
  if (s.sessionPolicy) throw new Error('runUnsafeSimulation ignores session policies');
  if (s.resource.arn.includes('*')) throw new Error('runUnsafeSimulation does not expand wildcard resources');
  const expected = await decideWithPeer(s);
  if (typeof expected !== 'string') throw new Error(`peer rejects the scenario: ${expected.error}`);
  const sim = toSimulation(s, true);
  const unsafe = (): ScenarioDecision => DECISIONS[runUnsafeSimulation(sim, OPTIONS)];
  const got = unsafe();
  if (got !== expected) {
    throw new Error(`runUnsafeSimulation says ${got}, runSimulation says ${expected} (wildcard-only action?)`);
  }
  return unsafe;
}
