// boto3, the third real client: a Python script drives a started server as a user would
// (the generated shared files and a profile name, nothing else: the profile names the
// endpoint), also through the role profile partner-ops, and a Python function uses the
// boto3 its runtime provides to call back with its execution role.

import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, tempDir, type RunningServer } from './support.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server?.stop());

const SCRIPT = String.raw`
import io, json, os, sys, zipfile
import boto3
from botocore.exceptions import ClientError

def client(service, profile):
    return boto3.Session(profile_name=profile).client(service)

out = {}
owner_iam, owner_lambda = client('iam', 'owner'), client('lambda', 'owner')
out['me'] = client('sts', 'partner').get_caller_identity()['Arn']
out['ops'] = client('sts', 'partner-ops').get_caller_identity()['Arn']

owner_iam.create_role(RoleName='py-exec', AssumeRolePolicyDocument=json.dumps({
    'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))
owner_iam.put_role_policy(RoleName='py-exec', PolicyName='whoami', PolicyDocument=json.dumps({
    'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:GetCallerIdentity', 'Resource': '*'}]}))

code = io.BytesIO()
with zipfile.ZipFile(code, 'w') as z:
    z.writestr('app.py', 'import boto3\n'
               'def handler(event, context):\n'
               '    return {"me": boto3.client("sts").get_caller_identity()["Arn"], "event": event}\n')
owner_lambda.create_function(FunctionName='py-fn', Runtime='python3.12', Handler='app.handler', Timeout=30,
                             Role='arn:aws:iam::123456789012:role/py-exec', Code={'ZipFile': code.getvalue()})
owner_lambda.get_waiter('function_active_v2').wait(FunctionName='py-fn')
fn_arn = 'arn:aws:lambda:us-east-1:123456789012:function:py-fn'

partner_lambda = client('lambda', 'partner')
try:
    partner_lambda.invoke(FunctionName=fn_arn, Payload=b'{}')
    out['before'] = 'allowed'
except ClientError as e:
    out['before'] = e.response['Error']['Code']
    out['beforeStatus'] = e.response['ResponseMetadata']['HTTPStatusCode']

added = owner_lambda.add_permission(FunctionName='py-fn', StatementId='partner', Action='lambda:InvokeFunction', Principal='111122223333')
out['statement'] = json.loads(added['Statement'])
res = partner_lambda.invoke(FunctionName=fn_arn, Payload=json.dumps({'from': 'partner'}).encode(), LogType='Tail')
out['status'] = res['StatusCode']
out['payload'] = json.loads(res['Payload'].read())
out['url'] = owner_lambda.create_function_url_config(FunctionName='py-fn', AuthType='AWS_IAM')['AuthType']
print(json.dumps(out))
`;

/** Runs a script as a user would (the generated shared files, profiles by name); its last line of output, as JSON, or undefined when skipped. */
function runPython(t: TestContext, script: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('python3', ['-c', script], {
    env: { ...server.cliEnv('owner'), AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error && !process.env.CI) {
    t.skip(`SKIPPED LOUDLY: python3 is not available (${r.error.message})`);
    return undefined;
  }
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('boto3 drives Latchkey; a Python function calls back with boto3 as its role', (t) => {
  const out = runPython(t, SCRIPT);
  if (!out) return;
  assert.equal(out.me, 'arn:aws:iam::111122223333:user/admin');
  assert.match(out.ops, /^arn:aws:sts::123456789012:assumed-role\/partner-ops\/.+/);
  assert.equal(out.before, 'AccessDeniedException');
  assert.equal(out.beforeStatus, 403);
  assert.deepEqual(out.statement, {
    Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'lambda:InvokeFunction',
    Resource: 'arn:aws:lambda:us-east-1:123456789012:function:py-fn',
  });
  assert.equal(out.status, 200);
  assert.deepEqual(out.payload, { me: 'arn:aws:sts::123456789012:assumed-role/py-exec/py-fn', event: { from: 'partner' } });
  assert.equal(out.url, 'AWS_IAM');
});

// botocore 1.43 predates PutResourcePolicy; Latchkey's model, put where `aws configure add-model`
// puts it (~/.aws/models, which botocore reads too), adds the three operations (README).
const RESOURCE_POLICY_SCRIPT = String.raw`
import json
import boto3
from botocore.exceptions import ClientError

owner = boto3.Session(profile_name='owner').client('lambda')
partner = boto3.Session(profile_name='partner').client('lambda')
arn = 'arn:aws:lambda:us-east-1:123456789012:function:py-fn'
out = {}
policy = {'Version': '2012-10-17', 'Statement': [
    {'Sid': 'org', 'Effect': 'Allow', 'Principal': '*', 'Action': 'lambda:InvokeFunction', 'Resource': arn,
     'Condition': {'StringEquals': {'aws:PrincipalOrgID': 'o-t194hfs8cz'}}},
    {'Sid': 'not-partner', 'Effect': 'Deny', 'Principal': {'AWS': '111122223333'}, 'Action': 'lambda:InvokeFunction', 'Resource': arn}]}
put = owner.put_resource_policy(ResourceArn=arn, Policy=json.dumps(policy))
out['sids'] = [s['Sid'] for s in json.loads(owner.get_resource_policy(ResourceArn=arn)['Policy'])['Statement']]
out['sameRevision'] = owner.get_policy(FunctionName='py-fn')['RevisionId'] == put['RevisionId']
try:
    partner.invoke(FunctionName=arn, Payload=b'{}')
    out['partner'] = 'allowed'
except ClientError as e:
    out['partner'] = e.response['Error']['Code']
owner.delete_resource_policy(ResourceArn=arn)
try:
    owner.get_resource_policy(ResourceArn=arn)
except ClientError as e:
    out['afterDelete'] = e.response['Error']['Code']
print(json.dumps(out))
`;

test('boto3 with Latchkey\'s Lambda model added: PutResourcePolicy, a Deny decided on Invoke, DeleteResourcePolicy', (t) => {
  const home = tempDir('latchkey-boto3-home-');
  const models = path.join(home, '.aws', 'models', 'lambda', '2015-03-31');
  fs.mkdirSync(models, { recursive: true });
  fs.copyFileSync(fileURLToPath(new URL('../../../src/aws/models/lambda.json', import.meta.url)), path.join(models, 'service-2.json'));
  const out = runPython(t, RESOURCE_POLICY_SCRIPT, { HOME: home });
  if (!out) return;
  assert.deepEqual(out, { sids: ['org', 'not-partner'], sameRevision: true, partner: 'AccessDeniedException', afterDelete: 'ResourceNotFoundException' });
});
