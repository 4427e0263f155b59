// What IAM Access Analyzer would report for a Lambda resource-based policy: who outside the
// zone of trust (the owning account, or its organization) can reach the function or layer
// version, and through which statement.
//
// Each Allow statement is judged on its own, then two things a whole policy decides:
// - Deny statements (PutResourcePolicy can write them): a grant is dropped when a Deny takes
//   the same actions from every caller outside the zone — no condition, or only conditions
//   that are true for any outside caller (a negated operator on an account or organization key
//   listing values inside the zone, as in "Deny unless aws:PrincipalOrgID is ours"). A Deny
//   with any other condition (a source IP, a tag) leaves the finding: some outside caller
//   still gets through.
// - Function URLs need both `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` (since
//   October 2025). A statement granting only InvokeFunctionUrl is reported only when the same
//   grantee (or anyone) also gets InvokeFunction; a statement granting InvokeFunction only
//   through the URL (`Bool lambda:InvokedViaFunctionUrl true`) is reported only when it is the
//   narrower of the pair (anyone may InvokeFunctionUrl, one outside account InvokeFunction):
//   one finding per way in, naming who really gets through.
//
// Conditions are ANDed, so one condition key that keeps callers inside the zone is enough to
// drop the finding. Values listed for one key are ORed, so one value that reaches outside
// (or a wildcard that could) is enough to keep it. Keys that do not name the caller's account
// or organization (aws:SourceIp, aws:SecureTransport, tags) narrow nothing: Access Analyzer
// reports a statement limited only by a source IP as public too.

import { splitArn, ARN_FIELDS } from './arn.js';
import { parseOperator, SetQualifier } from './conditions.js';
import { compileGlob, hasWildcard } from './glob.js';

export type FindingKind = 'public' | 'cross-account' | 'service-without-source' | 'public-url';

export interface Finding {
  /** The resource ARN given. */
  resource: string;
  kind: FindingKind;
  /** As written in the policy: `*`, an account id, an ARN, a service principal, ... */
  principal: string;
  /** The statement's Action, as written; `["*"]` when it uses NotAction. */
  actions: string[];
  /** The statement's NotAction, as written, when it has one. */
  notActions?: string[];
  /** Account ids and organization ids outside the zone that can reach the resource, when they can be named. */
  external: string[];
  statement: { index: number; sid?: string };
  /** One sentence in plain words. */
  detail: string;
}

export interface ZoneOfTrust {
  accountId: string;
  organizationId?: string;
  /** Member accounts of the organization; they belong to the zone. */
  organizationAccounts?: string[];
}

export interface AccessFindingsInput {
  resource: string;
  policy: string | object | undefined;
  zone: ZoneOfTrust;
  functionUrlAuthType?: 'NONE' | 'AWS_IAM';
}

export function accessFindings(input: AccessFindingsInput): Finding[] {
  const statements = readStatements(input.policy);
  const denies = statements.filter((s) => s.Effect === 'Deny');
  const judged: { finding: Finding; grantee: Grantee; role: UrlRole; acts: StatementActions }[] = [];
  statements.forEach((s, index) => {
    if (s.Effect !== 'Allow') return;
    const acts = statementActions(s);
    const base = {
      resource: input.resource,
      ...acts,
      statement: typeof s.Sid === 'string' ? { index, sid: s.Sid } : { index },
    };
    const constraints = readConstraints(s.Condition);
    const publicKind: FindingKind =
      input.functionUrlAuthType === 'NONE' && grants(base, 'lambda:InvokeFunctionUrl') ? 'public-url' : 'public';
    const role = urlRole(s, acts);
    const seen = new Set<string>();
    for (const grantee of readGrantees(s)) {
      const id = `${grantee.type}|${grantee.written}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const f = judge(grantee, constraints, input.zone, actionPhrase(base), publicKind);
      if (!f) continue;
      if (denies.some((d) => denyCoversOutside(d, acts, grantee, input.zone, input.resource))) continue;
      judged.push({ finding: { ...base, ...f }, grantee, role, acts });
    }
  });
  // A URL is reached by whoever gets both permissions: the narrower of the two grants reports it.
  const invokers = judged.filter((j) => grants(j.acts, 'lambda:InvokeFunction'));
  const urlGrants = judged.filter((j) => grants(j.acts, 'lambda:InvokeFunctionUrl'));
  return judged
    .filter((j) => {
      if (j.role === 'url') return invokers.some((i) => sameOrAnyone(i.grantee, j.grantee));
      if (j.role === 'viaUrl') return urlGrants.some((u) => sameOrAnyone(u.grantee, j.grantee) && !sameOrAnyone(j.grantee, u.grantee));
      return true;
    })
    .map((j) => j.finding);
}

/** What a statement is for function URLs: only InvokeFunctionUrl, only InvokeFunction through a URL, or neither. */
type UrlRole = 'url' | 'viaUrl' | 'plain';

function urlRole(s: Json, acts: StatementActions): UrlRole {
  if (acts.notActions || acts.actions.length === 0) return 'plain';
  const only = (action: string) => acts.actions.every((a) => a.toLowerCase() === action.toLowerCase());
  if (only('lambda:InvokeFunctionUrl')) return 'url';
  if (only('lambda:InvokeFunction') && onlyThroughUrl(s.Condition)) return 'viaUrl';
  return 'plain';
}

/** `Bool lambda:InvokedViaFunctionUrl true` (not IfExists): the statement matches URL requests only. */
function onlyThroughUrl(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  return Object.entries(condition).some(([operator, block]) => {
    const op = parseOperator(operator);
    if (!op || op.ifExists || op.spec.family !== 'Bool' || op.set !== SetQualifier.None || !isObject(block)) return false;
    return Object.entries(block).some(([key, raw]) => key.toLowerCase() === 'lambda:invokedviafunctionurl' && strings(raw).every((v) => v.toLowerCase() === 'true'));
  });
}

/** Whether `other` reaches at least the callers `g` names: the same principal, or anyone. */
function sameOrAnyone(other: Grantee, g: Grantee): boolean {
  if (other.type === 'anyone') return true;
  if (other.type !== g.type) return false;
  if (other.written === g.written) return true;
  const account = awsPrincipalAccount(other.written);
  return g.type === 'aws' && account !== undefined && account === awsPrincipalAccount(g.written);
}

/**
 * Whether Deny statement `d` takes every action of `acts` on `resource` from every caller
 * `g` could be outside the zone. Conservative: anything it cannot show is "no".
 */
function denyCoversOutside(d: Json, acts: StatementActions, g: Grantee, zone: ZoneOfTrust, resource: string): boolean {
  if (d.NotPrincipal !== undefined || d.NotAction !== undefined || d.NotResource !== undefined) return false;
  if (!readGrantees(d).some((dg) => sameOrAnyone(dg, g))) return false;
  const denied = strings(d.Action).map((p) => compileGlob(p, true));
  const covered = acts.notActions
    ? denied.some((m) => m('lambda:*'))
    : acts.actions.length > 0 && acts.actions.every((a) => denied.some((m) => m(a)));
  if (!covered) return false;
  if (d.Resource !== undefined && !strings(d.Resource).some((r) => compileGlob(r, false)(resource))) return false;
  return outsideAlwaysMatches(d.Condition, zone);
}

/** True when every condition of a Deny holds for any caller outside the zone (absent keys included). */
function outsideAlwaysMatches(condition: unknown, zone: ZoneOfTrust): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  for (const [operator, block] of Object.entries(condition)) {
    const op = parseOperator(operator);
    // A negated operator is true when the key is absent and when the caller's value is not
    // listed; listing only values inside the zone makes it true for every outside caller.
    if (!op || !op.spec.negated || op.set !== SetQualifier.None || !isObject(block)) return false;
    if (op.spec.family !== 'String' && op.spec.family !== 'Arn') return false;
    for (const [key, raw] of Object.entries(block)) {
      const keyClass = NARROWING_KEYS[key.toLowerCase()];
      if (keyClass !== 'account' && keyClass !== 'org' && keyClass !== 'orgPath' && keyClass !== 'arn') return false;
      const c: Constraint = { key, keyClass, values: strings(raw), like: op.spec.comparison === 'like', stringOnArn: op.spec.family === 'String' && keyClass === 'arn' };
      if (c.values.length === 0 || !c.values.every((v) => valueReach(c, v, zone).kind === 'inside')) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Reading the document. Anything malformed yields nothing rather than an exception: a
// report about a policy Lambda would have refused is not worth failing a caller over.

type Json = Record<string, unknown>;

function readStatements(policy: string | object | undefined): Json[] {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  if (!isObject(doc)) return [];
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter(isObject);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  if (typeof raw === 'number' || typeof raw === 'boolean') return [String(raw)];
  return Array.isArray(raw) ? raw.flatMap(strings) : [];
}

interface StatementActions {
  actions: string[];
  notActions?: string[];
}

function statementActions(s: Json): StatementActions {
  if (s.NotAction !== undefined) return { actions: ['*'], notActions: strings(s.NotAction) };
  return { actions: strings(s.Action) };
}

function grants(a: StatementActions, action: string): boolean {
  const matches = (pattern: string) => compileGlob(pattern, true)(action);
  return a.notActions ? !a.notActions.some(matches) : a.actions.some(matches);
}

function actionPhrase(a: StatementActions): string {
  return a.notActions ? `every action except ${a.notActions.join(', ')}` : a.actions.join(', ');
}

type GranteeType = 'anyone' | 'aws' | 'service' | 'federated' | 'canonical';

interface Grantee {
  type: GranteeType;
  written: string;
  notPrincipal?: boolean;
}

const PRINCIPAL_TYPES: Record<string, GranteeType> = {
  AWS: 'aws',
  Service: 'service',
  Federated: 'federated',
  CanonicalUser: 'canonical',
};

function readGrantees(s: Json): Grantee[] {
  // NotPrincipal in an Allow admits everyone it does not list, which is everyone outside.
  if (s.NotPrincipal !== undefined) return [{ type: 'anyone', written: '*', notPrincipal: true }];
  const p = s.Principal;
  if (p === '*') return [{ type: 'anyone', written: '*' }];
  if (!isObject(p)) return [];
  // Unknown principal types are skipped: Lambda rejects them when the policy is written.
  return Object.entries(p).flatMap(([name, raw]) => {
    const type = PRINCIPAL_TYPES[name];
    if (!type) return [];
    return strings(raw).map((written): Grantee => ({ type: written === '*' ? 'anyone' : type, written }));
  });
}

// ---------------------------------------------------------------------------------------
// Conditions that narrow who the caller can be.

/** How a condition key's values name the caller. */
type KeyClass = 'account' | 'arn' | 'org' | 'orgPath' | 'opaque' | 'token';

const NARROWING_KEYS: Record<string, KeyClass> = {
  'aws:sourceaccount': 'account',
  'aws:sourceowner': 'account',
  'aws:principalaccount': 'account',
  'aws:sourcearn': 'arn',
  'aws:principalarn': 'arn',
  'aws:principalorgid': 'org',
  'aws:sourceorgid': 'org',
  'aws:principalorgpaths': 'orgPath',
  'aws:sourceorgpaths': 'orgPath',
  'aws:userid': 'opaque',
  'aws:username': 'opaque',
  'aws:sourcevpc': 'opaque',
  'aws:sourcevpce': 'opaque',
  'lambda:eventsourcetoken': 'token',
};

/** A service principal carries only the keys that describe the resource it acts for. */
const SERVICE_KEYS = new Set([
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'lambda:eventsourcetoken',
]);

interface Constraint {
  /** As written. */
  key: string;
  keyClass: KeyClass;
  values: string[];
  /** `*` and `?` are wildcards (the Like operators and ArnEquals). */
  like: boolean;
  /** A String operator on an ARN key, where a `*` may cross the colons between fields. */
  stringOnArn: boolean;
}

function readConstraints(condition: unknown): Constraint[] {
  if (!isObject(condition)) return [];
  const out: Constraint[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    const op = parseOperator(operator);
    // IfExists, negated and ForAllValues operators are all satisfied when the key is absent
    // or different, so they never narrow.
    if (!op || op.ifExists || op.spec.negated || op.set === SetQualifier.ForAllValues) continue;
    if (op.spec.family !== 'String' && op.spec.family !== 'Arn') continue;
    if (!isObject(block)) continue;
    for (const [key, raw] of Object.entries(block)) {
      const keyClass = NARROWING_KEYS[key.toLowerCase()];
      if (!keyClass) continue;
      out.push({
        key,
        keyClass,
        values: strings(raw),
        like: op.spec.comparison === 'like',
        stringOnArn: op.spec.family === 'String' && keyClass === 'arn',
      });
    }
  }
  return out;
}

/** What one condition value admits. */
type ValueReach =
  | { kind: 'inside' }
  /** Matches no caller at all, e.g. a twelve-character account id under StringEquals. */
  | { kind: 'nobody' }
  | { kind: 'outside'; party: string }
  /** Narrows to something that names no account (a VPC, a user id). */
  | { kind: 'opaque' }
  | { kind: 'open'; why: string };

function valueReach(c: Constraint, value: string, zone: ZoneOfTrust): ValueReach {
  const wild = (text: string) => c.like && hasWildcard(text);
  const open = (why: string): ValueReach => ({ kind: 'open', why: `${c.key} "${value}" ${why}` });
  // A policy variable could resolve to anything; no attempt is made to resolve it.
  if (value.includes('${')) return open('depends on a policy variable');
  switch (c.keyClass) {
    case 'account':
      if (wild(value)) return open('matches any account');
      return /^\d{12}$/.test(value) ? placeAccount(value, zone) : { kind: 'nobody' };
    case 'arn': {
      const fields = splitArn(value);
      if (fields.length < ARN_FIELDS) return wild(value) ? open('matches any account') : { kind: 'nobody' };
      const account = fields[4]!;
      if (wild(account) || (c.stringOnArn && fields.slice(0, 4).some(wild))) return open('matches any account');
      if (account === '') {
        return fields[2] === 's3'
          ? open('names only a bucket, and bucket ARNs carry no account, so once the bucket is deleted another account can create one with that name')
          : open('names no account');
      }
      return /^\d{12}$/.test(account) ? placeAccount(account, zone) : { kind: 'nobody' };
    }
    case 'org':
    case 'orgPath': {
      const org = c.keyClass === 'org' ? value : value.split('/')[0]!;
      if (wild(org)) return open('matches any organization');
      return zone.organizationId?.toLowerCase() === org.toLowerCase() ? { kind: 'inside' } : { kind: 'outside', party: org };
    }
    case 'opaque':
      // Only the part before a colon identifies anyone: `AROAEXAMPLE:*` is any session of one role.
      return wild(value.split(':')[0]!) ? open('matches anyone') : { kind: 'opaque' };
    case 'token':
      // An Alexa skill id: it names the one event source the owner chose, as a source ARN does.
      return wild(value) ? open('matches any skill') : { kind: 'inside' };
  }
}

function placeAccount(account: string, zone: ZoneOfTrust): ValueReach {
  return inZone(account, zone) ? { kind: 'inside' } : { kind: 'outside', party: account };
}

function inZone(account: string, zone: ZoneOfTrust): boolean {
  return account === zone.accountId || (zone.organizationAccounts ?? []).includes(account);
}

/** What all the narrowing conditions of a statement, together, leave open. */
type Reach =
  | { kind: 'inside' }
  | { kind: 'outside'; key: string; parties: string[] }
  | { kind: 'opaque'; key: string; values: string[] }
  | { kind: 'open'; why: string[] };

function conditionReach(constraints: Constraint[], zone: ZoneOfTrust): Reach {
  const perKey = constraints.map((c) => ({ c, reaches: c.values.map((v) => valueReach(c, v, zone)) }));
  const why: string[] = [];
  let outside: Reach | undefined;
  let opaque: Reach | undefined;
  for (const { c, reaches } of perKey) {
    const openOne = reaches.find((r) => r.kind === 'open');
    if (openOne) {
      why.push(openOne.why);
      continue;
    }
    const parties = reaches.flatMap((r) => (r.kind === 'outside' ? [r.party] : []));
    if (reaches.some((r) => r.kind === 'opaque')) opaque ??= { kind: 'opaque', key: c.key, values: c.values };
    else if (parties.length > 0) outside ??= { kind: 'outside', key: c.key, parties: [...new Set(parties)] };
    else return { kind: 'inside' };
  }
  // Two keys naming different outside accounts would admit nobody; reporting the first
  // is enough to send a reader to the statement.
  return outside ?? opaque ?? { kind: 'open', why };
}

// ---------------------------------------------------------------------------------------
// Judging one principal of one statement.

type Verdict = Pick<Finding, 'kind' | 'principal' | 'external' | 'detail'>;

function judge(g: Grantee, constraints: Constraint[], zone: ZoneOfTrust, acts: string, publicKind: FindingKind): Verdict | null {
  const applicable = g.type === 'service' ? constraints.filter((c) => SERVICE_KEYS.has(c.key.toLowerCase())) : constraints;
  const reach = conditionReach(applicable, zone);
  if (reach.kind === 'inside') return null;
  const principal = g.written;

  switch (g.type) {
    case 'anyone': {
      const who = g.notPrincipal ? 'NotPrincipal, which admits everyone it does not list,' : 'Principal "*"';
      if (reach.kind === 'outside') {
        return {
          kind: 'cross-account',
          principal,
          external: reach.parties,
          detail: `${capitalize(partyList(reach.parties))}, outside the zone of trust, can call ${acts} on it (${who} limited by ${reach.key}).`,
        };
      }
      if (reach.kind === 'opaque') {
        return {
          kind: 'cross-account',
          principal,
          external: [],
          detail: `Callers that may be outside the zone of trust can call ${acts} on it (${who} limited only by ${reach.key} ${reach.values.join(', ')}, which names no account).`,
        };
      }
      const because = reach.why.length === 0 ? 'with no condition that limits the caller' : `where ${reach.why.join(' and ')}`;
      if (publicKind === 'public-url') {
        return {
          kind: 'public-url',
          principal,
          external: [],
          detail: `Anyone on the internet can invoke its function URL without signing the request (auth type NONE and ${who} ${because}).`,
        };
      }
      return { kind: 'public', principal, external: [], detail: `Anyone can call ${acts} on it (${who} ${because}).` };
    }

    case 'aws': {
      const account = awsPrincipalAccount(principal);
      if (account !== undefined && inZone(account, zone)) return null;
      return {
        kind: 'cross-account',
        principal,
        external: account === undefined ? [] : [account],
        detail:
          account === undefined
            ? `A principal Latchkey cannot place in an account can call ${acts} on it (Principal "${principal}").`
            : `Account ${account}, outside the zone of trust, can call ${acts} on it (Principal "${principal}").`,
      };
    }

    case 'service': {
      if (reach.kind === 'outside') {
        return {
          kind: 'cross-account',
          principal,
          external: reach.parties,
          detail: `The service ${principal} can call ${acts} on it for resources of ${partyList(reach.parties)}, outside the zone of trust (named by ${reach.key}).`,
        };
      }
      const why = reach.kind === 'open' && reach.why.length > 0 ? `; ${reach.why.join(' and ')}` : '';
      return {
        kind: 'service-without-source',
        principal,
        external: [],
        detail: `Any account's ${principal} resources can call ${acts} on it, since no aws:SourceAccount or account-bearing aws:SourceArn limits which${why}.`,
      };
    }

    case 'federated':
    case 'canonical': {
      const what = g.type === 'federated' ? 'Users of the identity provider' : 'The S3 canonical user';
      return {
        kind: 'cross-account',
        principal,
        external: [],
        detail: `${what} "${principal}", outside the zone of trust, can call ${acts} on it.`,
      };
    }
  }
}

/** `123456789012` is the same as `arn:aws:iam::123456789012:root`. */
function awsPrincipalAccount(written: string): string | undefined {
  if (/^\d{12}$/.test(written)) return written;
  const fields = splitArn(written);
  if (fields.length < ARN_FIELDS || fields[0] !== 'arn') return undefined;
  return /^\d{12}$/.test(fields[4]!) ? fields[4] : undefined;
}

function partyList(parties: string[]): string {
  return parties.map((p) => (/^\d{12}$/.test(p) ? `account ${p}` : `organization ${p}`)).join(', ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
