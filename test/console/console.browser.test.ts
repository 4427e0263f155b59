// The web console in a real browser: Debian's Chromium driven by playwright-core against a
// started server. Walks seed 002's path (Functions → a function → Configuration →
// Permissions → View policy document), adds permissions through the forms and checks them
// with the SDK, deletes one, invokes through the Test panel, signs in as another account, and
// looks at Access and Activity. Screenshots go to test-results/ (not committed).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient, AddPermissionCommand, CreateFunctionCommand, GetFunctionCommand, GetPolicyCommand, PublishVersionCommand, CreateAliasCommand,
  PublishLayerVersionCommand, GetLayerVersionPolicyCommand, InvokeCommand,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { sdkConfig, startServer, type RunningServer, LAMBDA_TRUST_POLICY } from '../e2e/support.js';

const CHROMIUM = '/usr/bin/chromium';
const OWNER = '123456789012';
const PARTNER = '111122223333';
const OUTSIDER = '210987654321';
const FN_ARN = `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`;
const RESULTS = path.resolve('test-results');

const missing = !fs.existsSync(CHROMIUM);
if (missing && !process.env.CI) console.warn(`\n*** SKIPPING the console browser tests LOUDLY: ${CHROMIUM} is missing (apt-get install chromium). ***\n`);

let server: RunningServer;
let browser: Browser;
let page: Page;
/** Console errors and uncaught exceptions in the page, except the browser's own lines for HTTP 4xx answers (AccessDenied, not found) the tests provoke. */
const problems: string[] = [];
const lambda = () => new LambdaClient(sdkConfig(server, 'owner'));
const policyOf = async () => JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: 'my-function' }))).Policy!) as { Statement: Record<string, unknown>[] };

async function signIn(profile: string) {
  // The address `latchkey serve` prints: the local token lets the console offer the profiles.
  await page.goto(`${server.endpoint}/console/#sign-in=${server.localToken}`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Profile', { exact: true }).selectOption(profile);
  // By keyboard: from the profile select, Tab reaches the button and Enter presses it.
  await page.getByLabel('Profile', { exact: true }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Functions' }).waitFor();
}

/** Every input, select and textarea on the page has a label. */
async function assertLabelled(where: string) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML),
  );
  assert.deepEqual(unlabelled, [], `unlabelled controls on ${where}`);
}

describe('the web console', { skip: missing && !process.env.CI ? 'no Chromium' : false }, () => {
  before(async () => {
    server = await startServer();
    const iam = new IAMClient(sdkConfig(server, 'owner'));
    await iam.send(new CreateRoleCommand({ RoleName: 'lambda-ex', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'lambda-ex', PolicyName: 'logs',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] }),
    }));
    await lambda().send(new CreateFunctionCommand({
      FunctionName: 'my-function', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/lambda-ex`,
      Code: { ZipFile: Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async (e) => { console.log("hello from my-function"); return { got: e }; };\n') })) },
    }));
    await lambda().send(new PublishVersionCommand({ FunctionName: 'my-function' }));
    await lambda().send(new CreateAliasCommand({ FunctionName: 'my-function', Name: 'prod', FunctionVersion: '1' }));
    fs.mkdirSync(RESULTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('sign in as owner and walk seed 002: Functions → my-function → Configuration → Permissions', async () => {
    await signIn('owner');
    await assertLabelled('the functions page');
    await page.getByRole('link', { name: 'my-function' }).click();
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('heading', { name: 'Resource-based policy statements' }).waitFor();
    await page.getByRole('table', { name: 'Policies of the execution role' }).waitFor();
    assert.match(await page.getByRole('table', { name: 'Policies of the execution role' }).innerText(), /logs\s+inline\s+Allow: logs:CreateLogStream, logs:PutLogEvents/);
    assert.equal(await page.getByRole('button', { name: 'View policy document' }).isDisabled(), true, 'no policy yet');
  });

  test('add an AWS account permission and an AWS service permission through the forms; GetPolicy agrees', async () => {
    await page.getByRole('button', { name: 'Add permissions' }).click();
    await page.getByLabel('Grant permission to').selectOption('account');
    await page.getByLabel('Statement ID').fill('xaccount');
    await page.getByLabel('Principal', { exact: true }).fill(PARTNER);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'xaccount', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Add permissions' }).click();
    await page.getByLabel('Grant permission to').selectOption('service');
    await page.getByLabel('Service').selectOption('s3');
    await page.getByLabel('Statement ID').fill('s3-account');
    await page.getByLabel('Source ARN').fill('arn:aws:s3:::my-bucket-123456');
    await page.getByLabel('Source account').fill(OWNER);
    await assertLabelled('the add-permissions form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 's3-account', exact: true }).waitFor();

    const statements = (await policyOf()).Statement;
    assert.deepEqual(statements.map((s) => s.Sid), ['xaccount', 's3-account']);
    assert.deepEqual(statements[0]!.Principal, { AWS: `arn:aws:iam::${PARTNER}:root` });
    assert.deepEqual(statements[1]!.Principal, { Service: 's3.amazonaws.com' });
    assert.deepEqual(statements[1]!.Condition, { StringEquals: { 'AWS:SourceAccount': OWNER }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket-123456' } });

    await page.getByRole('button', { name: 'View policy document' }).click();
    const shown = await page.getByLabel('Policy document').innerText();
    const sdk = (await lambda().send(new GetPolicyCommand({ FunctionName: 'my-function' }))).Policy!;
    assert.deepEqual(JSON.parse(shown), JSON.parse(sdk));
    assert.equal(shown, JSON.stringify(JSON.parse(sdk), null, 2), 'the same JSON, keys in AWS\'s order');
    await page.screenshot({ path: path.join(RESULTS, 'function-permissions.png'), fullPage: true });
  });

  test('delete a statement after confirming (Escape cancels)', async () => {
    await page.getByRole('button', { name: 'Delete statement s3-account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete statement s3-account?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual((await policyOf()).Statement.map((s) => s.Sid), ['xaccount', 's3-account'], 'nothing deleted');
    await page.getByRole('button', { name: 'Delete statement s3-account' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('cell', { name: 's3-account', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual((await policyOf()).Statement.map((s) => s.Sid), ['xaccount']);
  });

  test('Edit policy document: the whole JSON policy with a Deny, through PutResourcePolicy; bad JSON and AWS\'s errors shown', async () => {
    await page.getByRole('button', { name: 'Edit policy document' }).click();
    const editor = page.getByLabel('Policy JSON');
    assert.deepEqual(JSON.parse(await editor.inputValue()), await policyOf(), 'it starts from the current policy');
    await editor.fill('{"Statement": [');
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await page.getByRole('alert').innerText(), /^The policy is not valid JSON: /);
    const current = await policyOf();
    const elsewhere = { ...current, Statement: [{ ...current.Statement[0], Resource: `${FN_ARN}-other` }] };
    await editor.fill(JSON.stringify(elsewhere));
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await page.getByRole('alert').innerText(), /^InvalidParameterValueException: /);
    const withDeny = { ...current, Statement: [...current.Statement, { Sid: 'no-deletes', Effect: 'Deny', Principal: '*', Action: 'lambda:DeleteFunction', Resource: FN_ARN }] };
    await editor.fill(JSON.stringify(withDeny, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'no-deletes', exact: true }).waitFor();
    assert.deepEqual((await policyOf()).Statement.map((st) => `${st.Sid} ${st.Effect}`), ['xaccount Allow', 'no-deletes Deny']);
    await page.screenshot({ path: path.join(RESULTS, 'function-policy-editor.png'), fullPage: true });
  });

  test('an alias has a policy of its own', async () => {
    await page.getByLabel('Version or alias').selectOption('prod');
    await page.getByRole('heading', { name: 'Resource-based policy statements' }).waitFor();
    await page.getByText('Resource-based policy statements: none.').waitFor();
  });

  test('invoke through the Test panel: status, executed version, result and log tail', async () => {
    await page.getByRole('link', { name: 'Test' }).click();
    await page.getByLabel('Event JSON').fill('{"n": 42}');
    await page.getByRole('button', { name: 'Invoke' }).click();
    await page.locator('.status').waitFor();
    assert.equal(await page.locator('.status').innerText(), '200');
    assert.match(await page.locator('.payload').innerText(), /"got":\{"n":42\}/);
    assert.match(await page.locator('.log').innerText(), /hello from my-function/);
    assert.match(await page.locator('.facts').first().innerText(), /Executed version\s+1/);
  });

  test('Monitor: without a log group it says why; once the group exists, the invocations\' lines; the mappings', async () => {
    await page.getByRole('link', { name: 'Monitor' }).click();
    await page.getByText('No log group').waitFor();
    assert.match(await page.locator('main').innerText(), /its execution role may not write logs \(logs:CreateLogGroup/);
    // The role may create streams and put events but not create the group: with the group there, logs flow.
    await new CloudWatchLogsClient(sdkConfig(server, 'owner')).send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/my-function' }));
    await lambda().send(new InvokeCommand({ FunctionName: 'my-function', Payload: Buffer.from('{"n":7}') }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.getByRole('button', { name: 'Refresh' }).click();
    const events = page.getByRole('table', { name: 'Recent log events' });
    await events.waitFor();
    assert.match(await events.innerText(), /hello from my-function/);
    assert.match(await events.innerText(), /REPORT RequestId: /);
    await page.getByText('Event source mappings: none.').waitFor();
    await assertLabelled('the monitor tab');
  });

  test('Function URL tab: create a NONE URL; it is shown', async () => {
    await page.getByLabel('Version or alias').selectOption('');
    await page.getByRole('link', { name: 'Function URL' }).click();
    await page.getByText('No function URL.').waitFor();
    await page.getByLabel('Auth type').selectOption('NONE');
    await page.getByRole('button', { name: 'Create function URL' }).click();
    const url = await page.getByRole('link', { name: /lambda-url\.us-east-1\.localhost/ }).innerText();
    assert.match(url, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    // As the Lambda console does, both statements a NONE URL needs were added: it answers.
    const sidsNow = (await policyOf()).Statement.map((st) => st.Sid);
    assert.ok(sidsNow.includes('FunctionURLAllowPublicAccess') && sidsNow.includes('FunctionURLInvokeAllowPublicAccess'), String(sidsNow));
    const urlId = new URL(url).hostname.split('.')[0];
    assert.equal((await fetch(`${server.endpoint}/lambda-url/${urlId}/`)).status, 200);
  });

  test('a user who may read but not invoke: the Test panel shows AccessDenied and why', async () => {
    const iam = new IAMClient(sdkConfig(server, 'owner'));
    await iam.send(new CreateUserCommand({ UserName: 'viewer' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'viewer', PolicyName: 'look-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:Get*', 'lambda:List*', 'iam:Get*', 'iam:List*', 'sts:GetCallerIdentity', 'cloudtrail:LookupEvents'], Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'viewer' }))).AccessKey!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access key ID').fill(key.AccessKeyId!);
    await page.getByLabel('Secret access key').fill(key.SecretAccessKey!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Functions' }).waitFor();
    await page.getByRole('link', { name: 'my-function' }).click();
    await page.getByRole('link', { name: 'Test' }).click();
    await page.getByRole('button', { name: 'Invoke' }).click();
    assert.match(await page.getByRole('alert').innerText(), /^AccessDeniedException: User: arn:aws:iam::123456789012:user\/viewer is not authorized to perform: lambda:InvokeFunction/);
    const why = await page.locator('.explanation').innerText();
    assert.match(why, /DENIED: nothing in the caller's identity-based policies allows it/);
    assert.match(why, /neither does/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('owner');
  });

  test('Access shows who outside can reach what; Activity lists decisions and explains a denial', async () => {
    await lambda().send(new AddPermissionCommand({ FunctionName: 'my-function', StatementId: 'outsider', Action: 'lambda:InvokeFunction', Principal: OUTSIDER }));
    await page.getByRole('link', { name: 'Access' }).click();
    await page.getByRole('heading', { name: 'Access' }).waitFor();
    await page.getByText('cross-account').first().waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(`arn:aws:iam::${OUTSIDER}:root`));
    await page.screenshot({ path: path.join(RESULTS, 'access.png'), fullPage: true });
    // A denial to look at: the partner may invoke, not read the configuration.
    await new LambdaClient(sdkConfig(server, 'partner')).send(new GetFunctionCommand({ FunctionName: FN_ARN })).catch(() => undefined);
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('table', { name: 'Decisions, newest first' }).waitFor();
    await assertLabelled('the activity page');
    await page.getByLabel('Principal contains').fill('111122223333');
    await page.getByLabel('Decision').selectOption('ImplicitDeny');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: 'Denied — why?' }).first().click();
    const why = await page.locator('.explanation').innerText();
    assert.match(why, /arn:aws:iam::111122223333:user\/admin → lambda:GetFunction on arn:aws:lambda:us-east-1:123456789012:function:my-function/);
    assert.match(why, /DENIED: nothing in the resource-based policy allows it/);
  });

  test('Layers: share a layer version with an organization, then remove it', async () => {
    const layerZip = Buffer.from(zipSync({ 'nodejs/node_modules/util/index.js': strToU8('module.exports = 1;\n') }));
    await lambda().send(new PublishLayerVersionCommand({ LayerName: 'shared-utils', Content: { ZipFile: layerZip } }));
    await page.getByRole('link', { name: 'Layers' }).click();
    await page.getByRole('link', { name: 'shared-utils' }).click();
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    await assertLabelled('the layer page');
    await page.getByLabel('Share with').selectOption('organization');
    await page.getByLabel('Statement ID').fill('my-org');
    await page.getByLabel('Account ID or organization ID').fill('o-t194hfs8cz');
    await page.getByRole('button', { name: 'Add permission' }).click();
    await page.getByRole('cell', { name: 'my-org', exact: true }).waitFor();
    const policy = JSON.parse((await lambda().send(new GetLayerVersionPolicyCommand({ LayerName: 'shared-utils', VersionNumber: 1 }))).Policy!);
    assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'aws:PrincipalOrgID': 'o-t194hfs8cz' } });
    await page.getByRole('button', { name: 'Remove statement my-org' }).click();
    await page.getByRole('cell', { name: 'my-org', exact: true }).waitFor({ state: 'detached' });
  });

  test('partner: another account\'s function is not listed; its direct URL shows the API\'s AccessDenied', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('partner');
    assert.equal(await page.getByRole('link', { name: 'my-function' }).count(), 0);
    await page.goto(`${server.endpoint}/console/#/functions/${encodeURIComponent(FN_ARN)}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /^AccessDeniedException: User: arn:aws:iam::111122223333:user\/admin is not authorized to perform: lambda:GetFunctionConfiguration on resource: arn:aws:lambda:us-east-1:123456789012:function:my-function/);
  });

  test('sign in with an access key pair: a wrong secret is refused as STS says; the right one signs in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await assertLabelled('the sign-in page');
    const { accessKeyId, secretAccessKey } = server.profiles.outsider!;
    await page.getByLabel('Access key ID').fill(accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.match(await page.getByRole('alert').innerText(), /^SignatureDoesNotMatch: /);
    await page.getByLabel('Secret access key').fill(secretAccessKey);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Functions' }).waitFor();
    assert.match(await page.locator('header').innerText(), /arn:aws:iam::210987654321:user\/admin/);
  });

  test('no console errors', () => {
    assert.deepEqual(problems, []);
  });
});
