// The request path as real traffic drives it: every request signed on its own (as SDKs do),
// GetCallerIdentity, GetPolicy on a 20- and a 100-statement policy with conditions, and Invoke
// of a trivial Node handler (latency on one connection; throughput on 2 and 16), each beside a
// bare node:http server answering a fixed JSON body over the same loopback in the same run, on
// Latchkey with SQLite and with one node on a local PostgreSQL, and moto's server where it
// answers the same call. 16 keep-alive connections unless said; three rounds, requests per
// second lowest / median / highest.

import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, AddPermissionCommand, CreateFunctionCommand, type AddPermissionCommandInput } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startServer, LAMBDA_TRUST_POLICY, type Profile, type RunningServer } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { freshDatabase, postgresBinaries, startPrivatePostgres } from '../test/support/postgres.js';
import { fmt, load, MOTO_CREDENTIALS, rounds, roundsText, startBareServer, startMoto, type LoadStep, type RoundFigures } from './http.js';

const OWNER = '123456789012';
const ROUNDS = 3;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;

/**
 * `count` statements as teams add them: S3 sources (SourceAccount + SourceArn), SNS topics,
 * organizations, accounts. Up to 50, three in five carry conditions; 100 statements fill
 * Lambda's 20 KB only with one in five (a conditional statement is about 250 bytes).
 */
export function statements(name: string, count: number): AddPermissionCommandInput[] {
  const base = { FunctionName: name, Action: 'lambda:InvokeFunction' };
  const conditional = count <= 50 ? 3 : 2;
  const every = count <= 50 ? 5 : 10;
  return Array.from({ length: count }, (_, i) => {
    const kind = i % every < conditional ? i % every : 3;
    switch (kind) {
      case 0: return { ...base, StatementId: `s${i}`, Principal: 's3.amazonaws.com', SourceAccount: OWNER, SourceArn: `arn:aws:s3:::up-${i}` };
      case 1: return { ...base, StatementId: `o${i}`, Principal: '*', PrincipalOrgID: `o-${String(i).padStart(10, '0')}` };
      case 2: return { ...base, StatementId: `n${i}`, Principal: 'sns.amazonaws.com', SourceArn: `arn:aws:sns:us-east-1:${OWNER}:t-${i}` };
      default: return { ...base, StatementId: `a${i}`, Principal: String(100000000000 + i) };
    }
  });
}

async function setUp(endpoint: string, credentials: Profile, withInvoke: boolean) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'bench-path', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const lambda = new LambdaClient(config);
  const zip = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async (e) => ({ ok: true, n: e.n });\n') }));
  const functions: [string, number][] = [['p20', 20], ['p100', 100], ...(withInvoke ? [['trivial', 0] as [string, number]] : [])];
  for (const [name, count] of functions) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/bench-path`, Code: { ZipFile: zip } }));
    for (const s of statements(name, count)) await lambda.send(new AddPermissionCommand(s));
  }
}

type Case = 'identity' | 'p20' | 'p100' | 'invoke';

function step(endpoint: string, credentials: Profile, c: Case): LoadStep {
  const sign = (method: string, requestPath: string, service: string, body = '', type = 'application/json') => () =>
    signRequest(endpoint, { credentials, method, path: requestPath, body, service, headers: { 'content-type': type } });
  switch (c) {
    case 'identity': return { method: 'POST', sign: sign('POST', '/', 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', 'application/x-www-form-urlencoded; charset=utf-8') };
    case 'p20': return { method: 'GET', sign: sign('GET', '/2015-03-31/functions/p20/policy', 'lambda') };
    case 'p100': return { method: 'GET', sign: sign('GET', '/2015-03-31/functions/p100/policy', 'lambda') };
    case 'invoke': return { method: 'POST', sign: sign('POST', `/2015-03-31/functions/${encodeURIComponent(fnArn('trivial'))}/invocations`, 'lambda', '{"n":1}') };
  }
}

async function measure(endpoint: string, credentials: Profile, c: Case, connections: number, seconds: number): Promise<RoundFigures & { p99: number }> {
  const loops = () => Array.from({ length: connections }, () => [step(endpoint, credentials, c)]);
  await load(endpoint, loops(), 0.5); // warm-up: caches filled, environments started
  let p99 = 0;
  const figures = await rounds(ROUNDS, async () => {
    const r = await load(endpoint, loops(), seconds);
    p99 = Math.max(p99, r.p99);
    return r;
  });
  return { ...figures, p99 };
}

interface Row { name: string; connections: number; latchkey: RoundFigures & { p99: number }; postgres?: RoundFigures & { p99: number }; moto?: RoundFigures; bare: RoundFigures }

export async function requestPathBench(seconds: number): Promise<void> {
  const bin = postgresBinaries();
  const postgres = bin ? await startPrivatePostgres(bin) : null;
  const bare = await startBareServer();
  const moto = await startMoto();
  const servers: RunningServer[] = [];
  try {
    const sqlite = await startServer();
    servers.push(sqlite);
    let pg: RunningServer | undefined;
    if (postgres) {
      pg = await startServer({ env: { LATCHKEY_DATABASE_URL: await freshDatabase(postgres.adminUrl, 'bench_path') } });
      servers.push(pg);
    }
    for (const s of servers) await setUp(s.endpoint, s.profiles.owner!, true);
    if (moto) await setUp(moto.endpoint, MOTO_CREDENTIALS, false);

    const cases: { name: string; c: Case; connections: number; moto: boolean }[] = [
      { name: 'GetCallerIdentity', c: 'identity', connections: 16, moto: true },
      { name: 'GetPolicy, 20 statements', c: 'p20', connections: 16, moto: true },
      { name: 'GetPolicy, 100 statements', c: 'p100', connections: 16, moto: true },
      { name: 'Invoke, trivial Node handler', c: 'invoke', connections: 1, moto: false },
      { name: 'Invoke, trivial Node handler', c: 'invoke', connections: 2, moto: false },
      { name: 'Invoke, trivial Node handler', c: 'invoke', connections: 16, moto: false },
    ];
    const rows: Row[] = [];
    for (const k of cases) {
      const owner = sqlite.profiles.owner!;
      rows.push({
        name: k.name,
        connections: k.connections,
        latchkey: await measure(sqlite.endpoint, owner, k.c, k.connections, seconds),
        ...(pg ? { postgres: await measure(pg.endpoint, pg.profiles.owner!, k.c, k.connections, seconds) } : {}),
        ...(moto && k.moto ? { moto: await measure(moto.endpoint, MOTO_CREDENTIALS, k.c, k.connections, seconds) } : {}),
        bare: await measure(bare.endpoint, owner, k.c, k.connections, seconds),
      });
    }

    console.log(`\nThe request path, every request signed on its own, ${ROUNDS} rounds of ${seconds} s, requests/s lowest / median / highest:`);
    console.log('| | connections | Latchkey (SQLite) | p50 / p99 ms | / bare | Latchkey (PostgreSQL, one node) | / bare | moto server | bare node:http |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.connections} | ${roundsText(r.latchkey)} | ${r.latchkey.p50.toFixed(2)} / ${r.latchkey.p99.toFixed(2)} | ${(r.latchkey.median / r.bare.median).toFixed(2)} | ` +
        `${r.postgres ? roundsText(r.postgres) : 'n/a'} | ${r.postgres ? (r.postgres.median / r.bare.median).toFixed(2) : ''} | ${r.moto ? roundsText(r.moto) : 'n/a'} | ${roundsText(r.bare)} |`);
    }
    const failed = rows.reduce((n, r) => n + r.latchkey.failed + (r.postgres?.failed ?? 0), 0);
    if (failed > 0) console.log(`WARNING: ${fmt(failed)} Latchkey requests failed: the figures are not valid.`);
  } finally {
    for (const s of servers) await s.stop();
    moto?.child.kill();
    await bare.close();
    postgres?.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await requestPathBench(Number(process.env.BENCH_HTTP_SECONDS ?? 3));
}
