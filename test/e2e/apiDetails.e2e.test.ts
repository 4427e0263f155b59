// Details a newcomer's trial and moto's test suite found, each as AWS answers it, through SDK v3
// against a started server: ListFunctions with every version, a deleted layer version still
// serving the functions that use it, Invoke with a payload that is not JSON, GetAccountSettings,
// IAM's case-insensitive tag keys and paged tag lists, S3 access points in policies.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient, CreateFunctionCommand, DeleteLayerVersionCommand, GetAccountSettingsCommand, GetLayerVersionCommand, InvokeCommand,
  ListFunctionsCommand, PublishLayerVersionCommand, PublishVersionCommand, PutFunctionConcurrencyCommand, UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  IAMClient, CreateRoleCommand, CreateUserCommand, ListUserTagsCommand, PutUserPolicyCommand, TagUserCommand,
} from '@aws-sdk/client-iam';
import { LAMBDA_TRUST_POLICY, refusal, sdkConfig, startServer, type RunningServer } from './support.js';

const OWNER = '123456789012';
let server: RunningServer;
const lambda = () => new LambdaClient(sdkConfig(server, 'owner'));
const iam = () => new IAMClient(sdkConfig(server, 'owner'));
type Failure = Error & { $metadata: { httpStatusCode?: number } };

// The layer's module is found on NODE_PATH (the layers' nodejs/node_modules), as on Lambda.
const HANDLER = "exports.handler = async (e) => { let layer = null; try { layer = require('greeting'); } catch {} return { layer: layer && layer.hello, e }; };\n";

before(async () => {
  server = await startServer();
  await iam().send(new CreateRoleCommand({ RoleName: 'details-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
});
after(async () => server?.stop());

test('ListFunctions with FunctionVersion ALL lists each function\'s $LATEST and every published version', async () => {
  for (const name of ['ver-a', 'ver-b']) {
    await lambda().send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/details-exec`,
      Code: { ZipFile: zipSync({ 'index.js': strToU8(`${HANDLER}// ${name}\n`) }) }, Publish: true,
    }));
  }
  await lambda().send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver-a', Description: 'second' }));
  await waitUntilFunctionUpdatedV2({ client: lambda(), maxWaitTime: 10 }, { FunctionName: 'ver-a' });
  await lambda().send(new PublishVersionCommand({ FunctionName: 'ver-a' }));
  const all = (await lambda().send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }))).Functions!.filter((f) => f.FunctionName!.startsWith('ver-'));
  assert.deepEqual(all.map((f) => `${f.FunctionName}:${f.Version}`), ['ver-a:$LATEST', 'ver-a:1', 'ver-a:2', 'ver-b:$LATEST', 'ver-b:1']);
  assert.equal(all[1]!.FunctionArn, `arn:aws:lambda:us-east-1:${OWNER}:function:ver-a:1`);
  const latestOnly = (await lambda().send(new ListFunctionsCommand({}))).Functions!.filter((f) => f.FunctionName!.startsWith('ver-'));
  assert.deepEqual(latestOnly.map((f) => f.Version), ['$LATEST', '$LATEST']);
  // Paged by MaxItems and NextMarker like the plain listing.
  const first = await lambda().send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2 }));
  assert.equal(first.Functions!.length, 2);
  assert.ok(first.NextMarker);
});

test('a deleted layer version keeps serving the functions that already use it, and no one else', async () => {
  const { LayerVersionArn } = await lambda().send(new PublishLayerVersionCommand({
    LayerName: 'greeting', Content: { ZipFile: zipSync({ 'nodejs/node_modules/greeting/index.js': strToU8('exports.hello = "from the layer";\n') }) },
  }));
  await lambda().send(new CreateFunctionCommand({
    FunctionName: 'uses-layer', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/details-exec`,
    Code: { ZipFile: zipSync({ 'index.js': strToU8(HANDLER) }) }, Layers: [LayerVersionArn!],
  }));
  await lambda().send(new DeleteLayerVersionCommand({ LayerName: 'greeting', VersionNumber: 1 }));
  const out = await lambda().send(new InvokeCommand({ FunctionName: 'uses-layer', Payload: Buffer.from('{}') }));
  assert.equal(JSON.parse(Buffer.from(out.Payload!).toString()).layer, 'from the layer');
  assert.equal((await refusal<Failure>(lambda().send(new GetLayerVersionCommand({ LayerName: 'greeting', VersionNumber: 1 })))).name, 'ResourceNotFoundException');
  const e = await refusal<Failure>(lambda().send(new CreateFunctionCommand({
    FunctionName: 'too-late', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/details-exec`,
    Code: { ZipFile: zipSync({ 'index.js': strToU8(HANDLER) }) }, Layers: [LayerVersionArn!],
  })));
  assert.equal(e.name, 'InvalidParameterValueException');
});

test('Invoke with a payload that is not JSON: 400 InvalidRequestContentException, as recorded, and nothing runs', async () => {
  const e = await refusal<Failure>(lambda().send(new InvokeCommand({ FunctionName: 'uses-layer', Payload: Buffer.from('not json') })));
  assert.equal(e.name, 'InvalidRequestContentException');
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.equal(
    e.message,
    "Could not parse request body into json: Could not parse payload into json: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 5]",
  );
  const bytes = await refusal<Failure>(lambda().send(new InvokeCommand({ FunctionName: 'uses-layer', Payload: Buffer.from([0x6e, 0x87, 0x72]) })));
  assert.match(bytes.message, /^Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x87\n at \[Source: REDACTED/);
});

test('GetAccountSettings: the account\'s limits, and what it uses in the region', async () => {
  await lambda().send(new PutFunctionConcurrencyCommand({ FunctionName: 'ver-b', ReservedConcurrentExecutions: 50 }));
  const settings = await lambda().send(new GetAccountSettingsCommand({}));
  assert.deepEqual(settings.AccountLimit, {
    TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800, ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 950,
  });
  assert.equal(settings.AccountUsage?.FunctionCount, 3);
  assert.ok((settings.AccountUsage?.TotalCodeSize ?? 0) > 0);
  const before = settings.AccountUsage!.TotalCodeSize!;
  await lambda().send(new PublishLayerVersionCommand({ LayerName: 'sized', Content: { ZipFile: zipSync({ 'x.txt': strToU8('x'.repeat(100)) }) } }));
  const after = (await lambda().send(new GetAccountSettingsCommand({}))).AccountUsage!.TotalCodeSize!;
  assert.ok(after > before, 'a new layer version adds its package');
});

test('IAM tag keys are case-insensitive: duplicates refused with IAM\'s text; ListUserTags pages', async () => {
  const dup = await refusal<Failure>(iam().send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'Team', Value: 'a' }, { Key: 'team', Value: 'b' }] })));
  assert.equal(dup.name, 'InvalidInputException');   // the SDK's class for the wire code InvalidInput
  assert.equal(dup.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  await iam().send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'Team', Value: 'a' }] }));
  assert.equal((await refusal<Failure>(iam().send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'k', Value: '1' }, { Key: 'K', Value: '2' }] })))).name, 'InvalidInputException');
  await iam().send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'TEAM', Value: 'b' }, { Key: 'env', Value: 'dev' }, { Key: 'owner', Value: 'me' }] }));
  const first = await iam().send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 2 }));
  assert.equal(first.Tags!.length, 2);
  assert.equal(first.IsTruncated, true);
  const rest = await iam().send(new ListUserTagsCommand({ UserName: 'tagged', Marker: first.Marker! }));
  assert.equal(rest.IsTruncated, false);
  assert.deepEqual([...first.Tags!, ...rest.Tags!].map((t) => `${t.Key}=${t.Value}`), ['TEAM=b', 'env=dev', 'owner=me']);
});

test('S3 access point ARNs, which name a region, are valid policy resources', async () => {
  await iam().send(new PutUserPolicyCommand({
    UserName: 'tagged', PolicyName: 'ap',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:us-east-1:${OWNER}:accesspoint/my-ap/object/*` }] }),
  }));
});
