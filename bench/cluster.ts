// The store under the request path: signed GetPolicy (a 20-statement policy with conditions)
// and Invoke by the partner (its permission is the policy's last statement), on one node with
// SQLite, one node with PostgreSQL, and three nodes on that PostgreSQL with the connections
// spread over them (a load balancer's round robin), beside a bare node:http server answering
// the same signed requests, all in one run on this machine. Every request is signed on its own;
// three rounds each, requests per second lowest / median / highest.
//
// On two cores three nodes cannot be faster than one: the nodes, PostgreSQL and the load
// generator share the same cores. What the figures show is the cost of the shared store per
// request; the gain of more nodes comes with more machines.

import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, AddPermissionCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startServer, LAMBDA_TRUST_POLICY, type Profile, type RunningServer } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { freshDatabase, postgresBinaries, startPrivatePostgres } from '../test/support/postgres.js';
import { fmt, load, rounds, roundsText, startBareServer, type LoadResult, type LoadStep, type RoundFigures } from './http.js';
import { statements } from './requestPath.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const CONNECTIONS = 12;
const ROUNDS = 3;
const STATEMENTS = 20;

async function setUp(node: RunningServer) {
  const config = { endpoint: node.endpoint, region: 'us-east-1', credentials: node.profiles.owner!, maxAttempts: 1 };
  await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'bench-cluster', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const lambda = new LambdaClient(config);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'clustered', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/bench-cluster`,
    Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async (e) => ({ ok: true, n: e.n });\n') }) },
  }));
  for (const statement of statements('clustered', STATEMENTS - 1)) await lambda.send(new AddPermissionCommand(statement));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'clustered', StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: PARTNER }));
}

type Case = 'getPolicy' | 'invoke';

function loops(endpoint: string, credentials: Profile, c: Case, connections: number): LoadStep[][] {
  const sign = (method: string, requestPath: string, body = '') => () =>
    signRequest(endpoint, { credentials, method, path: requestPath, body, service: 'lambda', headers: { 'content-type': 'application/json' } });
  const step: LoadStep = c === 'getPolicy'
    ? { method: 'GET', sign: sign('GET', '/2015-03-31/functions/clustered/policy') }
    : { method: 'POST', sign: sign('POST', `/2015-03-31/functions/${encodeURIComponent(`arn:aws:lambda:us-east-1:${OWNER}:function:clustered`)}/invocations`, '{"n":1}') };
  return Array.from({ length: connections }, () => [step]);
}

/** The connections spread over `endpoints`; requests per second summed, latencies of the first. */
async function spread(endpoints: string[], credentials: Profile, c: Case, seconds: number): Promise<LoadResult> {
  const per = Math.max(1, Math.floor(CONNECTIONS / endpoints.length));
  const results = await Promise.all(endpoints.map((e) => load(e, loops(e, credentials, c, per), seconds)));
  return { ...results[0]!, rps: results.reduce((n, r) => n + r.rps, 0), non2xx: results.reduce((n, r) => n + r.non2xx, 0), errors: results.reduce((n, r) => n + r.errors, 0) };
}

async function measure(endpoints: string[], credentials: Profile, c: Case, seconds: number): Promise<RoundFigures> {
  await spread(endpoints, credentials, c, 0.5); // warm-up: caches filled, environments started
  return rounds(ROUNDS, () => spread(endpoints, credentials, c, seconds));
}

export async function clusterBench(seconds: number): Promise<void> {
  const bin = postgresBinaries();
  if (!bin) {
    console.log('\nCluster benchmark: PostgreSQL is not installed (apt-get install postgresql); skipped.');
    return;
  }
  const postgres = await startPrivatePostgres(bin);
  const bare = await startBareServer();
  const started: RunningServer[] = [];
  const start = async (env: NodeJS.ProcessEnv = {}) => {
    const node = await startServer({ env });
    started.push(node);
    return node;
  };
  try {
    const rows: { name: string; getPolicy: RoundFigures; invoke: RoundFigures }[] = [];
    const run = async (name: string, nodes: RunningServer[]) => {
      await setUp(nodes[0]!);
      const endpoints = nodes.map((n) => n.endpoint);
      rows.push({
        name,
        getPolicy: await measure(endpoints, nodes[0]!.profiles.owner!, 'getPolicy', seconds),
        invoke: await measure(endpoints, nodes[0]!.profiles.partner!, 'invoke', seconds),
      });
      for (const n of nodes) await n.stop();
    };
    await run('1 node, SQLite', [await start()]);
    const one = await freshDatabase(postgres.adminUrl, 'bench_one');
    await run('1 node, PostgreSQL', [await start({ LATCHKEY_DATABASE_URL: one })]);
    const three = await freshDatabase(postgres.adminUrl, 'bench_three');
    const first = await start({ LATCHKEY_DATABASE_URL: three });
    await run('3 nodes, one PostgreSQL', [first, ...(await Promise.all([start({ LATCHKEY_DATABASE_URL: three }), start({ LATCHKEY_DATABASE_URL: three })]))]);
    const sqlite = started[0]!;
    const floor = {
      getPolicy: await measure([bare.endpoint], sqlite.profiles.owner!, 'getPolicy', seconds),
      invoke: await measure([bare.endpoint], sqlite.profiles.partner!, 'invoke', seconds),
    };

    console.log(`\nThe store under the request path: ${STATEMENTS}-statement policy, ${CONNECTIONS} keep-alive connections (spread over the nodes), every request signed, ${ROUNDS} rounds of ${seconds} s:`);
    console.log('| requests/s (lowest / median / highest) | GetPolicy | p50 ms | / bare | Invoke by the partner | p50 ms | / bare | failed |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.name} | ${roundsText(r.getPolicy)} | ${r.getPolicy.p50.toFixed(2)} | ${(r.getPolicy.median / floor.getPolicy.median).toFixed(2)} | ` +
        `${roundsText(r.invoke)} | ${r.invoke.p50.toFixed(2)} | ${(r.invoke.median / floor.invoke.median).toFixed(2)} | ${r.getPolicy.failed + r.invoke.failed} |`);
    }
    console.log(`| bare node:http | ${roundsText(floor.getPolicy)} | ${floor.getPolicy.p50.toFixed(2)} | 1.00 | ${roundsText(floor.invoke)} | ${floor.invoke.p50.toFixed(2)} | 1.00 | ${floor.getPolicy.failed + floor.invoke.failed} |`);
    const [lite, pgOne, pgThree] = rows;
    console.log(`PostgreSQL / SQLite, one node, medians: GetPolicy ${(pgOne!.getPolicy.median / lite!.getPolicy.median).toFixed(2)}, Invoke ${(pgOne!.invoke.median / lite!.invoke.median).toFixed(2)}; ` +
      `three nodes / one node on PostgreSQL: GetPolicy ${(pgThree!.getPolicy.median / pgOne!.getPolicy.median).toFixed(2)}, Invoke ${(pgThree!.invoke.median / pgOne!.invoke.median).toFixed(2)} ` +
      `(${fmt(pgThree!.getPolicy.median)} vs ${fmt(pgOne!.getPolicy.median)} GetPolicy/s; two cores shared by every node, PostgreSQL and the load generator).`);
  } finally {
    for (const n of started) await n.stop();
    await bare.close();
    postgres.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await clusterBench(Number(process.env.BENCH_HTTP_SECONDS ?? 3));
}
