// Lambda resource policies over HTTP with SigV4: GetPolicy and AddPermission requests per
// second, Latchkey beside moto's server in one run; and whether AddPermission slows down
// when the policy already holds 100 statements (target: at most 2x the empty case).

import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, CreateFunctionCommand, AddPermissionCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startServer, type Profile, LAMBDA_TRUST_POLICY } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { fmt, load, MOTO_CREDENTIALS, startMoto, type LoadResult, type LoadStep } from './http.js';

const CONNECTIONS = 16;
const ZIP = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async () => 1;\n') }));

async function setUp(endpoint: string, credentials: Profile, accountId: string) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  const role = `arn:aws:iam::${accountId}:role/bench-exec`;
  await new IAMClient(config).send(
    new CreateRoleCommand({
      RoleName: 'bench-exec',
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
    }),
  );
  const lambda = new LambdaClient(config);
  for (const name of ['bench-get', 'bench-empty', 'bench-full']) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: ZIP } }));
  }
  await lambda.send(new AddPermissionCommand({ FunctionName: 'bench-get', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
  for (let i = 0; i < 100; i++) {
    await lambda.send(new AddPermissionCommand({ FunctionName: 'bench-full', StatementId: `s${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
  }
}

async function requests(endpoint: string, credentials: Profile) {
  // Every request signed when it is sent, as SDK traffic is (a replayed signature flatters the cache).
  const sign = (method: string, path: string, body = '') => () =>
    signRequest(endpoint, { credentials, method, path, body, service: 'lambda', headers: { 'content-type': 'application/json' } });
  const getPolicy: LoadStep = { method: 'GET', sign: sign('GET', '/2015-03-31/functions/bench-get/policy') };
  const addRemove = (fn: string, sid: string): LoadStep[] => [
    { method: 'POST', sign: sign('POST', `/2015-03-31/functions/${fn}/policy`, JSON.stringify({ StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' })) },
    { method: 'DELETE', sign: sign('DELETE', `/2015-03-31/functions/${fn}/policy/${sid}`) },
  ];
  return {
    getPolicy: Array.from({ length: CONNECTIONS }, () => [getPolicy]),
    addPermission: Array.from({ length: CONNECTIONS }, (_, w) => addRemove('bench-empty', `w${w}`)),
    addToEmpty: [addRemove('bench-empty', 'solo')],
    addToFull: [addRemove('bench-full', 'solo')],
  };
}

interface Figures {
  getPolicy: LoadResult;
  addPermission: LoadResult;
  addToEmpty: LoadResult;
  addToFull: LoadResult;
}

async function measure(endpoint: string, credentials: Profile, seconds: number): Promise<Figures> {
  const r = await requests(endpoint, credentials);
  const adds = (i: number) => i === 0;
  await load(endpoint, r.getPolicy, 1);
  return {
    getPolicy: await load(endpoint, r.getPolicy, seconds),
    addPermission: await load(endpoint, r.addPermission, seconds, adds),
    addToEmpty: await load(endpoint, r.addToEmpty, seconds / 2, adds),
    addToFull: await load(endpoint, r.addToFull, seconds / 2, adds),
  };
}

export async function lambdaBench(seconds: number): Promise<void> {
  const latchkey = await startServer();
  const moto = await startMoto();
  try {
    const owner = latchkey.profiles.owner!;
    await setUp(latchkey.endpoint, owner, '123456789012');
    const l = await measure(latchkey.endpoint, owner, seconds);
    let m: Figures | null = null;
    if (moto) {
      await setUp(moto.endpoint, MOTO_CREDENTIALS, '123456789012');
      m = await measure(moto.endpoint, MOTO_CREDENTIALS, seconds);
    }
    const row = (name: string, a: LoadResult, b: LoadResult | undefined) =>
      console.log(`| ${name} | ${fmt(a.rps)} | ${b ? fmt(b.rps) : 'n/a'} | ${b ? `${(a.rps / b.rps).toFixed(1)}x` : 'n/a'} | ${a.non2xx + a.errors} |`);
    console.log(`\nLambda resource policies over HTTP with SigV4, ${CONNECTIONS} keep-alive connections, ${seconds} s each:`);
    console.log('| requests/s | Latchkey | moto server | ratio | Latchkey non-2xx |');
    console.log('|---|---:|---:|---:|---:|');
    row('GetPolicy', l.getPolicy, m?.getPolicy);
    row('AddPermission (each followed by an untimed RemovePermission)', l.addPermission, m?.addPermission);
    const slowdown = l.addToFull.meanMs / l.addToEmpty.meanMs;
    console.log(
      `AddPermission mean latency, one connection: empty policy ${l.addToEmpty.meanMs.toFixed(2)} ms, 100-statement policy ${l.addToFull.meanMs.toFixed(2)} ms: ${slowdown.toFixed(2)}x (target <= 2x).`,
    );
    const target = l.getPolicy.rps >= 5000 ? 'met' : `MISSED by ${((1 - l.getPolicy.rps / 5000) * 100).toFixed(0)}%`;
    console.log(`GetPolicy target 5,000/s and >= 10x moto: ${target}${m ? `, ${(l.getPolicy.rps / m.getPolicy.rps).toFixed(1)}x moto` : ''}.`);
  } finally {
    moto?.child.kill();
    await latchkey.stop();
  }
}
