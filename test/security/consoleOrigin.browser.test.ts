// A public function URL in the browser of someone signed in to the console (issue "Permissions
// hold at every local door", item 5): its page, reached by the path form on the console's own
// address, tries to read the console tab's keys and the state directory's profiles. Debian's
// Chromium, driven by playwright-core, against a started server.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { LAMBDA_TRUST_POLICY, sdkConfig, startServer, type RunningServer } from '../e2e/support.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !fs.existsSync(CHROMIUM);
if (missing && !process.env.CI) console.warn(`\n*** SKIPPING the console-origin browser test LOUDLY: ${CHROMIUM} is missing (apt-get install chromium). ***\n`);

// The page: everything it can find of the console's, written into its title for the test to read.
const PAGE = `<!doctype html><title>loading</title><script>
let storage;
try { storage = JSON.stringify(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])); } catch (e) { storage = 'denied: ' + e.name; }
let token = '';
try { token = sessionStorage.getItem('latchkey.signInToken') || ''; } catch (e) {}
fetch('/console/profiles.json', { headers: { 'x-latchkey-local-token': token } })
  .then((r) => r.text(), (e) => 'denied: ' + e.name)
  .then((profiles) => { document.title = JSON.stringify({ storage, profiles }); });
</script>`;

let server: RunningServer;
let browser: Browser;
let page: Page;
let urlId = '';

before(async () => {
  if (missing && !process.env.CI) return;
  server = await startServer();
  await new IAMClient(sdkConfig(server, 'owner')).send(new CreateRoleCommand({ RoleName: 'page-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const lambda = new LambdaClient(sdkConfig(server, 'owner'));
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'page', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/page-exec',
    Code: { ZipFile: zipSync({ 'index.js': strToU8(`exports.handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: ${JSON.stringify(PAGE)} });\n`) }) },
  }));
  const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'page', AuthType: 'NONE' }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'page', StatementId: 'public', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'page', StatementId: 'public-via-url', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true }));
  urlId = new URL(FunctionUrl!).hostname.split('.')[0]!;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('5: a public URL page in the signed-in console\'s tab reads neither its keys nor the profiles', { skip: missing && !process.env.CI ? 'no Chromium' : false }, async () => {
  await page.goto(`${server.endpoint}/console/#sign-in=${server.localToken}`);
  await page.getByLabel('Profile', { exact: true }).selectOption('owner');
  await page.getByRole('button', { name: 'Sign in with profile' }).click();
  await page.getByRole('heading', { name: 'Functions' }).waitFor();
  assert.ok(await page.evaluate(() => sessionStorage.getItem('latchkey.session')), 'the console holds its keys in the tab');

  // Same tab, same address and port: only the path differs.
  await page.goto(`${server.endpoint}/lambda-url/${urlId}/`);
  await page.waitForFunction(() => document.title !== 'loading');
  const seen = JSON.parse(await page.title()) as { storage: string; profiles: string };
  assert.match(seen.storage, /^denied: SecurityError/);
  assert.doesNotMatch(seen.profiles, /secretAccessKey/);
  assert.doesNotMatch(JSON.stringify(seen), /AKIA/);
});
