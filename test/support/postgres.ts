// A PostgreSQL server for the tests that run the store on it: the one named by
// LATCHKEY_TEST_POSTGRES (an admin URL, e.g. postgres://latchkey:latchkey@127.0.0.1:5432/postgres),
// else a private one started from the installed binaries (initdb + pg_ctl in a temporary
// folder, trust auth on loopback, no fsync), stopped when the process exits. Without
// PostgreSQL installed the tests skip with a loud message, except under CI, where they fail.

import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './net.js';

export const POSTGRES_ENV = 'LATCHKEY_TEST_POSTGRES';

/** The folder holding initdb, pg_ctl and postgres, or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return onPath ? path.dirname(onPath) : null;
}

/** Starts a private server; PostgreSQL refuses to run as root, so then it runs as `postgres`. */
export async function startPrivatePostgres(bin: string): Promise<{ adminUrl: string; stop(): void; restart(downMs?: number): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    execFileSync(file, argv, { stdio: 'pipe' });
  };
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres', dir]);
  }
  run('initdb', ['-D', data, '-U', 'latchkey', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const start = () => run('pg_ctl', ['start', '-w', '-D', data, '-l', path.join(dir, 'log'), '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`]);
  start();
  const stop = () => {
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'immediate']);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  /** Stops the server at once (every connection cut), waits, and starts it again. */
  const restart = async (downMs = 0) => {
    run('pg_ctl', ['stop', '-w', '-D', data, '-m', 'immediate']);
    await new Promise((r) => setTimeout(r, downMs));
    start();
  };
  return { adminUrl: `postgres://latchkey@127.0.0.1:${port}/postgres`, stop, restart };
}

let shared: Promise<string | null> | undefined;

/**
 * The admin URL of a PostgreSQL for tests, or null (with a loud message) when none can be had
 * outside CI.
 */
export function testPostgres(): Promise<string | null> {
  shared ??= (async () => {
    const given = process.env[POSTGRES_ENV];
    if (given) return given;
    const bin = postgresBinaries();
    if (!bin) {
      const message = 'PostgreSQL is not installed (no initdb): the PostgreSQL store tests are SKIPPED. Install it: apt-get install postgresql';
      if (process.env.CI) throw new Error(message);
      console.error(`\n!!! ${message}\n`);
      return null;
    }
    const server = await startPrivatePostgres(bin);
    process.on('exit', server.stop);
    return server.adminUrl;
  })();
  return shared;
}

/** A new, empty database on that server; its URL. */
export async function freshDatabase(adminUrl: string, name = `latchkey_test_${crypto.randomBytes(6).toString('hex')}`): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    // 42P04: it exists already (a restarted server reusing its database).
    if ((e as { code?: string }).code !== '42P04') throw e;
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
