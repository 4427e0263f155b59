// Where a request's time goes: a server started with `node --cpu-prof` serves signed GetPolicy
// (100 statements, 16 connections) and Invoke of a trivial Node handler (2 connections) for a
// few seconds each; the server's CPU profile is summed by part of the request path —
// signature, authorization, store, the operation's own code, runtime hop (the exchange with
// the function's process: our bootstraps' private channel, or the Runtime API), logs (decision log, function log delivery), HTTP
// (parsing, routing, decoding and encoding the AWS protocol, the socket writes) — as a share
// of the server's busy time (start-up and the setup calls included: about a sixth of it). The function's own time is in its
// process, not in the profile: it shows as the server's idle time while an invoke waits.
//
//   npm run build && node dist/bench/whereTimeGoes.js

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, strToU8 } from 'fflate';
import { LambdaClient, AddPermissionCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { readProfiles } from '../src/latchkeyClient.js';
import { LAMBDA_TRUST_POLICY } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { load, type LoadStep } from './http.js';
import { statements } from './requestPath.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const OWNER = '123456789012';

/** A frame's part of the request path, by the file it is in (first match wins, innermost frame first). */
const PARTS: [string, RegExp][] = [
  ['signature', /\/aws\/sigv4\.js$/],
  ['authorization', /\/(iam\/[^/]+|services\/pipeline|services\/caller|services\/callerPolicies|services\/lambda\/access)\.js$/],
  ['store', /\/store\/|better-sqlite3|\/pg\//],
  ['runtime hop', /\/runtime\//],
  ['logs', /\/services\/decisionLog\.js$|\/services\/lambda\/logDelivery\.js$/],
  ['operation', /\/services\//],
  ['HTTP', /fastify|find-my-way|light-my-request|\/aws\/(restJson|json|query|model|validate|errors)\.js$|\/endpoints\.js$|\/server\.js$/],
];

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }

function summarize(file: string): { parts: Map<string, number>; busy: number; idle: number } {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    let part = PARTS.find(([, re]) => re.test(url))?.[0];
    if (!part) {
      // Node's own frames and native ones (writev, crypto) belong to the code that called
      // them; what Node does on its own (parsing HTTP, timers) is HTTP.
      const up = parent.get(id);
      const internal = url === '' || url.startsWith('node:');
      part = up === undefined ? 'other' : classify(up);
      if (part === 'other' && internal && n.callFrame.functionName !== '(root)') part = 'HTTP';
    }
    partOf.set(id, part);
    return part;
  };
  const parts = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const part = name === '(garbage collector)' ? 'garbage collection' : classify(id);
    parts.set(part, (parts.get(part) ?? 0) + dt);
  });
  return { parts, busy, idle };
}

async function profileOne(name: string, run: (endpoint: string, owner: { accessKeyId: string; secretAccessKey: string }) => Promise<number>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-e2e-'));
  const profDir = path.join(dir, 'profile');
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, CLI, 'serve', '--port', '0', '--state-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const rps = await run(endpoint, readProfiles(path.join(dir, 'credentials')).owner!);
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
    return { name, rps, ...summarize(path.join(profDir, file)) };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function setUp(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'where', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const lambda = new LambdaClient(config);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'where', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${OWNER}:role/where`,
    Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async (e) => ({ ok: true });\n') }) },
  }));
  for (const statement of statements('where', 100)) await lambda.send(new AddPermissionCommand(statement));
}

const measure = async (endpoint: string, step: LoadStep, connections: number, seconds: number) => {
  await load(endpoint, Array.from({ length: connections }, () => [step]), 0.5);
  return (await load(endpoint, Array.from({ length: connections }, () => [step]), seconds)).rps;
};

export async function whereTimeGoes(seconds: number): Promise<void> {
  const sign = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, method: string, requestPath: string, body = '') => () =>
    signRequest(endpoint, { credentials, method, path: requestPath, body, service: 'lambda', headers: { 'content-type': 'application/json' } });
  const results = [
    await profileOne('GetPolicy, 100 statements, 16 connections', async (endpoint, owner) => {
      await setUp(endpoint, owner);
      return measure(endpoint, { method: 'GET', sign: sign(endpoint, owner, 'GET', '/2015-03-31/functions/where/policy') }, 16, seconds);
    }),
    await profileOne('Invoke, trivial Node handler, 2 connections', async (endpoint, owner) => {
      await setUp(endpoint, owner);
      return measure(endpoint, { method: 'POST', sign: sign(endpoint, owner, 'POST', '/2015-03-31/functions/where/invocations', '{}') }, 2, seconds);
    }),
  ];
  const order = ['signature', 'authorization', 'store', 'operation', 'runtime hop', 'logs', 'HTTP', 'garbage collection', 'other'];
  console.log(`\nWhere the server's CPU goes (node --cpu-prof, ${seconds} s of load; share of the server's busy time; idle = waiting, e.g. for the function):`);
  console.log(`| | requests/s | ${order.join(' | ')} | server idle |`);
  console.log(`|---|---:|${order.map(() => '---:').join('|')}|---:|`);
  for (const r of results) {
    const pct = (t: number) => `${((100 * t) / r.busy).toFixed(1)}%`;
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${order.map((p) => pct(r.parts.get(p) ?? 0)).join(' | ')} | ${((100 * r.idle) / (r.idle + r.busy)).toFixed(1)}% of wall |`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await whereTimeGoes(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
}
