// Invoke: a trivial Node handler run by Latchkey through HTTP + SigV4 + authorization + a warm
// execution environment, beside the same handler run by the lambda-local package (in-process:
// no HTTP, no signature, no authorization, no process boundary, so it is the floor, not a
// like-for-like peer). Targets: warm p50 <= 1 ms and p99 <= 10 ms on one connection, >= 1,000
// invokes/s on 2 and 16 connections, Node cold start <= 100 ms (median of 5).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startServer, type Profile, LAMBDA_TRUST_POLICY } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { fmt, load } from './http.js';

const HANDLER = 'exports.handler = async (event) => ({ ok: true, n: event.n });\n';
const EVENT = JSON.stringify({ n: 1 });
/** Concurrent connections for the throughput figure; each busy connection needs its own environment, as on AWS. */
const CONNECTIONS = [2, 16];
const COLD_STARTS = 5;

async function createFunctions(endpoint: string, credentials: Profile, names: string[]) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  await new IAMClient(config).send(
    new CreateRoleCommand({
      RoleName: 'bench-invoke',
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
    }),
  );
  const lambda = new LambdaClient(config);
  for (const name of names) {
    // A distinct package per function, so each cold start also unpacks its code.
    const zip = Buffer.from(zipSync({ 'index.js': strToU8(`${HANDLER}// ${name}\n`) }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/bench-invoke', Code: { ZipFile: zip } }));
  }
  return lambda;
}

/** lambda-local on the same handler: warm latency percentiles and calls per second, one at a time. */
async function lambdaLocal(seconds: number) {
  const { execute } = (await import('lambda-local')) as { execute: (opts: Record<string, unknown>) => Promise<unknown> };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-ll-'));
  const file = path.join(dir, 'index.js');
  writeFileSync(file, HANDLER);
  const call = () => execute({ lambdaPath: file, lambdaHandler: 'handler', event: JSON.parse(EVENT), timeoutMs: 3000, verboseLevel: 0 });
  try {
    let t = performance.now();
    await call();
    const first = performance.now() - t;
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    return { first, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!, rps: latencies.length / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function invokeBench(seconds: number): Promise<void> {
  const server = await startServer();
  try {
    const owner = server.profiles.owner!;
    const coldNames = Array.from({ length: COLD_STARTS }, (_, i) => `bench-cold-${i}`);
    const lambda = await createFunctions(server.endpoint, owner, ['bench-warm', ...coldNames]);

    // Cold start: the first invoke of a new function, as a client sees it (SDK v3, one call).
    const cold: number[] = [];
    for (const name of coldNames) {
      const t = performance.now();
      await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(EVENT) }));
      cold.push(performance.now() - t);
    }
    cold.sort((a, b) => a - b);
    const coldMedian = cold[Math.floor(cold.length / 2)]!;

    // Every request signed when it is sent, as SDK traffic is.
    const sign = () => signRequest(server.endpoint, {
      credentials: owner, method: 'POST', path: '/2015-03-31/functions/bench-warm/invocations', body: EVENT, service: 'lambda',
      headers: { 'content-type': 'application/json' },
    });
    const one = [[{ method: 'POST', sign }]];
    await load(server.endpoint, one, 1); // warm-up: the environment is started and kept
    const latency = await load(server.endpoint, one, seconds);
    const throughput = [];
    for (const n of CONNECTIONS) throughput.push({ n, result: await load(server.endpoint, Array.from({ length: n }, () => [{ method: 'POST', sign }]), seconds) });
    const best = Math.max(...throughput.map((t) => t.result.rps));
    const peer = await lambdaLocal(seconds);

    const verdict = (ok: boolean, by: string) => (ok ? 'met' : `MISSED (${by})`);
    console.log(`\nInvoke, trivial Node handler (nodejs20.x), ${seconds} s per measurement:`);
    console.log('| | Latchkey (HTTP + SigV4 + authorization + process) | lambda-local (in-process) | target |');
    console.log('|---|---:|---:|---|');
    console.log(`| warm latency p50, one connection (ms) | ${latency.p50.toFixed(2)} | ${peer.p50.toFixed(2)} | <= 1 ${verdict(latency.p50 <= 1, `${latency.p50.toFixed(2)} ms`)} |`);
    console.log(`| warm latency p99, one connection (ms) | ${latency.p99.toFixed(2)} | ${peer.p99.toFixed(2)} | <= 10 ${verdict(latency.p99 <= 10, `${latency.p99.toFixed(2)} ms`)} |`);
    for (const { n, result } of throughput) {
      console.log(`| invokes/s, ${n} connections (lambda-local: one at a time) | ${fmt(result.rps)} | ${fmt(peer.rps)} | >= 1,000 ${verdict(result.rps >= 1000, fmt(result.rps))} |`);
    }
    console.log(`| cold start, median of ${COLD_STARTS} new functions (ms; lambda-local: first call) | ${coldMedian.toFixed(1)} | ${peer.first.toFixed(1)} | <= 100 ${verdict(coldMedian <= 100, `${coldMedian.toFixed(1)} ms`)} |`);
    const failures = [latency, ...throughput.map((t) => t.result)].reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    console.log(`Latchkey failed requests: ${failures}; best throughput ${fmt(best)} invokes/s.`);
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await invokeBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
}
