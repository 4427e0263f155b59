// The evaluation flow: every branch of reference/iam-evaluation.md §3, §4 and §9,
// each with a case that allows and one that does not.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessDeniedMessage,
  authorize,
  compilePolicy,
  explain,
  RequestContext,
  type AuthorizationRequest,
  type PolicyKind,
  type PolicySet,
  type Principal,
} from '../../src/iam/index.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const FN = `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`;
const INVOKE = 'lambda:InvokeFunction';

const alice: Principal = { type: 'User', arn: `arn:aws:iam::${OWNER}:user/alice`, accountId: OWNER };
const dev: Principal = { type: 'User', arn: `arn:aws:iam::${PARTNER}:user/dev`, accountId: PARTNER };
const session: Principal = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${OWNER}:assumed-role/deployer/build-7`,
  roleArn: `arn:aws:iam::${OWNER}:role/deployer`,
  accountId: OWNER,
};
const ownerRoot: Principal = { type: 'Account', accountId: OWNER };
const s3: Principal = { type: 'Service', service: 's3.amazonaws.com' };

function policy(kind: PolicyKind, statements: Record<string, unknown>[], id: string = kind) {
  return compilePolicy({ Version: '2012-10-17', Statement: statements }, { kind, id, skipActionCatalogue: true });
}
const allow = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: INVOKE, Resource: `${FN}*`, ...extra });
const deny = (extra: Record<string, unknown> = {}) => ({ Effect: 'Deny', Action: INVOKE, Resource: `${FN}*`, ...extra });
const identityAllow = policy('identity', [allow()]);
const boundaryElsewhere = policy('boundary', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
const rbp = (principal: unknown, extra: Record<string, unknown> = {}) => policy('resource', [allow({ Principal: principal, ...extra })]);

function decide(principal: Principal, policies: PolicySet, resource = FN, context: Record<string, string | string[]> = {}) {
  return authorize({ principal, action: INVOKE, resource, context: new RequestContext(context) }, policies);
}

describe('same account', () => {
  test('an identity-based Allow is enough', () => assert.equal(decide(alice, { identity: [identityAllow] }).decision, 'Allow'));
  test('nothing allows: implicit deny, identity side missing', () => {
    const d = decide(alice, {});
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.missing, 'identity');
  });
  test('a resource-based Allow naming the user is enough, even past a boundary', () => {
    assert.equal(decide(alice, { resource: rbp({ AWS: alice.type === 'User' ? alice.arn : '' }) }).decision, 'Allow');
    assert.equal(decide(alice, { resource: rbp({ AWS: (alice as { arn: string }).arn }), permissionsBoundary: boundaryElsewhere }).decision, 'Allow');
  });
  test('a resource-based Allow naming the account delegates to identity policies', () => {
    assert.equal(decide(alice, { resource: rbp({ AWS: OWNER }) }).decision, 'ImplicitDeny');
    assert.equal(decide(alice, { resource: rbp({ AWS: OWNER }), identity: [identityAllow] }).decision, 'Allow');
  });
  test('the identity Allow is capped by a permissions boundary', () => {
    const d = decide(alice, { identity: [identityAllow], permissionsBoundary: boundaryElsewhere });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.missing, 'boundary');
    assert.equal(decide(alice, { identity: [identityAllow], permissionsBoundary: policy('boundary', [allow()]) }).decision, 'Allow');
  });
  test('explicit deny in any policy wins', () => {
    const d = decide(alice, { identity: [identityAllow, policy('identity', [deny()], 'deny-policy')], resource: rbp({ AWS: OWNER }) });
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.deniedBy, 'identity');
    assert.equal(d.reasons[0]!.policyId, 'deny-policy');
    const r = decide(alice, { identity: [identityAllow], resource: policy('resource', [deny({ Principal: '*' })]) });
    assert.equal(r.deniedBy, 'resource');
  });
});

describe('role sessions (same account)', () => {
  const byRole = rbp({ AWS: session.type === 'AssumedRole' ? session.roleArn : '' });
  const bySession = rbp({ AWS: (session as { arn: string }).arn });
  test('a grant to the role ARN covers every session of the role', () => assert.equal(decide(session, { resource: byRole }).decision, 'Allow'));
  test('…but is capped by the boundary and the session policy', () => {
    assert.equal(decide(session, { resource: byRole, permissionsBoundary: boundaryElsewhere }).missing, 'boundary');
    assert.equal(decide(session, { resource: byRole, session: [policy('session', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])] }).missing, 'session');
    assert.equal(decide(session, { resource: byRole, session: [policy('session', [allow()])] }).decision, 'Allow');
  });
  test('a grant to the session ARN escapes boundary and session policy', () => {
    assert.equal(decide(session, { resource: bySession, permissionsBoundary: boundaryElsewhere, session: [] }).decision, 'Allow');
  });
  test('a session with an empty set of session policies gets nothing from identity', () => {
    assert.equal(decide(session, { identity: [identityAllow], session: [] }).missing, 'session');
    assert.equal(decide(session, { identity: [identityAllow] }).decision, 'Allow');
  });
  test('a session ARN in a policy matches only that session', () => {
    const other = { ...session, arn: `arn:aws:sts::${OWNER}:assumed-role/deployer/other` } as Principal;
    assert.equal(decide(other, { resource: bySession }).decision, 'ImplicitDeny');
  });
});

describe('cross account', () => {
  test('both sides must allow', () => {
    assert.equal(decide(dev, { identity: [identityAllow], resource: rbp({ AWS: PARTNER }) }).decision, 'Allow');
    assert.equal(decide(dev, { resource: rbp({ AWS: PARTNER }) }).missing, 'identity');
    assert.equal(decide(dev, { identity: [identityAllow] }).missing, 'resource');
  });
  test('naming the user exactly still needs its identity Allow and boundary', () => {
    const byUser = rbp({ AWS: (dev as { arn: string }).arn });
    assert.equal(decide(dev, { resource: byUser }).missing, 'identity');
    assert.equal(decide(dev, { resource: byUser, identity: [identityAllow], permissionsBoundary: boundaryElsewhere }).missing, 'boundary');
  });
  test('a grant to another account does not admit this one', () =>
    assert.equal(decide(dev, { identity: [identityAllow], resource: rbp({ AWS: '210987654321' }) }).missing, 'resource'));
  test('the AccessDenied message names the missing side', () => {
    const req: AuthorizationRequest = { principal: dev, action: INVOKE, resource: `${FN}:prod`, context: new RequestContext() };
    const d = authorize(req, { identity: [identityAllow] });
    assert.equal(
      accessDeniedMessage(req, d),
      'User: arn:aws:iam::111122223333:user/dev is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:my-function:prod because no resource-based policy allows the lambda:InvokeFunction action',
    );
  });
  test('the root user of another account still needs the resource policy', () => {
    const root: Principal = { type: 'Account', accountId: PARTNER };
    assert.equal(decide(root, {}).missing, 'resource');
    assert.equal(decide(root, { resource: rbp({ AWS: `arn:aws:iam::${PARTNER}:root` }) }).decision, 'Allow');
  });
});

describe('root user', () => {
  test('has full access in its own account', () => assert.equal(decide(ownerRoot, {}).decision, 'Allow'));
  test('is still limited by SCPs and explicit denies', () => {
    assert.equal(decide(ownerRoot, { scps: [[policy('scp', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])]] }).missing, 'scp');
    assert.equal(decide(ownerRoot, { resource: policy('resource', [deny({ Principal: '*' })]) }).decision, 'ExplicitDeny');
  });
});

describe('service control policies', () => {
  const full = policy('scp', [{ Effect: 'Allow', Action: '*', Resource: '*' }], 'FullAWSAccess');
  const lambdaOnly = policy('scp', [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }], 'LambdaOnly');
  const s3Only = policy('scp', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'S3Only');
  test('every level of the path must allow', () => {
    assert.equal(decide(alice, { identity: [identityAllow], scps: [[full], [lambdaOnly], [full]] }).decision, 'Allow');
    const d = decide(alice, { identity: [identityAllow], scps: [[full], [s3Only], [full]] });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.missing, 'scp');
  });
  test('a Deny at any level denies', () => {
    const d = decide(alice, { identity: [identityAllow], scps: [[full, policy('scp', [deny()], 'NoInvoke')], [full]] });
    assert.equal(d.deniedBy, 'scp');
  });
  test('SCPs cap resource-based grants too', () =>
    assert.equal(decide(alice, { resource: rbp({ AWS: (alice as { arn: string }).arn }), scps: [[s3Only]] }).missing, 'scp'));
  test('SCPs do not apply to service principals', () =>
    assert.equal(decide(s3, { resource: rbp({ Service: 's3.amazonaws.com' }), scps: [[s3Only]] }).decision, 'Allow'));
});

describe('resource control policies', () => {
  test('a Deny in an RCP denies; every level needs an Allow', () => {
    const full = policy('rcp', [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]);
    const noInvoke = policy('rcp', [deny({ Principal: '*' })], 'rcp-deny');
    assert.equal(decide(alice, { identity: [identityAllow], rcps: [[full]] }).decision, 'Allow');
    assert.equal(decide(alice, { identity: [identityAllow], rcps: [[full, noInvoke]] }).deniedBy, 'rcp');
    assert.equal(decide(alice, { identity: [identityAllow], rcps: [[]] }).missing, 'rcp');
  });
});

describe('service principals and anonymous callers', () => {
  const pinned = rbp({ Service: 's3.amazonaws.com' }, {
    Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::lambda_bucket' }, StringEquals: { 'AWS:SourceAccount': OWNER } },
  });
  test('only the resource-based policy counts, with its source conditions', () => {
    assert.equal(decide(s3, { resource: pinned }, FN, { 'aws:SourceArn': 'arn:aws:s3:::lambda_bucket', 'aws:SourceAccount': OWNER }).decision, 'Allow');
    assert.equal(decide(s3, { resource: pinned }, FN, { 'aws:SourceArn': 'arn:aws:s3:::lambda_bucket', 'aws:SourceAccount': PARTNER }).missing, 'resource');
    assert.equal(decide(s3, { identity: [identityAllow] }).missing, 'resource');
  });
  test('another service is not admitted', () =>
    assert.equal(decide({ type: 'Service', service: 'sns.amazonaws.com' }, { resource: rbp({ Service: 's3.amazonaws.com' }) }).decision, 'ImplicitDeny'));
  test('anonymous callers need Principal "*"', () => {
    assert.equal(decide({ type: 'Anonymous' }, { resource: rbp('*') }).decision, 'Allow');
    assert.equal(decide({ type: 'Anonymous' }, { resource: rbp({ AWS: '*' }) }).decision, 'Allow');
    assert.equal(decide({ type: 'Anonymous' }, { resource: rbp({ AWS: OWNER }) }).decision, 'ImplicitDeny');
  });
});

describe('NotPrincipal', () => {
  const exemptAlice = policy('resource', [
    allow({ Principal: '*' }),
    deny({ NotPrincipal: { AWS: [(alice as { arn: string }).arn, `arn:aws:iam::${OWNER}:root`] } }),
  ]);
  test('denies everyone not listed', () => {
    assert.equal(decide(alice, { resource: exemptAlice }).decision, 'Allow');
    assert.equal(decide(dev, { resource: exemptAlice, identity: [identityAllow] }).decision, 'ExplicitDeny');
  });
  test('a user is exempt only when its account is listed too', () => {
    const userOnly = policy('resource', [allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: (alice as { arn: string }).arn } })]);
    assert.equal(decide(alice, { resource: userOnly }).decision, 'ExplicitDeny');
  });
  test('Deny with NotPrincipal always denies a principal that has a permissions boundary', () =>
    assert.equal(decide(alice, { resource: exemptAlice, permissionsBoundary: policy('boundary', [allow()]) }).decision, 'ExplicitDeny'));
  test('Allow with NotPrincipal grants everyone else', () => {
    const p = policy('resource', [allow({ NotPrincipal: { AWS: [PARTNER, (dev as { arn: string }).arn] } })]);
    assert.equal(decide(alice, { resource: p }).decision, 'Allow');
    assert.equal(decide(dev, { resource: p, identity: [identityAllow] }).missing, 'resource');
  });
});

describe('NotAction and NotResource', () => {
  test('NotAction with Allow grants every other action', () => {
    const p = policy('identity', [{ Effect: 'Allow', NotAction: 'lambda:Delete*', Resource: '*' }]);
    assert.equal(decide(alice, { identity: [p] }).decision, 'Allow');
    const del = authorize({ principal: alice, action: 'lambda:DeleteFunction', resource: FN, context: new RequestContext() }, { identity: [p] });
    assert.equal(del.decision, 'ImplicitDeny');
  });
  test('NotResource with Deny denies everything else', () => {
    const p = policy('identity', [allow({ Resource: '*' }), deny({ Resource: undefined, NotResource: `${FN}:prod` })]);
    assert.equal(decide(alice, { identity: [p] }, `${FN}:prod`).decision, 'Allow');
    assert.equal(decide(alice, { identity: [p] }, `${FN}:dev`).decision, 'ExplicitDeny');
  });
});

describe('Lambda qualifiers are part of the resource', () => {
  const only = (resource: string) => policy('identity', [allow({ Resource: resource })]);
  test('the unqualified ARN allows only unqualified requests', () => {
    assert.equal(decide(alice, { identity: [only(FN)] }, FN).decision, 'Allow');
    assert.equal(decide(alice, { identity: [only(FN)] }, `${FN}:1`).decision, 'ImplicitDeny');
  });
  test(':1 allows only version 1', () => {
    assert.equal(decide(alice, { identity: [only(`${FN}:1`)] }, `${FN}:1`).decision, 'Allow');
    assert.equal(decide(alice, { identity: [only(`${FN}:1`)] }, `${FN}:2`).decision, 'ImplicitDeny');
    assert.equal(decide(alice, { identity: [only(`${FN}:1`)] }, FN).decision, 'ImplicitDeny');
  });
  test(':* allows every qualifier but not the unqualified ARN; a trailing * allows both', () => {
    assert.equal(decide(alice, { identity: [only(`${FN}:*`)] }, `${FN}:prod`).decision, 'Allow');
    assert.equal(decide(alice, { identity: [only(`${FN}:*`)] }, FN).decision, 'ImplicitDeny');
    assert.equal(decide(alice, { identity: [only(`${FN}*`)] }, FN).decision, 'Allow');
    assert.equal(decide(alice, { identity: [only(`${FN}*`)] }, `${FN}2`).decision, 'Allow');
  });
  test('resource ARNs are case-sensitive; actions are not', () => {
    assert.equal(decide(alice, { identity: [only(FN.replace('my-function', 'MY-FUNCTION'))] }, FN).decision, 'ImplicitDeny');
    const p = policy('identity', [{ Effect: 'Allow', Action: 'LAMBDA:invokefunction', Resource: FN }]);
    assert.equal(decide(alice, { identity: [p] }).decision, 'Allow');
  });
  test('a wildcard in the region field does not cross into the account field', () => {
    const p = only('arn:aws:lambda:*:function:my-function');
    assert.equal(decide(alice, { identity: [p] }).decision, 'ImplicitDeny');
  });
});

describe('explanations', () => {
  test('every AccessDenied wording', () => {
    const req: AuthorizationRequest = { principal: session, action: INVOKE, resource: FN, context: new RequestContext() };
    const head = `User: ${(session as { arn: string }).arn} is not authorized to perform: ${INVOKE} on resource: ${FN}`;
    const cases: [PolicySet, string][] = [
      [{}, `${head} because no identity-based policy allows the ${INVOKE} action`],
      [{ identity: [identityAllow], permissionsBoundary: boundaryElsewhere }, `${head} because no permissions boundary allows the ${INVOKE} action`],
      [{ identity: [identityAllow], session: [] }, `${head} because no session policy allows the ${INVOKE} action`],
      [{ identity: [identityAllow], scps: [[boundaryElsewhere]] }, `${head} because no service control policy allows the ${INVOKE} action`],
      [{ identity: [policy('identity', [deny()])] }, `${head} with an explicit deny in an identity-based policy`],
      [{ identity: [identityAllow], resource: policy('resource', [deny({ Principal: '*' })]) }, `${head} with an explicit deny in a resource-based policy`],
      [{ identity: [identityAllow], permissionsBoundary: policy('boundary', [deny()]) }, `${head} with an explicit deny in a permissions boundary`],
      [{ identity: [identityAllow], session: [policy('session', [deny()])] }, `${head} with an explicit deny in a session policy`],
      [{ identity: [identityAllow], scps: [[policy('scp', [deny()])]] }, `${head} with an explicit deny in a service control policy`],
      [{ identity: [identityAllow], rcps: [[policy('rcp', [deny({ Principal: '*' })])]] }, `${head} with an explicit deny in a resource control policy`],
    ];
    for (const [policies, message] of cases) assert.equal(accessDeniedMessage(req, authorize(req, policies)), message);
  });
  test('explain names the policy, statement, Sid and principal match', () => {
    const d = decide(alice, { resource: policy('resource', [allow({ Sid: 'AliceInvokes', Principal: { AWS: (alice as { arn: string }).arn } })], 'fn-policy') });
    assert.equal(explain(d), 'Allowed.\n- Allow by resource-based policy fn-policy statement 0 (Sid "AliceInvokes"), principal matched as exact');
  });
  test('accessDeniedMessage refuses an allowed decision', () => {
    const req: AuthorizationRequest = { principal: ownerRoot, action: INVOKE, resource: FN, context: new RequestContext() };
    assert.throws(() => accessDeniedMessage(req, authorize(req, {})));
  });
});
