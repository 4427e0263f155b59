// Unit tests for the Access Analyzer-style findings (src/iam/findings.ts).
// The policies are written as Lambda's AddPermission / AddLayerVersionPermission write them
// (test/fixtures/seeds.json, page 002), accounts as in the default world of docs/design.md.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessFindings, type Finding, type FindingKind, type ZoneOfTrust } from '../../src/iam/findings.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const OUTSIDER = '210987654321';
const ORG = 'o-t194hfs8cz';
const FN = `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`;
const LAYER = `arn:aws:lambda:us-east-1:${OWNER}:layer:my-layer:3`;

const ACCOUNT_ZONE: ZoneOfTrust = { accountId: OWNER };
const ORG_ZONE: ZoneOfTrust = { accountId: OWNER, organizationId: ORG, organizationAccounts: [OWNER, PARTNER] };

type Statement = Record<string, unknown>;

/** A statement as AddPermission writes it; `fields` override or add to the defaults. */
function stmt(fields: Statement): Statement {
  return { Sid: 'sid', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN, ...fields };
}

function policy(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

const service = (name: string) => ({ Service: name });
/** The two statements a public NONE URL needs (Developer Guide, "Control access to function URLs"). */
const URL_PUBLIC = stmt({ Sid: 'FunctionURLAllowPublicAccess', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } });
const URL_INVOKE_PUBLIC = stmt({ Sid: 'FunctionURLInvokeAllowPublicAccess', Principal: '*', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } });
const sourceAccount = (account: string) => ({ StringEquals: { 'AWS:SourceAccount': account } });
const sourceArn = (arn: string) => ({ ArnLike: { 'AWS:SourceArn': arn } });

interface Row {
  name: string;
  policy: string | object | undefined;
  zone?: ZoneOfTrust;
  url?: 'NONE' | 'AWS_IAM';
  /** [kind, principal, external?] for every finding, in order. */
  expect: [FindingKind, string, string[]?][];
}

const TABLE: Row[] = [
  // Anyone
  { name: 'public, no condition', policy: policy(stmt({ Principal: '*' })), expect: [['public', '*', []]] },
  { name: 'public as {"AWS":"*"}', policy: policy(stmt({ Principal: { AWS: '*' } })), expect: [['public', '*']] },
  {
    name: 'NotPrincipal in an Allow is public',
    policy: policy(stmt({ NotPrincipal: { AWS: `arn:aws:iam::${OUTSIDER}:root` } })),
    expect: [['public', '*']],
  },
  {
    name: '"*" narrowed by PrincipalOrgID of the own organization, organization zone',
    policy: policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })),
    zone: ORG_ZONE,
    expect: [],
  },
  {
    // An account-wide zone does not contain the organization's other accounts.
    name: '"*" narrowed by PrincipalOrgID of the own organization, account zone',
    policy: policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })),
    expect: [['cross-account', '*', [ORG]]],
  },
  {
    name: '"*" narrowed by PrincipalOrgID of another organization',
    policy: policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg01' } } })),
    zone: ORG_ZONE,
    expect: [['cross-account', '*', ['o-otherorg01']]],
  },
  {
    name: '"*" narrowed by PrincipalOrgPaths under the own organization',
    policy: policy(stmt({ Principal: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` } } })),
    zone: ORG_ZONE,
    expect: [],
  },
  { name: '"*" narrowed by SourceAccount of the owner', policy: policy(stmt({ Principal: '*', Condition: sourceAccount(OWNER) })), expect: [] },
  {
    name: '"*" narrowed by SourceAccount of another account',
    policy: policy(stmt({ Principal: '*', Condition: sourceAccount(OUTSIDER) })),
    expect: [['cross-account', '*', [OUTSIDER]]],
  },
  {
    name: '"*" narrowed by PrincipalAccount of the owner and another account',
    policy: policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': [OWNER, OUTSIDER] } } })),
    expect: [['cross-account', '*', [OUTSIDER]]],
  },
  {
    name: 'a wildcard SourceAccount does not narrow',
    policy: policy(stmt({ Principal: '*', Condition: { StringLike: { 'aws:SourceAccount': '*' } } })),
    expect: [['public', '*']],
  },
  {
    name: 'a negated operator does not narrow',
    policy: policy(stmt({ Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': OUTSIDER } } })),
    expect: [['public', '*']],
  },
  {
    name: 'an IfExists operator does not narrow',
    policy: policy(stmt({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': OWNER } } })),
    expect: [['public', '*']],
  },
  {
    name: 'ForAllValues does not narrow (it holds when the key is absent)',
    policy: policy(stmt({ Principal: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG } } })),
    zone: ORG_ZONE,
    expect: [['public', '*']],
  },
  {
    name: 'operator and key names are matched without regard to case',
    policy: policy(stmt({ Principal: '*', Condition: { stringequals: { 'aws:sourceaccount': OWNER } } })),
    expect: [],
  },
  {
    name: 'one key inside the zone is enough (conditions are ANDed)',
    policy: policy(stmt({ Principal: '*', Condition: { ...sourceAccount(OWNER), ...sourceArn(`arn:aws:sns:us-east-1:${OUTSIDER}:t`) } })),
    expect: [],
  },
  {
    name: '"*" narrowed only by a VPC endpoint',
    policy: policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } })),
    expect: [['cross-account', '*', []]],
  },
  {
    name: '"*" with an S3 SourceArn alone is public',
    policy: policy(stmt({ Principal: '*', Condition: sourceArn('arn:aws:s3:::my-bucket') })),
    expect: [['public', '*']],
  },

  // Accounts and IAM principals
  { name: 'the own account root', policy: policy(stmt({ Principal: { AWS: `arn:aws:iam::${OWNER}:root` } })), expect: [] },
  { name: 'the own account as a bare id', policy: policy(stmt({ Principal: { AWS: OWNER } })), expect: [] },
  {
    name: 'another account root (as AddPermission --principal 210987654321 writes it)',
    policy: policy(stmt({ Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` } })),
    expect: [['cross-account', `arn:aws:iam::${OUTSIDER}:root`, [OUTSIDER]]],
  },
  {
    name: 'another account as a bare id',
    policy: policy(stmt({ Principal: { AWS: OUTSIDER } })),
    expect: [['cross-account', OUTSIDER, [OUTSIDER]]],
  },
  {
    name: 'a role in another account',
    policy: policy(stmt({ Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/deployer` } })),
    expect: [['cross-account', `arn:aws:iam::${OUTSIDER}:role/deployer`, [OUTSIDER]]],
  },
  {
    name: 'a role session in another account',
    policy: policy(stmt({ Principal: { AWS: `arn:aws:sts::${OUTSIDER}:assumed-role/deployer/ci` } })),
    expect: [['cross-account', `arn:aws:sts::${OUTSIDER}:assumed-role/deployer/ci`, [OUTSIDER]]],
  },
  {
    name: 'several AWS principals: one finding per outside principal',
    policy: policy(stmt({ Principal: { AWS: [OWNER, `arn:aws:iam::${OUTSIDER}:user/dev`, PARTNER] } })),
    expect: [
      ['cross-account', `arn:aws:iam::${OUTSIDER}:user/dev`, [OUTSIDER]],
      ['cross-account', PARTNER, [PARTNER]],
    ],
  },
  {
    name: 'organization zone: member accounts are inside, others are not',
    policy: policy(
      stmt({ Sid: 'partner', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` } }),
      stmt({ Sid: 'outsider', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` } }),
      stmt({ Sid: 'sns', Principal: service('sns.amazonaws.com'), Condition: sourceArn(`arn:aws:sns:us-east-1:${PARTNER}:t`) }),
    ),
    zone: ORG_ZONE,
    expect: [['cross-account', `arn:aws:iam::${OUTSIDER}:root`, [OUTSIDER]]],
  },
  {
    name: 'federated and canonical-user principals',
    policy: policy(
      stmt({ Principal: { Federated: 'cognito-identity.amazonaws.com' } }),
      stmt({ Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' } }),
      stmt({ Principal: { Federated: '*' } }),
    ),
    expect: [
      ['cross-account', 'cognito-identity.amazonaws.com', []],
      ['cross-account', '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be', []],
      ['public', '*'],
    ],
  },

  // Service principals
  {
    name: 'S3 with only a bucket SourceArn',
    policy: policy(stmt({ Principal: service('s3.amazonaws.com'), Condition: sourceArn('arn:aws:s3:::my-bucket') })),
    expect: [['service-without-source', 's3.amazonaws.com', []]],
  },
  {
    name: 'S3 with a bucket SourceArn and the own SourceAccount (the seed example)',
    policy: policy(
      stmt({
        Sid: 'lambda-allow-s3-my-function',
        Principal: service('s3.amazonaws.com'),
        Condition: { StringEquals: { 'AWS:SourceAccount': OWNER }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' } },
      }),
    ),
    expect: [],
  },
  {
    name: 'S3 with another account as SourceAccount',
    policy: policy(stmt({ Principal: service('s3.amazonaws.com'), Condition: sourceAccount(OUTSIDER) })),
    expect: [['cross-account', 's3.amazonaws.com', [OUTSIDER]]],
  },
  {
    name: 'SNS without a source',
    policy: policy(stmt({ Sid: 'sns', Principal: service('sns.amazonaws.com') })),
    expect: [['service-without-source', 'sns.amazonaws.com', []]],
  },
  {
    name: 'SNS with a topic in the own account',
    policy: policy(stmt({ Principal: service('sns.amazonaws.com'), Condition: sourceArn(`arn:aws:sns:us-east-2:${OWNER}:my-topic`) })),
    expect: [],
  },
  {
    name: 'SNS with a topic pattern in the own account (the seed get-policy output)',
    policy: policy(stmt({ Principal: service('sns.amazonaws.com'), Condition: sourceArn(`arn:aws:sns:us-east-2:${OWNER}:lambda*`) })),
    expect: [],
  },
  {
    name: 'SNS with a topic in another account',
    policy: policy(stmt({ Principal: service('sns.amazonaws.com'), Condition: sourceArn(`arn:aws:sns:us-east-2:${OUTSIDER}:their-topic`) })),
    expect: [['cross-account', 'sns.amazonaws.com', [OUTSIDER]]],
  },
  {
    // StringLike lets `*` run across the colons, so the account field is not pinned.
    name: 'SNS with StringLike and a wildcard before the account',
    policy: policy(stmt({ Principal: service('sns.amazonaws.com'), Condition: { StringLike: { 'aws:SourceArn': `arn:aws:sns:*:${OWNER}:t` } } })),
    expect: [['service-without-source', 'sns.amazonaws.com', []]],
  },
  {
    name: 'EventBridge with a rule in the own account',
    policy: policy(stmt({ Principal: service('events.amazonaws.com'), Condition: sourceArn(`arn:aws:events:us-east-1:${OWNER}:rule/nightly`) })),
    expect: [],
  },
  {
    name: 'EventBridge with a rule in any account',
    policy: policy(stmt({ Principal: service('events.amazonaws.com'), Condition: sourceArn('arn:aws:events:us-east-1:*:rule/nightly') })),
    expect: [['service-without-source', 'events.amazonaws.com', []]],
  },
  {
    name: 'Alexa without an event source token',
    policy: policy(stmt({ Principal: service('alexa-appkit.amazon.com') })),
    expect: [['service-without-source', 'alexa-appkit.amazon.com', []]],
  },
  {
    name: 'Alexa with an event source token',
    policy: policy(
      stmt({
        Principal: service('alexa-appkit.amazon.com'),
        Condition: { StringEquals: { 'lambda:EventSourceToken': 'amzn1.ask.skill.0a1b2c3d-4e5f-6789-abcd-ef0123456789' } },
      }),
    ),
    expect: [],
  },
  {
    name: 'CloudWatch Logs (regional service principal) without a source',
    policy: policy(stmt({ Principal: service('logs.us-east-1.amazonaws.com') })),
    expect: [['service-without-source', 'logs.us-east-1.amazonaws.com', []]],
  },
  {
    name: 'CloudWatch Logs with a log group in the own account',
    policy: policy(
      stmt({ Principal: service('logs.us-east-1.amazonaws.com'), Condition: sourceArn(`arn:aws:logs:us-east-1:${OWNER}:log-group:/app:*`) }),
    ),
    expect: [],
  },
  {
    // Source keys describe the resource a service acts for; PrincipalOrgID does not apply to it.
    name: 'a service is not narrowed by principal keys',
    policy: policy(stmt({ Principal: service('sqs.amazonaws.com'), Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })),
    zone: ORG_ZONE,
    expect: [['service-without-source', 'sqs.amazonaws.com', []]],
  },

  // Function URLs
  {
    name: 'function URL with auth type NONE: InvokeFunctionUrl alone opens nothing (InvokeFunction is needed too)',
    policy: policy(URL_PUBLIC),
    url: 'NONE',
    expect: [],
  },
  {
    name: 'function URL with auth type NONE: both public statements are one public-url finding',
    policy: policy(URL_PUBLIC, URL_INVOKE_PUBLIC),
    url: 'NONE',
    expect: [['public-url', '*']],
  },
  {
    name: 'function URL with auth type AWS_IAM, both statements public',
    policy: policy(
      stmt({ Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }),
      URL_INVOKE_PUBLIC,
    ),
    url: 'AWS_IAM',
    expect: [['public', '*']],
  },
  {
    name: 'function URL: InvokeFunction through the URL alone is not public, nor is the plain Invoke API reachable',
    policy: policy(URL_INVOKE_PUBLIC),
    url: 'NONE',
    expect: [],
  },
  {
    name: 'function URL: anyone may InvokeFunctionUrl, one outside account InvokeFunction through it → that account',
    policy: policy(URL_PUBLIC, stmt({ Sid: 'x', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } })),
    url: 'AWS_IAM',
    expect: [['cross-account', `arn:aws:iam::${OUTSIDER}:root`, [OUTSIDER]]],
  },
  {
    name: 'function URL: a plain public InvokeFunction pairs with the URL statement too',
    policy: policy(URL_PUBLIC, stmt({ Principal: '*' })),
    url: 'NONE',
    expect: [['public-url', '*'], ['public', '*']],
  },
  {
    name: 'function URL NONE: lambda:* covers the URL, lambda:InvokeFunction does not',
    policy: policy(stmt({ Principal: '*', Action: 'lambda:*' }), stmt({ Principal: '*', Action: 'lambda:InvokeFunction' })),
    url: 'NONE',
    expect: [
      ['public-url', '*'],
      ['public', '*'],
    ],
  },

  // Deny statements (PutResourcePolicy)
  {
    name: 'a Deny of the same action to everyone cancels a public grant',
    policy: policy(stmt({ Principal: '*' }), stmt({ Sid: 'no', Effect: 'Deny', Principal: '*' })),
    expect: [],
  },
  {
    name: 'a Deny to everyone outside the organization cancels a public grant',
    policy: policy(stmt({ Principal: '*' }), stmt({ Sid: 'org-only', Effect: 'Deny', Principal: '*', Action: 'lambda:*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } })),
    zone: ORG_ZONE,
    expect: [],
  },
  {
    name: 'a Deny outside the organization, judged in an account zone, names the other organization',
    policy: policy(stmt({ Principal: '*' }), stmt({ Sid: 'org-only', Effect: 'Deny', Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } })),
    expect: [['public', '*']],
  },
  {
    name: 'a Deny outside a source IP range leaves the grant public (callers in the range can be anyone)',
    policy: policy(stmt({ Principal: '*' }), stmt({ Sid: 'ip', Effect: 'Deny', Principal: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
    expect: [['public', '*']],
  },
  {
    name: 'a Deny of one outside account cancels its grant only',
    policy: policy(
      stmt({ Sid: 'out', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` } }),
      stmt({ Sid: 'any', Principal: '*', Action: 'lambda:GetFunction' }),
      stmt({ Sid: 'no-out', Effect: 'Deny', Principal: { AWS: OUTSIDER }, Action: 'lambda:Invoke*' }),
    ),
    expect: [['public', '*']],
  },
  {
    name: 'a Deny of part of the actions leaves the rest public',
    policy: policy(stmt({ Principal: '*', Action: 'lambda:*' }), stmt({ Sid: 'no', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction' })),
    expect: [['public', '*']],
  },
  {
    name: 'a Deny on the versions (<arn>:*) does not cover the function itself',
    policy: policy(stmt({ Principal: '*' }), stmt({ Sid: 'no', Effect: 'Deny', Principal: '*', Resource: `${FN}:*` })),
    expect: [['public', '*']],
  },
  {
    name: 'an Allow limited only by aws:SourceIp is still public (as Access Analyzer reports)',
    policy: policy(stmt({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
    expect: [['public', '*']],
  },

  // Layers
  {
    name: 'layer version shared with an organization (--organization-id)',
    policy: policy(
      stmt({ Sid: 'engineering-org', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: LAYER, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }),
    ),
    zone: ORG_ZONE,
    expect: [],
  },
  {
    name: 'layer version shared with every account',
    policy: policy(stmt({ Sid: 'all', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: LAYER })),
    expect: [['public', '*']],
  },

  // Documents
  { name: 'Deny only', policy: policy(stmt({ Effect: 'Deny', Principal: '*' })), expect: [] },
  { name: 'malformed JSON', policy: '{"Statement": [', expect: [] },
  { name: 'JSON that is not a policy', policy: '42', expect: [] },
  { name: 'no policy', policy: undefined, expect: [] },
  {
    name: 'a policy object whose Statement is a single object',
    policy: { Version: '2012-10-17', Statement: stmt({ Principal: { AWS: OUTSIDER } }) },
    expect: [['cross-account', OUTSIDER]],
  },
  {
    name: 'multiple statements, multiple findings',
    policy: policy(
      stmt({ Sid: 'public', Principal: '*' }),
      stmt({ Sid: 'own', Principal: { AWS: OWNER } }),
      stmt({ Sid: 'xaccount', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` } }),
      stmt({ Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'lambda:DeleteFunction' }),
      stmt({ Sid: 'sns', Principal: service('sns.amazonaws.com') }),
    ),
    expect: [
      ['public', '*'],
      ['cross-account', `arn:aws:iam::${OUTSIDER}:root`],
      ['service-without-source', 'sns.amazonaws.com'],
    ],
  },
];

function run(row: Row): Finding[] {
  return accessFindings({ resource: FN, policy: row.policy, zone: row.zone ?? ACCOUNT_ZONE, functionUrlAuthType: row.url });
}

describe('accessFindings: table', () => {
  for (const row of TABLE) {
    test(row.name, () => {
      const findings = run(row);
      assert.deepEqual(
        findings.map((f) => [f.kind, f.principal]),
        row.expect.map(([kind, principal]) => [kind, principal]),
      );
      row.expect.forEach(([, , external], i) => {
        if (external) assert.deepEqual(findings[i]!.external, external);
      });
      for (const f of findings) {
        assert.equal(f.resource, FN);
        assert.match(f.detail, /^[A-Z].*\.$/, 'detail is one sentence');
      }
    });
  }
});

describe('accessFindings: finding contents', () => {
  test('a finding carries the statement, its actions and a plain sentence', () => {
    const findings = accessFindings({
      resource: FN,
      policy: policy(stmt({ Sid: 'xaccount', Action: ['lambda:InvokeFunction', 'lambda:GetFunction'], Principal: { AWS: OUTSIDER } })),
      zone: ACCOUNT_ZONE,
    });
    assert.deepEqual(findings, [
      {
        resource: FN,
        kind: 'cross-account',
        principal: OUTSIDER,
        actions: ['lambda:InvokeFunction', 'lambda:GetFunction'],
        external: [OUTSIDER],
        statement: { index: 0, sid: 'xaccount' },
        detail: `Account ${OUTSIDER}, outside the zone of trust, can call lambda:InvokeFunction, lambda:GetFunction on it (Principal "${OUTSIDER}").`,
      },
    ]);
  });

  test('the statement index counts every statement, Deny included', () => {
    const [f] = accessFindings({
      resource: FN,
      policy: JSON.stringify({ Statement: [stmt({ Effect: 'Deny', Principal: '*', Action: 'lambda:DeleteFunction' }), { Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' }] }),
      zone: ACCOUNT_ZONE,
    });
    assert.deepEqual(f!.statement, { index: 1 });
  });

  test('public detail says nothing limits the caller', () => {
    const [f] = accessFindings({ resource: FN, policy: policy(stmt({ Principal: '*' })), zone: ACCOUNT_ZONE });
    assert.equal(f!.detail, 'Anyone can call lambda:InvokeFunction on it (Principal "*" with no condition that limits the caller).');
  });

  test('S3 detail explains why a bucket ARN does not narrow', () => {
    const [f] = accessFindings({
      resource: FN,
      policy: policy(stmt({ Principal: service('s3.amazonaws.com'), Condition: sourceArn('arn:aws:s3:::my-bucket') })),
      zone: ACCOUNT_ZONE,
    });
    assert.match(f!.detail, /arn:aws:s3:::my-bucket" names only a bucket/);
    assert.match(f!.detail, /another account can create one with that name/);
  });

  test('NotAction is reported with the actions it excludes', () => {
    const [f] = accessFindings({
      resource: FN,
      policy: policy({ Effect: 'Allow', Principal: '*', NotAction: 'lambda:DeleteFunction', Resource: FN }),
      zone: ACCOUNT_ZONE,
      functionUrlAuthType: 'NONE',
    });
    assert.equal(f!.kind, 'public-url');
    assert.deepEqual(f!.actions, ['*']);
    assert.deepEqual(f!.notActions, ['lambda:DeleteFunction']);
  });

  test('cross-account through a condition names the accounts', () => {
    const [f] = accessFindings({ resource: FN, policy: policy(stmt({ Principal: '*', Condition: sourceAccount(OUTSIDER) })), zone: ACCOUNT_ZONE });
    assert.equal(f!.detail, `Account ${OUTSIDER}, outside the zone of trust, can call lambda:InvokeFunction on it (Principal "*" limited by AWS:SourceAccount).`);
  });
});

describe('accessFindings: never throws', () => {
  const odd: unknown[] = [
    '',
    'null',
    '[]',
    '{"Statement": null}',
    '{"Statement": [null, 1, "x", {"Effect": "Allow"}]}',
    { Statement: [{ Effect: 'Allow', Principal: { AWS: [1, null, {}] }, Action: 7, Condition: 'x' }] },
    { Statement: [{ Effect: 'Allow', Principal: { Bogus: 'x' }, Condition: { StringEquals: 'x', Bogus: {} } }] },
    { Statement: [{ Effect: 'Allow', Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': ['', 'arn', 'arn:aws'] } } }] },
  ];
  for (const [i, p] of odd.entries()) {
    test(`odd document #${i}`, () => {
      assert.doesNotThrow(() => accessFindings({ resource: FN, policy: p as object, zone: ACCOUNT_ZONE }));
    });
  }
});
