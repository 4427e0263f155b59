// Lambda's resource-based policies against AWS's recordings
// (reference/lambda-permissions-recorded.md and aws-recordings/, 2025-11-25) and the
// seeds: every statement of §1.3 (A–P) and §4.2 byte for byte, the errors of §1.4, §2, §3 and
// §4.3 with code, status and message, RevisionId behaviour, ordering and the size limit.
// Recorded placeholders are substituted: account 111111111111, `<region>` → us-east-1,
// `<function-name>` → FN, `arn:<partition>:s3:::<resource:n>` → the test's `test-bucket`.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/aws/errors.js';
import {
  addStatement,
  assertPolicyQualifier,
  buildFunctionStatement,
  buildLayerStatement,
  functionArn,
  functionNotFoundError,
  getPolicyOutput,
  layerVersionArn,
  layerVersionNotFoundError,
  noPolicyError,
  policyDocument,
  policySize,
  qualifierKind,
  qualifierNotFoundError,
  removeStatement,
  resolveLayerName,
  resolveQualifier,
  type AddPermissionInput,
  type PolicyDocumentState,
} from '../../src/services/lambda/permissions.js';

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const FN = 'lambda_func-5f3a9c1e';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/localstack-testing`;
const FN_ARN = functionArn(REGION, ACCOUNT, FN);
const BUCKET = 'arn:aws:s3:::test-bucket';

const GET_POLICY_TEXT = 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id';
const GET_LAYER_POLICY_TEXT = 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id';

/** RevisionIds `rev-1`, `rev-2`, … so tests can say which one a state carries. */
function revisions(): () => string {
  let n = 0;
  return () => `rev-${++n}`;
}

function fails(fn: () => unknown, code: string, status: number, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    assert.equal(e.message, message);
    return true;
  });
}

function isError(e: AwsError, code: string, status: number, message: string): void {
  assert.ok(e instanceof AwsError);
  assert.equal(e.code, code);
  assert.equal(e.status, status);
  assert.equal(e.message, message);
}

const stmt = (input: AddPermissionInput, arn = FN_ARN) => JSON.stringify(buildFunctionStatement(input, arn));
const invoke = 'lambda:InvokeFunction';

describe('AddPermission statements, §1.3 rows A–P', () => {
  test('A: s3 principal with SourceArn (test_add_lambda_permission_aws / add_permission)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }),
      `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}`,
    );
  });

  test('A: GetPolicy after it (test_add_lambda_permission_aws / get_policy)', () => {
    const state = addStatement(null, buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }, FN_ARN), {
      newRevisionId: revisions(),
      kind: 'function',
    });
    assert.equal(
      policyDocument(state),
      `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}]}`,
    );
  });

  test('B: Principal * is the bare string "*" (add_permission_principal_wildcard)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 'wilcard', Principal: '*', SourceAccount: ACCOUNT }),
      `{"Sid":"wilcard","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}"}}}`,
    );
  });

  test('C: lambda.amazonaws.com with SourceAccount (add_permission_principal_service)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 'lambda', Principal: 'lambda.amazonaws.com', SourceAccount: ACCOUNT }),
      `{"Sid":"lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}"}}}`,
    );
  });

  test('D: an account id becomes its root ARN (add_permission_principal_account)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 'account-id', Principal: ACCOUNT }),
      `{"Sid":"account-id","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`,
    );
  });

  test('E: the caller ARN verbatim (add_permission_principal_arn)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 'user-arn', Principal: USER_ARN, SourceAccount: ACCOUNT }),
      `{"Sid":"user-arn","Effect":"Allow","Principal":{"AWS":"${USER_ARN}"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}"}}}`,
    );
  });

  test('F: every optional field: StringEquals order, then ArnLike (add_permission_optional_fields)', () => {
    assert.equal(
      stmt({
        StatementId: 'urlPermission',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        SourceArn: BUCKET,
        SourceAccount: ACCOUNT,
        PrincipalOrgID: 'o-1234567890',
        FunctionUrlAuthType: 'NONE',
      }),
      `{"Sid":"urlPermission","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}","lambda:FunctionUrlAuthType":"NONE","aws:PrincipalOrgID":"o-1234567890"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}`,
    );
  });

  test('G: Alexa EventSourceToken (add_permission_alexa_skill)', () => {
    assert.equal(
      stmt({ StatementId: 'alexaSkill', Action: invoke, Principal: '*', EventSourceToken: 'amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' }),
      `{"Sid":"alexaSkill","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}}`,
    );
  });

  test('H: no source, no Condition (test_remove_multi_permissions / add_permission_1)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com' }),
      `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`,
    );
  });

  test('I: SourceArn of another service than the principal (add_permission_2)', () => {
    assert.equal(
      stmt({ Action: invoke, StatementId: 'sqs', Principal: 'sqs.amazonaws.com', SourceArn: BUCKET }),
      `{"Sid":"sqs","Effect":"Allow","Principal":{"Service":"sqs.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}`,
    );
  });

  test('J: logs and kinesis, and the policy in insertion order (test_create_multiple_lambda_permissions)', () => {
    const logs = `{"Sid":"logs","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`;
    const kinesis = `{"Sid":"kinesis","Effect":"Allow","Principal":{"Service":"kinesis.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`;
    const s1 = buildFunctionStatement({ Action: invoke, StatementId: 'logs', Principal: 'logs.amazonaws.com' }, FN_ARN);
    const s2 = buildFunctionStatement({ Action: invoke, StatementId: 'kinesis', Principal: 'kinesis.amazonaws.com' }, FN_ARN);
    assert.equal(JSON.stringify(s1), logs);
    assert.equal(JSON.stringify(s2), kinesis);
    const next = revisions();
    const state = addStatement(addStatement(null, s1, { newRevisionId: next, kind: 'function' }), s2, { newRevisionId: next, kind: 'function' });
    assert.equal(policyDocument(state), `{"Version":"2012-10-17","Id":"default","Statement":[${logs},${kinesis}]}`);
  });

  test('K: InvokeFunctionUrl with FunctionUrlAuthType NONE (test_lambda.py test_lambda_url_invocation / add_permission)', () => {
    assert.equal(
      stmt({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE', StatementId: 'urlPermission' }),
      `{"Sid":"urlPermission","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`,
    );
  });

  test('L: regional service principal, SourceAccount and a wildcard SourceArn (logs subscription filter, 2026-02-06)', () => {
    const logGroup = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:test-log-group-7d2e:*`;
    assert.equal(
      stmt({ StatementId: FN, Action: invoke, Principal: `logs.${REGION}.amazonaws.com`, SourceArn: logGroup, SourceAccount: ACCOUNT }),
      `{"Sid":"${FN}","Effect":"Allow","Principal":{"Service":"logs.${REGION}.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}"},"ArnLike":{"AWS:SourceArn":"${logGroup}"}}}`,
    );
  });

  test('M: sns.amazonaws.com with a topic SourceArn (test_lambda_runtimes / add-permission; CFN get_policy_result)', () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:topic-9b1c`;
    assert.equal(
      stmt({ StatementId: 'sid-1', Action: invoke, Principal: 'sns.amazonaws.com', SourceArn: topic }),
      `{"Sid":"sid-1","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"${topic}"}}}`,
    );
  });

  test('N: Action lambda:* for another account (TestLambdaMultiAccounts fixture; accepted, statement not recorded)', () => {
    assert.equal(
      stmt({ StatementId: 'xacct', Action: 'lambda:*', Principal: '222222222222' }),
      `{"Sid":"xacct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"lambda:*","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`,
    );
  });

  test('O: version qualifier in name and Qualifier, matching (test_lambda_permission_fn_versioning / get_policy_version)', () => {
    const r = resolveQualifier(`${FN}:1`, '1', REGION, ACCOUNT);
    assert.deepEqual(r, { functionName: FN, accountId: ACCOUNT, region: REGION, qualifier: '1' });
    assertPolicyQualifier(r.qualifier);
    const s = buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }, functionArn(REGION, ACCOUNT, FN, r.qualifier));
    const state = addStatement(null, s, { newRevisionId: revisions(), kind: 'function' });
    assert.equal(
      policyDocument(state),
      `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:1","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}]}`,
    );
  });

  test('P: alias, first permission with the alias RevisionId (get_policy_alias)', () => {
    const aliasRevision = 'alias-rev-5';
    const r = resolveQualifier(`${FN}:permission-alias`, 'permission-alias', REGION, ACCOUNT);
    assert.equal(r.qualifier, 'permission-alias');
    const s = buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }, functionArn(REGION, ACCOUNT, FN, r.qualifier));
    const state = addStatement(null, s, { revisionId: aliasRevision, revisionIdsWhenEmpty: [aliasRevision], newRevisionId: () => 'policy-rev-6', kind: 'function' });
    assert.equal(state.revisionId, 'policy-rev-6', 'the policy gets its own RevisionId, not the alias one');
    assert.equal(
      policyDocument(state),
      `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:permission-alias","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}]}`,
    );
  });
});

describe('Principals', () => {
  const principalOf = (p: string) => buildFunctionStatement({ StatementId: 'x', Action: invoke, Principal: p }, FN_ARN).Principal;
  const invalid = 'The provided principal was invalid. Please check the principal and try again.';

  test('service principals: global, regional, multi-label, Alexa', () => {
    assert.deepEqual(principalOf('events.amazonaws.com'), { Service: 'events.amazonaws.com' });
    assert.deepEqual(principalOf('logs.eu-west-1.amazonaws.com'), { Service: 'logs.eu-west-1.amazonaws.com' });
    assert.deepEqual(principalOf('lambda.alarms.cloudwatch.amazonaws.com'), { Service: 'lambda.alarms.cloudwatch.amazonaws.com' });
    assert.deepEqual(principalOf('alexa-appkit.amazon.com'), { Service: 'alexa-appkit.amazon.com' });
    assert.deepEqual(principalOf('alexa-connectedhome.amazon.com'), { Service: 'alexa-connectedhome.amazon.com' });
  });

  test('IAM and STS principal ARNs are kept verbatim', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:root',
      'arn:aws:iam::123456789012:user/developer',
      'arn:aws:iam::123456789012:role/service/ci',
      'arn:aws:sts::123456789012:assumed-role/ci/session-1',
      'arn:aws:sts::123456789012:federated-user/bob',
    ]) {
      assert.deepEqual(principalOf(arn), { AWS: arn });
    }
  });

  test('anything else: InvalidParameterValueException 400 (recorded for invalid.nonaws.com)', () => {
    fails(
      () => buildFunctionStatement({ StatementId: 'lambda', Action: invoke, Principal: 'invalid.nonaws.com', SourceAccount: ACCOUNT }, FN_ARN),
      'InvalidParameterValueException',
      400,
      invalid,
    );
    for (const p of ['amazonaws.com', 'S3.amazonaws.com', 'example.amazon.com', '12345678901', 'arn:aws:iam::123456789012:group/admins', 'arn:aws:s3:::bucket', 'o-1234567890', '**']) {
      fails(() => principalOf(p), 'InvalidParameterValueException', 400, invalid);
    }
  });
});

describe('Conditions not recorded by AWS (guesses)', () => {
  test('InvokedViaFunctionUrl → Bool "true", after StringEquals and ArnLike', () => {
    assert.equal(
      stmt({ StatementId: 'cf', Action: invoke, Principal: 'cloudfront.amazonaws.com', SourceArn: 'arn:aws:cloudfront::111111111111:distribution/E1', SourceAccount: ACCOUNT, InvokedViaFunctionUrl: true }),
      `{"Sid":"cf","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"${FN_ARN}","Condition":{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}"},"ArnLike":{"AWS:SourceArn":"arn:aws:cloudfront::111111111111:distribution/E1"},"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`,
    );
    assert.equal(
      stmt({ StatementId: 'url', Action: invoke, Principal: '*', InvokedViaFunctionUrl: true }),
      `{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"${FN_ARN}","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`,
    );
  });

  test('InvokedViaFunctionUrl false adds nothing', () => {
    assert.equal(stmt({ StatementId: 'x', Action: invoke, Principal: '*', InvokedViaFunctionUrl: false }), `{"Sid":"x","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"${FN_ARN}"}`);
  });

  test('EventSourceToken sits after AWS:SourceAccount, before the URL auth type and the org', () => {
    const c = buildFunctionStatement(
      { StatementId: 'x', Action: 'lambda:InvokeFunctionUrl', Principal: '*', SourceAccount: ACCOUNT, EventSourceToken: 'tok', FunctionUrlAuthType: 'AWS_IAM', PrincipalOrgID: 'o-abcdefghij' },
      FN_ARN,
    ).Condition;
    assert.equal(JSON.stringify(c), `{"StringEquals":{"AWS:SourceAccount":"${ACCOUNT}","lambda:EventSourceToken":"tok","lambda:FunctionUrlAuthType":"AWS_IAM","aws:PrincipalOrgID":"o-abcdefghij"}}`);
  });

  test('FunctionUrlAuthType only with lambda:InvokeFunctionUrl (AWS text from user reports)', () => {
    fails(
      () => buildFunctionStatement({ StatementId: 'x', Action: invoke, Principal: '*', FunctionUrlAuthType: 'NONE' }, FN_ARN),
      'InvalidParameterValueException',
      400,
      'FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action',
    );
  });

  test('InvokedViaFunctionUrl only with lambda:InvokeFunction (message by analogy)', () => {
    fails(
      () => buildFunctionStatement({ StatementId: 'x', Action: 'lambda:InvokeFunctionUrl', Principal: '*', InvokedViaFunctionUrl: true }, FN_ARN),
      'InvalidParameterValueException',
      400,
      'InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action',
    );
  });

  test('the partition of the resource ARN is used for account principals', () => {
    const s = buildFunctionStatement({ StatementId: 'x', Action: invoke, Principal: '123456789012' }, 'arn:aws-us-gov:lambda:us-gov-west-1:111111111111:function:f');
    assert.deepEqual(s.Principal, { AWS: 'arn:aws-us-gov:iam::123456789012:root' });
  });
});

describe('AddPermission errors, §1.4', () => {
  test('derived qualifier mismatch: FunctionName <fn>:alias-not-42, Qualifier 42 → 400', () => {
    fails(
      () => resolveQualifier(`${FN}:alias-not-42`, '42', REGION, ACCOUNT),
      'InvalidParameterValueException',
      400,
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  });

  test('FunctionName <fn>:$LATEST, Qualifier $LATEST → We currently do not support adding policies for $LATEST.', () => {
    const r = resolveQualifier(`${FN}:$LATEST`, '$LATEST', REGION, ACCOUNT);
    assert.equal(r.qualifier, '$LATEST');
    fails(() => assertPolicyQualifier(r.qualifier), 'InvalidParameterValueException', 400, 'We currently do not support adding policies for $LATEST.');
    assertPolicyQualifier(undefined);
    assertPolicyQualifier('1');
  });

  test('FunctionName doesnotexist → 404 Function not found: <unqualified arn>', () => {
    const r = resolveQualifier('doesnotexist', undefined, REGION, ACCOUNT);
    isError(functionNotFoundError('AddPermission', r), 'ResourceNotFoundException', 404, `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:doesnotexist`);
  });

  test('FunctionName <fn>:alias-doesnotexist → 404 Cannot find alias arn: …', () => {
    const r = resolveQualifier(`${FN}:alias-doesnotexist`, undefined, REGION, ACCOUNT);
    isError(
      qualifierNotFoundError('AddPermission', { ...r, qualifier: r.qualifier! }),
      'ResourceNotFoundException',
      404,
      `Cannot find alias arn: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:alias-doesnotexist`,
    );
  });

  test('Qualifier 42 (missing version) → 404 Function not found: <qualified arn>; same with <fn>:42', () => {
    for (const [name, q] of [[FN, '42'], [`${FN}:42`, undefined]] as const) {
      const r = resolveQualifier(name, q, REGION, ACCOUNT);
      isError(qualifierNotFoundError('AddPermission', { ...r, qualifier: r.qualifier! }), 'ResourceNotFoundException', 404, `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:42`);
    }
  });

  test('Qualifier valid-with-$-but-doesnotexist → Function not found, not Cannot find alias', () => {
    const r = resolveQualifier(FN, 'valid-with-$-but-doesnotexist', REGION, ACCOUNT);
    assert.equal(qualifierKind(r.qualifier!), 'other');
    isError(
      qualifierNotFoundError('AddPermission', { ...r, qualifier: r.qualifier! }),
      'ResourceNotFoundException',
      404,
      `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:valid-with-$-but-doesnotexist`,
    );
  });

  test('invalid principal → 400 (add_permission_principal_invalid)', () => {
    fails(
      () => buildFunctionStatement({ Action: invoke, StatementId: 'lambda', Principal: 'invalid.nonaws.com', SourceAccount: ACCOUNT }, FN_ARN),
      'InvalidParameterValueException',
      400,
      'The provided principal was invalid. Please check the principal and try again.',
    );
  });

  test('duplicate StatementId s3 → 409 ResourceConflictException', () => {
    const next = revisions();
    const s3 = buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }, FN_ARN);
    const state = addStatement(null, s3, { newRevisionId: next, kind: 'function' });
    fails(
      () => addStatement(state, s3, { newRevisionId: next, kind: 'function' }),
      'ResourceConflictException',
      409,
      'The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.',
    );
  });

  test('RevisionId wrong on an alias with no policy → 412 …Call the GetPolicy API… (add_permission_alias_revision_exception)', () => {
    const s3 = buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: BUCKET }, functionArn(REGION, ACCOUNT, FN, 'permission-alias'));
    fails(
      () => addStatement(null, s3, { revisionId: 'wrong', revisionIdsWhenEmpty: ['alias-rev-5'], newRevisionId: revisions(), kind: 'function' }),
      'PreconditionFailedException',
      412,
      GET_POLICY_TEXT,
    );
  });

  test('RevisionId on an unqualified function with no policy → 412 (add_permission_revision_exception); the function RevisionId too (inferred)', () => {
    const s3 = buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com' }, FN_ARN);
    for (const revisionId of ['wrong', 'function-rev-2']) {
      fails(() => addStatement(null, s3, { revisionId, newRevisionId: revisions(), kind: 'function' }), 'PreconditionFailedException', 412, GET_POLICY_TEXT);
    }
  });

  test('the 412 body is 149 bytes compact, as the raw recording (content-length: 149)', () => {
    assert.equal(Buffer.byteLength(JSON.stringify({ Type: 'User', message: GET_POLICY_TEXT })), 149);
  });

  test('another region → 404 Functions from … are not reachable in this region (§7)', () => {
    fails(
      () => resolveQualifier(`arn:aws:lambda:ap-southeast-1:${ACCOUNT}:function:${FN}`, undefined, REGION, ACCOUNT),
      'ResourceNotFoundException',
      404,
      `Functions from 'ap-southeast-1' are not reachable in this region ('${REGION}')`,
    );
  });
});

describe('RevisionId semantics, §1.5', () => {
  const s = (sid: string, arn = FN_ARN) => buildFunctionStatement({ Action: invoke, StatementId: sid, Principal: 's3.amazonaws.com', SourceArn: BUCKET }, arn);

  test('every add and remove makes a new RevisionId; the GetPolicy RevisionId is accepted for the next add (s3_2)', () => {
    const next = revisions();
    const one = addStatement(null, s('s3'), { newRevisionId: next, kind: 'function' });
    assert.equal(one.revisionId, 'rev-1');
    assert.equal(getPolicyOutput(one, 'function').RevisionId, 'rev-1', 'GetPolicy does not change it');
    const two = addStatement(one, s('s3_2'), { revisionId: getPolicyOutput(one, 'function').RevisionId, newRevisionId: next, kind: 'function' });
    assert.equal(two.revisionId, 'rev-2');
    assert.equal(
      policyDocument(two),
      `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}},{"Sid":"s3_2","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}]}`,
    );
    const three = removeStatement(two, 's3_2', { revisionId: 'rev-2', newRevisionId: next, kind: 'function' });
    assert.equal(three?.revisionId, 'rev-3');
  });

  test('once a policy exists only its RevisionId is accepted, not the alias one any more', () => {
    const next = revisions();
    const first = addStatement(null, s('s3'), { revisionId: 'alias-rev', revisionIdsWhenEmpty: ['alias-rev'], newRevisionId: next, kind: 'function' });
    fails(() => addStatement(first, s('s3_2'), { revisionId: 'alias-rev', revisionIdsWhenEmpty: ['alias-rev'], newRevisionId: next, kind: 'function' }), 'PreconditionFailedException', 412, GET_POLICY_TEXT);
  });

  test('the same Sid may exist once per qualifier (separate states): unqualified, version 1, alias', () => {
    const next = revisions();
    const latest = addStatement(null, s('s3'), { newRevisionId: next, kind: 'function' });
    const v1 = addStatement(null, s('s3', functionArn(REGION, ACCOUNT, FN, '1')), { newRevisionId: next, kind: 'function' });
    const alias = addStatement(null, s('s3', functionArn(REGION, ACCOUNT, FN, 'permission-alias')), { newRevisionId: next, kind: 'function' });
    assert.deepEqual([latest.revisionId, v1.revisionId, alias.revisionId], ['rev-1', 'rev-2', 'rev-3']);
    assert.equal(latest.statements.length, 1, 'adding to the version and alias did not touch the unqualified policy');
  });

  test('a failed add leaves the state as it was', () => {
    const next = revisions();
    const one = addStatement(null, s('s3'), { newRevisionId: next, kind: 'function' });
    const copy = structuredClone(one);
    assert.throws(() => addStatement(one, s('s3'), { newRevisionId: next, kind: 'function' }));
    assert.throws(() => addStatement(one, s('s4'), { revisionId: 'wrong', newRevisionId: next, kind: 'function' }));
    assert.deepEqual(one, copy);
  });
});

describe('GetPolicy, §2', () => {
  test('no policy (never added, or all removed) → 404 The resource you requested does not exist.', () => {
    fails(() => getPolicyOutput(null, 'function'), 'ResourceNotFoundException', 404, 'The resource you requested does not exist.');
    fails(() => getPolicyOutput({ statements: [], revisionId: 'r' }, 'function'), 'ResourceNotFoundException', 404, 'The resource you requested does not exist.');
  });

  test('missing function and missing version answer the same (get_policy_fn_doesnotexist, get_policy_fn_version_doesnotexist)', () => {
    isError(functionNotFoundError('GetPolicy', { region: REGION, accountId: ACCOUNT, functionName: 'doesnotexist' }), 'ResourceNotFoundException', 404, 'The resource you requested does not exist.');
    isError(
      qualifierNotFoundError('GetPolicy', { region: REGION, accountId: ACCOUNT, functionName: FN, qualifier: '77' }),
      'ResourceNotFoundException',
      404,
      'The resource you requested does not exist.',
    );
    isError(noPolicyError('GetPolicy'), 'ResourceNotFoundException', 404, 'The resource you requested does not exist.');
  });

  test('output: Policy string and RevisionId', () => {
    const state: PolicyDocumentState = { statements: [{ Sid: 'a', Effect: 'Allow' }], revisionId: 'r-1' };
    assert.deepEqual(getPolicyOutput(state, 'function'), { Policy: '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"a","Effect":"Allow"}]}', RevisionId: 'r-1' });
  });
});

describe('RemovePermission, §3', () => {
  const s3 = `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}"}`;
  const sqs = `{"Sid":"sqs","Effect":"Allow","Principal":{"Service":"sqs.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}`;

  function twoStatements(next: () => string): PolicyDocumentState {
    const a = addStatement(null, buildFunctionStatement({ Action: invoke, StatementId: 's3', Principal: 's3.amazonaws.com' }, FN_ARN), { newRevisionId: next, kind: 'function' });
    return addStatement(a, buildFunctionStatement({ Action: invoke, StatementId: 'sqs', Principal: 'sqs.amazonaws.com', SourceArn: BUCKET }, FN_ARN), { newRevisionId: next, kind: 'function' });
  }

  test('test_remove_multi_permissions: policy_after_2_add, unknown Sid, policy_after_removal, then all removed', () => {
    const next = revisions();
    const both = twoStatements(next);
    assert.equal(policyDocument(both), `{"Version":"2012-10-17","Id":"default","Statement":[${s3},${sqs}]}`);
    fails(() => removeStatement(both, 'non-existent', { newRevisionId: next, kind: 'function' }), 'ResourceNotFoundException', 404, 'Statement non-existent is not found in resource policy.');
    const one = removeStatement(both, 'sqs', { newRevisionId: next, kind: 'function' });
    assert.ok(one);
    assert.equal(policyDocument(one), `{"Version":"2012-10-17","Id":"default","Statement":[${s3}]}`);
    assert.notEqual(one.revisionId, both.revisionId, 'removal changes the RevisionId');
    const none = removeStatement(one, 's3', { revisionId: one.revisionId, newRevisionId: next, kind: 'function' });
    assert.equal(none, null, 'the last statement takes the policy with it');
    fails(() => getPolicyOutput(none, 'function'), 'ResourceNotFoundException', 404, 'The resource you requested does not exist.');
  });

  test('function without policy → 404 No policy is associated with the given resource.', () => {
    fails(() => removeStatement(null, 's3', { newRevisionId: revisions(), kind: 'function' }), 'ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
    isError(noPolicyError('RemovePermission'), 'ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
  });

  test('FunctionName doesnotexist → 404 No policy found for: <arn>', () => {
    isError(
      functionNotFoundError('RemovePermission', resolveQualifier('doesnotexist', undefined, REGION, ACCOUNT)),
      'ResourceNotFoundException',
      404,
      `No policy found for: arn:aws:lambda:${REGION}:${ACCOUNT}:function:doesnotexist`,
    );
  });

  test('Qualifier alias-doesnotexist → 404 Cannot find alias arn: …', () => {
    const r = resolveQualifier(FN, 'alias-doesnotexist', REGION, ACCOUNT);
    isError(
      qualifierNotFoundError('RemovePermission', { ...r, qualifier: r.qualifier! }),
      'ResourceNotFoundException',
      404,
      `Cannot find alias arn: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}:alias-doesnotexist`,
    );
  });

  test('wrong RevisionId → 412 (2025 text taken as AddPermission’s …GetPolicy…); right one → removed', () => {
    const next = revisions();
    const both = twoStatements(next);
    fails(() => removeStatement(both, 'sqs', { revisionId: 'wrong', newRevisionId: next, kind: 'function' }), 'PreconditionFailedException', 412, GET_POLICY_TEXT);
    assert.equal(removeStatement(both, 'sqs', { revisionId: both.revisionId, newRevisionId: next, kind: 'function' })?.statements.length, 1);
  });
});

describe('Layer version permissions, §4', () => {
  const LAYER = 'layer-3c9f';
  const LV_ARN = layerVersionArn(REGION, ACCOUNT, LAYER, 1);
  const s1 = `{"Sid":"s1","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${LAYER}:1"}`;
  const s2 = `{"Sid":"s2","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${LAYER}:1"}`;
  const layerStmt = (sid: string) => buildLayerStatement({ StatementId: sid, Action: 'lambda:GetLayerVersion', Principal: '*' }, LV_ARN);

  test('test_layer_policy_lifecycle: s1, get, s2, get, remove s2, get — statements, documents and RevisionIds', () => {
    const next = revisions();
    assert.equal(JSON.stringify(layerStmt('s1')), s1);
    const a = addStatement(null, layerStmt('s1'), { newRevisionId: next, kind: 'layer' });
    // AddLayerVersionPermission returns the RevisionId GetLayerVersionPolicy then returns (<uuid:1>).
    assert.deepEqual(getPolicyOutput(a, 'layer'), { Policy: `{"Version":"2012-10-17","Id":"default","Statement":[${s1}]}`, RevisionId: 'rev-1' });
    assert.equal(JSON.stringify(layerStmt('s2')), s2);
    const b = addStatement(a, layerStmt('s2'), { revisionId: a.revisionId, newRevisionId: next, kind: 'layer' });
    assert.deepEqual(getPolicyOutput(b, 'layer'), { Policy: `{"Version":"2012-10-17","Id":"default","Statement":[${s1},${s2}]}`, RevisionId: 'rev-2' });
    const c = removeStatement(b, 's2', { revisionId: b.revisionId, newRevisionId: next, kind: 'layer' });
    assert.deepEqual(getPolicyOutput(c, 'layer'), { Policy: `{"Version":"2012-10-17","Id":"default","Statement":[${s1}]}`, RevisionId: 'rev-3' });
  });

  test('test_layer_policy_exceptions: no policy, duplicate, wrong revision (add and remove), unknown Sid', () => {
    const next = revisions();
    fails(() => getPolicyOutput(null, 'layer'), 'ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
    const a = addStatement(null, layerStmt('s1'), { newRevisionId: next, kind: 'layer' });
    fails(
      () => addStatement(a, layerStmt('s1'), { newRevisionId: next, kind: 'layer' }),
      'ResourceConflictException',
      409,
      'The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.',
    );
    fails(() => addStatement(a, layerStmt('s2'), { revisionId: 'wrong', newRevisionId: next, kind: 'layer' }), 'PreconditionFailedException', 412, GET_LAYER_POLICY_TEXT);
    fails(() => removeStatement(a, 's1', { revisionId: 'wrong', newRevisionId: next, kind: 'layer' }), 'PreconditionFailedException', 412, GET_LAYER_POLICY_TEXT);
    fails(() => removeStatement(a, 'doesnotexist', { newRevisionId: next, kind: 'layer' }), 'ResourceNotFoundException', 404, 'Statement doesnotexist is not found in resource policy.');
  });

  test('missing layer or layer version (Add / Get / Remove) → 404 Layer version <arn> does not exist.', () => {
    isError(
      layerVersionNotFoundError(layerVersionArn(REGION, ACCOUNT, `${LAYER}-doesnotexist`, 1)),
      'ResourceNotFoundException',
      404,
      `Layer version arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${LAYER}-doesnotexist:1 does not exist.`,
    );
    isError(layerVersionNotFoundError(layerVersionArn(REGION, ACCOUNT, LAYER, 2)), 'ResourceNotFoundException', 404, `Layer version arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${LAYER}:2 does not exist.`);
    isError(noPolicyError('RemoveLayerVersionPermission'), 'ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
    isError(noPolicyError('GetLayerVersionPolicy'), 'ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
  });

  test('layer principals: account → root ARN, root ARN verbatim; anything else refused', () => {
    assert.deepEqual(buildLayerStatement({ StatementId: 'a', Action: 'lambda:GetLayerVersion', Principal: '210987654321' }, LV_ARN).Principal, { AWS: 'arn:aws:iam::210987654321:root' });
    assert.deepEqual(buildLayerStatement({ StatementId: 'a', Action: 'lambda:GetLayerVersion', Principal: 'arn:aws:iam::210987654321:root' }, LV_ARN).Principal, {
      AWS: 'arn:aws:iam::210987654321:root',
    });
    fails(
      () => buildLayerStatement({ StatementId: 'a', Action: 'lambda:GetLayerVersion', Principal: 's3.amazonaws.com' }, LV_ARN),
      'InvalidParameterValueException',
      400,
      'The provided principal was invalid. Please check the principal and try again.',
    );
  });

  test('LayerName as a name or an ARN', () => {
    assert.deepEqual(resolveLayerName('my-layer', REGION, ACCOUNT), { layerName: 'my-layer', accountId: ACCOUNT, region: REGION });
    assert.deepEqual(resolveLayerName('arn:aws:lambda:us-east-2:123456789012:layer:my-layer', REGION, ACCOUNT), { layerName: 'my-layer', accountId: '123456789012', region: 'us-east-2' });
  });
});

describe('Policy size limit (20480 bytes of the compact document)', () => {
  const big = (sid: string) => buildFunctionStatement({ Action: invoke, StatementId: sid, Principal: 'apigateway.amazonaws.com', SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${'a'.repeat(200)}/*/GET/` }, FN_ARN);

  test('a policy may reach exactly 20480 bytes; one byte more is PolicyLengthExceededException with the final size', () => {
    const next = revisions();
    let state: PolicyDocumentState | null = null;
    let i = 0;
    // Fill with ~400-byte statements while the next one still fits.
    while (policySize({ statements: [...(state?.statements ?? []), big(`s${String(i).padStart(3, '0')}`)] }) <= 20480 - 400) {
      state = addStatement(state, big(`s${String(i).padStart(3, '0')}`), { newRevisionId: next, kind: 'function' });
      i++;
    }
    assert.ok(state);
    const room = 20480 - policySize({ statements: state.statements });
    const base = buildFunctionStatement({ Action: invoke, StatementId: 'x', Principal: '*' }, FN_ARN);
    const overhead = policySize({ statements: [...state.statements, base] }) - policySize({ statements: state.statements });
    // A statement whose Sid pads the document to exactly the limit.
    const exact = buildFunctionStatement({ Action: invoke, StatementId: 'x'.repeat(1 + room - overhead), Principal: '*' }, FN_ARN);
    assert.equal(policySize({ statements: [...state.statements, exact] }), 20480);
    const full = addStatement(state, exact, { newRevisionId: next, kind: 'function' });
    assert.equal(policySize({ statements: full.statements }), 20480);

    const over = buildFunctionStatement({ Action: invoke, StatementId: 'x'.repeat(2 + room - overhead), Principal: '*' }, FN_ARN);
    fails(() => addStatement(state, over, { newRevisionId: next, kind: 'function' }), 'PolicyLengthExceededException', 400, 'The final policy size (20481) is bigger than the limit (20480).');
  });

  test('the size is that of the document GetPolicy returns, counted in UTF-8 bytes', () => {
    const state: PolicyDocumentState = { statements: [{ Sid: 'é' }], revisionId: 'r' };
    assert.equal(policySize(state), Buffer.byteLength(policyDocument(state)));
    assert.equal(policySize(state), policyDocument(state).length + 1);
  });

  test('layer policies have the same limit', () => {
    const huge = buildLayerStatement({ StatementId: 'a'.repeat(20500), Action: 'lambda:GetLayerVersion', Principal: '*' }, layerVersionArn(REGION, ACCOUNT, 'l', 1));
    assert.throws(() => addStatement(null, huge, { newRevisionId: revisions(), kind: 'layer' }), (e: unknown) => e instanceof AwsError && e.code === 'PolicyLengthExceededException');
  });
});

describe('Function names and qualifiers', () => {
  test('name, name:qualifier, partial ARNs and full ARN', () => {
    assert.deepEqual(resolveQualifier('my-function', undefined, REGION, ACCOUNT), { functionName: 'my-function', accountId: ACCOUNT, region: REGION, qualifier: undefined });
    assert.deepEqual(resolveQualifier('my-function:prod', undefined, REGION, ACCOUNT), { functionName: 'my-function', accountId: ACCOUNT, region: REGION, qualifier: 'prod' });
    assert.deepEqual(resolveQualifier('function:my-function', '3', REGION, ACCOUNT), { functionName: 'my-function', accountId: ACCOUNT, region: REGION, qualifier: '3' });
    assert.deepEqual(resolveQualifier('123456789012:function:my-function:2', '2', REGION, ACCOUNT), { functionName: 'my-function', accountId: '123456789012', region: REGION, qualifier: '2' });
    assert.deepEqual(resolveQualifier(`arn:aws:lambda:${REGION}:222222222222:function:my.function:$LATEST`, undefined, REGION, ACCOUNT), {
      functionName: 'my.function',
      accountId: '222222222222',
      region: REGION,
      qualifier: '$LATEST',
    });
  });

  test('an ARN ending at `function` names the function `function` (recorded incomplete_arn → Function not found: …:function:function)', () => {
    assert.equal(resolveQualifier(`arn:aws:lambda:${REGION}:${ACCOUNT}:function`, undefined, REGION, ACCOUNT).functionName, 'function');
  });

  test('ARN …:$LATEST with Qualifier 1 → derived qualifier mismatch (latest_version_with_additional_qualifier)', () => {
    fails(
      () => resolveQualifier(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:my-function:$LATEST`, '1', REGION, ACCOUNT),
      'InvalidParameterValueException',
      400,
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  });

  test('a name outside the pattern → ValidationException as AWS words it', () => {
    fails(
      () => resolveQualifier('my-function!', undefined, REGION, ACCOUNT),
      'ValidationException',
      400,
      "1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?",
    );
  });

  test('qualifier kinds', () => {
    assert.equal(qualifierKind('1'), 'version');
    assert.equal(qualifierKind('$LATEST'), 'latest');
    assert.equal(qualifierKind('$LATEST.PUBLISHED'), 'latest');
    assert.equal(qualifierKind('prod'), 'alias');
    assert.equal(qualifierKind('$latest'), 'other');
  });
});

describe('Seeds (test/fixtures/seeds.json)', () => {
  const OWNER = '123456789012';

  test('000/001 "aws lambda add-permission --function-name my-function:prod --statement-id xaccount … --principal 111122223333": Resource is the alias ARN (the seed prints the unqualified ARN; recordings row P win)', () => {
    const seedLine = '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function"}';
    const r = resolveQualifier('my-function:prod', undefined, 'us-east-1', OWNER);
    const out = stmt({ StatementId: 'xaccount', Action: invoke, Principal: '111122223333' }, functionArn(r.region, r.accountId, r.functionName, r.qualifier));
    assert.equal(out, seedLine.replace(':function:my-function"', ':function:my-function:prod"'));
  });

  test('002 line 56 "--function-name my-function:prod --statement-id xaccount … --principal 210987654321" (output blank in the seed)', () => {
    const r = resolveQualifier('my-function:prod', undefined, 'us-east-2', OWNER);
    assert.equal(
      stmt({ StatementId: 'xaccount', Action: invoke, Principal: '210987654321' }, functionArn(r.region, r.accountId, r.functionName, r.qualifier)),
      '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function:prod"}',
    );
  });

  test('002 line 39 "--statement-id sns --principal …" (principal and output blank in the seed; sns.amazonaws.com assumed)', () => {
    assert.equal(
      stmt({ StatementId: 'sns', Action: invoke, Principal: 'sns.amazonaws.com' }, functionArn('us-east-2', OWNER, 'my-function')),
      '{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function"}',
    );
  });

  test('002 line 46 "--statement-id sns-my-topic --principal --source-arn arn:aws:sns:us-east-2:123456789012:my-topic" (principal blank in the seed)', () => {
    assert.equal(
      stmt({ StatementId: 'sns-my-topic', Action: invoke, Principal: 'sns.amazonaws.com', SourceArn: 'arn:aws:sns:us-east-2:123456789012:my-topic' }, functionArn('us-east-2', OWNER, 'my-function')),
      '{"Sid":"sns-my-topic","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-2:123456789012:my-topic"}}}',
    );
  });

  test('002 line 50 "--statement-id s3-account --principal --source-arn arn:aws:s3:::my-bucket-123456 --source-account 123456789012" (principal blank)', () => {
    assert.equal(
      stmt(
        { StatementId: 's3-account', Action: invoke, Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket-123456', SourceAccount: OWNER },
        functionArn('us-east-2', OWNER, 'my-function'),
      ),
      '{"Sid":"s3-account","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket-123456"}}}',
    );
  });

  test('002 line 21 example policy "lambda-allow-s3-my-function": same Condition shape; the seed’s blank Service and `:*` Resource are not what AddPermission writes', () => {
    const seed = JSON.parse(
      '{ "Version": "2012-10-17", "Id": "default", "Statement": [ { "Sid": "lambda-allow-s3-my-function", "Effect": "Allow", "Principal": { "Service": "" }, "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-2:123456789012:function:my-function:*", "Condition": { "StringEquals": { "AWS:SourceAccount": "123456789012" }, "ArnLike": { "AWS:SourceArn": "arn:aws:s3:::my-bucket" } } } ] }',
    ) as { Statement: Record<string, unknown>[] };
    const ours = buildFunctionStatement(
      { StatementId: 'lambda-allow-s3-my-function', Action: invoke, Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket', SourceAccount: OWNER },
      functionArn('us-east-2', OWNER, 'my-function'),
    );
    const corrected = { ...seed.Statement[0], Principal: { Service: 's3.amazonaws.com' }, Resource: 'arn:aws:lambda:us-east-2:123456789012:function:my-function' };
    assert.equal(JSON.stringify(ours), JSON.stringify(corrected));
  });

  test('002 line 111/113 "aws lambda get-policy --function-name my-function --output text": the document (Service blank in the seed)', () => {
    const state = addStatement(
      null,
      buildFunctionStatement({ StatementId: 'sns', Action: invoke, Principal: 'sns.amazonaws.com', SourceArn: 'arn:aws:sns:us-east-2:123456789012:lambda*' }, functionArn('us-east-2', OWNER, 'my-function')),
      { newRevisionId: () => '7c681fc9-b791-4e91-acdf-eb847fdaa0f0', kind: 'function' },
    );
    const seedLine =
      '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"sns","Effect":"Allow","Principal":{"Service":""},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-2:123456789012:lambda*"}}}]} 7c681fc9-b791-4e91-acdf-eb847fdaa0f0';
    const out = getPolicyOutput(state, 'function');
    // --output text prints Policy and RevisionId, sorted by key, tab-separated (the seed shows a space).
    assert.equal(`${out.Policy} ${out.RevisionId}`, seedLine.replace('{"Service":""}', '{"Service":"sns.amazonaws.com"}'));
  });

  test('002 line 87/91 "add-layer-version-permission --layer-name xray-sdk-nodejs --statement-id xaccount --principal 210987654321 --version-number 1": exact', () => {
    const out = buildLayerStatement({ StatementId: 'xaccount', Action: 'lambda:GetLayerVersion', Principal: '210987654321' }, layerVersionArn('us-east-2', OWNER, 'xray-sdk-nodejs', 1));
    const state = addStatement(null, out, { newRevisionId: () => 'e210ffdc-e901-43b0-824b-5fcd0dd26d16', kind: 'layer' });
    // --output text: RevisionId then Statement.
    assert.equal(
      `${state.revisionId} ${JSON.stringify(out)}`,
      'e210ffdc-e901-43b0-824b-5fcd0dd26d16 {"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-2:123456789012:layer:xray-sdk-nodejs:1"}',
    );
  });

  test('002 line 97/101 "--layer-name my-layer --statement-id engineering-org --version-number 3 --principal \'*\' --organization-id o-t194hfs8cz": exact (without the seed’s stray trailing quote)', () => {
    const out = buildLayerStatement(
      { StatementId: 'engineering-org', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-t194hfs8cz' },
      layerVersionArn('us-east-2', OWNER, 'my-layer', 3),
    );
    const seedLine =
      'b0cd9796-d4eb-4564-939f-de7fe0b42236 {"Sid":"engineering-org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-2:123456789012:layer:my-layer:3","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-t194hfs8cz"}}}"';
    assert.equal(`b0cd9796-d4eb-4564-939f-de7fe0b42236 ${JSON.stringify(out)}"`, seedLine);
  });

  test('002 line 127/129 "get-layer-version-policy --layer-name my-layer --version-number 3": the Policy wraps the statement in the document (the seed prints the bare statement, from us-west-2)', () => {
    const statement = buildLayerStatement(
      { StatementId: 'engineering-org', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-t194hfs8cz' },
      layerVersionArn('us-east-2', OWNER, 'my-layer', 3),
    );
    const state = addStatement(null, statement, { newRevisionId: () => 'b0cd9796-d4eb-4564-939f-de7fe0b42236', kind: 'layer' });
    assert.deepEqual(getPolicyOutput(state, 'layer'), {
      Policy:
        '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"engineering-org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-2:123456789012:layer:my-layer:3","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-t194hfs8cz"}}}]}',
      RevisionId: 'b0cd9796-d4eb-4564-939f-de7fe0b42236',
    });
    // 002 line 131 "remove-layer-version-permission … --statement-id engineering-org": the policy goes.
    assert.equal(removeStatement(state, 'engineering-org', { newRevisionId: revisions(), kind: 'layer' }), null);
  });
});
