// The console's "Add permissions" forms → AddPermission parameters, and the statements table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addPermissionRequests, policyDocument, policyEditorError, policyResourceArn, publicUrlPermissions, statementRows } from '../../src/console/permissionForms.js';

test('AWS service: principal, source ARN and account; empty optional fields left out', () => {
  assert.deepEqual(
    addPermissionRequests('my-function', undefined, {
      kind: 'service', statementId: ' s3 ', principal: 's3.amazonaws.com', action: 'lambda:InvokeFunction',
      sourceArn: 'arn:aws:s3:::my-bucket', sourceAccount: '123456789012', eventSourceToken: '  ',
    })[0],
    { FunctionName: 'my-function', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket', SourceAccount: '123456789012' },
  );
  assert.deepEqual(
    addPermissionRequests('f', 'prod', { kind: 'service', statementId: 'alexa', principal: 'alexa-appkit.amazon.com', action: 'lambda:InvokeFunction', eventSourceToken: 'amzn1.ask.skill.x' }),
    [{ FunctionName: 'f', Qualifier: 'prod', StatementId: 'alexa', Action: 'lambda:InvokeFunction', Principal: 'alexa-appkit.amazon.com', EventSourceToken: 'amzn1.ask.skill.x' }],
  );
});

test('AWS account: an account or ARN, optionally an organization', () => {
  assert.deepEqual(
    addPermissionRequests('f', undefined, { kind: 'account', statementId: 'x', principal: '111122223333', action: 'lambda:GetFunction', principalOrgId: 'o-abc' }),
    [{ FunctionName: 'f', StatementId: 'x', Action: 'lambda:GetFunction', Principal: '111122223333', PrincipalOrgID: 'o-abc' }],
  );
});

test('Function URL: InvokeFunctionUrl with the auth type, and InvokeFunction via the URL; NONE means everyone', () => {
  assert.deepEqual(
    addPermissionRequests('f', undefined, { kind: 'url', statementId: 'u', principal: 'ignored', action: 'lambda:InvokeFunction', authType: 'NONE' }),
    [
      { FunctionName: 'f', StatementId: 'u', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
      { FunctionName: 'f', StatementId: 'u-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
    ],
  );
  assert.deepEqual(
    addPermissionRequests('f', 'live', { kind: 'url', statementId: 'u', principal: '111122223333', action: '', authType: 'AWS_IAM' }),
    [
      { FunctionName: 'f', Qualifier: 'live', StatementId: 'u', Action: 'lambda:InvokeFunctionUrl', Principal: '111122223333', FunctionUrlAuthType: 'AWS_IAM' },
      { FunctionName: 'f', Qualifier: 'live', StatementId: 'u-invoke', Action: 'lambda:InvokeFunction', Principal: '111122223333', InvokedViaFunctionUrl: true },
    ],
  );
});

test('a NONE URL created in the console gets the two statements of the Developer Guide\'s example', () => {
  assert.deepEqual(publicUrlPermissions('f', 'live'), [
    { FunctionName: 'f', Qualifier: 'live', Principal: '*', StatementId: 'FunctionURLAllowPublicAccess', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' },
    { FunctionName: 'f', Qualifier: 'live', Principal: '*', StatementId: 'FunctionURLInvokeAllowPublicAccess', Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true },
  ]);
});

test('Edit policy document: the ARN of the function, version or alias; the text checked before it is sent', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  assert.equal(policyResourceArn(arn, undefined), arn);
  assert.equal(policyResourceArn(`${arn}:3`, undefined), arn);
  assert.equal(policyResourceArn(arn, 'live'), `${arn}:live`);
  assert.match(policyEditorError('{"Statement": [') ?? '', /^The policy is not valid JSON: /);
  assert.equal(policyEditorError('[]'), 'The policy must be a JSON object.');
  assert.equal(policyEditorError('{"Version":"2012-10-17"}'), 'The policy has no Statement.');
  assert.equal(policyEditorError('{"Version":"2012-10-17","Statement":[]}'), undefined);
});

test('statement rows: principal, conditions and action as the console lists them; the document indented, order kept', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17', Id: 'default',
    Statement: [
      { Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn', Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } } },
      { Sid: 'any', Effect: 'Allow', Principal: '*', Action: ['lambda:InvokeFunctionUrl'], Resource: 'arn' },
    ],
  });
  assert.deepEqual(statementRows(policy), [
    { sid: 's3', principal: 'Service: s3.amazonaws.com', conditions: 'StringEquals AWS:SourceAccount = 123456789012; ArnLike AWS:SourceArn = arn:aws:s3:::b', action: 'lambda:InvokeFunction', effect: 'Allow' },
    { sid: 'any', principal: '*', conditions: '', action: 'lambda:InvokeFunctionUrl', effect: 'Allow' },
  ]);
  assert.deepEqual(statementRows(undefined), []);
  assert.ok(policyDocument(policy).startsWith('{\n  "Version": "2012-10-17",\n  "Id": "default",'));
});
