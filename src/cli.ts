#!/usr/bin/env node
// `latchkey serve`: opens the state directory (database, world, generated AWS profiles),
// starts the server and prints the ready line; SIGINT / SIGTERM shut it down cleanly.

import { Command } from 'commander';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from './store/sqlite.js';
import { applyWorld, DEFAULT_WORLD, profileFiles, type WorldFile } from './services/world/world.js';
import { createServer } from './server.js';
import { RuntimeManager } from './runtime/index.js';
import { bootstrapPath, hostPython, latchkeyNodeModules } from './runtime/launch.js';
import { chooseSandbox, type SandboxMode } from './runtime/sandbox.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

/** The world this state directory runs: `--world FILE`, else the one it was created with, else the default. */
async function chooseWorld(stateDir: string, worldFile: string | undefined): Promise<WorldFile> {
  const saved = path.join(stateDir, 'world.json');
  const source = worldFile ?? ((await exists(saved)) ? saved : undefined);
  const world = source ? (JSON.parse(await fs.readFile(source, 'utf8')) as WorldFile) : DEFAULT_WORLD;
  if (!world || typeof world !== 'object' || typeof world.accounts !== 'object') {
    throw new Error(`${source}: a world file needs an "accounts" object (see README)`);
  }
  return world;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** What a function process must be able to read: the language binaries, our bootstraps, the SDK, its code. */
async function runtimeFiles(): Promise<string[]> {
  const files = [process.execPath, bootstrapPath('node'), bootstrapPath('python'), os.tmpdir()];
  const sdk = latchkeyNodeModules();
  if (sdk) files.push(path.join(sdk, '@aws-sdk'));
  const python = await hostPython().catch(() => undefined);
  if (python) files.push(python.executable);
  return files;
}

async function serve(opts: { host: string; port: string; stateDir: string; world?: string }) {
  const stateDir = path.resolve(opts.stateDir);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  // Private even when it existed before: it holds the database and every profile's secret key.
  await fs.chmod(stateDir, 0o700);
  const world = await chooseWorld(stateDir, opts.world);
  const store = await openSqliteStore(stateDir);
  await applyWorld(store, world);
  // Remembered, so a restart without --world keeps generating the same profiles.
  await fs.writeFile(path.join(stateDir, 'world.json'), JSON.stringify(world, null, 2) + '\n');
  const files = await profileFiles(store, world);
  await fs.writeFile(path.join(stateDir, 'credentials'), files.credentials, { mode: 0o600 });
  await fs.writeFile(path.join(stateDir, 'config'), files.config, { mode: 0o600 });

  // A testing aid, never set in normal use: compresses STS session lifetimes.
  const scale = Number(process.env.LATCHKEY_SESSION_TIME_SCALE ?? 1);
  // Function code is unpacked outside the state directory, which functions must not see.
  const secrets = [stateDir, path.join(os.homedir(), '.aws'), ...(opts.world ? [path.resolve(opts.world)] : [])];
  const forced = process.env.LATCHKEY_SANDBOX;
  if (forced !== undefined && !['user', 'namespace', 'none'].includes(forced)) throw new Error(`LATCHKEY_SANDBOX must be user, namespace or none, not ${forced}`);
  const sandbox = await chooseSandbox({ hide: secrets, needs: await runtimeFiles(), ...(forced ? { mode: forced as SandboxMode } : {}) });
  console.log(`Latchkey: ${sandbox.description}`);
  const runtime = new RuntimeManager({ workDir: await fs.mkdtemp(path.join(os.tmpdir(), 'latchkey-runtime-')), sandbox });
  const { app } = createServer({ store, runtime, ...(scale > 0 && scale !== 1 ? { sessionTimeScale: scale } : {}) });
  await app.listen({ host: opts.host, port: Number(opts.port) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  console.log(`Latchkey listening on http://${opts.host}:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Latchkey: ${signal}, shutting down`);
    await app.close();
    await runtime.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const program = new Command('latchkey').version(version);
program
  .command('serve', { isDefault: true })
  .description('serve the AWS APIs on one port')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', '4570')
  .option('--state-dir <dir>', 'database, world and generated AWS profiles', '.latchkey')
  .option('--world <file>', 'world file (JSON) to apply')
  .action(async (opts) => {
    try {
      await serve(opts);
    } catch (e) {
      console.error(`latchkey: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  });
await program.parseAsync(process.argv);
