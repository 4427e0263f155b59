// Whole JSON resource policies beside AddPermission's statements: GetResourcePolicy and a
// cross-account Invoke (the partner, so the function's policy decides) when the function's
// policy holds 50 statements with conditions — written whole with PutResourcePolicy (Deny
// statements, source IPs, organization and tag conditions) or one statement at a time with
// AddPermission. Beside them: moto's server answering GetPolicy on the same 50 AddPermission
// statements (it has no GetResourcePolicy, and runs functions only in Docker), and a bare
// node:http server answering the same signed requests. Every request is signed on its own,
// as a client does; three rounds each, requests per second lowest / median / highest.

import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, AddPermissionCommand, CreateFunctionCommand, PutResourcePolicyCommand, type AddPermissionCommandInput } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startServer, type Profile, LAMBDA_TRUST_POLICY } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { fmt, load, MOTO_CREDENTIALS, rounds, roundsText, startBareServer, startMoto, type LoadStep, type RoundFigures } from './http.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const ORG = 'o-t194hfs8cz';
const CONNECTIONS = 8;
const ROUNDS = 3;
const STATEMENTS = 50;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;
const otherAccount = (i: number) => String(100000000000 + i);

/** 50 statements as a team writes them with PutResourcePolicy; the partner's grant comes last, so every statement is read. */
export function fullPolicy(arn: string): string {
  const statements: object[] = [];
  for (let i = 0; i < 10; i++) {
    statements.push({ Sid: `s3-${i}`, Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: arn,
      Condition: { StringEquals: { 'aws:SourceAccount': OWNER }, ArnLike: { 'aws:SourceArn': `arn:aws:s3:::uploads-${i}` } } });
    statements.push({ Sid: `sns-${i}`, Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: arn,
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OWNER}:topic-${i}` } } });
    statements.push({ Sid: `team-${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${otherAccount(i)}:root` }, Action: ['lambda:InvokeFunction', 'lambda:GetFunction'], Resource: [arn, `${arn}:*`],
      Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${i}` } } });
    statements.push({ Sid: `org-${i}`, Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': `o-other${String(i).padStart(5, '0')}` }, IpAddress: { 'aws:SourceIp': [`10.${i}.0.0/16`, '192.168.0.0/16'] } } });
  }
  statements.push({ Sid: 'no-deletes', Effect: 'Deny', Principal: '*', Action: ['lambda:DeleteFunction', 'lambda:UpdateFunctionCode'], Resource: [arn, `${arn}:*`] });
  statements.push({ Sid: 'known-networks', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn,
    Condition: { NotIpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '10.0.0.0/8', '192.168.0.0/16'] } } });
  statements.push({ Sid: 'tls-for-outsiders', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn,
    Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringNotEquals: { 'aws:PrincipalOrgID': ORG } } });
  for (let i = 0; i < STATEMENTS - statements.length - 1; i++) {
    statements.push({ Sid: `readers-${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${otherAccount(20 + i)}:root` }, Action: 'lambda:GetFunctionConfiguration', Resource: arn });
  }
  statements.push({ Sid: 'partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'lambda:InvokeFunction', Resource: arn,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG }, IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** 50 statements as AddPermission writes them: services with their sources, accounts, organizations; the partner last. */
function addedStatements(name: string): AddPermissionCommandInput[] {
  const add = (StatementId: string, fields: Partial<AddPermissionCommandInput>): AddPermissionCommandInput =>
    ({ FunctionName: name, StatementId, Action: 'lambda:InvokeFunction', Principal: '*', ...fields });
  const out: AddPermissionCommandInput[] = [];
  for (let i = 0; i < 15; i++) out.push(add(`s3-${i}`, { Principal: 's3.amazonaws.com', SourceAccount: OWNER, SourceArn: `arn:aws:s3:::uploads-${i}` }));
  for (let i = 0; i < 15; i++) out.push(add(`sns-${i}`, { Principal: 'sns.amazonaws.com', SourceArn: `arn:aws:sns:us-east-1:${OWNER}:topic-${i}` }));
  for (let i = 0; i < 10; i++) out.push(add(`account-${i}`, { Principal: otherAccount(i) }));
  for (let i = 0; i < STATEMENTS - out.length - 1; i++) out.push(add(`org-${i}`, { PrincipalOrgID: `o-other${String(i).padStart(5, '0')}` }));
  out.push(add('partner', { Principal: PARTNER }));
  return out;
}

async function setUp(endpoint: string, credentials: Profile, withFullPolicy: boolean) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'bench-policy', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const lambda = new LambdaClient(config);
  const zip = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async (e) => ({ ok: true, n: e.n });\n') }));
  const names = withFullPolicy ? ['rp-full', 'rp-added'] : ['rp-added'];
  for (const name of names) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/bench-policy`, Code: { ZipFile: zip } }));
  }
  for (const input of addedStatements('rp-added')) await lambda.send(new AddPermissionCommand(input));
  if (withFullPolicy) await lambda.send(new PutResourcePolicyCommand({ ResourceArn: fnArn('rp-full'), Policy: fullPolicy(fnArn('rp-full')) }));
}

type Case = 'getResourcePolicy' | 'getPolicy' | 'invokeFull' | 'invokeAdded';

/** One loop per connection, each request signed when it is sent. */
function loops(endpoint: string, credentials: Profile, c: Case): LoadStep[][] {
  const sign = (method: string, requestPath: string, body = '') => () =>
    signRequest(endpoint, { credentials, method, path: requestPath, body, service: 'lambda', headers: { 'content-type': 'application/json' } });
  const step: Record<Case, LoadStep> = {
    getResourcePolicy: { method: 'GET', sign: sign('GET', `/2026-07-09/resource-policy/${encodeURIComponent(fnArn('rp-full'))}`) },
    getPolicy: { method: 'GET', sign: sign('GET', '/2015-03-31/functions/rp-added/policy') },
    invokeFull: { method: 'POST', sign: sign('POST', `/2015-03-31/functions/${encodeURIComponent(fnArn('rp-full'))}/invocations`, '{"n":1}') },
    invokeAdded: { method: 'POST', sign: sign('POST', `/2015-03-31/functions/${encodeURIComponent(fnArn('rp-added'))}/invocations`, '{"n":1}') },
  };
  return Array.from({ length: CONNECTIONS }, () => [step[c]]);
}

async function measure(endpoint: string, credentials: Profile, c: Case, seconds: number): Promise<RoundFigures> {
  await load(endpoint, loops(endpoint, credentials, c), 0.5); // warm-up: caches filled, environments started
  return rounds(ROUNDS, () => load(endpoint, loops(endpoint, credentials, c), seconds));
}

export async function resourcePolicyBench(seconds: number): Promise<void> {
  const latchkey = await startServer();
  const bare = await startBareServer();
  const moto = await startMoto();
  try {
    const owner = latchkey.profiles.owner!;
    const partner = latchkey.profiles.partner!;
    await setUp(latchkey.endpoint, owner, true);
    const l = {
      getResourcePolicy: await measure(latchkey.endpoint, owner, 'getResourcePolicy', seconds),
      getPolicy: await measure(latchkey.endpoint, owner, 'getPolicy', seconds),
      invokeFull: await measure(latchkey.endpoint, partner, 'invokeFull', seconds),
      invokeAdded: await measure(latchkey.endpoint, partner, 'invokeAdded', seconds),
    };
    let motoGetPolicy: RoundFigures | undefined;
    if (moto) {
      await setUp(moto.endpoint, MOTO_CREDENTIALS, false);
      motoGetPolicy = await measure(moto.endpoint, MOTO_CREDENTIALS, 'getPolicy', seconds);
    }
    const floor = {
      get: await measure(bare.endpoint, owner, 'getResourcePolicy', seconds),
      invoke: await measure(bare.endpoint, partner, 'invokeFull', seconds),
    };

    console.log(`\nResource policies of ${STATEMENTS} statements with conditions, ${CONNECTIONS} keep-alive connections, every request signed, ${ROUNDS} rounds of ${seconds} s:`);
    console.log('| requests/s (lowest / median / highest) | Latchkey | p50 ms | moto server | bare node:http | Latchkey / bare | Latchkey failed |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const row = (name: string, f: RoundFigures, peer: RoundFigures | undefined, floorFigures: RoundFigures) =>
      console.log(`| ${name} | ${roundsText(f)} | ${f.p50.toFixed(2)} | ${peer ? roundsText(peer) : 'n/a'} | ${roundsText(floorFigures)} | ${(f.median / floorFigures.median).toFixed(2)} | ${f.failed} |`);
    row('GetResourcePolicy, policy written with PutResourcePolicy', l.getResourcePolicy, undefined, floor.get);
    row('GetPolicy, the same number of AddPermission statements', l.getPolicy, motoGetPolicy, floor.get);
    row('Invoke by the partner, PutResourcePolicy policy (Deny, IP, org, tag conditions)', l.invokeFull, undefined, floor.invoke);
    row('Invoke by the partner, AddPermission statements', l.invokeAdded, undefined, floor.invoke);
    console.log(
      `Full JSON policy vs AddPermission statements, medians: GetResourcePolicy/GetPolicy ${(l.getResourcePolicy.median / l.getPolicy.median).toFixed(2)}, ` +
        `Invoke ${(l.invokeFull.median / l.invokeAdded.median).toFixed(2)}.${moto ? '' : ' (moto not found: its column is n/a.)'}` +
        ' moto has no GetResourcePolicy and runs functions only in Docker: n/a there.',
    );
    if (motoGetPolicy) console.log(`GetPolicy: Latchkey ${fmt(l.getPolicy.median)}/s, moto ${fmt(motoGetPolicy.median)}/s (${(l.getPolicy.median / motoGetPolicy.median).toFixed(1)}x).`);
  } finally {
    moto?.child.kill();
    await bare.close();
    await latchkey.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await resourcePolicyBench(Number(process.env.BENCH_HTTP_SECONDS ?? 3));
}
