#!/usr/bin/env node
// `npm run build`: compiles into a fresh folder and only then swaps it for dist/, so a server
// started from this checkout (`npm start`) keeps its bootstraps, models and console files
// while another build or `npm test` runs beside it.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const next = `.dist-next-${process.pid}`;
const old = `.dist-old-${process.pid}`;

function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
}

rmSync(next, { recursive: true, force: true });
run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', next]);
run(['scripts/build-console.mjs', `${next}/console`]);
// Not compiled, but run by the Python runtime: kept beside the Node bootstrap.
cpSync('src/runtime/bootstraps/python.py', `${next}/src/runtime/bootstraps/python.py`);

// Two renames: dist/ is missing only between them, not for the length of a build.
if (existsSync('dist')) renameSync('dist', old);
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
