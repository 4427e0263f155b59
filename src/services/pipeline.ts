// The one door (docs/design.md, principle 1): every operation of every service is authorized here
// against the caller's policies, the resource's policy and the request context, then
// handled. No caller skips it; only world bootstrap writes without one.

import { accessDeniedMessage, authorize, principalArn, RequestContext, type AuthorizationRequest, type ContextInput, type Principal } from '../iam/index.js';
import { AwsError } from '../aws/errors.js';
import type { Caller } from './caller.js';
import { principalContext } from './caller.js';
import { callerPolicies } from './callerPolicies.js';
import { isReadOnly, type AuthorizationCheck, type Deps, type Output, type ServiceOperations } from './operation.js';
import type { DecisionLog, DecisionRecord } from './decisionLog.js';


export interface RequestMeta {
  region: string;
  requestId: string;
  sourceIp: string;
  secureTransport: boolean;
  baseUrl: string;
}

export interface ServiceDefinition {
  operations: ServiceOperations;
  /** The code of AccessDenied in this service's protocol (`AccessDenied`, `AccessDeniedException`). */
  accessDeniedCode: string;
  /**
   * Whether its writes can change who a caller is or which policies apply to it (IAM,
   * Organizations). Only those invalidate the per-caller caches; Lambda's and STS's do not.
   */
  changesIdentities: boolean;
  /** Callers the service does not take at all, whatever their policies say (an error, or undefined). */
  refuses?: (caller: Caller) => AwsError | undefined;
}

export async function execute(
  deps: Deps & { decisions: DecisionLog },
  service: ServiceDefinition,
  operation: string,
  input: Record<string, unknown>,
  caller: Caller,
  meta: RequestMeta,
): Promise<Output> {
  const refused = service.refuses?.(caller);
  if (refused) throw refused;
  const op = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
  if (!op) throw new AwsError('NotImplemented', `Latchkey does not implement ${operation} yet.`, 501, 'Receiver');
  const ctx = { input, caller, region: meta.region, requestId: meta.requestId, baseUrl: meta.baseUrl, deps };
  const checks = await op.authorize(ctx);
  if (checks.length > 0) await authorizeChecks(deps, service.accessDeniedCode, caller, checks, meta);
  const output = await op.handle(ctx);
  // Before the answer leaves: every node's next request sees the new revision (syncWorldRevision).
  if (service.changesIdentities && !isReadOnly(operation)) deps.revision.value = Math.max(deps.revision.value, await deps.store.bumpWorldRevision());
  return output;
}

/**
 * Brings this node's view of the world revision up to the database's, before a request is
 * authorized from caches: a key revoked, a policy detached or an SCP attached through any node
 * is seen by the next request on every node (one read per request on SQLite; on PostgreSQL
 * concurrent requests share reads, store/cluster.ts `coalesced`).
 */
export async function syncWorldRevision(deps: Pick<Deps, 'store' | 'revision'>): Promise<void> {
  const revision = await deps.store.worldRevision();
  if (revision > deps.revision.value) deps.revision.value = revision;
}

/** Whether the resource-based policy alone has an Allow for the request (any principal match). */
function resourcePolicyAllows(request: AuthorizationRequest, check: AuthorizationCheck): boolean {
  if (!check.resourcePolicy) return false;
  const alone = authorize(request, { resource: check.resourcePolicy });
  return alone.reasons.some((r) => r.policyType === 'resource' && r.effect === 'Allow');
}

/** The request-context keys every request has, whoever makes it. */
function requestKeys(now: Date, meta: RequestMeta): ContextInput {
  return {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': String(meta.secureTransport),
    'aws:SourceIp': meta.sourceIp,
    'aws:RequestedRegion': meta.region,
  };
}

/**
 * Authorizes a signed caller's checks, recording each decision; the first denied one throws
 * AccessDenied (`accessDeniedCode` in the service's protocol) with the engine's message.
 */
export async function authorizeChecks(
  deps: Deps & { decisions: DecisionLog },
  accessDeniedCode: string,
  caller: Caller,
  checks: AuthorizationCheck[],
  meta: RequestMeta & { via?: DecisionRecord['via'] },
): Promise<void> {
  const { set, orgPaths } = await callerPolicies(deps, caller);
  const now = deps.now();
  const base: ContextInput = { ...principalContext(caller, orgPaths), ...requestKeys(now, meta) };
  // Calls a function makes with its execution role's credentials name the function.
  const sourceFunction = deps.functionSessions?.get(caller.accessKeyId);
  if (sourceFunction) base['lambda:SourceFunctionArn'] = sourceFunction;
  for (const check of checks) {
    const request = {
      principal: caller.principal,
      action: check.action,
      resource: check.resource,
      ...(check.resourceAccount ? { resourceAccount: check.resourceAccount } : {}),
      context: new RequestContext(check.context ? { ...base, ...check.context } : base),
    };
    let decision = authorize(request, check.resourcePolicy ? { ...set, resource: check.resourcePolicy } : set);
    if (decision.decision === 'Allow' && check.resourcePolicyMustAllow && !resourcePolicyAllows(request, check)) {
      decision = { decision: 'ImplicitDeny', reasons: decision.reasons, missing: 'resource' };
    }
    deps.decisions.record({
      at: now.toISOString(),
      requestId: meta.requestId,
      ...(meta.via ? { via: meta.via } : {}),
      caller: caller.arn,
      callerAccount: caller.accountId,
      action: check.action,
      resource: check.resource,
      ...(check.resourceAccount ? { resourceAccount: check.resourceAccount } : {}),
      decision: decision.decision,
      explanation: decision,
    });
    if (decision.decision !== 'Allow') {
      throw new AwsError(accessDeniedCode, accessDeniedMessage({ ...request, principal: caller.principal }, decision), 403);
    }
  }
}

/**
 * A request from no IAM identity: a service delivering an event (principal
 * `s3.amazonaws.com`, …, with aws:SourceArn / aws:SourceAccount) or an anonymous function-URL
 * caller. Only the resource-based policy can allow it (lambda-authz.md §2). The recorded
 * decision is returned, not thrown, since each door answers a denial its own way.
 */
export function authorizeWithoutIdentity(
  deps: Deps & { decisions: DecisionLog },
  principal: Principal,
  check: AuthorizationCheck & { resourceAccount: string },
  meta: RequestMeta & { via: DecisionRecord['via'] },
): DecisionRecord {
  const now = deps.now();
  const context: ContextInput = { ...requestKeys(now, meta), ...check.context };
  const request = { principal, action: check.action, resource: check.resource, resourceAccount: check.resourceAccount, context: new RequestContext(context) };
  const decision = authorize(request, check.resourcePolicy ? { resource: check.resourcePolicy } : {});
  const notable = Object.fromEntries(Object.entries(check.context ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const record: DecisionRecord = {
    at: now.toISOString(),
    requestId: meta.requestId,
    via: meta.via,
    caller: principalArn(principal),
    action: check.action,
    resource: check.resource,
    resourceAccount: check.resourceAccount,
    decision: decision.decision,
    explanation: decision,
    ...(Object.keys(notable).length ? { context: notable } : {}),
  };
  deps.decisions.record(record);
  return record;
}
