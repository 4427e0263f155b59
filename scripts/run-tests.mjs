#!/usr/bin/env node
// Runs the built tests: every `*.test.js` under dist/test (or under the folders and files
// given), and nothing else. `node --test dist/test/` would also run every other module under
// a folder named `test` (Node 20 takes `**/test/**/*.js` for a test), so support modules such
// as test/conformance/cases.ts would run as tests of their own.
//
//   node scripts/run-tests.mjs [dist/test/e2e ...] [-- node --test options]

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import console from 'node:console';
import process from 'node:process';

const args = process.argv.slice(2);
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
const child = spawn(process.execPath, ['--test', ...options, ...files], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
child.on('exit', (code, signal) => {
  rmSync(scratch, { recursive: true, force: true });
  process.exit(signal ? 1 : code ?? 1);
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
