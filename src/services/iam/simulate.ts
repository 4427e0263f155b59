// The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy, answered by the
// same engine that authorizes every request (reference/iam-sts-wire.md §5).
//
// Each ActionName × ResourceArn (default `*`) is one EvaluationResult. MatchedStatements name
// the statements the engine's decision rests on, with their place in the policy text:
// SourcePolicyId is the policy's name (or `PolicyInputList.<n>`, `ResourcePolicy`, …) and
// Start/EndPosition are 1-based lines and AWS's columns (0-based index + 2).

import {
  authorize,
  compilePolicy,
  RequestContext,
  type CompiledPolicy,
  type ContextInput,
  type Decision,
  type PolicyKind,
  type PolicySet,
  type Principal,
  type StatementReason,
} from '../../iam/index.js';
import { AwsError } from '../../aws/errors.js';
import type { PrincipalKind } from '../../store/store.js';
import { organizationPath } from '../callerPolicies.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { IamErrors, paginate, validatePolicyDocument } from './common.js';

// ---- Inputs ------------------------------------------------------------------------------------

interface ContextEntry {
  ContextKeyName?: string;
  ContextKeyValues?: string[];
  ContextKeyType?: string;
}

interface SimulationInput {
  PolicyInputList?: string[];
  PermissionsBoundaryPolicyInputList?: string[];
  ActionNames: string[];
  ResourceArns?: string[];
  ResourcePolicy?: string;
  ResourceOwner?: string;
  CallerArn?: string;
  ContextEntries?: ContextEntry[];
  ResourceHandlingOption?: string;
  MaxItems?: number;
  Marker?: string;
}

type PrincipalInput = SimulationInput & { PolicySourceArn: string };

/** A policy taking part in a simulation, with what the result says about it. */
interface SourcedPolicy {
  compiled: CompiledPolicy;
  /** SourcePolicyId: the policy's name, `PolicyInputList.1`, `ResourcePolicy`, … */
  sourceId: string;
  sourceType: string;
  text: string;
  spans?: Span[];
}

interface Position {
  Line: number;
  Column: number;
}
interface Span {
  start: Position;
  end: Position;
}

/** The policy types as the simulator names them; AWS returns `IAM Policy` for identity policies. */
const SOURCE_TYPE: Record<PolicyKind, string> = {
  identity: 'IAM Policy',
  session: 'IAM Policy',
  boundary: 'Permissions Boundary Policy',
  resource: 'Resource Policy',
  trust: 'Resource Policy',
  scp: 'Organizations Policy',
  rcp: 'Organizations Policy',
};

/** Values of a ContextEntry as the engine's request context holds them. */
export function contextFromEntries(entries: ContextEntry[] | undefined): ContextInput {
  const out: ContextInput = {};
  for (const e of entries ?? []) {
    if (!e.ContextKeyName) continue;
    const type = e.ContextKeyType ?? 'string';
    const raw = e.ContextKeyValues ?? [];
    const values = type.startsWith('boolean') ? raw.map((v) => v.toLowerCase()) : raw;
    out[e.ContextKeyName] = type.endsWith('List') || values.length !== 1 ? values : values[0]!;
  }
  return out;
}

// ---- Statement positions -----------------------------------------------------------------------

/** Offsets [start, end] (inclusive) of each object in the top-level `Statement` of a policy text. */
export function statementOffsets(text: string): [number, number][] {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const string = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '"') string();
    else if (ch === '{') members(() => value());
    else if (ch === '[') elements(() => value());
    else while (i < text.length && !',]} \t\r\n'.includes(text[i]!)) i++;
  };
  const members = (onValue: (key: string) => void) => {
    i++; // {
    for (;;) {
      ws();
      if (i >= text.length || text[i] === '}') break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      const key = string();
      ws();
      i++; // :
      ws();
      onValue(key);
    }
    i++; // }
  };
  const elements = (onElement: () => void) => {
    i++; // [
    for (;;) {
      ws();
      if (i >= text.length || text[i] === ']') break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      onElement();
    }
    i++; // ]
  };

  let spans: [number, number][] = [];
  ws();
  if (text[i] !== '{') return spans;
  members((rawKey) => {
    let key = '';
    try {
      key = JSON.parse(rawKey) as string;
    } catch {
      key = '';
    }
    if (key !== 'Statement') return value();
    spans = [];
    if (text[i] === '{') {
      const start = i;
      value();
      spans.push([start, i - 1]);
    } else if (text[i] === '[') {
      elements(() => {
        const start = i;
        const isObject = text[i] === '{';
        value();
        if (isObject) spans.push([start, i - 1]);
      });
    } else value();
  });
  return spans;
}

/** Where each line of a text starts (offsets), for positions found by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
  return starts;
}

/** Line (1-based) and AWS's column (0-based index in the line + 2) of an offset. */
function positionOf(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { Line: lo + 1, Column: offset - starts[lo]! + 2 };
}

function spansOf(p: SourcedPolicy): Span[] {
  if (!p.spans) {
    const starts = lineStarts(p.text);
    p.spans = statementOffsets(p.text).map(([s, e]) => ({ start: positionOf(starts, s), end: positionOf(starts, e) }));
  }
  return p.spans;
}

// ---- Missing context values --------------------------------------------------------------------

const VARIABLE = /\$\{([^}]*)\}/g;

/** Context keys a statement needs: its condition keys and the policy variables it uses. */
function keysOfStatement(policy: CompiledPolicy, statementIndex: number): string[] {
  const s = policy.statements[statementIndex]!;
  const keys = s.conditions.map((c) => c.key);
  if (policy.version !== '2012-10-17') return keys;
  const texts: string[] = [];
  for (const field of ['Resource', 'NotResource'] as const) {
    const v = s.source[field];
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) texts.push(...(v as string[]));
  }
  for (const c of s.conditions) texts.push(...c.values);
  for (const t of texts) {
    for (const m of t.matchAll(VARIABLE)) {
      const inner = m[1]!;
      // `${*}`, `${?}`, `${$}` are escapes; a variable with a default value is never missing.
      if (inner === '*' || inner === '?' || inner === '$' || inner.includes(',')) continue;
      keys.push(inner.trim());
    }
  }
  return keys;
}

function missingContextValues(policies: SourcedPolicy[], action: string, resource: string, ctx: RequestContext, supplied: Set<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const actionLower = action.toLowerCase();
  for (const p of policies) {
    for (const s of p.compiled.statementsFor(actionLower)) {
      const usesVariables = JSON.stringify(s.source.Resource ?? s.source.NotResource ?? '').includes('${');
      if (!usesVariables && !s.matchesResource(resource, ctx)) continue;
      for (const key of keysOfStatement(p.compiled, s.index)) {
        const lower = key.toLowerCase();
        if (supplied.has(lower) || seen.has(lower)) continue;
        seen.add(lower);
        out.push(key);
      }
    }
  }
  return out;
}

// ---- Evaluation --------------------------------------------------------------------------------

const ALLOW_ALL = compilePolicy(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  { kind: 'identity', id: 'simulator/allow-all', skipActionCatalogue: true },
);

const DECISION: Record<Decision['decision'], 'allowed' | 'explicitDeny' | 'implicitDeny'> = {
  Allow: 'allowed',
  ExplicitDeny: 'explicitDeny',
  ImplicitDeny: 'implicitDeny',
};

interface Simulation {
  principal: Principal;
  identity: SourcedPolicy[];
  boundary?: SourcedPolicy;
  resourcePolicy?: SourcedPolicy;
  /** SCPs per level (root, OUs, account); absent outside an organization or for its management account. */
  scps?: SourcedPolicy[][];
  /** The account owning resources whose ARN names none. */
  resourceOwner?: string;
  input: SimulationInput;
}

/** How long the simulator computes before it lets other requests run (it yields to the event loop). */
const SLICE_MS = 5;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The (action, resource) pairs a simulation answers, in AWS's order: each action over every resource. */
function pairsOf(input: SimulationInput): [string, string][] {
  const resources = (input.ResourceArns ?? []).length > 0 ? input.ResourceArns! : ['*'];
  return input.ActionNames.flatMap((action) => resources.map((resource): [string, string] => [action, resource]));
}

/**
 * Evaluates the given pairs only (one page of the answer), a few milliseconds at a time: a
 * simulation of thousands of statements over thousands of pairs neither blocks the server nor
 * costs more than the page asked for.
 */
async function run(sim: Simulation, pairs: [string, string][]): Promise<Record<string, unknown>[]> {
  const byId = new Map<string, SourcedPolicy>();
  const all: SourcedPolicy[] = [];
  const register = (p: SourcedPolicy | undefined) => {
    if (!p) return;
    byId.set(p.compiled.id, p);
    all.push(p);
  };
  sim.identity.forEach(register);
  register(sim.boundary);
  register(sim.resourcePolicy);
  sim.scps?.forEach((level) => level.forEach(register));

  const set: PolicySet = { identity: sim.identity.map((p) => p.compiled) };
  if (sim.boundary) set.permissionsBoundary = sim.boundary.compiled;
  if (sim.resourcePolicy) set.resource = sim.resourcePolicy.compiled;
  if (sim.scps) set.scps = sim.scps.map((level) => level.map((p) => p.compiled));

  const contextInput = contextFromEntries(sim.input.ContextEntries);
  const supplied = new Set(Object.keys(contextInput).map((k) => k.toLowerCase()));
  const context = new RequestContext(contextInput);
  const principalAccount = 'accountId' in sim.principal ? sim.principal.accountId : '';
  const explicitResources = (sim.input.ResourceArns ?? []).length > 0;

  const statements = (reasons: readonly StatementReason[]) =>
    reasons.flatMap((r) => {
      const p = byId.get(r.policyId);
      if (!p) return [];
      const span = spansOf(p)[r.statement];
      return [
        {
          SourcePolicyId: p.sourceId,
          SourcePolicyType: p.sourceType,
          ...(span ? { StartPosition: span.start, EndPosition: span.end } : {}),
        },
      ];
    });

  const results: Record<string, unknown>[] = [];
  let sliceStart = performance.now();
  for (const [action, resource] of pairs) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToOthers();
      sliceStart = performance.now();
    }
    const arnAccount = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):/.exec(resource)?.[1] ?? '';
    const resourceAccount = arnAccount || sim.resourceOwner || principalAccount;
    const request = { principal: sim.principal, action, resource, resourceAccount, context };
    const decision = authorize(request, set);
    const evalDecision = DECISION[decision.decision];
    const matched = statements(decision.reasons);
    const missing = missingContextValues(all, action, resource, context, supplied);
    const sameAccount = resourceAccount === principalAccount;

    // Cross-account: each side's own verdict (the request needs both).
    let details: Record<string, string> | undefined;
    if (!sameAccount) {
      const onOwnSide = { ...request, resourceAccount: principalAccount };
      const identitySide = authorize(onOwnSide, { ...set, resource: undefined });
      // The resource side alone: an identity that allows everything leaves the verdict to it.
      const resourceSide = sim.resourcePolicy
        ? authorize(request, { identity: [ALLOW_ALL], resource: sim.resourcePolicy.compiled })
        : undefined;
      details = {
        'IAM Policy': DECISION[identitySide.decision],
        'Resource Policy': resourceSide ? DECISION[resourceSide.decision] : 'implicitDeny',
      };
    } else if (explicitResources) {
      details = {};
    }

    const boundaryDetail = sim.boundary
      ? {
          AllowedByPermissionsBoundary:
            authorize({ ...request, resourceAccount: principalAccount }, { identity: [sim.boundary.compiled] }).decision === 'Allow',
        }
      : undefined;
    const allowedByOrganizations = sim.scps
      ? authorize({ ...request, resourceAccount: principalAccount }, { identity: [ALLOW_ALL], scps: set.scps! }).decision === 'Allow'
      : true;

    results.push({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: evalDecision,
      MatchedStatements: matched,
      MissingContextValues: explicitResources ? [] : missing,
      OrganizationsDecisionDetail: { AllowedByOrganizations: allowedByOrganizations },
      ...(boundaryDetail ? { PermissionsBoundaryDecisionDetail: boundaryDetail } : {}),
      ...(details ? { EvalDecisionDetails: details } : {}),
      ...(explicitResources
        ? {
            ResourceSpecificResults: [
              {
                EvalResourceName: resource,
                EvalResourceDecision: evalDecision,
                MatchedStatements: matched,
                MissingContextValues: missing,
                ...(details && !sameAccount ? { EvalDecisionDetails: details } : {}),
                ...(boundaryDetail ? { PermissionsBoundaryDecisionDetail: boundaryDetail } : {}),
              },
            ],
          }
        : {}),
    });
  }
  return results;
}

// ---- Gathering ---------------------------------------------------------------------------------

let sequence = 0;

/** Compiles a policy for the simulation; ids are private to it, so no cache is involved. */
function sourced(text: string, kind: PolicyKind, sourceId: string): SourcedPolicy {
  const compiled = compilePolicy(text, { kind, id: `simulation/${++sequence}/${sourceId}`, skipActionCatalogue: true });
  return { compiled, sourceId, sourceType: SOURCE_TYPE[kind], text };
}

/** A caller-supplied policy: validated as IAM validates it; the simulator reports InvalidInput. */
function inputPolicy(text: string, kind: PolicyKind, sourceId: string): SourcedPolicy {
  try {
    validatePolicyDocument(text, kind);
  } catch (e) {
    if (e instanceof AwsError && e.code === 'MalformedPolicyDocument') throw new AwsError('InvalidInput', e.message, 400);
    throw e;
  }
  return sourced(text, kind, sourceId);
}

/** The caller's policies, compiled one at a time with other requests let in between (each may hold thousands of statements). */
async function inputPolicies(input: SimulationInput): Promise<{ identity: SourcedPolicy[]; boundary?: SourcedPolicy; resource?: SourcedPolicy }> {
  const identity: SourcedPolicy[] = [];
  for (const [i, t] of (input.PolicyInputList ?? []).entries()) {
    identity.push(inputPolicy(t, 'identity', `PolicyInputList.${i + 1}`));
    await yieldToOthers();
  }
  const boundaryText = input.PermissionsBoundaryPolicyInputList?.[0];
  const boundary = boundaryText !== undefined ? inputPolicy(boundaryText, 'boundary', 'PermissionsBoundaryPolicyInputList.1') : undefined;
  const resource = input.ResourcePolicy !== undefined ? inputPolicy(input.ResourcePolicy, 'resource', 'ResourcePolicy') : undefined;
  return { identity, ...(boundary ? { boundary } : {}), ...(resource ? { resource } : {}) };
}

const SOURCE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):(user|group|role)(\/(?:[^/]*\/)*)?([^/]+)$/;
const USER_ARN = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:[^/]*\/)*[^/]+$/;

/** The account named by ResourceOwner: an account id or an ARN such as `arn:aws:iam::111122223333:root`. */
function ownerAccount(owner: string | undefined): string | undefined {
  if (!owner) return undefined;
  return /^\d{12}$/.test(owner) ? owner : (/^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(owner)?.[1] ?? undefined);
}

function callerPrincipal(callerArn: string): Principal {
  const m = USER_ARN.exec(callerArn);
  if (!m) throw new AwsError('InvalidInput', `Invalid CallerArn: ${callerArn}. Only the ARN of an IAM user can be a simulated caller.`, 400);
  return { type: 'User', arn: callerArn, accountId: m[1]! };
}

/** The source entity's own policies: inline and attached (a user's groups' too), and its boundary. */
async function entityPolicies(
  ctx: OperationContext,
  kind: PrincipalKind,
  name: string,
): Promise<{ identity: SourcedPolicy[]; boundaryArn: string | null }> {
  const { store } = ctx.deps;
  const { accountId } = ctx.caller;
  const identity: SourcedPolicy[] = [];
  const addPrincipal = async (k: PrincipalKind, n: string) => {
    for (const p of await store.listInlinePolicies(accountId, k, n)) identity.push(sourced(p.document, 'identity', p.policyName));
    for (const p of await store.listAttachedPolicies(accountId, k, n)) {
      const version = await store.getPolicyVersion(p.arn, p.defaultVersionId);
      if (version) identity.push(sourced(version.document, 'identity', p.policyName));
    }
  };
  await addPrincipal(kind, name);
  let boundaryArn: string | null = null;
  if (kind === 'user') {
    for (const g of await store.listGroupsForUser(accountId, name)) await addPrincipal('group', g.groupName);
    boundaryArn = (await store.getUser(accountId, name))?.permissionsBoundaryArn ?? null;
  } else if (kind === 'role') {
    boundaryArn = (await store.getRole(accountId, name))?.permissionsBoundaryArn ?? null;
  }
  return { identity, boundaryArn };
}

async function scpsFor(ctx: OperationContext, accountId: string): Promise<SourcedPolicy[][] | undefined> {
  const { store } = ctx.deps;
  const org = await organizationPath(store, await store.getAccount(accountId));
  if (!org || org.isManagementAccount) return undefined;
  return Promise.all(
    org.levels.map(async (target) => (await store.listOrgPoliciesForTarget(target)).map((p) => sourced(p.content, 'scp', p.name))),
  );
}

/** One page of the simulation's answer (MaxItems, 100 by default), computed for that page alone. */
async function simulatePage(ctx: OperationContext<SimulationInput>, sim: Simulation) {
  const page = paginate(pairsOf(ctx.input), ctx.input.Marker, ctx.input.MaxItems);
  const results = await run(sim, page.items);
  return { EvaluationResults: results, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

export const simulateOperations: ServiceOperations = {
  SimulatePrincipalPolicy: {
    authorize: (ctx: OperationContext<PrincipalInput>) => [{ action: 'iam:SimulatePrincipalPolicy', resource: ctx.input.PolicySourceArn }],
    async handle(ctx) {
      const { input, caller, deps } = ctx;
      const m = SOURCE_ARN.exec(input.PolicySourceArn);
      if (!m) throw IamErrors.invalidArn();
      const [, account, kindWord, , name] = m as unknown as [string, string, PrincipalKind, string | undefined, string];
      const entity =
        account !== caller.accountId
          ? null
          : kindWord === 'user'
            ? await deps.store.getUser(account, name)
            : kindWord === 'group'
              ? await deps.store.getGroup(account, name)
              : await deps.store.getRole(account, name);
      if (!entity) throw IamErrors.noSuchEntity(kindWord, name);

      const inputs = await inputPolicies(input);
      if (inputs.resource && !input.CallerArn && kindWord !== 'user') {
        throw new AwsError('InvalidInput', 'CallerArn must be specified when a ResourcePolicy is given and PolicySourceArn is not a user.', 400);
      }
      const own = await entityPolicies(ctx, kindWord, entity.arn.slice(entity.arn.lastIndexOf('/') + 1));
      let boundary = inputs.boundary;
      if (!boundary && own.boundaryArn) {
        const policy = await deps.store.getManagedPolicy(own.boundaryArn);
        const version = policy ? await deps.store.getPolicyVersion(policy.arn, policy.defaultVersionId) : null;
        if (policy && version) boundary = sourced(version.document, 'boundary', policy.policyName);
      }

      let principal: Principal;
      if (input.CallerArn) principal = callerPrincipal(input.CallerArn);
      else if (kindWord === 'role') {
        principal = { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/${name}/simulation`, roleArn: entity.arn, accountId: account };
      } else principal = { type: 'User', arn: entity.arn, accountId: account };

      const scps = await scpsFor(ctx, account);
      const owner = ownerAccount(input.ResourceOwner);
      return simulatePage(ctx, {
        principal,
        identity: [...own.identity, ...inputs.identity],
        ...(boundary ? { boundary } : {}),
        ...(inputs.resource ? { resourcePolicy: inputs.resource } : {}),
        ...(scps ? { scps } : {}),
        ...(owner ? { resourceOwner: owner } : {}),
        input,
      });
    },
  },

  SimulateCustomPolicy: {
    authorize: () => [{ action: 'iam:SimulateCustomPolicy', resource: '*' }],
    async handle(ctx: OperationContext<SimulationInput>) {
      const { input, caller } = ctx;
      const inputs = await inputPolicies(input);
      if (inputs.resource && !input.CallerArn) {
        throw new AwsError('InvalidInput', 'CallerArn must be specified when a ResourcePolicy is given.', 400);
      }
      const principal: Principal = input.CallerArn
        ? callerPrincipal(input.CallerArn)
        : { type: 'User', arn: caller.user?.arn ?? caller.arn, accountId: caller.accountId };
      const owner = ownerAccount(input.ResourceOwner);
      return simulatePage(ctx, {
        principal,
        identity: inputs.identity,
        ...(inputs.boundary ? { boundary: inputs.boundary } : {}),
        ...(inputs.resource ? { resourcePolicy: inputs.resource } : {}),
        ...(owner ? { resourceOwner: owner } : {}),
        input,
      });
    },
  },
};
