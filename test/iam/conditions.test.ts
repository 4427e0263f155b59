// Condition operators, end to end through the public API: a one-statement identity policy
// whose Condition is under test, evaluated with `authorize`.
// Spec: reference/iam-evaluation.md §5 (conditions) and §7 (policy variables).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { authorize, compilePolicy, MalformedPolicyDocumentError, PolicyMessages, RequestContext } from '../../src/iam/index.js';
import type { ContextInput } from '../../src/iam/index.js';
import { parseOperator } from '../../src/iam/conditions.js';

type Condition = Record<string, Record<string, unknown>>;

const PRINCIPAL = { type: 'User' as const, arn: 'arn:aws:iam::111111111111:user/bob', accountId: '111111111111' };

/** `version` null: a policy without a Version element. */
function policy(condition: Condition, version: string | null = '2012-10-17', effect: 'Allow' | 'Deny' = 'Allow') {
  const doc: Record<string, unknown> = {
    Statement: [{ Effect: effect, Action: 's3:GetObject', Resource: '*', Condition: condition }],
  };
  if (version !== null) doc.Version = version;
  return compilePolicy(doc, { kind: 'identity', skipActionCatalogue: true });
}

/** Whether a policy holding one Allow statement with `condition` allows the request. */
function allowed(condition: Condition, context: ContextInput = {}, version: string | null = '2012-10-17'): boolean {
  const decision = authorize(
    { principal: PRINCIPAL, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: new RequestContext(context) },
    { identity: [policy(condition, version)] },
  );
  return decision.decision === 'Allow';
}

/** Asserts `condition` holds for every context in `yes` and fails for every one in `no`. */
function check(condition: Condition, yes: ContextInput[], no: ContextInput[], version: string | null = '2012-10-17'): void {
  for (const c of yes) assert.equal(allowed(condition, c, version), true, `${JSON.stringify(condition)} should hold for ${JSON.stringify(c)}`);
  for (const c of no) assert.equal(allowed(condition, c, version), false, `${JSON.stringify(condition)} should fail for ${JSON.stringify(c)}`);
}

function assertLegacy(condition: Condition): void {
  assert.throws(
    () => policy(condition),
    (e: unknown) => {
      assert.ok(e instanceof MalformedPolicyDocumentError, `expected MalformedPolicyDocumentError, got ${String(e)}`);
      assert.equal(e.message, 'The policy failed legacy parsing');
      assert.equal(e.message, PolicyMessages.legacyParsing);
      return true;
    },
    JSON.stringify(condition),
  );
}

const U = (username: string): ContextInput => ({ 'aws:username': username });

// ---------------------------------------------------------------------------------------
describe('every operator name is known', () => {
  test('all operators of spec §5.3 parse, with IfExists and set qualifiers', () => {
    const names = [
      'StringEquals',
      'StringNotEquals',
      'StringEqualsIgnoreCase',
      'StringNotEqualsIgnoreCase',
      'StringLike',
      'StringNotLike',
      'NumericEquals',
      'NumericNotEquals',
      'NumericLessThan',
      'NumericLessThanEquals',
      'NumericGreaterThan',
      'NumericGreaterThanEquals',
      'DateEquals',
      'DateNotEquals',
      'DateLessThan',
      'DateLessThanEquals',
      'DateGreaterThan',
      'DateGreaterThanEquals',
      'Bool',
      'BinaryEquals',
      'IpAddress',
      'NotIpAddress',
      'ArnEquals',
      'ArnLike',
      'ArnNotEquals',
      'ArnNotLike',
    ];
    for (const n of names) {
      assert.ok(parseOperator(n), n);
      assert.equal(parseOperator(n + 'IfExists')?.ifExists, true, n + 'IfExists');
      assert.ok(parseOperator('ForAnyValue:' + n), 'ForAnyValue:' + n);
      assert.ok(parseOperator('ForAllValues:' + n + 'IfExists'), 'ForAllValues:' + n + 'IfExists');
    }
    assert.ok(parseOperator('Null'));
    assert.equal(parseOperator('NullIfExists'), null, 'Null has no IfExists form');
    assert.equal(parseOperator('StringEqualz'), null);
    assert.equal(parseOperator('ForSomeValues:StringEquals'), null);
  });

  test('an unknown operator is a syntax error', () => {
    assert.throws(() => policy({ StringEqualz: { 'aws:username': 'bob' } }), MalformedPolicyDocumentError);
  });
});

// ---------------------------------------------------------------------------------------
describe('String operators', () => {
  test('StringEquals: exact and case-sensitive', () => {
    check({ StringEquals: { 'aws:username': 'bob' } }, [U('bob')], [U('Bob'), U('BOB'), U('bobby'), U('bo'), U(''), U(' bob')]);
  });

  test('StringEquals: wildcards are literal', () => {
    check({ StringEquals: { 'aws:username': 'b*' } }, [U('b*')], [U('bob')]);
    check({ StringEquals: { 'aws:username': 'b?b' } }, [U('b?b')], [U('bob')]);
  });

  test('StringNotEquals', () => {
    check({ StringNotEquals: { 'aws:username': 'bob' } }, [U('alice'), U('Bob'), U('')], [U('bob')]);
  });

  test('StringEqualsIgnoreCase', () => {
    check({ StringEqualsIgnoreCase: { 'aws:username': 'Bob' } }, [U('bob'), U('BOB'), U('Bob'), U('bOB')], [U('bobby'), U('alice')]);
    check({ StringEqualsIgnoreCase: { 'aws:username': 'b*' } }, [U('B*')], [U('bob')]);
  });

  test('StringNotEqualsIgnoreCase', () => {
    check({ StringNotEqualsIgnoreCase: { 'aws:username': 'Bob' } }, [U('alice'), U('bobby')], [U('bob'), U('BOB')]);
  });

  test('StringLike: * and ?, case-sensitive', () => {
    check({ StringLike: { 'aws:username': 'b*' } }, [U('b'), U('bob'), U('b/o:b')], [U('Bob'), U('abob'), U('')]);
    check({ StringLike: { 'aws:username': '?o?' } }, [U('bob'), U('tom'), U('?o?')], [U('bo'), U('boob'), U('bOb')]);
    check({ StringLike: { 'aws:username': '*' } }, [U(''), U('anything')], [{}]);
    check({ StringLike: { 's3:prefix': 'home/*/docs/*' } }, [{ 's3:prefix': 'home/bob/docs/a.txt' }], [{ 's3:prefix': 'home/bob/pics/a' }]);
  });

  test('StringLike: an empty pattern matches only the empty string', () => {
    check({ StringLike: { 's3:prefix': '' } }, [{ 's3:prefix': '' }], [{ 's3:prefix': 'a' }, {}]);
  });

  test('StringLike: no wildcard means exact', () => {
    check({ StringLike: { 'aws:username': 'bob' } }, [U('bob')], [U('bobby'), U('BOB')]);
  });

  test('StringNotLike', () => {
    check({ StringNotLike: { 'aws:username': 'b*' } }, [U('alice'), U('Bob')], [U('bob'), U('b')]);
  });

  test('number and boolean policy values compare as strings', () => {
    check({ StringEquals: { 's3:max-keys': 10 } }, [{ 's3:max-keys': '10' }, { 's3:max-keys': 10 }], [{ 's3:max-keys': '10.0' }]);
    check({ StringEquals: { 'custom:flag': true } }, [{ 'custom:flag': 'true' }], [{ 'custom:flag': 'false' }]);
  });
});

// ---------------------------------------------------------------------------------------
describe('Numeric operators', () => {
  const K = 'aws:MultiFactorAuthAge';
  const N = (v: string | number): ContextInput => ({ [K]: v });

  test('NumericEquals', () => {
    check({ NumericEquals: { [K]: '10' } }, [N('10'), N(10), N('10.0'), N('+10'), N('010')], [N('11'), N('9.99'), N('-10'), N('abc')]);
    check({ NumericEquals: { [K]: 1.5 } }, [N('1.5'), N('1.50')], [N('1'), N('2')]);
  });

  test('NumericNotEquals', () => {
    check({ NumericNotEquals: { [K]: '10' } }, [N('11'), N('9'), N('-10')], [N('10'), N('10.00')]);
  });

  test('NumericLessThan', () => {
    check({ NumericLessThan: { [K]: '3600' } }, [N('3599'), N('0'), N('-1'), N('3599.9')], [N('3600'), N('3601'), N('abc')]);
  });

  test('NumericLessThanEquals', () => {
    check({ NumericLessThanEquals: { [K]: '3600' } }, [N('3600'), N('3599'), N('3600.0')], [N('3600.1'), N('3601')]);
  });

  test('NumericGreaterThan', () => {
    check({ NumericGreaterThan: { [K]: '10' } }, [N('11'), N('10.5'), N(1000)], [N('10'), N('9'), N('-11')]);
  });

  test('NumericGreaterThanEquals', () => {
    check({ NumericGreaterThanEquals: { [K]: '10' } }, [N('10'), N('11')], [N('9.99'), N('9')]);
  });

  test('negative and decimal policy values', () => {
    check({ NumericGreaterThan: { [K]: '-5' } }, [N('-4'), N('0')], [N('-5'), N('-6')]);
    check({ NumericLessThan: { [K]: '.5' } }, [N('0.25'), N('0')], [N('0.5'), N('1')]);
  });

  test('numeric comparison is by value, not by text', () => {
    check({ NumericLessThan: { [K]: '100' } }, [N('20'), N('99')], [N('100'), N('200')]);
  });

  test('invalid policy values fail legacy parsing', () => {
    for (const op of ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals']) {
      assertLegacy({ [op]: { [K]: 'ten' } });
    }
    assertLegacy({ NumericEquals: { [K]: '12abc' } });
    assertLegacy({ NumericEquals: { [K]: '' } });
    assertLegacy({ NumericEquals: { [K]: '1,000' } });
    assertLegacy({ NumericEquals: { [K]: '1*' } });
    assertLegacy({ NumericEquals: { [K]: ['1', 'two'] } });
    assertLegacy({ NumericEqualsIfExists: { [K]: 'ten' } });
    assertLegacy({ 'ForAnyValue:NumericEquals': { [K]: 'ten' } });
  });
});

// ---------------------------------------------------------------------------------------
describe('Date operators', () => {
  const K = 'aws:CurrentTime';
  const D = (v: string | number): ContextInput => ({ [K]: v });
  const T = '2020-01-01T00:00:00Z';
  const EPOCH_T = 1577836800; // 2020-01-01T00:00:00Z

  test('DateEquals: ISO 8601 forms of the same instant', () => {
    check(
      { DateEquals: { [K]: T } },
      [D(T), D('2020-01-01T00:00:00.000Z'), D('2020-01-01T00:00Z'), D('2020-01-01T01:00:00+01:00'), D('2019-12-31T19:00:00-05:00'), D('2020-01-01T05:30:00+05:30'), D('2020-01-01')],
      [D('2020-01-01T00:00:01Z'), D('2019-12-31T23:59:59Z'), D('2020-01-01T00:00:00+01:00')],
    );
  });

  test('DateEquals: epoch seconds in the context and in the policy', () => {
    check({ DateEquals: { [K]: T } }, [D(String(EPOCH_T)), D(EPOCH_T)], [D(String(EPOCH_T + 1)), D(EPOCH_T * 1000)]);
    check({ DateEquals: { [K]: EPOCH_T } }, [D(T), D(String(EPOCH_T))], [D('2020-01-01T00:00:01Z')]);
    check({ DateEquals: { [K]: String(EPOCH_T) } }, [D(T)], []);
  });

  test('DateNotEquals', () => {
    check({ DateNotEquals: { [K]: T } }, [D('2020-01-01T00:00:01Z'), D('2021-01-01')], [D(T), D(String(EPOCH_T)), D('2020-01-01T02:00:00+02:00')]);
  });

  test('DateLessThan', () => {
    check({ DateLessThan: { [K]: T } }, [D('2019-12-31T23:59:59Z'), D('1999-01-01'), D(EPOCH_T - 1), D('2020-01-01T00:30:00+01:00')], [D(T), D('2020-01-01T00:00:01Z'), D(EPOCH_T), D('2019-12-31T19:30:00-05:00')]);
  });

  test('DateLessThanEquals', () => {
    check({ DateLessThanEquals: { [K]: T } }, [D(T), D('2019-12-31T23:59:59Z'), D(EPOCH_T)], [D('2020-01-01T00:00:01Z'), D(EPOCH_T + 1)]);
  });

  test('DateGreaterThan', () => {
    check({ DateGreaterThan: { [K]: T } }, [D('2020-01-01T00:00:01Z'), D('2030-06-15T12:00:00Z'), D('2019-12-31T19:30:00-05:00')], [D(T), D('2019-12-31T23:59:59Z'), D(EPOCH_T)]);
  });

  test('DateGreaterThanEquals', () => {
    check({ DateGreaterThanEquals: { [K]: T } }, [D(T), D(EPOCH_T), D('2020-01-01T00:00:00.001Z')], [D('2019-12-31T23:59:59.999Z'), D(EPOCH_T - 1)]);
  });

  test('epoch policy value against an ISO context value', () => {
    check({ DateGreaterThan: { 'aws:EpochTime': EPOCH_T } }, [{ 'aws:EpochTime': EPOCH_T + 60 }, { 'aws:EpochTime': '2020-01-01T00:01:00Z' }], [{ 'aws:EpochTime': EPOCH_T }]);
  });

  test('offset policy value', () => {
    check({ DateLessThan: { [K]: '2020-01-01T08:00:00+08:00' } }, [D('2019-12-31T23:59:59Z')], [D(T)]);
  });

  test('date-only and month-only policy values are midnight UTC on the first', () => {
    check({ DateGreaterThanEquals: { [K]: '2020-01-01' } }, [D(T)], [D('2019-12-31T23:59:59Z')]);
    check({ DateLessThan: { [K]: '2020-02' } }, [D('2020-01-31T23:59:59Z')], [D('2020-02-01T00:00:00Z')]);
  });

  test('an unparsable context value does not satisfy a positive operator', () => {
    check({ DateLessThan: { [K]: T } }, [], [D('yesterday'), D('')]);
    check({ DateGreaterThan: { [K]: T } }, [], [D('not a date')]);
  });

  test('years below 100 are not shifted into the 1900s (ISO 8601 four-digit years)', () => {
    check({ DateLessThan: { [K]: '1000-01-01T00:00:00Z' } }, [D('0050-06-01T00:00:00Z')], []);
    check({ DateGreaterThan: { [K]: '1900-01-01T00:00:00Z' } }, [], [D('0099-12-31T00:00:00Z')]);
  });

  test('invalid policy values fail legacy parsing', () => {
    for (const op of ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals']) {
      assertLegacy({ [op]: { [K]: 'yesterday' } });
    }
    for (const bad of ['2020-13-01', '2020-02-30', '2020-01-01T25:00:00Z', '2020-01-01T00:61:00Z', '01/02/2020', '2020-01-01T00:00:00Q', '', 'now']) {
      assertLegacy({ DateEquals: { [K]: bad } });
    }
    // Date values take no wildcards.
    assertLegacy({ DateEquals: { [K]: '2020-01-*' } });
    assertLegacy({ DateLessThanIfExists: { [K]: 'yesterday' } });
    assertLegacy({ 'ForAllValues:DateEquals': { [K]: 'yesterday' } });
  });

  test('valid leap day', () => {
    check({ DateEquals: { [K]: '2020-02-29T00:00:00Z' } }, [D('2020-02-29')], [D('2020-03-01')]);
    assertLegacy({ DateEquals: { [K]: '2021-02-29T00:00:00Z' } });
  });
});

// ---------------------------------------------------------------------------------------
describe('Bool', () => {
  const K = 'aws:SecureTransport';
  test('true', () => {
    check({ Bool: { [K]: 'true' } }, [{ [K]: 'true' }, { [K]: true }], [{ [K]: 'false' }, { [K]: false }, {}]);
  });
  test('false', () => {
    check({ Bool: { [K]: 'false' } }, [{ [K]: 'false' }, { [K]: false }], [{ [K]: 'true' }, { [K]: true }, {}]);
  });
  test('JSON boolean policy values', () => {
    check({ Bool: { [K]: true } }, [{ [K]: true }], [{ [K]: false }]);
    check({ Bool: { [K]: false } }, [{ [K]: false }], [{ [K]: true }]);
  });
  test('BoolIfExists', () => {
    check({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, [{}, { 'aws:MultiFactorAuthPresent': 'false' }], [{ 'aws:MultiFactorAuthPresent': 'true' }]);
  });
});

// ---------------------------------------------------------------------------------------
describe('BinaryEquals', () => {
  const K = 'custom:blob';
  const V = Buffer.from('BinaryValueInBase64').toString('base64');
  const W = Buffer.from('SomethingElse').toString('base64');
  test('matches the same base64 value', () => {
    check({ BinaryEquals: { [K]: V } }, [{ [K]: V }], [{ [K]: W }, {}]);
  });
  test('several values are ORed', () => {
    check({ BinaryEquals: { [K]: [W, V] } }, [{ [K]: V }, { [K]: W }], [{ [K]: Buffer.from('third').toString('base64') }]);
  });
  test('BinaryEqualsIfExists', () => {
    check({ BinaryEqualsIfExists: { [K]: V } }, [{}, { [K]: V }], [{ [K]: W }]);
  });
});

// ---------------------------------------------------------------------------------------
describe('IpAddress / NotIpAddress', () => {
  const K = 'aws:SourceIp';
  const IP = (v: string): ContextInput => ({ [K]: v });

  test('IpAddress IPv4 CIDR', () => {
    check({ IpAddress: { [K]: '203.0.113.0/24' } }, [IP('203.0.113.0'), IP('203.0.113.5'), IP('203.0.113.255')], [IP('203.0.114.1'), IP('198.51.100.1'), IP('not-an-ip'), IP('2001:db8::1')]);
  });

  test('IpAddress bare IPv4 is /32', () => {
    check({ IpAddress: { [K]: '203.0.113.5' } }, [IP('203.0.113.5')], [IP('203.0.113.6')]);
    check({ IpAddress: { [K]: '203.0.113.5/32' } }, [IP('203.0.113.5')], [IP('203.0.113.4')]);
  });

  test('IpAddress /0', () => {
    check({ IpAddress: { [K]: '0.0.0.0/0' } }, [IP('1.2.3.4'), IP('255.255.255.255')], [IP('::1')]);
    check({ IpAddress: { [K]: '::/0' } }, [IP('::1'), IP('2001:db8::1')], [IP('1.2.3.4')]);
  });

  test('IpAddress IPv6', () => {
    check({ IpAddress: { [K]: '2001:db8::/32' } }, [IP('2001:db8::1'), IP('2001:0DB8:0000:0000:0000:0000:0000:0001'), IP('2001:db8:ffff::')], [IP('2001:db9::1'), IP('203.0.113.5')]);
    check({ IpAddress: { [K]: '2001:db8::1' } }, [IP('2001:db8:0:0:0:0:0:1')], [IP('2001:db8::2')]);
    check({ IpAddress: { [K]: '2001:db8::1/128' } }, [IP('2001:db8::1')], [IP('2001:db8::2')]);
  });

  test('IpAddress with IPv4 and IPv6 values (ORed)', () => {
    check({ IpAddress: { [K]: ['203.0.113.0/24', '2001:db8::/32'] } }, [IP('203.0.113.9'), IP('2001:db8::9')], [IP('198.51.100.1'), IP('2001:db9::1')]);
  });

  test('NotIpAddress', () => {
    check({ NotIpAddress: { [K]: '203.0.113.0/24' } }, [IP('198.51.100.1'), IP('2001:db8::1')], [IP('203.0.113.5')]);
    check({ NotIpAddress: { [K]: '2001:db8::/32' } }, [IP('2001:db9::1'), IP('203.0.113.5')], [IP('2001:db8::1')]);
  });

  test('NotIpAddress with several values: the address must be in none', () => {
    check({ NotIpAddress: { [K]: ['203.0.113.0/24', '2001:db8::/32'] } }, [IP('198.51.100.1'), IP('2001:db9::1')], [IP('203.0.113.1'), IP('2001:db8::1')]);
  });

  test('invalid policy values fail legacy parsing', () => {
    for (const bad of ['203.0.113.0/33', 'not-an-ip', '256.1.1.1', '2001:db8::/129', '2001:db8:::1', '', '203.0.113.0/']) {
      assertLegacy({ IpAddress: { [K]: bad } });
      assertLegacy({ NotIpAddress: { [K]: bad } });
    }
    assertLegacy({ IpAddress: { [K]: ['203.0.113.0/24', 'bad'] } });
    assertLegacy({ IpAddressIfExists: { [K]: 'bad' } });
  });
});

// ---------------------------------------------------------------------------------------
describe('ARN operators', () => {
  const K = 'aws:SourceArn';
  const A = (v: string): ContextInput => ({ [K]: v });
  const FN = 'arn:aws:lambda:us-east-1:111111111111:function:f';

  for (const op of ['ArnEquals', 'ArnLike']) {
    test(`${op}: exact ARN`, () => {
      check({ [op]: { [K]: FN } }, [A(FN)], [A(FN + ':1'), A('arn:aws:lambda:us-east-1:111111111111:function:F'), A('arn:aws:lambda:us-east-1:222222222222:function:f')]);
    });

    test(`${op}: wildcards per field`, () => {
      check({ [op]: { [K]: 'arn:aws:lambda:*:111111111111:function:f*' } }, [A(FN), A('arn:aws:lambda:eu-west-1:111111111111:function:foo'), A(FN + ':1')], [A('arn:aws:lambda:us-east-1:222222222222:function:f')]);
      check({ [op]: { [K]: 'arn:aws:s3:::bucket/*' } }, [A('arn:aws:s3:::bucket/k'), A('arn:aws:s3:::bucket/a/b')], [A('arn:aws:s3:::other/k'), A('arn:aws:s3:::bucket')]);
    });

    test(`${op}: case-sensitive`, () => {
      check({ [op]: { [K]: 'arn:aws:s3:::Bucket' } }, [A('arn:aws:s3:::Bucket')], [A('arn:aws:s3:::bucket'), A('ARN:AWS:S3:::Bucket')]);
    });

    test(`${op}: a non-ARN value does not match`, () => {
      check({ [op]: { [K]: 'arn:aws:s3:::*' } }, [], [A('s3.amazonaws.com'), A(''), A('arn:aws:s3')]);
    });
  }

  test('spec example: * in a field does not span fields for ArnLike, but does for StringLike', () => {
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const tricky = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    const plain = 'arn:aws:someservice:us-east-2:111122223333:finance/document.txt';
    check({ ArnLike: { [K]: pattern } }, [A(plain)], [A(tricky)]);
    check({ StringLike: { [K]: pattern } }, [A(plain), A(tricky)], []);
  });

  test('ArnLike: short pattern is padded', () => {
    check({ ArnLike: { [K]: 'arn:aws:s3' } }, [A('arn:aws:s3:::b')], [A('arn:aws:sqs:us-east-1:111111111111:q')]);
  });

  for (const op of ['ArnNotEquals', 'ArnNotLike']) {
    test(`${op}`, () => {
      check({ [op]: { [K]: 'arn:aws:lambda:*:111111111111:function:f*' } }, [A('arn:aws:lambda:us-east-1:222222222222:function:f'), A('arn:aws:s3:::f')], [A(FN), A(FN + ':1')]);
    });

    test(`${op}: several values, the ARN must match none`, () => {
      check(
        { [op]: { [K]: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] } },
        [A('arn:aws:s3:::c')],
        [A('arn:aws:s3:::a'), A('arn:aws:s3:::b')],
      );
    });
  }

  test('ArnEquals with several values is ORed', () => {
    check({ ArnEquals: { [K]: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] } }, [A('arn:aws:s3:::a'), A('arn:aws:s3:::b')], [A('arn:aws:s3:::c')]);
  });
});

// ---------------------------------------------------------------------------------------
describe('Null', () => {
  const K = 'aws:TokenIssueTime';
  test('"true": the key is absent', () => {
    check({ Null: { [K]: 'true' } }, [{}], [{ [K]: '2020-01-01T00:00:00Z' }, { [K]: '' }]);
  });
  test('"false": the key is present', () => {
    check({ Null: { [K]: 'false' } }, [{ [K]: '2020-01-01T00:00:00Z' }], [{}]);
  });
  test('JSON boolean values', () => {
    check({ Null: { [K]: true } }, [{}], [{ [K]: 'x' }]);
    check({ Null: { [K]: false } }, [{ [K]: 'x' }], [{}]);
  });
  test('multi-valued key present', () => {
    check({ Null: { 'aws:TagKeys': 'false' } }, [{ 'aws:TagKeys': ['a'] }], [{}]);
    check({ Null: { 'aws:TagKeys': 'true' } }, [{}], [{ 'aws:TagKeys': ['a'] }]);
  });
  test('key name is case-insensitive', () => {
    check({ Null: { 'AWS:TOKENISSUETIME': 'false' } }, [{ 'aws:tokenissuetime': 'x' }], [{}]);
  });
});

// ---------------------------------------------------------------------------------------
describe('block semantics (§5.1)', () => {
  test('several values for one key are ORed', () => {
    check({ StringEquals: { 'aws:username': ['alice', 'bob'] } }, [U('alice'), U('bob')], [U('carol')]);
    check({ StringLike: { 'aws:username': ['a*', 'b*'] } }, [U('alice'), U('bob')], [U('carol')]);
    check({ NumericEquals: { 'custom:n': ['1', '2'] } }, [{ 'custom:n': '1' }, { 'custom:n': '2' }], [{ 'custom:n': '3' }]);
    check({ DateEquals: { 'aws:CurrentTime': ['2020-01-01', '2021-01-01'] } }, [{ 'aws:CurrentTime': '2021-01-01T00:00:00Z' }], [{ 'aws:CurrentTime': '2022-01-01' }]);
    check({ StringEqualsIgnoreCase: { 'aws:username': ['ALICE', 'BOB'] } }, [U('bob')], [U('carol')]);
  });

  test('negated operators with several values: the value must match none (AND)', () => {
    check({ StringNotEquals: { 'aws:username': ['alice', 'bob'] } }, [U('carol')], [U('alice'), U('bob')]);
    check({ StringNotEqualsIgnoreCase: { 'aws:username': ['ALICE', 'BOB'] } }, [U('carol')], [U('alice'), U('Bob')]);
    check({ StringNotLike: { 'aws:username': ['a*', 'b*'] } }, [U('carol')], [U('alice'), U('bob')]);
    check({ NumericNotEquals: { 'custom:n': ['1', '2'] } }, [{ 'custom:n': '3' }], [{ 'custom:n': '1' }, { 'custom:n': '2' }]);
    check(
      { DateNotEquals: { 'aws:CurrentTime': ['2020-01-01', '2021-01-01'] } },
      [{ 'aws:CurrentTime': '2022-01-01' }],
      [{ 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, { 'aws:CurrentTime': '2021-01-01T00:00:00Z' }],
    );
  });

  test('several keys under one operator are ANDed', () => {
    const c = { StringEquals: { 'aws:username': 'bob', 'aws:PrincipalTag/team': 'blue' } };
    check(c, [{ 'aws:username': 'bob', 'aws:PrincipalTag/team': 'blue' }], [{ 'aws:username': 'bob', 'aws:PrincipalTag/team': 'red' }, { 'aws:username': 'bob' }, { 'aws:PrincipalTag/team': 'blue' }]);
  });

  test('several operators are ANDed', () => {
    const c = { StringEquals: { 'aws:username': 'bob' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'true' } };
    check(
      c,
      [{ 'aws:username': 'bob', 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'true' }],
      [
        { 'aws:username': 'bob', 'aws:SourceIp': '11.1.1.1', 'aws:SecureTransport': 'true' },
        { 'aws:username': 'alice', 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'true' },
        { 'aws:username': 'bob', 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'false' },
      ],
    );
  });

  test('condition key names are case-insensitive', () => {
    check({ StringEquals: { 'AWS:UserName': 'bob' } }, [{ 'aws:username': 'bob' }, { 'AWS:USERNAME': 'bob' }], [{ 'aws:username': 'Bob' }]);
    check({ StringEquals: { 'aws:PrincipalTag/Team': 'blue' } }, [{ 'aws:principaltag/team': 'blue' }, { 'aws:PrincipalTag/TEAM': 'blue' }], [{ 'aws:PrincipalTag/Team': 'Blue' }]);
    check({ IpAddress: { 'aws:SourceIP': '10.0.0.0/8' } }, [{ 'AWS:SourceIp': '10.0.0.1' }], []);
    check({ 'ForAnyValue:StringEquals': { 'AWS:TAGKEYS': 'a' } }, [{ 'aws:TagKeys': ['a'] }], []);
  });

  test('condition values keep their case sensitivity despite key insensitivity', () => {
    check({ StringEquals: { 'aws:ResourceTag/Env': 'Prod' } }, [{ 'aws:resourcetag/env': 'Prod' }], [{ 'aws:resourcetag/env': 'prod' }]);
  });

  test('operator names are matched case-insensitively (iam-simulate behaviour)', () => {
    check({ stringequals: { 'aws:username': 'bob' } }, [U('bob')], [U('alice')]);
  });
});

// ---------------------------------------------------------------------------------------
describe('missing keys (§5.2)', () => {
  const positive: Condition[] = [
    { StringEquals: { 'custom:k': 'x' } },
    { StringEqualsIgnoreCase: { 'custom:k': 'x' } },
    { StringLike: { 'custom:k': '*' } },
    { NumericEquals: { 'custom:k': '1' } },
    { NumericLessThan: { 'custom:k': '1' } },
    { NumericLessThanEquals: { 'custom:k': '1' } },
    { NumericGreaterThan: { 'custom:k': '1' } },
    { NumericGreaterThanEquals: { 'custom:k': '1' } },
    { DateEquals: { 'custom:k': '2020-01-01' } },
    { DateLessThan: { 'custom:k': '2020-01-01' } },
    { DateLessThanEquals: { 'custom:k': '2020-01-01' } },
    { DateGreaterThan: { 'custom:k': '2020-01-01' } },
    { DateGreaterThanEquals: { 'custom:k': '2020-01-01' } },
    { Bool: { 'custom:k': 'false' } },
    { BinaryEquals: { 'custom:k': 'QUJD' } },
    { IpAddress: { 'custom:k': '0.0.0.0/0' } },
    { ArnEquals: { 'custom:k': '*' } },
    { ArnLike: { 'custom:k': '*' } },
  ];
  const negated: Condition[] = [
    { StringNotEquals: { 'custom:k': 'x' } },
    { StringNotEqualsIgnoreCase: { 'custom:k': 'x' } },
    { StringNotLike: { 'custom:k': '*' } },
    { NumericNotEquals: { 'custom:k': '1' } },
    { DateNotEquals: { 'custom:k': '2020-01-01' } },
    { NotIpAddress: { 'custom:k': '0.0.0.0/0' } },
    { ArnNotEquals: { 'custom:k': '*' } },
    { ArnNotLike: { 'custom:k': '*' } },
  ];

  test('positive operators are false', () => {
    for (const c of positive) assert.equal(allowed(c, { 'other:key': 'x' }), false, JSON.stringify(c));
  });

  test('negated operators are true', () => {
    for (const c of negated) assert.equal(allowed(c, { 'other:key': 'x' }), true, JSON.stringify(c));
  });

  test('…IfExists makes every operator true', () => {
    for (const c of [...positive, ...negated]) {
      const [op, block] = Object.entries(c)[0]!;
      const ifExists = { [op + 'IfExists']: block };
      assert.equal(allowed(ifExists, {}), true, JSON.stringify(ifExists));
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('IfExists with the key present behaves like the base operator', () => {
  test('StringEqualsIfExists', () => {
    check({ StringEqualsIfExists: { 'aws:username': 'bob' } }, [U('bob'), {}], [U('alice')]);
  });
  test('StringNotEqualsIfExists', () => {
    check({ StringNotEqualsIfExists: { 'aws:username': 'bob' } }, [U('alice'), {}], [U('bob')]);
  });
  test('StringLikeIfExists', () => {
    check({ StringLikeIfExists: { 'aws:username': 'b*' } }, [U('bob'), {}], [U('alice')]);
  });
  test('NumericLessThanIfExists', () => {
    check({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } }, [{ 'aws:MultiFactorAuthAge': '10' }, {}], [{ 'aws:MultiFactorAuthAge': '7200' }]);
  });
  test('DateGreaterThanIfExists', () => {
    check({ DateGreaterThanIfExists: { 'aws:CurrentTime': '2020-01-01' } }, [{ 'aws:CurrentTime': '2021-01-01' }, {}], [{ 'aws:CurrentTime': '2019-01-01' }]);
  });
  test('IpAddressIfExists / NotIpAddressIfExists', () => {
    check({ IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, [{ 'aws:SourceIp': '10.0.0.1' }, {}], [{ 'aws:SourceIp': '11.0.0.1' }]);
    check({ NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, [{ 'aws:SourceIp': '11.0.0.1' }, {}], [{ 'aws:SourceIp': '10.0.0.1' }]);
  });
  test('ArnLikeIfExists', () => {
    check({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::b*' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::bucket' }, {}], [{ 'aws:SourceArn': 'arn:aws:s3:::other' }]);
  });

  test('Deny with StringNotEqualsIfExists still denies when the key is missing (§5.2)', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:ResourceTag/env': 'dev' } } },
      ],
    };
    const p = compilePolicy(doc, { kind: 'identity', skipActionCatalogue: true });
    const decide = (ctx: ContextInput) =>
      authorize({ principal: PRINCIPAL, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: new RequestContext(ctx) }, { identity: [p] }).decision;
    assert.equal(decide({}), 'ExplicitDeny');
    assert.equal(decide({ 'aws:ResourceTag/env': 'prod' }), 'ExplicitDeny');
    assert.equal(decide({ 'aws:ResourceTag/env': 'dev' }), 'Allow');
  });
});

// ---------------------------------------------------------------------------------------
describe('multi-valued keys and set operators (§5.4)', () => {
  const K = 'aws:TagKeys';
  const T = (...v: string[]): ContextInput => ({ [K]: v });

  test('ForAllValues:StringEquals', () => {
    check({ 'ForAllValues:StringEquals': { [K]: ['a', 'b'] } }, [T('a'), T('b'), T('a', 'b'), T('b', 'a', 'a')], [T('a', 'c'), T('c'), T('A')]);
  });

  test('ForAllValues: true for an empty set and for a missing key', () => {
    check({ 'ForAllValues:StringEquals': { [K]: ['a', 'b'] } }, [T(), {}], []);
    check({ 'ForAllValues:StringLike': { [K]: 'x*' } }, [T(), {}], [T('y')]);
  });

  test('ForAnyValue:StringEquals', () => {
    check({ 'ForAnyValue:StringEquals': { [K]: ['a', 'b'] } }, [T('a'), T('c', 'b'), T('a', 'b', 'c')], [T('c'), T('c', 'd'), T('A')]);
  });

  test('ForAnyValue: false for an empty set and for a missing key', () => {
    check({ 'ForAnyValue:StringEquals': { [K]: ['a', 'b'] } }, [], [T(), {}]);
    check({ 'ForAnyValue:StringLike': { [K]: '*' } }, [T('x')], [T(), {}]);
  });

  test('ForAnyValue:StringLike / ForAllValues:StringLike', () => {
    check({ 'ForAnyValue:StringLike': { [K]: 'team-*' } }, [T('x', 'team-blue')], [T('x', 'Team-blue')]);
    check({ 'ForAllValues:StringLike': { [K]: ['team-*', 'env'] } }, [T('team-a', 'env')], [T('team-a', 'cost')]);
  });

  test('ForAnyValue / ForAllValues with other operator families', () => {
    check({ 'ForAnyValue:StringEqualsIgnoreCase': { [K]: 'ENV' } }, [T('x', 'env')], [T('x')]);
    check({ 'ForAllValues:ArnLike': { 'custom:arns': 'arn:aws:lambda:*:111111111111:layer:*' } }, [{ 'custom:arns': ['arn:aws:lambda:us-east-1:111111111111:layer:l:1'] }], [{ 'custom:arns': ['arn:aws:lambda:us-east-1:111111111111:layer:l:1', 'arn:aws:lambda:us-east-1:222222222222:layer:l:1'] }]);
    check({ 'ForAnyValue:NumericGreaterThan': { 'custom:nums': '10' } }, [{ 'custom:nums': ['1', '20'] }], [{ 'custom:nums': ['1', '2'] }]);
    check({ 'ForAnyValue:IpAddress': { 'custom:ips': '10.0.0.0/8' } }, [{ 'custom:ips': ['1.1.1.1', '10.0.0.1'] }], [{ 'custom:ips': ['1.1.1.1'] }]);
  });

  test('ForAllValues:StringNotEquals: no request value equals any policy value', () => {
    check({ 'ForAllValues:StringNotEquals': { [K]: ['a', 'b'] } }, [T('c'), T('c', 'd'), T(), {}], [T('a'), T('c', 'a'), T('b', 'c')]);
  });

  test('ForAnyValue:StringNotEquals: some request value equals none of the policy values', () => {
    check({ 'ForAnyValue:StringNotEquals': { [K]: ['a', 'b'] } }, [T('c'), T('a', 'c')], [T('a'), T('a', 'b'), T(), {}]);
  });

  test('ForAnyValue:StringNotLike / ForAllValues:StringNotLike', () => {
    check({ 'ForAnyValue:StringNotLike': { [K]: 'team-*' } }, [T('team-a', 'env')], [T('team-a', 'team-b'), {}]);
    check({ 'ForAllValues:StringNotLike': { [K]: 'team-*' } }, [T('env', 'cost'), {}], [T('env', 'team-a')]);
  });

  test('a set operator on a single-valued key treats it as a one-element set', () => {
    check({ 'ForAnyValue:StringEquals': { 'aws:username': ['alice', 'bob'] } }, [U('bob')], [U('carol')]);
    check({ 'ForAllValues:StringEquals': { 'aws:username': ['alice', 'bob'] } }, [U('bob'), {}], [U('carol')]);
  });

  test('a plain operator on a multi-valued key does not match', () => {
    check({ StringEquals: { [K]: 'a' } }, [], [T('a'), T('a', 'b')]);
    check({ StringLike: { [K]: '*' } }, [], [T('a')]);
    check({ StringEqualsIfExists: { [K]: 'a' } }, [{}], [T('a')]);
    check({ ArnLike: { 'custom:arns': '*' } }, [], [{ 'custom:arns': ['arn:aws:s3:::b'] }]);
    check({ IpAddress: { 'custom:ips': '0.0.0.0/0' } }, [], [{ 'custom:ips': ['1.1.1.1'] }]);
  });

  test('a plain negated operator on a multi-valued key does not match either', () => {
    check({ StringNotEquals: { [K]: 'z' } }, [], [T('a'), T('a', 'b')]);
    check({ StringNotLike: { [K]: 'z*' } }, [], [T('a')]);
  });

  test('ForAllValues with a Null: false guard (the recommended pattern)', () => {
    const c = { 'ForAllValues:StringEquals': { [K]: ['a', 'b'] }, Null: { [K]: 'false' } };
    check(c, [T('a'), T('a', 'b')], [{}, T('c')]);
  });
});

// ---------------------------------------------------------------------------------------
describe('policy variables in conditions (§7)', () => {
  test('${aws:username} in StringEquals', () => {
    check({ StringEquals: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': 'bob', 'aws:username': 'bob' }], [{ 's3:prefix': 'alice', 'aws:username': 'bob' }, { 's3:prefix': '${aws:username}', 'aws:username': 'bob' }]);
  });

  test('variable key names are case-insensitive', () => {
    check({ StringEquals: { 's3:prefix': '${AWS:UserName}' } }, [{ 's3:prefix': 'bob', 'aws:username': 'bob' }], []);
  });

  test('${aws:username} inside StringLike text', () => {
    const c = { StringLike: { 's3:prefix': 'home/${aws:username}/*' } };
    check(c, [{ 's3:prefix': 'home/bob/docs', 'aws:username': 'bob' }, { 's3:prefix': 'home/bob/', 'aws:username': 'bob' }], [{ 's3:prefix': 'home/alice/docs', 'aws:username': 'bob' }, { 's3:prefix': 'home/bob', 'aws:username': 'bob' }]);
  });

  test('the S3 home-folder example from the IAM docs', () => {
    const c = { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/'] } };
    check(
      c,
      [{ 's3:prefix': '', 'aws:username': 'bob' }, { 's3:prefix': 'home/', 'aws:username': 'bob' }, { 's3:prefix': 'home/bob/', 'aws:username': 'bob' }],
      [{ 's3:prefix': 'home/alice/', 'aws:username': 'bob' }, { 's3:prefix': 'home/bob/x', 'aws:username': 'bob' }, { 's3:prefix': 'home/bob/' }],
    );
  });

  test('${aws:PrincipalTag/team} (ABAC)', () => {
    const c = { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } };
    check(c, [{ 'aws:ResourceTag/team': 'blue', 'aws:PrincipalTag/team': 'blue' }], [{ 'aws:ResourceTag/team': 'red', 'aws:PrincipalTag/team': 'blue' }, { 'aws:ResourceTag/team': 'blue' }, { 'aws:ResourceTag/team': 'Blue', 'aws:PrincipalTag/team': 'blue' }]);
  });

  test('StringEqualsIgnoreCase with a variable', () => {
    check({ StringEqualsIgnoreCase: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }, [{ 'aws:ResourceTag/team': 'BLUE', 'aws:PrincipalTag/team': 'blue' }], [{ 'aws:ResourceTag/team': 'red', 'aws:PrincipalTag/team': 'blue' }]);
  });

  test('ArnLike / ArnEquals with a variable', () => {
    const c = { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/${aws:username}' } };
    check(c, [{ 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/bob', 'aws:username': 'bob' }], [{ 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/alice', 'aws:username': 'bob' }]);
    check({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::${aws:PrincipalTag/bucket}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::data', 'aws:PrincipalTag/bucket': 'data' }], [{ 'aws:SourceArn': 'arn:aws:s3:::other', 'aws:PrincipalTag/bucket': 'data' }]);
    check({ ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:${aws:PrincipalAccount}:function:*' } }, [{ 'aws:SourceArn': 'arn:aws:lambda:us-east-1:111111111111:function:f', 'aws:PrincipalAccount': '111111111111' }], [{ 'aws:SourceArn': 'arn:aws:lambda:us-east-1:222222222222:function:f', 'aws:PrincipalAccount': '111111111111' }]);
  });

  test('a whole ARN from a variable', () => {
    check({ ArnEquals: { 'aws:SourceArn': '${custom:expected}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::b', 'custom:expected': 'arn:aws:s3:::b' }], [{ 'aws:SourceArn': 'arn:aws:s3:::c', 'custom:expected': 'arn:aws:s3:::b' }, { 'aws:SourceArn': 'arn:aws:s3:::bx', 'custom:expected': 'arn:aws:s3:::b*' }]);
  });

  test('escapes: ${*} ${?} ${$} are literal characters', () => {
    check({ StringLike: { 'custom:k': 'a${*}b' } }, [{ 'custom:k': 'a*b' }], [{ 'custom:k': 'axb' }, { 'custom:k': 'ab' }, { 'custom:k': 'a${*}b' }]);
    check({ StringLike: { 'custom:k': 'a${?}b' } }, [{ 'custom:k': 'a?b' }], [{ 'custom:k': 'axb' }]);
    check({ StringEquals: { 'custom:k': 'a${*}b' } }, [{ 'custom:k': 'a*b' }], [{ 'custom:k': 'axb' }]);
    check({ StringEquals: { 'custom:k': 'cost${$}' } }, [{ 'custom:k': 'cost$' }], [{ 'custom:k': 'cost${$}' }]);
    check({ StringLike: { 'custom:k': '${*}*' } }, [{ 'custom:k': '*' }, { 'custom:k': '*abc' }], [{ 'custom:k': 'abc' }]);
  });

  test("defaults: ${aws:PrincipalTag/x, 'd'}", () => {
    const c = { StringEquals: { 'aws:ResourceTag/team': "${aws:PrincipalTag/team, 'company-wide'}" } };
    check(c, [{ 'aws:ResourceTag/team': 'company-wide' }, { 'aws:ResourceTag/team': 'blue', 'aws:PrincipalTag/team': 'blue' }], [{ 'aws:ResourceTag/team': 'company-wide', 'aws:PrincipalTag/team': 'blue' }, { 'aws:ResourceTag/team': 'red' }]);
    check({ StringLike: { 's3:prefix': "home/${aws:PrincipalTag/x, 'shared'}/*" } }, [{ 's3:prefix': 'home/shared/a' }], [{ 's3:prefix': 'home/other/a' }]);
  });

  test('a missing variable: positive operators do not match', () => {
    check({ StringEquals: { 's3:prefix': '${aws:username}' } }, [], [{ 's3:prefix': '' }, { 's3:prefix': 'bob' }, { 's3:prefix': '${aws:username}' }]);
    check({ StringLike: { 's3:prefix': '${aws:username}*' } }, [], [{ 's3:prefix': '' }, { 's3:prefix': 'anything' }]);
    check({ StringEqualsIgnoreCase: { 's3:prefix': '${aws:username}' } }, [], [{ 's3:prefix': '' }]);
    check({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::${aws:username}' } }, [], [{ 'aws:SourceArn': 'arn:aws:s3:::' }]);
  });

  test('a missing variable: negated operators match', () => {
    check({ StringNotEquals: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': '' }, { 's3:prefix': 'bob' }], []);
    check({ StringNotLike: { 's3:prefix': '${aws:username}*' } }, [{ 's3:prefix': 'anything' }], []);
    check({ StringNotEqualsIgnoreCase: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': '' }], []);
    check({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::${aws:username}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::' }], []);
    check({ ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::${aws:username}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::' }], []);
    // …but another value of the same negated condition still applies.
    check({ StringNotEquals: { 's3:prefix': ['${aws:username}', 'bob'] } }, [{ 's3:prefix': 'alice' }], [{ 's3:prefix': 'bob' }]);
  });

  test('a tag key with a space works as a variable', () => {
    const c = { StringEquals: { 'aws:ResourceTag/cost center': '${aws:PrincipalTag/cost center}' } };
    check(c, [{ 'aws:ResourceTag/cost center': 'cc-1', 'aws:PrincipalTag/cost center': 'cc-1' }], [{ 'aws:ResourceTag/cost center': 'cc-2', 'aws:PrincipalTag/cost center': 'cc-1' }]);
  });

  test('a multi-valued key is not a variable', () => {
    check({ StringEquals: { 's3:prefix': '${aws:TagKeys}' } }, [], [{ 's3:prefix': 'a', 'aws:TagKeys': ['a'] }]);
  });

  test('a substituted value is literal: Bob* does not act as a wildcard', () => {
    const c = { StringLike: { 's3:prefix': 'test${aws:username}' } };
    check(c, [{ 's3:prefix': 'testBob*', 'aws:username': 'Bob*' }], [{ 's3:prefix': 'testBobTwo', 'aws:username': 'Bob*' }, { 's3:prefix': 'testBob', 'aws:username': 'Bob*' }]);
    check({ StringLike: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': 'a?c', 'aws:username': 'a?c' }], [{ 's3:prefix': 'abc', 'aws:username': 'a?c' }]);
    check({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::${aws:username}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::Bob*', 'aws:username': 'Bob*' }], [{ 'aws:SourceArn': 'arn:aws:s3:::BobTwo', 'aws:username': 'Bob*' }]);
  });

  test('a default value is literal too', () => {
    check({ StringLike: { 's3:prefix': "${aws:PrincipalTag/x, 'a*'}" } }, [{ 's3:prefix': 'a*' }], [{ 's3:prefix': 'abc' }]);
  });

  test('variables inside set operators', () => {
    check({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': '${aws:username}' } }, [{ 'aws:TagKeys': ['x', 'bob'], 'aws:username': 'bob' }], [{ 'aws:TagKeys': ['x'], 'aws:username': 'bob' }]);
  });

  test('variables are not substituted for Numeric, Date and IP operators (invalid value)', () => {
    assertLegacy({ NumericEquals: { 'aws:MultiFactorAuthAge': '${custom:n}' } });
    assertLegacy({ NumericLessThan: { 'aws:MultiFactorAuthAge': '${custom:n}' } });
    assertLegacy({ DateEquals: { 'aws:CurrentTime': '${custom:d}' } });
    assertLegacy({ DateGreaterThan: { 'aws:CurrentTime': '${aws:TokenIssueTime}' } });
    assertLegacy({ IpAddress: { 'aws:SourceIp': '${custom:ip}' } });
    assertLegacy({ NotIpAddress: { 'aws:SourceIp': '${custom:ip}' } });
  });

  test('variables are not substituted for BinaryEquals', () => {
    const v = Buffer.from('payload').toString('base64');
    let ok: boolean;
    try {
      ok = allowed({ BinaryEquals: { 'custom:blob': '${custom:other}' } }, { 'custom:blob': v, 'custom:other': v });
    } catch (e) {
      // Refusing the policy is acceptable too; substituting is not.
      assert.ok(e instanceof MalformedPolicyDocumentError);
      ok = false;
    }
    assert.equal(ok, false);
  });

  test('variables are not substituted for Null', () => {
    // `${custom:flag}` is not "true", so it is not the absent-key test even when the flag says "true".
    check({ Null: { 'custom:k': '${custom:flag}' } }, [], [{ 'custom:flag': 'true' }]);
  });
});

// ---------------------------------------------------------------------------------------
describe('2008-10-17 and version-less policies treat ${…} literally', () => {
  for (const version of ['2008-10-17', null]) {
    const label = version ?? 'no Version';
    test(`${label}: StringEquals`, () => {
      check({ StringEquals: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': '${aws:username}', 'aws:username': 'bob' }], [{ 's3:prefix': 'bob', 'aws:username': 'bob' }], version);
    });

    test(`${label}: missing variable is not null, so a negated operator compares literally`, () => {
      check({ StringNotEquals: { 's3:prefix': '${aws:username}' } }, [{ 's3:prefix': 'bob' }], [{ 's3:prefix': '${aws:username}' }], version);
    });

    test(`${label}: StringLike`, () => {
      check({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } }, [{ 's3:prefix': 'home/${aws:username}/x', 'aws:username': 'bob' }], [{ 's3:prefix': 'home/bob/x', 'aws:username': 'bob' }], version);
    });

    test(`${label}: escapes are not escapes`, () => {
      check({ StringEquals: { 'custom:k': 'cost${$}' } }, [{ 'custom:k': 'cost${$}' }], [{ 'custom:k': 'cost$' }], version);
    });

    test(`${label}: ArnEquals`, () => {
      check({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::${aws:username}' } }, [{ 'aws:SourceArn': 'arn:aws:s3:::${aws:username}', 'aws:username': 'bob' }], [{ 'aws:SourceArn': 'arn:aws:s3:::bob', 'aws:username': 'bob' }], version);
    });
  }
});
