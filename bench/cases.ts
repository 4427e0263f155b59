// The three benchmark inputs the engine issue names, as neutral Scenarios so that Latchkey
// and iam-simulate decide exactly the same question.

import type { NamedPolicy, Scenario } from '../test/iam/differential/scenario.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const REGION = 'us-east-1';
const fn = (name: string, account = OWNER) => `arn:aws:lambda:${REGION}:${account}:function:${name}`;
const ACTIONS = ['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:GetPolicy', 'lambda:ListAliases'];

const doc = (Statement: object[]) => ({ Version: '2012-10-17', Statement });

/** (a) One identity policy with one Allow statement, same account. */
export function singleStatement(): Scenario {
  return {
    principal: { type: 'User', arn: `arn:aws:iam::${OWNER}:user/alice`, accountId: OWNER },
    action: 'lambda:InvokeFunction',
    resource: { arn: fn('my-function'), accountId: OWNER },
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${OWNER}:user/alice`,
      'aws:PrincipalAccount': OWNER,
    },
    identityPolicies: [
      { name: 'invoke', document: doc([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn('my-function*') }]) },
    ],
  };
}

/** (b) Cross-account: a 50-statement function policy with conditions, 5 identity policies of 10 statements. */
export function crossAccount(): Scenario {
  const resourceStatements = Array.from({ length: 50 }, (_, i) => {
    const conditions: Record<string, unknown>[] = [
      { StringEquals: { 'aws:PrincipalAccount': i % 5 === 0 ? PARTNER : '210987654321' } },
      { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${PARTNER}:user/team-${i % 7}*` } },
      { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', `192.168.${i}.0/24`] } },
      { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
      { StringLike: { 'aws:UserAgent': `aws-cli/*${i}` } },
    ];
    return {
      Sid: `S${i}`,
      Effect: 'Allow',
      Principal: { AWS: i % 3 === 0 ? PARTNER : `arn:aws:iam::${PARTNER}:user/team-${i % 7}-dev` },
      Action: ACTIONS[i % ACTIONS.length],
      Resource: i % 2 === 0 ? fn('orders') : `${fn('orders')}:*`,
      Condition: conditions[i % conditions.length],
    };
  });
  const identityPolicies: NamedPolicy[] = Array.from({ length: 5 }, (_, p) => ({
    name: `team-policy-${p}`,
    document: doc(
      Array.from({ length: 10 }, (_, i) => ({
        Effect: i === 9 && p === 4 ? 'Deny' : 'Allow',
        Action: i === 9 && p === 4 ? 'lambda:DeleteFunction' : ACTIONS[(p + i) % ACTIONS.length],
        Resource: i % 2 === 0 ? `arn:aws:lambda:${REGION}:${OWNER}:function:*` : fn(`service-${p}-${i}`),
        ...(i % 3 === 0 ? { Condition: { Bool: { 'aws:SecureTransport': 'true' } } } : {}),
      })),
    ),
  }));
  const user = `arn:aws:iam::${PARTNER}:user/team-0-dev`;
  return {
    principal: { type: 'User', arn: user, accountId: PARTNER },
    action: 'lambda:InvokeFunction',
    resource: { arn: fn('orders'), accountId: OWNER },
    context: {
      'aws:PrincipalArn': user,
      'aws:PrincipalAccount': PARTNER,
      'aws:username': 'team-0-dev',
      'aws:SourceIp': '10.1.2.3',
      'aws:CurrentTime': '2026-11-22T12:00:00Z',
      'aws:SecureTransport': 'true',
      'aws:UserAgent': 'aws-cli/2.15.0',
    },
    identityPolicies,
    resourcePolicy: doc(resourceStatements),
  };
}

/** (c) 1,000 statements over 20 identity policies; the request is allowed by one near the end. */
export function thousandStatements(): Scenario {
  const identityPolicies: NamedPolicy[] = Array.from({ length: 20 }, (_, p) => ({
    name: `policy-${p}`,
    document: doc(
      Array.from({ length: 50 }, (_, i) => {
        const n = p * 50 + i;
        const wildcard = n % 10 === 0;
        return {
          Sid: `P${p}S${i}`,
          Effect: 'Allow',
          Action: wildcard ? `lambda:Get*` : ACTIONS[n % ACTIONS.length],
          Resource: wildcard ? fn(`app-${n}-*`) : fn(`app-${n}`),
          ...(n % 4 === 0 ? { Condition: { StringEquals: { 'aws:RequestedRegion': REGION } } } : {}),
        };
      }),
    ),
  }));
  return {
    principal: { type: 'User', arn: `arn:aws:iam::${OWNER}:user/alice`, accountId: OWNER },
    action: 'lambda:InvokeFunction',
    resource: { arn: fn('app-995'), accountId: OWNER },
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${OWNER}:user/alice`,
      'aws:PrincipalAccount': OWNER,
      'aws:RequestedRegion': REGION,
    },
    identityPolicies,
  };
}
