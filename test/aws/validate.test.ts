// Constraint validation against the models (src/aws/validate.ts).
// Texts: reference/iam-sts-wire.md §3 (ValidationError format, AWS-recorded) and the
// STS messages recorded against AWS (empty/short/long RoleArn, RoleSessionName, DurationSeconds).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { iamModel, stsModel, organizationsModel, memberPathName } from '../../src/aws/model.js';
import {
  formatViolation,
  javaRegex,
  translateJavaRegex,
  validateInput,
  validateShape,
  validationMessage,
} from '../../src/aws/validate.js';
import { AwsError } from '../../src/aws/errors.js';

const ARN_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+';

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
    assert.equal(err.code, 'ValidationError');
    assert.equal(err.status, 400);
    assert.equal(err.fault, 'Sender');
    return err.message;
  }
  assert.fail('expected a validation error');
}

describe('IAM messages', () => {
  const iam = iamModel();

  test('one pattern violation (wire reference §3)', () => {
    const msg = messageOf(() =>
      validateInput(iam, 'CreateRole', { RoleName: 'a b', AssumeRolePolicyDocument: '{}' }, 'ValidationError'),
    );
    assert.equal(
      msg,
      "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  test('too long: length less than or equal to 64', () => {
    const name = 'x'.repeat(65);
    const msg = messageOf(() => validateInput(iam, 'GetRole', { RoleName: name }));
    assert.equal(
      msg,
      `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  test('several violations are numbered and joined with "; " in member order', () => {
    const msg = messageOf(() =>
      validateInput(iam, 'CreateRole', {
        Path: 'nope',
        RoleName: 'a b',
        AssumeRolePolicyDocument: '{}',
        Tags: [{ Key: 'bad*key', Value: 'ok' }],
      }),
    );
    assert.equal(
      msg,
      '3 validation errors detected: ' +
        "Value 'nope' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); " +
        "Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    );
  });

  test('missing required members: Value null … Member must not be null', () => {
    const msg = messageOf(() => validateInput(iam, 'CreateRole', { RoleName: 'demo' }));
    assert.equal(
      msg,
      "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    );
  });

  test('nested required member of a list element', () => {
    const msg = messageOf(() =>
      validateInput(iam, 'TagRole', { RoleName: 'demo', Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c' }] }),
    );
    assert.equal(
      msg,
      "1 validation error detected: Value null at 'tags.2.member.value' failed to satisfy constraint: Member must not be null",
    );
  });

  test('integer range: Member must have value greater than or equal to', () => {
    const msg = messageOf(() => validateInput(iam, 'ListRoles', { MaxItems: 0 }));
    assert.equal(
      msg,
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  test('enum: Member must satisfy enum value set', () => {
    const violations = validateShape(iam, 'UpdateAccessKeyRequest', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Off' });
    assert.equal(violations.length, 1);
    assert.equal(
      formatViolation(violations[0]!),
      "Value 'Off' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
    );
  });

  test('list of strings: elements are <list>.<n>.member', () => {
    const violations = validateShape(iam, 'SimulatePrincipalPolicyRequest', {
      PolicySourceArn: 'arn:aws:iam::123456789012:user/alice',
      ActionNames: ['lambda:InvokeFunction', 'ab'],
    });
    assert.deepEqual(violations.map(formatViolation), [
      "Value 'ab' at 'actionNames.2.member' failed to satisfy constraint: Member must have length greater than or equal to 3",
    ]);
  });

  test('valid input passes', () => {
    validateInput(iam, 'CreateRole', {
      Path: '/service-role/',
      RoleName: 'demo',
      AssumeRolePolicyDocument: '{"Version":"2012-10-17"}',
      Description: 'demo role',
      Tags: [{ Key: 'team', Value: '' }],
      MaxSessionDuration: 3600,
    });
  });
});

describe('STS messages (recorded against AWS)', () => {
  const sts = stsModel();
  const role = 'arn:aws:iam::123456789012:role/demo';

  test('empty RoleArn fails the pattern, then the minimum length', () => {
    const msg = messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: '', RoleSessionName: 's1' }));
    assert.equal(
      msg,
      `2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}; Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
    );
  });

  test('short RoleArn, missing RoleArn', () => {
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: 'not-an-arn', RoleSessionName: 's1' })),
      "1 validation error detected: Value 'not-an-arn' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleSessionName: 's1' })),
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  });

  test('lengths count code points; astral characters fail the ARN pattern', () => {
    validateInput(sts, 'AssumeRole', { RoleArn: 'é'.repeat(2048), RoleSessionName: 's1' });
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: 'é'.repeat(2049), RoleSessionName: 's1' })),
      `1 validation error detected: Value '${'é'.repeat(2049)}' at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    const emoji = '😀'.repeat(2048);
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: emoji, RoleSessionName: 's1' })),
      `1 validation error detected: Value '${emoji}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    );
    const decomposed = 'e\u0301'.repeat(1025);
    assert.match(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: decomposed, RoleSessionName: 's1' })),
      /Member must have length less than or equal to 2048$/,
    );
  });

  test('RoleSessionName and DurationSeconds', () => {
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: role, RoleSessionName: 'a' })),
      "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: role, RoleSessionName: 'bad/name' })),
      "1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: role, RoleSessionName: 'Session1:2' })),
      "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: role, RoleSessionName: 's1', DurationSeconds: -1 })),
      "1 validation error detected: Value '-1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    assert.equal(
      messageOf(() => validateInput(sts, 'AssumeRole', { RoleArn: role, RoleSessionName: 's1', DurationSeconds: 43201 })),
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
  });

  test('STS PolicyArns.member.N.arn: path policyArns.1.member.arn', () => {
    const violations = validateShape(sts, 'AssumeRoleRequest', {
      RoleArn: role,
      RoleSessionName: 's1',
      PolicyArns: [{ arn: 'short' }],
    });
    assert.deepEqual(violations.map(formatViolation), [
      "Value 'short' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    ]);
  });

  test('sensitive members are not echoed', () => {
    const violations = validateShape(sts, 'AssumeRoleWithWebIdentityRequest', {
      RoleArn: role,
      RoleSessionName: 's1',
      WebIdentityToken: 'abc',
    });
    assert.deepEqual(violations.map(formatViolation), [
      "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    ]);
  });
});

describe('message assembly', () => {
  test('validationMessage counts and joins', () => {
    const v = { kind: 'required' as const, path: 'x', shown: 'null', constraint: 'Member must not be null' };
    assert.equal(validationMessage([v]), "1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must not be null");
    assert.match(validationMessage([v, v]), /^2 validation errors detected: Value null at 'x' .*; Value null at 'x' /);
  });

  test('memberPathName lower-cases the first letter only', () => {
    assert.equal(memberPathName('RoleName'), 'roleName');
    assert.equal(memberPathName('SAMLAssertion'), 'sAMLAssertion');
    assert.equal(memberPathName('arn'), 'arn');
  });

  test('Organizations shapes validate too (JSON paths are the same)', () => {
    const violations = validateShape(organizationsModel(), 'DescribeAccountRequest', { AccountId: '123' });
    assert.deepEqual(violations.map(formatViolation), [
      "Value '123' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$",
    ]);
  });
});

describe('Java patterns', () => {
  test('whole-string match with the u flag', () => {
    assert.equal(javaRegex('[\\w+=,.@-]+').test('demo'), true);
    assert.equal(javaRegex('[\\w+=,.@-]+').test('a b'), false);
    assert.equal(javaRegex('[\\w+=,.@-]+').test(''), false);
    assert.equal(javaRegex('[\\w+=,.@-]*').test(''), true);
    assert.equal(javaRegex('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+').test('Grüße 1'), true);
  });

  test('needless escapes (\\:, \\/) are accepted as in Java', () => {
    assert.equal(javaRegex('[\\w+=,.@\\:-]*').test('a:b'), true);
    assert.equal(javaRegex('^arn:aws:organizations::\\d{12}:account\\/o-[a-z0-9]{10,32}\\/\\d{12}').test(
      'arn:aws:organizations::123456789012:account/o-abcdefghij/111122223333',
    ), true);
  });

  test('\\uXXXX takes four hex digits, like Java', () => {
    assert.equal(javaRegex(ARN_PATTERN).test('arn:aws:iam::123456789012:role/é'), true);
    assert.equal(javaRegex(ARN_PATTERN).test('😀'), false);
  });

  test('alternation with ^…$ inside, anchored as a whole', () => {
    const p = '^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$';
    assert.equal(javaRegex(p).test('123456789012'), true);
    assert.equal(javaRegex(p).test('r-ab12'), true);
    assert.equal(javaRegex(p).test('x123456789012'), false);
  });

  test('POSIX classes, \\Q…\\E, possessive quantifiers', () => {
    assert.equal(javaRegex('\\p{Alpha}+').test('abc'), true);
    assert.equal(javaRegex('\\p{Alpha}+').test('ab1'), false);
    assert.equal(javaRegex('[\\p{IsAlphabetic}\\p{Digit}]+').test('Éa1'), true);
    assert.equal(javaRegex('\\p{IsLatin}+').test('abc'), true);
    assert.equal(javaRegex('\\p{IsLatin}+').test('αβ'), false);
    assert.equal(javaRegex('\\Q*.*\\E[0-9]++').test('*.*12'), true);
    assert.deepEqual(translateJavaRegex('(?i)abc'), { source: 'abc', flags: 'i' });
  });

  test('every pattern of the three models compiles', () => {
    for (const model of [iamModel(), stsModel(), organizationsModel()]) {
      for (const [name, shape] of Object.entries(model.file.shapes)) {
        if (shape.pattern !== undefined) assert.doesNotThrow(() => javaRegex(shape.pattern!), `${model.name} ${name}`);
      }
    }
  });
});
