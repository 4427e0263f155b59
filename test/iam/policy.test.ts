// Parsing and validation: AWS's MalformedPolicyDocument messages, checked in AWS's order.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, MalformedPolicyDocumentError, PolicyMessages, type PolicyKind } from '../../src/iam/index.js';

const BUCKET = 'arn:aws:s3:::example-bucket';

function stmt(extra: Record<string, unknown>) {
  return { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, ...extra } };
}

function rejects(doc: unknown, message: string, kind: PolicyKind = 'identity', requireVersion2012 = false) {
  assert.throws(
    () => compilePolicy(doc as object, { kind, requireVersion2012, skipActionCatalogue: true }),
    (e: unknown) => e instanceof MalformedPolicyDocumentError && e.message === message && e.code === 'MalformedPolicyDocument',
    `expected "${message}" for ${JSON.stringify(doc)}`,
  );
}

describe('syntax errors', () => {
  const cases: [string, unknown][] = [
    ['not JSON', 'This is not a json document'],
    ['a JSON array', '[]'],
    ['unsupported Version', { Version: '2013-10-17', Statement: stmt({}).Statement }],
    ['no Statement', { Version: '2012-10-17' }],
    ['empty Statement list', { Version: '2012-10-17', Statement: [] }],
    ['a statement that is a string', { Version: '2012-10-17', Statement: ['afd'] }],
    ['unknown top-level element', { ...stmt({}), Extra: 'value' }],
    ['unknown statement element', stmt({ Extra: 'value' })],
    ['Id that is a list', { ...stmt({}), Id: ['x'] }],
    ['Effect that is not Allow or Deny', stmt({ Effect: 'Permit' })],
    ['missing Effect', { Version: '2012-10-17', Statement: { Action: 's3:ListBucket', Resource: BUCKET } }],
    ['Resource as an object', stmt({ Resource: { a: BUCKET } })],
    ['Resource list with an object', stmt({ Resource: ['x', {}] })],
    ['Action with a nested list', stmt({ Action: [[]] })],
    ['Action and NotAction together', stmt({ NotAction: 's3:GetObject' })],
    ['Resource and NotResource together', stmt({ NotResource: '*' })],
    ['Condition as a list', stmt({ Condition: [] })],
    ['Condition as a string', stmt({ Condition: 'a' })],
    ['unknown condition operator', stmt({ Condition: { StringSortOf: { 'aws:username': 'x' } } })],
    ['operator block not an object', stmt({ Condition: { DateGreaterThan: 'b' } })],
    ['condition value an object', stmt({ Condition: { DateGreaterThan: { 'aws:CurrentTime': {} } } })],
    ['condition value an empty list', stmt({ Condition: { StringEquals: { 'aws:username': [] } } })],
    ['double colon in set qualifier', stmt({ Condition: { 'ForAnyValue::StringEquals': { a: 'b' } } })],
    ['Null with IfExists', stmt({ Condition: { NullIfExists: { a: 'true' } } })],
    ['Sid that is an object', stmt({ Sid: {} })],
  ];
  for (const [name, doc] of cases) test(name, () => rejects(doc, PolicyMessages.syntax));
});

describe('version', () => {
  test('managed policies need 2012-10-17', () => {
    const { Version: _v, ...noVersion } = stmt({});
    rejects(noVersion, PolicyMessages.versionTooOld, 'identity', true);
    rejects({ ...stmt({}), Version: '2008-10-17' }, PolicyMessages.versionTooOld, 'identity', true);
  });
  test('the version check comes before every other', () => {
    const { Version: _v, ...noVersion } = stmt({ Effect: 'denY' });
    rejects(noVersion, PolicyMessages.versionTooOld, 'identity', true);
  });
  test('2008-10-17 and a missing version are accepted elsewhere', () => {
    assert.equal(compilePolicy({ ...stmt({}), Version: '2008-10-17' }, { kind: 'identity' }).version, '2008-10-17');
    const { Version: _v, ...noVersion } = stmt({});
    assert.equal(compilePolicy(noVersion, { kind: 'identity' }).version, '2008-10-17');
  });
});

describe('legacy parsing', () => {
  test('Effect in the wrong case', () => rejects(stmt({ Effect: 'allow' }), PolicyMessages.legacyParsing));
  test('an impossible date', () =>
    rejects(stmt({ Condition: { DateLessThan: { 'aws:CurrentTime': '2016-13-45' } } }), PolicyMessages.legacyParsing));
  test('an epoch beyond a signed 64-bit integer', () =>
    rejects(stmt({ Condition: { DateLessThan: { 'aws:EpochTime': '9223372036854775808' } } }), PolicyMessages.legacyParsing));
  test('a number that is not one', () =>
    rejects(stmt({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }), PolicyMessages.legacyParsing));
  test('a bad CIDR', () => rejects(stmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), PolicyMessages.legacyParsing));
  test('an ARN with five fields', () => rejects(stmt({ Resource: 'arn:aws:s3::example-bucket' }), PolicyMessages.legacyParsing));
  test('an ARN without a service', () => rejects(stmt({ Resource: 'arn:aws::::x' }), PolicyMessages.legacyParsing));
  test('legacy parsing comes before the partition check', () =>
    rejects(
      stmt({ Resource: 'arn:error:s3:::b', Condition: { DateGreaterThan: { 'aws:CurrentTime': 'soon' } } }),
      PolicyMessages.legacyParsing,
    ));
});

describe('statement checks', () => {
  test('duplicate Sids', () =>
    rejects(
      { Version: '2012-10-17', Statement: [stmt({ Sid: 'a' }).Statement, stmt({ Sid: 'a', Action: 's3:GetObject' }).Statement] },
      PolicyMessages.duplicateSid,
    ));
  test('no actions', () => {
    rejects({ Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: BUCKET } }, PolicyMessages.missingActions);
    rejects(stmt({ Action: [] }), PolicyMessages.missingActions);
  });
  test('no resources', () => {
    rejects({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:ListBucket' } }, PolicyMessages.missingResources);
    rejects(stmt({ Resource: [] }), PolicyMessages.missingResources);
  });
  test('action without a vendor', () => rejects(stmt({ Action: 'invalid' }), PolicyMessages.actionNeedsVendor));
  test('action with two colons', () => rejects(stmt({ Action: 's3:List:Bucket' }), PolicyMessages.actionOneColon));
  test('vendor with a space', () => rejects(stmt({ Action: 'a a:ListBucket' }), PolicyMessages.vendorInvalid('a a')));
  test('the ARN-format check comes before the action checks', () =>
    rejects(stmt({ Action: 's:3:ListBucket', Resource: 'sdfsadf' }), PolicyMessages.resourceNotArn('sdfsadf')));
  test('resource not an ARN', () => {
    rejects(stmt({ Resource: 'invalid resource' }), PolicyMessages.resourceNotArn('invalid resource'));
    rejects(stmt({ Resource: '' }), PolicyMessages.resourceNotArn(''));
  });
  test('unknown partition, shown expanded', () => {
    rejects(stmt({ Resource: 'a:b:cadfsdf' }), PolicyMessages.partitionInvalid('b', 'arn:b:cadfsdf:*:*:*'));
    rejects(stmt({ Resource: 'aws:s3:::example_bucket' }), PolicyMessages.partitionInvalid('s3', 'arn:s3:::example_bucket:*'));
  });
  test('vendor missing from a resource', () => rejects(stmt({ Resource: 'arn:aws' }), PolicyMessages.resourceVendor));
  test('region in IAM and S3 ARNs', () => {
    rejects(stmt({ Resource: 'arn:aws:iam:us-east-1::user/x' }), PolicyMessages.iamRegion('arn:aws:iam:us-east-1::user/x'));
    rejects(stmt({ Resource: 'arn:aws:s3:us-east-1::b' }), PolicyMessages.s3Region('arn:aws:s3:us-east-1::b'));
  });
  test('S3\'s regional resources (access points, batch jobs) name a region and an account', () => {
    for (const Resource of ['arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap', 'arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap/object/*', 'arn:aws:s3:us-west-2:123456789012:job/*']) {
      assert.doesNotThrow(() => compilePolicy(stmt({ Resource }), { kind: 'identity', skipActionCatalogue: true }), Resource);
    }
  });
  test('IAM resource path', () => rejects(stmt({ Resource: 'arn:aws:iam:::bucket' }), PolicyMessages.iamPath));
});

describe('principals by policy kind', () => {
  const withPrincipal = stmt({ Principal: { AWS: '111122223333' } });
  test('identity-side policies must not name a principal', () => {
    for (const kind of ['identity', 'boundary', 'scp', 'session'] as const) {
      rejects(withPrincipal, PolicyMessages.principalNotAllowed, kind);
    }
  });
  test('resource policies must name one', () => rejects(stmt({}), PolicyMessages.principalRequired, 'resource'));
  test('trust policies must not have a Resource', () =>
    rejects(stmt({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), PolicyMessages.trustResourceProhibited, 'trust'));
  test('no partial wildcards in principals', () =>
    rejects(stmt({ Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }), PolicyMessages.invalidPrincipal('AWS', 'arn:aws:iam::111122223333:user/*'), 'resource'));
  test('unknown principal type', () => rejects(stmt({ Principal: { Robot: 'x' } }), PolicyMessages.syntax, 'resource'));
  test('every principal form compiles', () => {
    const p = compilePolicy(
      stmt({
        Principal: {
          AWS: ['111122223333', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/a', 'arn:aws:iam::111122223333:role/r', 'arn:aws:sts::111122223333:assumed-role/r/s', 'arn:aws:sts::111122223333:federated-user/f', '*'],
          Service: 's3.amazonaws.com',
          Federated: 'cognito-identity.amazonaws.com',
          CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
        },
      }),
      { kind: 'resource', skipActionCatalogue: true },
    );
    assert.equal(p.statements.length, 1);
    assert.ok(p.statements[0]!.principal!.anyone);
  });
});

describe('valid documents', () => {
  test('string or object, Statement object or list', () => {
    const doc = stmt({ Sid: 'One' });
    assert.equal(compilePolicy(JSON.stringify(doc), { kind: 'identity' }).statements.length, 1);
    assert.equal(compilePolicy({ ...doc, Statement: [doc.Statement, { ...doc.Statement, Sid: 'Two' }] }, { kind: 'identity' }).statements.length, 2);
  });
  test('unknown actions are warnings, not errors', () => {
    const p = compilePolicy(stmt({ Action: ['s3:ListBucket', 's3:MakeCoffee', 'nosuchservice:Thing', 'lambda:Invoke*'] }), { kind: 'identity' });
    assert.deepEqual(p.warnings, ['Unknown action "s3:MakeCoffee"', 'Unknown service prefix "nosuchservice" in action "nosuchservice:Thing"']);
  });
  test('statement indexes, Sids and sources are kept for explanations', () => {
    const p = compilePolicy({ Version: '2012-10-17', Id: 'x', Statement: [stmt({}).Statement, stmt({ Sid: 'B', Effect: 'Deny' }).Statement] }, { kind: 'identity', id: 'pol' });
    assert.equal(p.id, 'pol');
    assert.deepEqual(p.statements.map((s) => [s.index, s.sid, s.effect]), [[0, undefined, 'Allow'], [1, 'B', 'Deny']]);
  });
  test('statementsFor indexes by action and includes wildcard and NotAction statements', () => {
    const p = compilePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'A', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' },
          { Sid: 'B', Effect: 'Allow', Action: 'lambda:Get*', Resource: '*' },
          { Sid: 'C', Effect: 'Deny', NotAction: 'lambda:InvokeFunction', Resource: '*' },
          { Sid: 'D', Effect: 'Allow', Action: ['S3:GetObject'], Resource: '*' },
        ],
      },
      { kind: 'identity' },
    );
    assert.deepEqual(p.statementsFor('lambda:invokefunction').map((s) => s.sid), ['A']);
    assert.deepEqual(p.statementsFor('lambda:getfunction').map((s) => s.sid), ['B', 'C']);
    assert.deepEqual(p.statementsFor('s3:getobject').map((s) => s.sid), ['C', 'D']);
  });
});
