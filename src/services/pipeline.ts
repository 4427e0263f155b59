// The one door (DESIGN.md, principle 1): every operation of every service is authorized here
// against the caller's policies, the resource's policy and the request context, then
// handled. No caller skips it; only world bootstrap writes without one.

import { accessDeniedMessage, authorize, RequestContext, type AuthorizationRequest, type ContextInput, type Decision } from '../iam/index.js';
import { AwsError } from '../aws/errors.js';
import type { Caller } from './caller.js';
import { principalContext } from './caller.js';
import { callerPolicies } from './callerPolicies.js';
import { isReadOnly, type AuthorizationCheck, type Deps, type Output, type ServiceOperations } from './operation.js';

export interface RequestMeta {
  region: string;
  requestId: string;
  sourceIp: string;
  secureTransport: boolean;
  baseUrl: string;
}

export interface DecisionRecord {
  at: string;
  requestId: string;
  caller: string;
  action: string;
  resource: string;
  decision: Decision['decision'];
  explanation: Decision;
}

/** The most recent decisions (a ring buffer), for explanations; a later issue persists them. */
export class DecisionLog {
  private readonly entries: (DecisionRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly limit = 10_000) {
    this.entries = new Array<DecisionRecord | undefined>(limit);
  }

  record(entry: DecisionRecord): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
    this.count = Math.min(this.count + 1, this.limit);
  }

  /** The last `n` decisions, oldest first. */
  recent(n = 100): DecisionRecord[] {
    const take = Math.min(n, this.count);
    const out: DecisionRecord[] = [];
    for (let i = take; i > 0; i--) out.push(this.entries[(this.next - i + this.limit) % this.limit]!);
    return out;
  }
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
}

export async function execute(
  deps: Deps & { decisions: DecisionLog },
  service: ServiceDefinition,
  operation: string,
  input: Record<string, unknown>,
  caller: Caller,
  meta: RequestMeta,
): Promise<Output> {
  const op = service.operations[operation];
  if (!op) throw new AwsError('NotImplemented', `Latchkey does not implement ${operation} yet.`, 501, 'Receiver');
  const ctx = { input, caller, region: meta.region, requestId: meta.requestId, baseUrl: meta.baseUrl, deps };
  const checks = await op.authorize(ctx);
  if (checks.length > 0) await authorizeChecks(deps, service, caller, checks, meta);
  const output = await op.handle(ctx);
  if (service.changesIdentities && !isReadOnly(operation)) deps.revision.value++;
  return output;
}

/** Whether the resource-based policy alone has an Allow for the request (any principal match). */
function resourcePolicyAllows(request: AuthorizationRequest, check: AuthorizationCheck): boolean {
  if (!check.resourcePolicy) return false;
  const alone = authorize(request, { resource: check.resourcePolicy });
  return alone.reasons.some((r) => r.policyType === 'resource' && r.effect === 'Allow');
}

async function authorizeChecks(
  deps: Deps & { decisions: DecisionLog },
  service: ServiceDefinition,
  caller: Caller,
  checks: AuthorizationCheck[],
  meta: RequestMeta,
): Promise<void> {
  const { set, orgPaths } = await callerPolicies(deps, caller);
  const now = deps.now();
  const base: ContextInput = {
    ...principalContext(caller, orgPaths),
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': String(meta.secureTransport),
    'aws:SourceIp': meta.sourceIp,
    'aws:RequestedRegion': meta.region,
  };
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
      caller: caller.arn,
      action: check.action,
      resource: check.resource,
      decision: decision.decision,
      explanation: decision,
    });
    if (decision.decision !== 'Allow') {
      throw new AwsError(service.accessDeniedCode, accessDeniedMessage({ ...request, principal: caller.principal }, decision), 403);
    }
  }
}
