#!/usr/bin/env node
// Runs the built tests: every `*.test.js` under dist/test (or under the folders and files
// given), and nothing else. `node --test dist/test/` would also run every other module under
// a folder named `test` (Node 20 takes `**/test/**/*.js` for a test), so support modules such
// as test/conformance/cases.ts would run as tests of their own.
//
//   node scripts/run-tests.mjs [--postgres] [dist/test/e2e ...] [-- node --test options]
//
// --postgres: every server the tests start keeps its store in PostgreSQL (a private server
// started here from the installed binaries, or the one LATCHKEY_TEST_POSTGRES names).

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import console from 'node:console';
import process from 'node:process';

const postgres = process.argv.includes('--postgres');
const args = process.argv.slice(2).filter((a) => a !== '--postgres');
const dash = args.indexOf('--');
const roots = dash < 0 ? args : args.slice(0, dash);
const options = dash < 0 ? [] : args.slice(dash + 1);

function testFiles(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return testFiles(child);
      return entry.name.endsWith('.test.js') ? [child] : [];
    });
}

const files = (roots.length ? roots : ['dist/test']).flatMap(testFiles);
if (files.length === 0) {
  console.error(`no *.test.js files under ${roots.join(' ') || 'dist/test'}`);
  process.exit(1);
}

// The run's own temporary folder: state directories, unpacked function code and everything
// else the tests and their servers write under TMPDIR (even a server killed with SIGKILL, as
// the durability tests do) go with it when the run ends. Readable by others, as /tmp is, for
// functions that run as another user.
const scratch = mkdtempSync(join(os.tmpdir(), 'latchkey-test-run-'));
chmodSync(scratch, 0o755);
const env = { ...process.env, TMPDIR: scratch };
let privatePostgres;
if (postgres && !env.LATCHKEY_TEST_POSTGRES) {
  process.env.TMPDIR = scratch;
  const { postgresBinaries, startPrivatePostgres } = await import('../dist/test/support/postgres.js');
  const bin = postgresBinaries();
  if (!bin) {
    console.error('--postgres: PostgreSQL is not installed (apt-get install postgresql)');
    process.exit(1);
  }
  privatePostgres = await startPrivatePostgres(bin);
  env.LATCHKEY_TEST_POSTGRES = privatePostgres.adminUrl;
  console.error(`run-tests: the servers' stores are in PostgreSQL at ${privatePostgres.adminUrl}`);
}
const child = spawn(process.execPath, ['--test', ...options, ...files], { stdio: 'inherit', env });
child.on('exit', (code, signal) => {
  privatePostgres?.stop();
  rmSync(scratch, { recursive: true, force: true });
  process.exit(signal ? 1 : code ?? 1);
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
