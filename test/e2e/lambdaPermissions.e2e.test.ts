// Lambda's resource-based policies against a started server with the default world, driven
// by @aws-sdk/client-lambda: who can reach a function or a layer version across accounts,
// and what 100 (or 20) racing AddPermission calls leave behind.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient,
  CreateFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  AddPermissionCommand,
  RemovePermissionCommand,
  PublishVersionCommand,
  CreateAliasCommand,
  PublishLayerVersionCommand,
  AddLayerVersionPermissionCommand,
  GetLayerVersionCommand,
  GetLayerVersionByArnCommand,
  type LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { sdkConfig, startServer, type RunningServer, LAMBDA_TRUST_POLICY, refusal } from './support.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const FN = `arn:aws:lambda:us-east-1:${OWNER}:function:shared`;
const ZIP = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async () => ({ ok: true });\n') }));

let server: RunningServer;
const lambda = (profile: string) => new LambdaClient(sdkConfig(server, profile));

async function createFunction(name: string) {
  await lambda('owner').send(
    new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/lambda-exec`, Code: { ZipFile: ZIP } }),
  );
}

before(async () => {
  server = await startServer();
  await new IAMClient(sdkConfig(server, 'owner')).send(
    new CreateRoleCommand({
      RoleName: 'lambda-exec',
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
    }),
  );
  await createFunction('shared');
});
after(async () => server?.stop());

describe('cross-account access to a function', () => {
  test('partner cannot GetFunction or GetPolicy without a statement that allows it', async () => {
    const e = await refusal<LambdaServiceException>(lambda('partner').send(new GetFunctionCommand({ FunctionName: FN })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.match(e.message, /because no resource-based policy allows the lambda:GetFunction action/);
  });

  test('a statement naming partner admits it, for exactly the actions it names', async () => {
    for (const [sid, action] of [['partner-get', 'lambda:GetFunction'], ['partner-policy', 'lambda:GetPolicy']]) {
      await lambda('owner').send(new AddPermissionCommand({ FunctionName: 'shared', StatementId: sid, Action: action, Principal: PARTNER }));
    }
    const fn = await lambda('partner').send(new GetFunctionCommand({ FunctionName: FN }));
    assert.equal(fn.Configuration?.FunctionArn, FN);
    const { Policy } = await lambda('partner').send(new GetPolicyCommand({ FunctionName: FN }));
    assert.deepEqual(JSON.parse(Policy!).Statement.map((s: { Sid: string }) => s.Sid), ['partner-get', 'partner-policy']);
    // The outsider is named nowhere.
    const e = await refusal<LambdaServiceException>(lambda('outsider').send(new GetFunctionCommand({ FunctionName: FN })));
    assert.equal(e.name, 'AccessDeniedException');
  });

  test('a qualified request needs the qualifier\'s own policy', async () => {
    await lambda('owner').send(new PublishVersionCommand({ FunctionName: 'shared' }));
    await lambda('owner').send(new CreateAliasCommand({ FunctionName: 'shared', Name: 'prod', FunctionVersion: '1' }));
    const e = await refusal<LambdaServiceException>(lambda('partner').send(new GetFunctionCommand({ FunctionName: `${FN}:prod` })));
    assert.equal(e.name, 'AccessDeniedException');
    await lambda('owner').send(new AddPermissionCommand({ FunctionName: 'shared:prod', StatementId: 'alias-get', Action: 'lambda:GetFunction', Principal: PARTNER }));
    const fn = await lambda('partner').send(new GetFunctionCommand({ FunctionName: `${FN}:prod` }));
    assert.equal(fn.Configuration?.Version, '1');
  });

  test('AddPermission on another account\'s function is always denied', async () => {
    await lambda('owner').send(new AddPermissionCommand({ FunctionName: 'shared', StatementId: 'partner-all', Action: 'lambda:*', Principal: PARTNER }));
    const e = await refusal<LambdaServiceException>(
      lambda('partner').send(new AddPermissionCommand({ FunctionName: FN, StatementId: 'sneaky', Action: 'lambda:InvokeFunction', Principal: '*' })),
    );
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 403);
  });
});

describe('cross-account access to a layer version', () => {
  test('outsider gets a layer version only with a statement that admits it; an org statement admits partner only', async () => {
    const { LayerVersionArn } = await lambda('owner').send(new PublishLayerVersionCommand({ LayerName: 'tools', Content: { ZipFile: ZIP } }));
    const get = (profile: string) => lambda(profile).send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn! }));
    assert.equal((await refusal<LambdaServiceException>(get('partner'))).name, 'AccessDeniedException');
    assert.equal((await refusal<LambdaServiceException>(get('outsider'))).name, 'AccessDeniedException');

    const org = await lambda('owner').send(
      new AddLayerVersionPermissionCommand({ LayerName: 'tools', VersionNumber: 1, StatementId: 'org', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-t194hfs8cz' }),
    );
    assert.equal(
      org.Statement,
      `{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"${LayerVersionArn}","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-t194hfs8cz"}}}`,
    );
    assert.equal((await get('partner')).LayerVersionArn, LayerVersionArn);
    assert.equal((await refusal<LambdaServiceException>(get('outsider'))).name, 'AccessDeniedException');

    await lambda('owner').send(
      new AddLayerVersionPermissionCommand({ LayerName: 'tools', VersionNumber: 1, StatementId: 'outsider', Action: 'lambda:GetLayerVersion', Principal: '210987654321' }),
    );
    const v = await lambda('outsider').send(new GetLayerVersionCommand({ LayerName: `arn:aws:lambda:us-east-1:${OWNER}:layer:tools`, VersionNumber: 1 }));
    assert.equal(v.Version, 1);
  });
});

describe('concurrency', () => {
  test('100 parallel AddPermission calls with distinct ids: each statement exactly once, or PolicyLengthExceeded', async () => {
    await createFunction('crowded');
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        lambda('owner').send(
          new AddPermissionCommand({ FunctionName: 'crowded', StatementId: `sid-${i}`, Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: `arn:aws:sns:us-east-1:${OWNER}:topic-${i}` }),
        ),
      ),
    );
    const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name);
    assert.ok(failures.every((n) => n === 'PolicyLengthExceededException'), failures.join(', '));
    const { Policy } = await lambda('owner').send(new GetPolicyCommand({ FunctionName: 'crowded' }));
    const sids = JSON.parse(Policy!).Statement.map((s: { Sid: string }) => s.Sid) as string[];
    assert.equal(new Set(sids).size, sids.length, 'no statement twice');
    assert.equal(sids.length, results.length - failures.length, 'every acknowledged statement is there');
    assert.ok(Buffer.byteLength(Policy!) <= 20480);
  });

  test('20 parallel calls with the same id: exactly one 201, the rest 409', async () => {
    await createFunction('contested');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        lambda('owner').send(new AddPermissionCommand({ FunctionName: 'contested', StatementId: 'same', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' })),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.name, 'ResourceConflictException');
  });

  test('RevisionId races: exactly one winner', async () => {
    const { RevisionId } = await lambda('owner').send(new GetPolicyCommand({ FunctionName: 'contested' }));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        lambda('owner').send(new AddPermissionCommand({ FunctionName: 'contested', StatementId: `race-${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', RevisionId })),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.name, 'PreconditionFailedException');
    const removed = await Promise.allSettled(
      ['same', 'same'].map((sid) => lambda('owner').send(new RemovePermissionCommand({ FunctionName: 'contested', StatementId: sid }))),
    );
    assert.equal(removed.filter((r) => r.status === 'fulfilled').length, 1);
  });
});

describe('code download links', () => {
  test('GetFunction\'s Code.Location downloads the deployment package; a tampered link does not', async () => {
    const { Code, Configuration } = await lambda('owner').send(new GetFunctionCommand({ FunctionName: 'shared' }));
    const res = await fetch(Code!.Location!);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(body, ZIP);
    assert.equal(Configuration?.CodeSize, ZIP.length);
    const tampered = await fetch(Code!.Location!.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`));
    assert.equal(tampered.status, 403);
  });
});
