// Inputs for the parser fuzz test and bench/fuzz: random JSON values and valid policies
// with random mutations (deleted, retyped or garbled elements, hostile strings).

import { makeRng, type Rng } from '../support/rng.js';

const SEEDS: unknown[] = [
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Invoke', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f:*' },
      { Effect: 'Deny', NotAction: ['s3:*', 'iam:Get*'], NotResource: 'arn:aws:s3:::b/${aws:username}/*' },
    ],
  },
  {
    Version: '2012-10-17',
    Id: 'default',
    Statement: {
      Sid: 'sns',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com', AWS: ['111122223333', 'arn:aws:iam::111122223333:role/r'] },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      Condition: {
        ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic-*' },
        StringEquals: { 'AWS:SourceAccount': '123456789012' },
        'ForAnyValue:StringLike': { 'aws:TagKeys': ['a*', 'b?'] },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        NumericLessThanEquals: { 'aws:MultiFactorAuthAge': 3600 },
        Bool: { 'aws:SecureTransport': true },
        Null: { 'aws:PrincipalTag/team': 'false' },
        BinaryEquals: { 'x:bin': 'QmluYXJ5' },
      },
    },
  },
  {
    Version: '2008-10-17',
    Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '*' }, Action: '*', Resource: '*' }],
  },
];

const HOSTILE = [
  '',
  '*',
  '?',
  ':',
  '${',
  '${aws:username',
  '${*}${?}${$}',
  "${aws:PrincipalTag/x, 'd'}",
  '*a'.repeat(300) + 'b',
  'arn:aws:s3:::' + '*a'.repeat(200),
  'a'.repeat(5000),
  '\u0000\uffff\ud800',
  '__proto__',
  'constructor',
  '1e400',
  '-0',
  '2016-02-30',
  '::ffff:1.2.3.4/200',
];

function randomScalar(rng: Rng): unknown {
  switch (rng.int(0, 6)) {
    case 0:
      return null;
    case 1:
      return rng.bool();
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, NaN, 12]);
    case 3:
      return rng.pick(HOSTILE);
    case 4:
      return rng.pick(['Allow', 'Deny', 'allow', '2012-10-17', '2008-10-17', 's3:GetObject', 'arn:aws:s3:::b', '111122223333']);
    default:
      return String.fromCharCode(...Array.from({ length: rng.int(0, 11) }, () => 32 + rng.int(0, 94)));
  }
}

export function randomJson(rng: Rng, depth = 0): unknown {
  const roll = depth > 3 ? 0 : rng.int(0, 2);
  if (roll === 0) return randomScalar(rng);
  if (roll === 1) return Array.from({ length: rng.int(0, 3) }, () => randomJson(rng, depth + 1));
  const keys = ['Version', 'Statement', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition', 'Sid', 'Id', 'AWS', 'Service', 'StringLike', 'Null'];
  const out: Record<string, unknown> = {};
  for (let i = rng.int(0, 4); i > 0; i--) out[rng.chance(0.8) ? rng.pick(keys) : String(randomScalar(rng))] = randomJson(rng, depth + 1);
  return out;
}

/** Applies one random change somewhere in a (deep-copied) JSON value. */
function mutate(rng: Rng, value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || rng.chance(0.2)) return rng.chance(0.5) ? [] : [...value, randomJson(rng, 2)];
    const copy = [...value];
    const i = rng.int(0, copy.length - 1);
    copy[i] = mutate(rng, copy[i]);
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = rng.int(0, 9);
    if (keys.length === 0 || roll === 0) copy[rng.pick(['Extra', 'Condition', 'Principal', 'NotResource'])] = randomJson(rng, 2);
    else if (roll === 1) delete copy[rng.pick(keys)];
    else {
      const k = rng.pick(keys);
      copy[k] = mutate(rng, copy[k]);
    }
    return copy;
  }
  if (typeof value === 'string' && rng.chance(0.6)) {
    const at = rng.int(0, value.length);
    return value.slice(0, at) + rng.pick(HOSTILE) + value.slice(at + rng.int(0, 2));
  }
  return rng.chance(0.5) ? randomScalar(rng) : randomJson(rng, 2);
}

/** `count` inputs: a third random JSON, the rest valid policies after 0–3 mutations. */
export function* fuzzInputs(seed: number, count: number): Generator<[number, unknown]> {
  const rng = makeRng(seed);
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      const v = randomJson(rng);
      yield [i, rng.chance(0.2) ? JSON.stringify(v) ?? '' : v];
      continue;
    }
    let v: unknown = rng.pick(SEEDS);
    for (let m = rng.chance(0.15) ? 0 : rng.chance(0.7) ? 1 : rng.int(2, 3); m > 0; m--) v = mutate(rng, v);
    yield [i, rng.chance(0.1) ? JSON.stringify(v) : v];
  }
}
