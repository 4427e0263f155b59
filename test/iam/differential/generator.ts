// Random but meaningful authorization scenarios for the differential test. Everything is drawn
// from a small universe (3 accounts, a few users, roles, functions) so that policies written
// for one principal or resource often hit the request at hand, and conditions are written from
// the request's own context values so that they pass about as often as they fail.
//
// The generator stays inside what iam-simulate evaluates as written: only context keys its
// catalogue allows for the action (others would be silently dropped), arrays exactly for the
// ArrayOf… keys, one date format per key (it compares epoch seconds against ISO dates in
// milliseconds), and Version 2012-10-17 everywhere.

import type { Rng } from '../../support/rng.js';
import type { JsonPolicy, NamedPolicy, Scenario, ScenarioPrincipal } from './scenario.js';

// ---------------------------------------------------------------------------------------------
// The universe

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
const REGION = 'us-east-1';
const ORG_ID = 'o-acme111111';
const TEAMS = ['blue', 'red', 'green'] as const;
const PROJECTS = ['apollo', 'zephyr'] as const;

interface Named {
  name: string;
  path: string;
}
const USERS: Named[] = [
  { name: 'alice', path: '/' },
  { name: 'bob', path: '/' },
  { name: 'carol', path: '/dev/' },
];
const ROLES: Named[] = [
  { name: 'deployer', path: '/' },
  { name: 'reader', path: '/' },
  { name: 'blue-ops', path: '/' },
  { name: 'lambda-exec', path: '/service-role/' },
];
const SESSIONS = ['alice', 'ci-1234', 'i-0abc123'] as const;
// Some names start with a team or user name so that ${aws:PrincipalTag/team}-* and
// ${aws:username}-* resources can match; 'Reports' checks case-sensitive matching.
const FUNCTIONS = ['orders', 'orders-v2', 'blue-billing', 'red-reports', 'alice-tools', 'Reports'] as const;
const OBJECT_KEYS = ['reports/2024.csv', 'alice/notes.txt', 'public/index.html'] as const;
const SERVICES = ['s3.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com', 'apigateway.amazonaws.com'] as const;
const LAYERS = [
  'arn:aws:lambda:us-east-1:111111111111:layer:shared:3',
  'arn:aws:lambda:us-east-1:222222222222:layer:tools:1',
  'arn:aws:lambda:us-east-1:333333333333:layer:untrusted:7',
] as const;
const TAG_KEYS = ['team', 'env', 'cost-center', 'Owner'] as const;
// Base64 text, because BinaryEquals compares the policy's base64 value with the request's.
const USER_AGENTS = ['YXdzLWNsaS8yLjE1', 'Qm90bzMvMS4zNC4w', 'bGF0Y2hrZXk='] as const;
const SOURCE_IPS = ['10.1.2.3', '192.168.1.20', '203.0.113.9', '198.51.100.7', '2001:db8::1', '2001:db8:abcd::42', 'fd00::5'] as const;
const CIDRS = [
  '10.0.0.0/8',
  '10.1.2.0/24',
  '192.168.1.0/24',
  '203.0.113.9',
  '203.0.113.0/24',
  '0.0.0.0/0',
  '2001:db8::/32',
  '2001:db8:abcd::/48',
  'fd00::/8',
  '2001:db8::1',
] as const;
const BASE_TIME = Date.UTC(2024, 5, 15, 12, 0, 0); // fixed so runs replay
const DAY = 86_400_000;

type ResourceKind = 'function' | 'object' | 'role';
interface ActionSpec {
  name: string;
  kind: ResourceKind;
  weight: number;
}
const ACTIONS: ActionSpec[] = [
  { name: 'lambda:InvokeFunction', kind: 'function', weight: 5 },
  { name: 'lambda:GetFunction', kind: 'function', weight: 2 },
  { name: 'lambda:UpdateFunctionCode', kind: 'function', weight: 2 },
  { name: 'lambda:UpdateFunctionConfiguration', kind: 'function', weight: 2 },
  { name: 'lambda:CreateFunction', kind: 'function', weight: 1.5 },
  { name: 'lambda:AddPermission', kind: 'function', weight: 1 },
  { name: 'lambda:InvokeFunctionUrl', kind: 'function', weight: 1.5 },
  { name: 'lambda:GetPolicy', kind: 'function', weight: 1 },
  { name: 's3:GetObject', kind: 'object', weight: 1.5 },
  { name: 'iam:PassRole', kind: 'role', weight: 1.5 },
];
const OTHER_ACTIONS = ['lambda:DeleteFunction', 'lambda:ListFunctions', 'lambda:PublishVersion', 's3:PutObject', 'iam:GetRole', 'sqs:SendMessage'];

const userArn = (acct: string, u: Named): string => `arn:aws:iam::${acct}:user${u.path}${u.name}`;
const roleArn = (acct: string, r: Named): string => `arn:aws:iam::${acct}:role${r.path}${r.name}`;
const sessionArn = (acct: string, r: Named, session: string): string => `arn:aws:sts::${acct}:assumed-role/${r.name}/${session}`;
const rootArn = (acct: string): string => `arn:aws:iam::${acct}:root`;
const functionArn = (acct: string, name: string, qualifier?: string): string =>
  `arn:aws:lambda:${REGION}:${acct}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const bucketOf = (acct: string): string => `acme-data-${acct}`;
// IAM unique ids are opaque; these are stable and shaped like the real ones (AIDA…, AROA…).
const uniqueId = (prefix: string, acct: string, name: string): string =>
  `${prefix}${acct.slice(0, 4)}${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

// ---------------------------------------------------------------------------------------------
// The request

type Context = Record<string, string | string[]>;

interface Draft {
  kind: ScenarioPrincipal['type'];
  principal: ScenarioPrincipal;
  account?: string;
  user?: Named;
  role?: Named;
  session?: string;
  service?: string;
  action: ActionSpec;
  resourceArn: string;
  resourceAccount: string;
  functionName?: string;
  qualifier?: string;
  objectKey?: string;
  passedRole?: Named;
  context: Context;
  inOrg: boolean;
}

const otherAccount = (rng: Rng, acct: string): string => rng.pick(ACCOUNTS.filter((a) => a !== acct));

function draftRequest(rng: Rng): Draft {
  const kind = rng.weighted<ScenarioPrincipal['type']>([
    ['User', 34],
    ['AssumedRole', 36],
    ['Account', 10],
    ['Service', 12],
    ['Anonymous', 6],
  ]);
  const account = kind === 'Service' || kind === 'Anonymous' ? undefined : rng.pick(ACCOUNTS);
  // Service principals and anonymous callers only ever reach a resource through its policy.
  const actions = account ? ACTIONS : ACTIONS.filter((a) => a.kind !== 'role');
  const action = rng.weighted(actions.map((a) => [a, a.weight] as const));
  // Roles cannot be passed across accounts at all, so cross-account PassRole is kept rare.
  const resourceAccount = account && rng.chance(action.kind === 'role' ? 0.9 : 0.6) ? account : rng.pick(ACCOUNTS);

  const d: Draft = {
    kind,
    principal: { type: 'Anonymous' },
    action,
    resourceArn: '',
    resourceAccount,
    context: {},
    inOrg: account !== undefined && rng.chance(0.6),
  };
  if (account !== undefined) d.account = account;
  if (kind === 'User') {
    d.user = rng.pick(USERS);
    d.principal = { type: 'User', arn: userArn(account!, d.user), accountId: account! };
  } else if (kind === 'AssumedRole') {
    d.role = rng.pick(ROLES);
    d.session = rng.pick(SESSIONS);
    d.principal = {
      type: 'AssumedRole',
      arn: sessionArn(account!, d.role, d.session),
      roleArn: roleArn(account!, d.role),
      accountId: account!,
    };
  } else if (kind === 'Account') {
    d.principal = { type: 'Account', accountId: account! };
  } else if (kind === 'Service') {
    d.service = rng.pick(SERVICES);
    d.principal = { type: 'Service', service: d.service };
  }

  if (action.kind === 'function') {
    d.functionName = rng.pick(FUNCTIONS);
    const q = rng.weighted<string | undefined>([
      [undefined, 50],
      ['1', 25],
      ['prod', 25],
    ]);
    if (q !== undefined && action.name !== 'lambda:CreateFunction') d.qualifier = q;
    d.resourceArn = functionArn(resourceAccount, d.functionName, d.qualifier);
  } else if (action.kind === 'object') {
    d.objectKey = rng.pick(OBJECT_KEYS);
    d.resourceArn = `arn:aws:s3:::${bucketOf(resourceAccount)}/${d.objectKey}`;
  } else {
    d.passedRole = rng.pick(ROLES);
    d.resourceArn = roleArn(resourceAccount, d.passedRole);
  }
  d.context = buildContext(rng, d);
  return d;
}

function principalArnOf(d: Draft): string | undefined {
  if (d.kind === 'User') return userArn(d.account!, d.user!);
  if (d.kind === 'AssumedRole') return roleArn(d.account!, d.role!); // the role, not the session
  if (d.kind === 'Account') return rootArn(d.account!);
  return undefined;
}

function buildContext(rng: Rng, d: Draft): Context {
  const c: Context = {};
  const iamPrincipal = d.kind === 'User' || d.kind === 'AssumedRole' || d.kind === 'Account';
  // Principal keys, as AWS sets them for each kind of caller (K1 / V1 tables).
  if (iamPrincipal) {
    c['aws:PrincipalArn'] = principalArnOf(d)!;
    c['aws:PrincipalAccount'] = d.account!;
    c['aws:PrincipalIsAWSService'] = 'false';
  }
  if (d.kind === 'User') {
    c['aws:username'] = d.user!.name;
    c['aws:userid'] = uniqueId('AIDA', d.account!, d.user!.name);
    c['aws:PrincipalType'] = 'User';
  } else if (d.kind === 'AssumedRole') {
    c['aws:userid'] = `${uniqueId('AROA', d.account!, d.role!.name)}:${d.session}`;
    c['aws:PrincipalType'] = 'AssumedRole';
    if (rng.chance(0.7)) c['aws:TokenIssueTime'] = new Date(BASE_TIME - rng.int(0, 12) * 3_600_000).toISOString().replace('.000Z', 'Z');
  } else if (d.kind === 'Account') {
    c['aws:userid'] = d.account!;
    c['aws:PrincipalType'] = 'Account';
  } else if (d.kind === 'Service') {
    c['aws:PrincipalServiceName'] = d.service!;
    c['aws:PrincipalIsAWSService'] = 'true';
    if (rng.chance(0.8)) {
      const acct = rng.chance(0.7) ? d.resourceAccount : otherAccount(rng, d.resourceAccount);
      c['aws:SourceAccount'] = acct;
      c['aws:SourceArn'] = sourceArnFor(d.service!, acct);
    }
  } else {
    c['aws:PrincipalType'] = 'Anonymous';
  }
  if (d.kind === 'User' || d.kind === 'AssumedRole') {
    if (rng.chance(0.65)) c['aws:PrincipalTag/team'] = rng.pick(TEAMS);
    if (rng.chance(0.4)) c['aws:PrincipalTag/project'] = rng.pick(PROJECTS);
    if (rng.chance(0.5)) {
      const mfa = rng.chance(0.6);
      c['aws:MultiFactorAuthPresent'] = mfa ? 'true' : 'false';
      if (mfa) c['aws:MultiFactorAuthAge'] = rng.pick(['120', '900', '3600', '7200', '43200']);
    }
  }
  if (d.inOrg && rng.chance(0.7)) {
    c['aws:PrincipalOrgID'] = ORG_ID;
    c['aws:PrincipalOrgPaths'] = [rng.pick([`${ORG_ID}/r-root/ou-dev/`, `${ORG_ID}/r-root/ou-prod/`])];
  }

  // Request keys. aws:SecureTransport is on every request; the rest come and go.
  c['aws:SecureTransport'] = rng.chance(0.85) ? 'true' : 'false';
  if (rng.chance(0.9)) c['aws:RequestedRegion'] = rng.chance(0.85) ? REGION : 'eu-west-1';
  const now = BASE_TIME + rng.int(-40, 40) * DAY;
  if (rng.chance(0.8)) c['aws:CurrentTime'] = new Date(now).toISOString().replace('.000Z', 'Z');
  if (rng.chance(0.6)) c['aws:EpochTime'] = String(Math.floor(now / 1000));
  if (d.kind !== 'Service' && rng.chance(0.75)) c['aws:SourceIp'] = rng.pick(SOURCE_IPS);
  if (rng.chance(0.35)) c['aws:UserAgent'] = rng.pick(USER_AGENTS);
  if (rng.chance(0.12)) c['aws:CalledVia'] = rng.sample(['cloudformation.amazonaws.com', 'athena.amazonaws.com'], rng.int(1, 2));
  if (rng.chance(0.08)) c['aws:ViaAWSService'] = rng.pick(['true', 'false']);
  if (rng.chance(0.5)) c['aws:ResourceAccount'] = d.resourceAccount;

  // Tags. iam-simulate drops aws:ResourceTag for S3 objects unless bucket ABAC is on.
  if (d.action.kind !== 'object') {
    if (rng.chance(0.5)) c['aws:ResourceTag/team'] = rng.pick(TEAMS);
    if (rng.chance(0.35)) c['aws:ResourceTag/env'] = rng.pick(['prod', 'dev']);
  }
  const name = d.action.name;
  if (name === 'lambda:CreateFunction' ? rng.chance(0.75) : rng.chance(0.15)) {
    c['aws:TagKeys'] = rng.sample(TAG_KEYS, rng.int(0, 3));
  }
  if (name === 'lambda:CreateFunction' && rng.chance(0.6)) c['aws:RequestTag/team'] = rng.pick(TEAMS);

  // Action-specific keys, only where the catalogue defines them for the action.
  if (name === 'lambda:CreateFunction' || name === 'lambda:UpdateFunctionConfiguration') {
    if (rng.chance(0.7)) c['lambda:Layer'] = rng.sample(LAYERS, rng.int(0, 2));
    if (rng.chance(0.3)) c['lambda:SecurityGroupIds'] = rng.sample(['sg-0aa', 'sg-0bb', 'sg-0cc'], rng.int(1, 2));
  }
  if ((name === 'lambda:AddPermission' || name === 'lambda:InvokeFunctionUrl') && rng.chance(0.7)) {
    c['lambda:FunctionUrlAuthType'] = rng.pick(['AWS_IAM', 'NONE']);
  }
  if (name === 'lambda:AddPermission' && rng.chance(0.7)) {
    c['lambda:Principal'] = rng.pick(['s3.amazonaws.com', '222222222222', '*']);
  }
  if (name === 'iam:PassRole') {
    if (rng.chance(0.9)) c['iam:PassedToService'] = rng.pick(['lambda.amazonaws.com', 'ec2.amazonaws.com']);
    if (rng.chance(0.5)) c['iam:AssociatedResourceArn'] = functionArn(d.resourceAccount, rng.pick(FUNCTIONS));
  }
  return c;
}

function sourceArnFor(service: string, acct: string): string {
  switch (service) {
    case 's3.amazonaws.com':
      return `arn:aws:s3:::acme-uploads-${acct}`;
    case 'events.amazonaws.com':
      return `arn:aws:events:${REGION}:${acct}:rule/nightly`;
    case 'sns.amazonaws.com':
      return `arn:aws:sns:${REGION}:${acct}:alerts`;
    default:
      return `arn:aws:execute-api:${REGION}:${acct}:abc123/*/GET/orders`;
  }
}

// ---------------------------------------------------------------------------------------------
// Action and resource patterns. Each builder returns a pattern that matches the request
// ("hit") or one that looks close but does not ("miss").

function actionPattern(rng: Rng, d: Draft, hit: boolean): string {
  const [svc, op] = d.action.name.split(':') as [string, string];
  if (hit) {
    return rng.weighted<() => string>([
      [() => d.action.name, 6],
      [() => `${svc}:${op.toLowerCase()}`, 1], // action names are case-insensitive
      [() => `${svc}:*`, 3],
      [() => `${svc}:${op.slice(0, rng.int(3, 6))}*`, 2],
      [() => `${svc}:${op.slice(0, 3)}?${op.slice(4)}`, 1],
      [() => '*', 1],
    ])();
  }
  return rng.weighted<() => string>([
    [() => rng.pick(ACTIONS.filter((a) => a.name !== d.action.name)).name, 5],
    [() => rng.pick(OTHER_ACTIONS), 3],
    [() => (svc === 's3' ? 'lambda:*' : 's3:*'), 1],
    [() => `${svc}:${op}?`, 1], // '?' needs exactly one character
  ])();
}

function resourcePattern(rng: Rng, d: Draft, hit: boolean): string {
  const acct = d.resourceAccount;
  if (d.action.kind === 'function') {
    const fn = d.functionName!;
    const unq = functionArn(acct, fn);
    if (hit) {
      const options: [() => string, number][] = [
        [() => d.resourceArn, 5],
        [() => `${unq}*`, 3], // '*' runs over the ':qualifier'
        [() => `arn:aws:lambda:${REGION}:${acct}:function:*`, 3],
        [() => `arn:aws:lambda:*:*:function:${fn}*`, 1],
        [() => '*', 1],
        [() => `arn:aws:lambda:${REGION}:${acct}:function:${fn.slice(0, -1)}?${d.qualifier ? ':*' : ''}`, 1],
        [() => `arn:aws:lambda:${REGION}:${acct}:function:\${aws:PrincipalTag/team}-*`, 1],
        [() => `arn:aws:lambda:${REGION}:${acct}:function:\${aws:username}-*`, 1],
        [() => `arn:aws:lambda:${REGION}:\${aws:PrincipalAccount}:function:*`, 0.3],
        [() => `arn:aws:lambda:${REGION}:${acct}:function:\${aws:PrincipalTag/team, 'orders'}*`, 1],
      ];
      if (d.qualifier) options.push([() => `${unq}:*`, 2], [() => `${unq}:?`, 1]);
      return rng.weighted(options)();
    }
    return rng.weighted<() => string>([
      [() => functionArn(acct, rng.pick(FUNCTIONS.filter((f) => f !== fn))), 3],
      [() => functionArn(otherAccount(rng, acct), fn, d.qualifier), 2],
      [() => (d.qualifier ? unq : `${unq}:prod`), 2], // qualified and unqualified ARNs differ
      [() => functionArn(acct, fn.toUpperCase(), d.qualifier), 1], // ARNs are case-sensitive
      [() => `arn:aws:lambda:us-west-2:${acct}:function:*`, 1],
      [() => `arn:aws:lambda:${REGION}:${acct}:function:${fn}\${*}`, 0.5], // ${*} is a literal '*'
      [() => `arn:aws:s3:::${bucketOf(acct)}/*`, 1],
    ])();
  }
  if (d.action.kind === 'object') {
    const bucket = bucketOf(acct);
    if (hit) {
      return rng.weighted<() => string>([
        [() => d.resourceArn, 4],
        [() => `arn:aws:s3:::${bucket}/*`, 3],
        [() => `arn:aws:s3:::acme-data-*/${d.objectKey!.split('/')[0]}/*`, 2],
        [() => `arn:aws:s3:::${bucket}/\${aws:username}/*`, 1],
        [() => '*', 1],
      ])();
    }
    return rng.weighted<() => string>([
      [() => `arn:aws:s3:::${bucket}`, 2], // the bucket is not its objects
      [() => `arn:aws:s3:::${bucketOf(otherAccount(rng, acct))}/*`, 2],
      [() => `arn:aws:s3:::${bucket}/private/*`, 2],
      [() => functionArn(acct, '*'), 1],
    ])();
  }
  const role = d.passedRole!;
  if (hit) {
    return rng.weighted<() => string>([
      [() => d.resourceArn, 4],
      [() => `arn:aws:iam::${acct}:role/*`, 3],
      [() => `arn:aws:iam::*:role${role.path}${role.name.slice(0, 3)}*`, 1],
      [() => `arn:aws:iam::${acct}:role/\${aws:PrincipalTag/team}-*`, 1],
      [() => '*', 1],
    ])();
  }
  return rng.weighted<() => string>([
    [() => roleArn(acct, rng.pick(ROLES.filter((r) => r.name !== role.name))), 3],
    [() => roleArn(otherAccount(rng, acct), role), 2],
    [() => `arn:aws:iam::${acct}:user/*`, 1],
  ])();
}

function listOf(rng: Rng, make: (hit: boolean) => string, hit: boolean): string | string[] {
  const n = rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ]);
  const items = [make(hit)];
  for (let i = 1; i < n; i++) items.push(make(false));
  const unique = [...new Set(rng.sample(items, items.length))];
  return unique.length === 1 && rng.chance(0.6) ? unique[0]! : unique;
}

// ---------------------------------------------------------------------------------------------
// Conditions

type CondBlock = Record<string, Record<string, string | boolean | (string | boolean)[]>>;
type Values = string | boolean | (string | boolean)[];

const STRING_KEYS: Record<string, readonly string[]> = {
  'aws:PrincipalTag/team': TEAMS,
  'aws:PrincipalTag/project': PROJECTS,
  'aws:username': USERS.map((u) => u.name),
  'aws:PrincipalAccount': ACCOUNTS,
  'aws:PrincipalType': ['User', 'AssumedRole', 'Account', 'Anonymous'],
  'aws:RequestedRegion': [REGION, 'eu-west-1', 'us-west-2'],
  'aws:SourceAccount': ACCOUNTS,
  'aws:ResourceAccount': ACCOUNTS,
  'aws:ResourceTag/team': TEAMS,
  'aws:ResourceTag/env': ['prod', 'dev'],
  'aws:RequestTag/team': TEAMS,
  'aws:PrincipalOrgID': [ORG_ID, 'o-other22222'],
  'aws:PrincipalServiceName': SERVICES,
  'lambda:FunctionUrlAuthType': ['AWS_IAM', 'NONE'],
  'lambda:Principal': ['s3.amazonaws.com', '222222222222', '*'],
  'iam:PassedToService': ['lambda.amazonaws.com', 'ec2.amazonaws.com'],
  'aws:userid': ['AIDA1111ALICE', 'AROA2222DEPLOYER:ci-1234', '111111111111'],
};
const ARN_KEYS = ['aws:PrincipalArn', 'aws:SourceArn', 'iam:AssociatedResourceArn'] as const;
const DATE_KEYS = ['aws:CurrentTime', 'aws:EpochTime', 'aws:TokenIssueTime'] as const;
const BOOL_KEYS = ['aws:SecureTransport', 'aws:MultiFactorAuthPresent', 'aws:PrincipalIsAWSService', 'aws:ViaAWSService'] as const;
const MULTI_KEYS: Record<string, readonly string[]> = {
  'aws:TagKeys': TAG_KEYS,
  'aws:PrincipalOrgPaths': [`${ORG_ID}/r-root/ou-dev/`, `${ORG_ID}/r-root/ou-prod/`, `${ORG_ID}/r-root/*`],
  'aws:CalledVia': ['cloudformation.amazonaws.com', 'athena.amazonaws.com'],
  'lambda:Layer': LAYERS,
  'lambda:SecurityGroupIds': ['sg-0aa', 'sg-0bb', 'sg-0cc'],
};
const STRING_OPS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'] as const;
const NUMERIC_OPS = ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'] as const;
const DATE_OPS = ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'] as const;
const ARN_OPS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'] as const;

// Condition templates that use policy variables, the way ABAC and confused-deputy policies do.
const VARIABLE_CONDITIONS: [string, string, string][] = [
  ['StringEquals', 'aws:ResourceTag/team', '${aws:PrincipalTag/team}'],
  ['StringEquals', 'aws:RequestTag/team', '${aws:PrincipalTag/team}'],
  ['StringEquals', 'aws:ResourceTag/team', "${aws:PrincipalTag/team, 'blue'}"],
  ['StringEquals', 'aws:SourceAccount', '${aws:ResourceAccount}'],
  ['StringNotEquals', 'aws:PrincipalAccount', '${aws:ResourceAccount}'],
  ['StringEquals', 'aws:PrincipalTag/project', "${aws:PrincipalTag/team, 'apollo'}"],
  ['StringNotEquals', 'aws:ResourceTag/team', '${aws:PrincipalTag/team}'],
  ['StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/${aws:username}'],
  ['StringLike', 'aws:RequestedRegion', 'us-${*}'],
  ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', '${aws:ResourceTag/team}'],
  ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::${aws:ResourceAccount}:*'],
  ['ArnEquals', 'aws:SourceArn', 'arn:aws:s3:::acme-uploads-${aws:SourceAccount}'],
];

function swapCase(s: string): string {
  return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

function globOf(rng: Rng, s: string): string {
  if (s.length < 2) return '*';
  return rng.weighted<() => string>([
    [() => `${s.slice(0, rng.int(1, s.length - 1))}*`, 3],
    [() => `*${s.slice(rng.int(1, s.length - 1))}`, 1],
    [() => {
      const i = rng.int(0, s.length - 1);
      return `${s.slice(0, i)}?${s.slice(i + 1)}`;
    }, 2],
    [() => '*', 1],
  ])();
}

/** Picks a key of a family, preferring keys the request carries so that values can hit. */
function pickKey(rng: Rng, d: Draft, keys: readonly string[]): string {
  const present = keys.filter((k) => d.context[k] !== undefined);
  return present.length > 0 && rng.chance(0.8) ? rng.pick(present) : rng.pick(keys);
}

function single(d: Draft, key: string): string | undefined {
  const v = d.context[key];
  return typeof v === 'string' ? v : undefined;
}

/** One or two values: usually one from the request, the others from the key's pool. */
function valuesFrom(rng: Rng, current: string | undefined, pool: readonly string[], shape: (v: string) => string): string[] {
  const out: string[] = [];
  if (current !== undefined && rng.chance(0.65)) out.push(shape(current));
  const n = out.length === 0 ? rng.int(1, 2) : rng.int(0, 1);
  for (let i = 0; i < n; i++) out.push(shape(rng.pick(pool)));
  return [...new Set(out)];
}

const asValues = (rng: Rng, values: string[]): Values => (values.length === 1 && rng.chance(0.6) ? values[0]! : values);

// Key names are case-insensitive; now and then write one the way a careless author would.
function keyCase(rng: Rng, key: string): string {
  if (!rng.chance(0.07)) return key;
  const [prefix, rest] = key.split(':') as [string, string];
  return `${prefix.toUpperCase()}:${rest}`;
}

function timeValue(key: string, ms: number, dateOnly: boolean): string {
  if (key === 'aws:EpochTime') return String(Math.floor(ms / 1000));
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

type Family = 'string' | 'variable' | 'arn' | 'ip' | 'date' | 'numeric' | 'bool' | 'binary' | 'null' | 'multi';

function condition(rng: Rng, d: Draft, family: Family): [string, string, Values] {
  switch (family) {
    case 'string': {
      const key = pickKey(rng, d, Object.keys(STRING_KEYS));
      const op = rng.pick(STRING_OPS);
      const shape = (v: string): string =>
        op.includes('Like') ? (rng.chance(0.7) ? globOf(rng, v) : v) : op.includes('IgnoreCase') && rng.chance(0.5) ? swapCase(v) : v;
      return [op, key, asValues(rng, valuesFrom(rng, single(d, key), STRING_KEYS[key]!, shape))];
    }
    case 'variable': {
      const [op, key, value] = rng.pick(VARIABLE_CONDITIONS);
      return [op, key, value];
    }
    case 'arn': {
      const key = pickKey(rng, d, ARN_KEYS);
      const op = rng.pick(ARN_OPS);
      const current = single(d, key);
      const pool = [
        principalArnOf(d) ?? rootArn(ACCOUNTS[0]),
        roleArn(d.resourceAccount, rng.pick(ROLES)),
        userArn(otherAccount(rng, d.resourceAccount), rng.pick(USERS)),
        sourceArnFor(rng.pick(SERVICES), rng.pick(ACCOUNTS)),
        functionArn(d.resourceAccount, rng.pick(FUNCTIONS)),
      ];
      const shape = (v: string): string => {
        if (!rng.chance(0.5)) return v;
        const parts = v.split(':');
        const r = rng.int(0, 2);
        if (r === 0 && parts.length >= 6) parts[4] = '*';
        else if (r === 1 && parts.length >= 6) parts[5] = `${(parts[5] ?? '').split('/')[0]}/*`;
        else if (parts.length >= 6) parts[3] = parts[3] === '' ? '' : '*';
        return parts.join(':');
      };
      return [op, key, asValues(rng, valuesFrom(rng, current, pool, shape))];
    }
    case 'ip': {
      const key = rng.chance(0.9) ? 'aws:SourceIp' : 'aws:VpcSourceIp';
      const op = rng.pick(['IpAddress', 'NotIpAddress']);
      return [op, key, asValues(rng, rng.sample(CIDRS, rng.int(1, 2)))];
    }
    case 'date': {
      const key = pickKey(rng, d, DATE_KEYS);
      const op = rng.pick(DATE_OPS);
      const current = single(d, key);
      // Around the request's own time so that every comparison can go either way.
      const base = current === undefined ? BASE_TIME : key === 'aws:EpochTime' ? Number(current) * 1000 : Date.parse(current);
      const offsets = rng.sample([-30 * DAY, -DAY, 0, 0, DAY, 30 * DAY], rng.int(1, 2));
      const dateOnly = rng.chance(0.15);
      return [op, key, asValues(rng, offsets.map((o) => timeValue(key, base + o, dateOnly)))];
    }
    case 'numeric': {
      const op = rng.pick(NUMERIC_OPS);
      const current = single(d, 'aws:MultiFactorAuthAge');
      const pool = ['300', '900', '3600', '1800.5', '7200'];
      return [op, 'aws:MultiFactorAuthAge', asValues(rng, valuesFrom(rng, current, pool, (v) => v))];
    }
    case 'bool': {
      const key = pickKey(rng, d, BOOL_KEYS);
      // JSON booleans are legal in policies and mean their string form.
      const value = rng.weighted<string | boolean>([
        ['true', 4],
        ['false', 4],
        [true, 1],
        [false, 1],
      ]);
      return ['Bool', key, value];
    }
    case 'binary':
      return ['BinaryEquals', 'aws:UserAgent', asValues(rng, rng.sample(USER_AGENTS, rng.int(1, 2)))];
    case 'null': {
      const keys = [...Object.keys(STRING_KEYS), ...ARN_KEYS, ...DATE_KEYS, ...BOOL_KEYS, ...Object.keys(MULTI_KEYS), 'aws:SourceIp', 'aws:MultiFactorAuthAge'];
      return ['Null', pickKey(rng, d, keys), rng.pick(['true', 'false'])];
    }
    case 'multi': {
      const key = pickKey(rng, d, Object.keys(MULTI_KEYS));
      const pool = MULTI_KEYS[key]!;
      const base = rng.pick(['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', ...(key === 'lambda:Layer' ? ['ArnLike', 'ArnNotLike'] : [])]);
      const current = d.context[key];
      const fromRequest = Array.isArray(current) ? current : [];
      const values = [...new Set([...rng.sample(fromRequest, rng.int(0, fromRequest.length)), ...rng.sample(pool, rng.int(0, 2))])];
      if (values.length === 0) values.push(rng.pick(pool));
      const shaped = base.endsWith('Like') && rng.chance(0.4) ? values.map((v) => globOf(rng, v)) : values;
      // Mostly set operators; sometimes a plain operator, which the peer never matches on a
      // multi-valued key.
      const set = rng.weighted([
        ['ForAllValues:', 4],
        ['ForAnyValue:', 4],
        ['', 1],
      ]);
      return [`${set}${base}`, key, asValues(rng, shaped)];
    }
  }
}

function conditionBlock(rng: Rng, d: Draft, weights?: readonly (readonly [Family, number])[]): CondBlock {
  const families =
    weights ??
    ([
      ['string', 22],
      ['variable', 10],
      ['arn', 10],
      ['ip', 9],
      ['date', 9],
      ['numeric', 5],
      ['bool', 9],
      ['binary', 2],
      ['null', 7],
      ['multi', 13],
    ] as const);
  const block: CondBlock = {};
  const n = rng.weighted([
    [1, 7],
    [2, 3],
  ]);
  for (let i = 0; i < n; i++) {
    const [base, key, values] = condition(rng, d, rng.weighted(families));
    let op = base;
    // IfExists on any plain operator but Null; it only matters when the key is missing.
    if (op !== 'Null' && !op.includes(':') && rng.chance(0.2)) op = `${op}IfExists`;
    // A set operator on a single-valued key treats its value as a one-element set.
    if (rng.chance(0.03) && op.startsWith('String') && !op.endsWith('IfExists')) op = `ForAnyValue:${op}`;
    const existing = block[op] ?? {};
    existing[keyCase(rng, key)] = values;
    block[op] = existing;
  }
  return block;
}

// ---------------------------------------------------------------------------------------------
// Statements and policies

type Stmt = Record<string, unknown>;

interface StmtOptions {
  effect: 'Allow' | 'Deny';
  hit: number; // probability that Action and Resource are written to match
  cond: number; // probability of a Condition block
  notAction?: number;
  notResource?: number;
}

function statement(rng: Rng, d: Draft, o: StmtOptions): Stmt {
  const s: Stmt = {};
  if (rng.chance(0.3)) s['Sid'] = `S${rng.int(1, 999)}`;
  s['Effect'] = o.effect;
  const actionHit = rng.chance(o.hit);
  if (rng.chance(o.notAction ?? 0.12)) {
    // NotAction matches when none of its entries match, so a "hit" lists only other actions.
    s['NotAction'] = listOf(rng, (h) => actionPattern(rng, d, h), !actionHit);
  } else {
    s['Action'] = listOf(rng, (h) => actionPattern(rng, d, h), actionHit);
  }
  const resourceHit = rng.chance(o.hit);
  if (rng.chance(o.notResource ?? 0.1)) {
    s['NotResource'] = listOf(rng, (h) => resourcePattern(rng, d, h), !resourceHit);
  } else {
    s['Resource'] = listOf(rng, (h) => resourcePattern(rng, d, h), resourceHit);
  }
  if (rng.chance(o.cond)) s['Condition'] = conditionBlock(rng, d);
  return s;
}

const policy = (statements: Stmt[]): JsonPolicy => ({ Version: '2012-10-17', Statement: statements });

function identityPolicies(rng: Rng, d: Draft): NamedPolicy[] {
  const count = rng.weighted([
    [0, 1],
    [1, 5],
    [2, 3],
    [3, 1],
  ]);
  const out: NamedPolicy[] = [];
  for (let i = 0; i < count; i++) {
    const statements: Stmt[] = [];
    const n = rng.int(1, 3);
    for (let j = 0; j < n; j++) {
      const deny = rng.chance(0.25);
      statements.push(statement(rng, d, deny ? { effect: 'Deny', hit: 0.6, cond: 0.55 } : { effect: 'Allow', hit: 0.8, cond: 0.3 }));
    }
    out.push({ name: `identity-${i + 1}`, document: policy(statements) });
  }
  return out;
}

function boundary(rng: Rng, d: Draft): NamedPolicy {
  const statements: Stmt[] = [];
  if (rng.chance(0.3)) {
    statements.push({ Effect: 'Allow', Action: ['lambda:*', 's3:GetObject', 'iam:PassRole'], Resource: '*' });
  } else {
    statements.push(statement(rng, d, { effect: 'Allow', hit: 0.7, cond: 0.2 }));
  }
  if (rng.chance(0.15)) statements.push(statement(rng, d, { effect: 'Deny', hit: 0.5, cond: 0.5 }));
  return { name: 'boundary', document: policy(statements) };
}

function sessionPolicy(rng: Rng, d: Draft): NamedPolicy {
  const statements = [statement(rng, d, { effect: 'Allow', hit: 0.7, cond: 0.2 })];
  if (rng.chance(0.1)) statements.push(statement(rng, d, { effect: 'Deny', hit: 0.5, cond: 0.5 }));
  return { name: 'session', document: policy(statements) };
}

const FULL_AWS_ACCESS: NamedPolicy = {
  name: 'FullAWSAccess',
  document: policy([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
};

function scpLevels(rng: Rng, d: Draft): { level: string; policies: NamedPolicy[] }[] {
  const names = ['r-root', ...rng.sample(['ou-workloads', 'ou-dev'], rng.int(0, 2)), d.account!];
  return names.map((level) => {
    const policies: NamedPolicy[] = [];
    const r = rng.next();
    if (r < 0.88) policies.push(FULL_AWS_ACCESS);
    else if (r < 0.96) policies.push({ name: `allow-${level}`, document: policy([statement(rng, d, { effect: 'Allow', hit: 0.6, cond: 0, notAction: 0.05, notResource: 0 })]) });
    // else: nothing attached that allows, so this level denies everything implicitly
    if (rng.chance(0.28)) {
      const deny = rng.chance(0.3)
        ? // The classic region lock: deny everything but global services outside us-east-1.
          { Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'organizations:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': [REGION] } } }
        : statement(rng, d, { effect: 'Deny', hit: 0.55, cond: 0.6 });
      policies.push({ name: `deny-${level}`, document: policy([deny]) });
    }
    return { level, policies };
  });
}

function principalElement(rng: Rng, d: Draft, hit: boolean): unknown {
  const acct = d.account;
  if (hit) {
    const forms: [() => unknown, number][] = [
      [() => '*', 2],
      [() => ({ AWS: '*' }), 1],
    ];
    if (acct) {
      forms.push([() => ({ AWS: acct }), 2], [() => ({ AWS: rootArn(acct) }), 2]);
      if (d.kind === 'User') forms.push([() => ({ AWS: userArn(acct, d.user!) }), 4]);
      if (d.kind === 'AssumedRole') {
        forms.push([() => ({ AWS: roleArn(acct, d.role!) }), 3], [() => ({ AWS: sessionArn(acct, d.role!, d.session!) }), 2]);
      }
    }
    if (d.service) forms.push([() => ({ Service: d.service }), 6]);
    return rng.weighted(forms)();
  }
  const other = acct ? otherAccount(rng, acct) : rng.pick(ACCOUNTS);
  return rng.weighted<() => unknown>([
    [() => ({ AWS: other }), 2],
    [() => ({ AWS: userArn(acct ?? other, rng.pick(USERS.filter((u) => u !== d.user))) }), 2],
    [() => ({ AWS: roleArn(acct ?? other, rng.pick(ROLES.filter((r) => r !== d.role))) }), 2],
    [() => ({ Service: rng.pick(SERVICES.filter((s) => s !== d.service)) }), 2],
    [() => ({ AWS: [rootArn(other), userArn(other, rng.pick(USERS))] }), 1],
  ])();
}

function resourcePolicyStatement(rng: Rng, d: Draft, effect: 'Allow' | 'Deny'): Stmt {
  // Cross-account access needs both sides, so the resource side grants more readily there.
  const cross = d.account !== undefined && d.account !== d.resourceAccount;
  const s = statement(rng, d, {
    effect,
    hit: effect === 'Deny' ? 0.6 : cross ? 0.9 : 0.8,
    cond: 0,
    notAction: 0.05,
    notResource: 0.03,
  });
  const out: Stmt = { ...(s['Sid'] ? { Sid: s['Sid'] } : {}), Effect: effect };
  if (rng.chance(effect === 'Deny' ? 0.15 : 0.03)) {
    // NotPrincipal: everyone but the listed principals (list a miss to catch the caller).
    out['NotPrincipal'] = principalElement(rng, d, rng.chance(0.4));
  } else {
    out['Principal'] = principalElement(rng, d, rng.chance(effect === 'Deny' ? 0.6 : cross ? 0.92 : 0.8));
  }
  for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) if (s[k] !== undefined) out[k] = s[k];
  if (rng.chance(effect === 'Deny' ? 0.6 : 0.35)) {
    out['Condition'] = conditionBlock(
      rng,
      d,
      d.kind === 'Service'
        ? [
            ['arn', 4],
            ['variable', 2],
            ['string', 3],
            ['bool', 1],
            ['null', 1],
          ]
        : undefined,
    );
  }
  return out;
}

function resourcePolicy(rng: Rng, d: Draft): JsonPolicy {
  const statements: Stmt[] = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) statements.push(resourcePolicyStatement(rng, d, rng.chance(0.22) ? 'Deny' : 'Allow'));
  return policy(statements);
}

/** One scenario. Deterministic for a given RNG state. */
export function generateScenario(rng: Rng): Scenario {
  const d = draftRequest(rng);
  const iamIdentity = d.kind === 'User' || d.kind === 'AssumedRole';
  const scenario: Scenario = {
    principal: d.principal,
    action: d.action.name,
    resource: { arn: d.resourceArn, accountId: d.resourceAccount },
    context: d.context,
    // Root carries no policies (AWS does not allow attaching any); services and anonymous
    // callers have no identity side at all.
    identityPolicies: iamIdentity ? identityPolicies(rng, d) : [],
  };
  // IAM roles have trust policies, not resource policies, for PassRole; functions and buckets do.
  const canHaveResourcePolicy = d.action.kind !== 'role';
  const crossOrNoIdentity = !iamIdentity || d.account !== d.resourceAccount;
  if (canHaveResourcePolicy && rng.chance(crossOrNoIdentity ? 0.85 : 0.5)) scenario.resourcePolicy = resourcePolicy(rng, d);
  if (iamIdentity && rng.chance(0.25)) scenario.permissionsBoundary = boundary(rng, d);
  if (d.kind === 'AssumedRole' && rng.chance(0.3)) scenario.sessionPolicy = sessionPolicy(rng, d);
  // SCPs bind IAM principals of member accounts (root included); an account outside the
  // organization, or its management account, simply has none.
  if (d.account !== undefined && d.inOrg) scenario.scps = scpLevels(rng, d);
  return scenario;
}
