// Parsing, validation and compilation of one policy document.
//
// Validation runs in the order AWS's checks are observed to run, so that a document with
// several faults gets the same MalformedPolicyDocument message as from AWS (the order was
// read off the error cases moto's tests confirmed against IAM):
//   1. JSON, 2. Version, 3. structure ("Syntax errors in policy."), 4. values that the
//   legacy parser rejects (Effect casing, dates, numbers, short ARNs), 5. unique Sids,
//   6. per statement: actions, ARN format, action format, principal, resources, partition.

import { ARN_FIELDS, compileArnPattern, compileArnPieces, splitArn } from './arn.js';
import { unknownActionWarning } from './catalogue.js';
import { compileCondition, parseOperator, type CompiledCondition } from './conditions.js';
import { MalformedPolicyDocumentError, PolicyMessages } from './errors.js';
import { compileGlob, hasWildcard, type Matcher } from './glob.js';
import { compilePrincipal, type CompiledPrincipal } from './principals.js';
import { parseTemplate, resolvePieces } from './variables.js';
import type { RequestContext } from './context.js';

/**
 * Where a policy is attached; it decides which elements are required or forbidden.
 * `resource` covers Lambda function and layer-version policies (and any other service's).
 */
export type PolicyKind = 'identity' | 'resource' | 'boundary' | 'scp' | 'rcp' | 'session' | 'trust';

export type Effect = 'Allow' | 'Deny';

export interface CompileOptions {
  kind: PolicyKind;
  /** A stable identifier for explanations: policy ARN, `user/alice/inline-name`, … */
  id?: string;
  /** IAM's CreatePolicy refuses 2008-10-17 and missing versions; others accept both. */
  requireVersion2012?: boolean;
  /** Skip the unknown-action lookup (warnings only), e.g. for bulk re-compilation. */
  skipActionCatalogue?: boolean;
}

export interface CompiledStatement {
  /** Position in the Statement array (0-based). */
  index: number;
  sid: string | undefined;
  effect: Effect;
  principal: CompiledPrincipal | undefined;
  notPrincipal: CompiledPrincipal | undefined;
  /** Matches the request resource; `ctx` resolves policy variables. */
  matchesResource: (resource: string, ctx: RequestContext) => boolean;
  conditions: readonly CompiledCondition[];
  /** The statement as written, for explanations. */
  source: Readonly<Record<string, unknown>>;
}

export interface CompiledPolicy {
  id: string;
  kind: PolicyKind;
  version: '2012-10-17' | '2008-10-17';
  statements: readonly CompiledStatement[];
  /** Non-fatal findings, e.g. action names AWS does not know. */
  warnings: readonly string[];
  /** The statements whose Action / NotAction covers the action (lower-cased), in order. */
  statementsFor(actionLower: string): readonly CompiledStatement[];
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const IAM_RESOURCE_PREFIXES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];
const VENDOR = /^[A-Za-z0-9_.-]+$/;
const IDENTITY_SIDE = new Set<PolicyKind>(['identity', 'boundary', 'scp', 'session']);

const fail = (message: string): never => {
  throw new MalformedPolicyDocumentError(message);
};
const syntax = () => fail(PolicyMessages.syntax);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** String or array of strings; anything else is a syntax error. */
function stringList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return syntax();
}

interface CachedStatement {
  statement: CompiledStatement;
  actions: ActionList;
  warnings: string[];
}

const STATEMENT_CACHE = new Map<string, CachedStatement>();
const STATEMENT_CACHE_LIMIT = 20_000;

function remember(key: string, entry: CachedStatement): void {
  if (STATEMENT_CACHE.size >= STATEMENT_CACHE_LIMIT) STATEMENT_CACHE.clear();
  STATEMENT_CACHE.set(key, entry);
}

/** Parses, validates and compiles a policy. Throws MalformedPolicyDocumentError. */
export function compilePolicy(document: string | object, options: CompileOptions): CompiledPolicy {
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch {
      syntax();
    }
  }
  if (!isObject(doc)) return syntax();

  // 2. Version
  const version = doc.Version;
  if (options.requireVersion2012 && (version === undefined || version === '2008-10-17')) {
    fail(PolicyMessages.versionTooOld);
  }
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') syntax();

  // 3. Structure
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) syntax();
  if (doc.Id !== undefined && typeof doc.Id !== 'string') syntax();
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (rawStatements.length === 0) syntax();
  const statements = rawStatements.map(checkStructure);

  // A statement compiles the same way wherever it appears; resource policies that grow one
  // statement at a time (AddPermission) recompile only the new one. Cached statements
  // passed every check before, so only the others are checked below.
  const variables = version === '2012-10-17';
  const keyPrefix = `${options.kind}|${variables}|${options.skipActionCatalogue ? 1 : 0}|`;
  const keys = statements.map((s) => keyPrefix + JSON.stringify(s));
  const cached = keys.map((k) => STATEMENT_CACHE.get(k));

  // 4. Values the legacy parser refuses; conditions are compiled here.
  const conditions = statements.map((s, i) => {
    if (cached[i]) return [];
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') fail(PolicyMessages.legacyParsing);
    return compileConditions(s.Condition as Json | undefined, variables);
  });
  statements.forEach((s, i) => {
    if (cached[i]) return;
    for (const r of [...(stringList(s.Resource) ?? []), ...(stringList(s.NotResource) ?? [])]) {
      if (failsLegacyResourceParsing(r)) fail(PolicyMessages.legacyParsing);
    }
  });

  // 5. Sids
  const sids = new Set<string>();
  for (const s of statements) {
    if (typeof s.Sid !== 'string' || s.Sid === '') continue;
    if (sids.has(s.Sid)) fail(PolicyMessages.duplicateSid);
    sids.add(s.Sid);
  }

  // 6. Per statement
  const warnings: string[] = [];
  const actionLists: ActionList[] = [];
  const compiled = statements.map((s, index) => {
    const hit = cached[index];
    if (hit) {
      warnings.push(...hit.warnings);
      actionLists.push(hit.actions);
      return { ...hit.statement, index };
    }
    const own: string[] = [];
    const actions = stringList(s.Action) ?? stringList(s.NotAction) ?? [];
    if (actions.length === 0) fail(PolicyMessages.missingActions);
    const resources = stringList(s.Resource) ?? stringList(s.NotResource);
    for (const r of resources ?? []) {
      if (r !== '*' && !r.includes(':')) fail(PolicyMessages.resourceNotArn(r));
    }
    for (const a of actions) {
      checkActionFormat(a);
      if (!options.skipActionCatalogue) {
        const warning = unknownActionWarning(a);
        if (warning) own.push(warning);
      }
    }
    checkPrincipalPresence(s, options.kind);
    if (options.kind === 'trust') {
      if (resources !== undefined) fail(PolicyMessages.trustResourceProhibited);
    } else {
      if (!resources || resources.length === 0) fail(PolicyMessages.missingResources);
      for (const r of resources!) checkResourceFormat(r);
    }
    const actionList = { actions: actions.map((a) => a.toLowerCase()), negated: s.NotAction !== undefined };
    const statement = compileStatement(s, index, resources, conditions[index]!, variables);
    remember(keys[index]!, { statement, actions: actionList, warnings: own });
    warnings.push(...own);
    actionLists.push(actionList);
    return statement;
  });

  return buildPolicy(options, variables ? '2012-10-17' : '2008-10-17', compiled, actionLists, warnings);
}

function checkStructure(raw: unknown): Json {
  if (!isObject(raw)) return syntax();
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) syntax();
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') syntax();
  const effect = raw.Effect;
  if (typeof effect !== 'string') return syntax();
  const lower = effect.toLowerCase();
  if (lower !== 'allow' && lower !== 'deny') syntax();
  if (raw.Action !== undefined && raw.NotAction !== undefined) syntax();
  if (raw.Resource !== undefined && raw.NotResource !== undefined) syntax();
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) syntax();
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) stringList(raw[key]);
  if (raw.Condition !== undefined) checkConditionStructure(raw.Condition);
  return raw;
}

function checkConditionStructure(condition: unknown): void {
  if (!isObject(condition)) syntax();
  for (const [operator, block] of Object.entries(condition as Json)) {
    if (!parseOperator(operator) || !isObject(block)) syntax();
    for (const value of Object.values(block as Json)) conditionValues(value);
  }
}

/** Condition values: a scalar or a non-empty array of scalars, kept as strings. */
function conditionValues(value: unknown): string[] {
  const scalar = (v: unknown) =>
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (scalar(value)) return [String(value)];
  if (Array.isArray(value) && value.length > 0 && value.every(scalar)) return value.map(String);
  return syntax();
}

function compileConditions(condition: Json | undefined, variables: boolean): CompiledCondition[] {
  if (!condition) return [];
  const out: CompiledCondition[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    const parsed = parseOperator(operator)!;
    for (const [key, value] of Object.entries(block as Json)) {
      out.push(compileCondition(operator, parsed, key, conditionValues(value), variables));
    }
  }
  return out;
}

function failsLegacyResourceParsing(resource: string): boolean {
  if (resource === '*' || hasWildcard(resource)) return false;
  const fields = resource.split(':');
  if (fields.length < 3 || !PARTITIONS.has(fields[1]!)) return false;
  return fields.length < ARN_FIELDS || fields[2] === '';
}

function checkActionFormat(action: string): void {
  if (action === '*') return;
  const colon = action.indexOf(':');
  if (colon < 0) fail(PolicyMessages.actionNeedsVendor);
  if (action.indexOf(':', colon + 1) >= 0) fail(PolicyMessages.actionOneColon);
  const vendor = action.slice(0, colon);
  if (!VENDOR.test(vendor)) fail(PolicyMessages.vendorInvalid(vendor));
}

function checkPrincipalPresence(s: Json, kind: PolicyKind): void {
  const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
  if (IDENTITY_SIDE.has(kind) && hasPrincipal) fail(PolicyMessages.principalNotAllowed);
  if ((kind === 'resource' || kind === 'trust' || kind === 'rcp') && !hasPrincipal) {
    fail(PolicyMessages.principalRequired);
  }
  if (kind === 'trust' && s.NotPrincipal !== undefined) syntax();
}

function checkResourceFormat(resource: string): void {
  if (resource === '*') return;
  const fields = resource.split(':');
  const expanded = ['arn', ...fields.slice(1)];
  while (expanded.length < ARN_FIELDS) expanded.push('*');
  const partition = fields[1]!;
  if (!PARTITIONS.has(partition) && !hasWildcard(partition)) {
    fail(PolicyMessages.partitionInvalid(partition, expanded.join(':')));
  }
  const service = fields[2];
  if (service === undefined || hasWildcard(service)) fail(PolicyMessages.resourceVendor);
  const [region = '', account = '', ...rest] = fields.slice(3);
  if (service === 'iam' && region !== '' && region !== '*') fail(PolicyMessages.iamRegion(resource));
  // Buckets and objects name no region (and no account); S3's regional resources (access
  // points, batch jobs, Storage Lens) name both.
  if (service === 's3' && region !== '' && region !== '*' && account === '') fail(PolicyMessages.s3Region(resource));
  if (service === 'iam') {
    const path = rest.join(':');
    const known = path === '' || path === 'root' || path.startsWith('*') || IAM_RESOURCE_PREFIXES.some((p) => path.startsWith(p));
    if (!known) fail(PolicyMessages.iamPath);
  }
}

function compileStatement(
  s: Json,
  index: number,
  resources: string[] | undefined,
  conditions: CompiledCondition[],
  variables: boolean,
): CompiledStatement {
  return {
    index,
    sid: typeof s.Sid === 'string' ? s.Sid : undefined,
    effect: s.Effect as Effect,
    principal: s.Principal === undefined ? undefined : compilePrincipal(s.Principal),
    notPrincipal: s.NotPrincipal === undefined ? undefined : compilePrincipal(s.NotPrincipal),
    matchesResource: compileResources(resources, s.NotResource !== undefined, variables),
    conditions,
    source: s,
  };
}

type ResourceMatcher = (resource: string, ctx: RequestContext) => boolean;

function compileResources(resources: string[] | undefined, negated: boolean, variables: boolean): ResourceMatcher {
  // A trust policy has no Resource: it applies to the role it is attached to.
  if (resources === undefined) return () => true;
  const entries = resources.map((r) => compileResource(r, variables));
  // An entry whose variable has no value matches nothing (AWS, "Policy variables with no
  // value"), so in NotResource it excludes nothing: a Deny still denies.
  const any: ResourceMatcher = entries.length === 1 ? entries[0]! : (res, ctx) => entries.some((e) => e(res, ctx));
  return negated ? (res, ctx) => !any(res, ctx) : any;
}

function compileResource(pattern: string, variables: boolean): ResourceMatcher {
  const fields = splitArnRespectingVariables(pattern);
  // Variables count only in the resource field; elsewhere `${…}` is literal text.
  const template = variables && fields.length === ARN_FIELDS ? parseTemplate(fields[5]!) : null;
  if (!template) {
    const m = compileArnPattern(pattern);
    return (res) => m(res);
  }
  const head = fields.slice(0, 5).map((f) => ({ text: f + ':', wild: true }));
  return (res, ctx) => {
    const pieces = resolvePieces(template, ctx);
    return pieces !== null && compileArnPieces([...head, ...pieces])(res);
  };
}

/** Like splitArn, but a colon inside `${…}` (as in `${aws:username}`) does not split. */
function splitArnRespectingVariables(text: string): string[] {
  if (!text.includes('${')) return splitArn(text);
  const out: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < text.length && out.length < ARN_FIELDS - 1; i++) {
    const ch = text[i];
    if (ch === '$' && text[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    else if (ch === ':' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** A statement's Action (or NotAction) entries, lower-cased. */
interface ActionList {
  actions: string[];
  negated: boolean;
}

/** Action index: literal actions by name, wildcard and NotAction statements checked each time. */
function buildPolicy(
  options: CompileOptions,
  version: CompiledPolicy['version'],
  statements: CompiledStatement[],
  actionLists: ActionList[],
  warnings: string[],
): CompiledPolicy {
  const byAction = new Map<string, Set<number>>();
  const general: { index: number; matches: Matcher; negated: boolean }[] = [];
  actionLists.forEach(({ actions, negated }, index) => {
    if (!negated && !actions.some(hasWildcard)) {
      for (const a of actions) {
        let set = byAction.get(a);
        if (!set) byAction.set(a, (set = new Set()));
        set.add(index);
      }
      return;
    }
    const globs = actions.map((a) => compileGlob(a));
    general.push({ index, negated, matches: (action) => globs.some((g) => g(action)) });
  });

  // Most requests repeat a handful of actions, so the statement list per action is
  // computed once and kept (up to a bound, then the cache starts over).
  const cache = new Map<string, readonly CompiledStatement[]>();
  const CACHE_LIMIT = 1024;
  const statementsFor = (actionLower: string): readonly CompiledStatement[] => {
    const hit = cache.get(actionLower);
    if (hit) return hit;
    const indices = new Set(byAction.get(actionLower) ?? []);
    for (const g of general) if (g.matches(actionLower) !== g.negated) indices.add(g.index);
    const list = [...indices].sort((a, b) => a - b).map((i) => statements[i]!);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(actionLower, list);
    return list;
  };

  return {
    id: options.id ?? '',
    kind: options.kind,
    version,
    statements,
    warnings,
    statementsFor,
  };
}
