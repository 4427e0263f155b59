// Starts a real Latchkey server (the built CLI, as a user would) on a free port with a
// temporary state directory, and hands out what a client needs: endpoint, profiles,
// credentials.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readProfiles as readProfilesFile, type ProfileCredentials } from '../../src/latchkeyClient.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from '../../src/localToken.js';
import { freshDatabase, POSTGRES_ENV } from '../support/postgres.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export type Profile = ProfileCredentials;

export interface RunningServer {
  endpoint: string;
  port: number;
  stateDir: string;
  process: ChildProcess;
  profiles: Record<string, Profile>;
  /** The state directory's local token (console profile sign-in, service events). */
  localToken: string;
  /** Environment for the AWS CLI: the generated shared files, the endpoint, no real AWS config. */
  cliEnv(profile: string): NodeJS.ProcessEnv;
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOptions {
  stateDir?: string;
  world?: object;
  env?: NodeJS.ProcessEnv;
  /** More options for `latchkey serve`. */
  args?: string[];
}

const made: string[] = [];
// State directories hold every profile's keys: none outlives the test file that made it.
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'latchkey-e2e-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function readProfiles(stateDir: string): Record<string, Profile> {
  return readProfilesFile(path.join(stateDir, 'credentials'));
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const stateDir = options.stateDir ?? tempDir();
  const args = [CLI, 'serve', '--port', '0', '--state-dir', stateDir, ...(options.args ?? [])];
  if (options.world) {
    const file = path.join(stateDir, 'input-world.json');
    fs.writeFileSync(file, JSON.stringify(options.world));
    args.push('--world', file);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The suite run against PostgreSQL (`run-tests.mjs --postgres`): each state directory gets
  // its own database, the same one when a test restarts a server on its state directory.
  const adminUrl = process.env[POSTGRES_ENV];
  if (adminUrl && env.LATCHKEY_DATABASE_URL === undefined) {
    const name = `latchkey_e2e_${createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 16)}`;
    env.LATCHKEY_DATABASE_URL = await freshDatabase(adminUrl, name);
  }
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Latchkey listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    endpoint,
    port,
    stateDir,
    process: child,
    profiles: readProfiles(stateDir),
    localToken: readLocalToken(stateDir)!,
    output: () => output,
    cliEnv: (profile) => ({
      PATH: process.env.PATH,
      HOME: stateDir,
      AWS_SHARED_CREDENTIALS_FILE: path.join(stateDir, 'credentials'),
      AWS_CONFIG_FILE: path.join(stateDir, 'config'),
      AWS_PROFILE: profile,
      AWS_ENDPOINT_URL: endpoint,
      AWS_PAGER: '',
    }),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** POSTs a service event to /_latchkey/emit as `latchkey emit` does (JSON, with the local token). */
export function emitRequest(server: RunningServer, body: unknown): Promise<Response> {
  return fetch(`${server.endpoint}/_latchkey/emit`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', [LOCAL_TOKEN_HEADER]: server.localToken },
  });
}

/** SDK v3 client settings for a profile of the server. */
export function sdkConfig(server: RunningServer, profile: string | Profile, region = 'us-east-1') {
  const credentials = typeof profile === 'string' ? server.profiles[profile]! : profile;
  return { endpoint: server.endpoint, region, credentials, maxAttempts: 1 };
}

/** The trust policy of a Lambda execution role: lambda.amazonaws.com may assume it. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** The error a call that must be refused rejects with (fails the test when the call succeeds). */
export async function refusal<E = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  assert.fail('expected the call to be refused');
}

/**
 * A witness functions report to over HTTP (they cannot write into the test's folders: their
 * /tmp is their own): each POST to `<url>/<name>` is kept under that name.
 */
export interface Witness {
  url: string;
  /** The bodies posted under `name` so far, waiting up to `timeoutMs` for at least `atLeast`. */
  heard(name: string, atLeast?: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startWitness(): Promise<Witness> {
  const heard = new Map<string, string[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      heard.set(name, [...(heard.get(name) ?? []), Buffer.concat(chunks).toString('utf8')]);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async heard(name, atLeast = 0, timeoutMs = 15_000) {
      for (let waited = 0; (heard.get(name)?.length ?? 0) < atLeast && waited < timeoutMs; waited += 50) await delay(50);
      return heard.get(name) ?? [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
