#!/usr/bin/env node
// `latchkey serve`: opens the state directory (database, world, generated AWS profiles),
// starts the server and prints the ready line; SIGINT / SIGTERM shut it down cleanly.

import { Command } from 'commander';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from './store/sqlStore.js';
import { applyWorld, DEFAULT_WORLD, profileFiles, type WorldFile } from './services/world/world.js';
import { createServer } from './server.js';
import { readDecisions, type DecisionRecord } from './services/decisionLog.js';
import { describeDecision } from './services/explainDecision.js';
import { EMITTING_SERVICES } from './services/events/emit.js';
import { formatAccessReport, type ResourceAccess } from './services/accessReport.js';
import {
  credentialsFile, ENDPOINT_FILE, fetchLatchkey, readProfile, readProfiles, serverEndpoint, signedGet,
} from './latchkeyClient.js';
import { RuntimeManager, runtimeFilesDir } from './runtime/index.js';
import { LOCAL_TOKEN_FILE, LOCAL_TOKEN_HEADER, newLocalToken, readLocalToken } from './localToken.js';
import { runtimeNeeds } from './runtime/launch.js';
import { chooseSandbox, SANDBOX_MODES, type SandboxMode } from './runtime/sandbox.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };
/** The decision log in the state directory (see services/decisionLog.ts). */
const DECISIONS_FILE = 'decisions.log';

/** A command's failure as one line (`latchkey: …`) and exit status 1, not a stack trace. */
function reported<A extends unknown[]>(action: (...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      console.error(`latchkey: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  };
}

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

/** host:port/db of a database URL, without its user and password. */
function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'the given URL';
  }
}

async function serve(opts: { host: string; port: string; stateDir: string; world?: string; publicUrl?: string; unsafeSharedSandbox?: boolean; database?: string }) {
  const stateDir = path.resolve(opts.stateDir);
  if (opts.publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(opts.publicUrl)) throw new Error(`--public-url must be http(s)://HOST[:PORT], not ${opts.publicUrl}`);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  // Private even when it existed before: it holds the database and every profile's secret key.
  await fs.chmod(stateDir, 0o700);
  const world = await chooseWorld(stateDir, opts.world);
  const databaseUrl = opts.database ?? (process.env.LATCHKEY_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('--database must be a postgres:// URL');
  // /proc/<pid>/cmdline is readable by every user of the machine (functions too, in the
  // sandbox modes without a PID namespace): the password must not stay in it.
  if (opts.database !== undefined) process.title = 'latchkey serve';
  const store = await openStore({ stateDir, databaseUrl });
  // Nodes starting together on one database: the first applies the world, the others find it.
  await store.alone(() => applyWorld(store, world));
  // Remembered, so a restart without --world keeps generating the same profiles.
  await fs.writeFile(path.join(stateDir, 'world.json'), JSON.stringify(world, null, 2) + '\n');

  // A testing aid, never set in normal use: compresses STS session lifetimes.
  const scale = Number(process.env.LATCHKEY_SESSION_TIME_SCALE ?? 1);
  // Function code is unpacked outside the state directory, which functions must not see.
  const secrets = [stateDir, path.join(os.homedir(), '.aws'), ...(opts.world ? [path.resolve(opts.world)] : [])];
  const forced = process.env.LATCHKEY_SANDBOX;
  if (forced !== undefined && !(SANDBOX_MODES as readonly string[]).includes(forced)) throw new Error(`LATCHKEY_SANDBOX must be one of ${SANDBOX_MODES.join(', ')}, not ${forced}`);
  const runtimeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'latchkey-runtime-'));
  const sandbox = await chooseSandbox({ hide: secrets, needs: await runtimeNeeds(runtimeFilesDir(runtimeDir)), ...(forced ? { mode: forced as SandboxMode } : {}) });
  console.log(`Latchkey: ${sandbox.description}`);
  console.log(`Latchkey: store: ${databaseUrl ? `PostgreSQL at ${describeDatabase(databaseUrl)}, shared with any node using it` : `SQLite in ${stateDir}`}`);
  if (!sandbox.isolatesAccounts && opts.unsafeSharedSandbox) console.log('Latchkey: WARNING: --unsafe-shared-sandbox: functions of every account run unconfined, side by side');
  const runtime = new RuntimeManager({ workDir: runtimeDir, sandbox, allowSharedSandbox: opts.unsafeSharedSandbox ?? false });
  const localToken = newLocalToken(stateDir);
  const { app, deps } = createServer({
    store,
    runtime,
    decisionLogFile: path.join(stateDir, DECISIONS_FILE),
    consoleProfiles: () => readProfiles(path.join(stateDir, 'credentials')),
    localToken,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl.replace(/\/+$/, '') } : {}),
    ...(scale > 0 && scale !== 1 ? { sessionTimeScale: scale } : {}),
  });
  await app.listen({ host: opts.host, port: Number(opts.port) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : Number(opts.port);
  // The profiles name the endpoint, known once listening (--port 0 picks one), so they are
  // written before the ready line; so is the endpoint file the latchkey commands read.
  const endpoint = deps.publicUrl();
  const files = await profileFiles(store, world, endpoint);
  await fs.writeFile(path.join(stateDir, 'credentials'), files.credentials, { mode: 0o600 });
  await fs.writeFile(path.join(stateDir, 'config'), files.config, { mode: 0o600 });
  await fs.writeFile(path.join(stateDir, ENDPOINT_FILE), `${endpoint}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Latchkey: ${signal}, shutting down`);
    await app.close();
    await fs.rm(path.join(stateDir, ENDPOINT_FILE), { force: true });
    await fs.rm(path.join(stateDir, LOCAL_TOKEN_FILE), { force: true });
    await deps.decisions.settled();
    await runtime.close();
    // Unpacked code and layers: nothing in them outlives the server.
    await fs.rm(runtimeDir, { recursive: true, force: true });
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The ready line comes last: whoever waits for it may signal at once, and a signal that
  // arrived before the handlers above would end the process without its clean-up.
  console.log(`Latchkey listening on http://${opts.host}:${port}`);
  console.log(`Latchkey: console at ${endpoint}/console/#sign-in=${localToken}`);
}

const program = new Command('latchkey').version(version);
program
  .command('serve', { isDefault: true })
  .description('serve the AWS APIs on one port')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', '4570')
  .option('--state-dir <dir>', 'database, world and generated AWS profiles', '.latchkey')
  .option('--world <file>', 'world file (JSON) to apply')
  .option('--public-url <url>', 'the URL clients and functions reach this server by (default: the address it listens on)')
  .option('--database <url>', 'a PostgreSQL database shared by several Latchkey nodes, postgres://USER:PASS@HOST:PORT/DB (also LATCHKEY_DATABASE_URL; default: SQLite in --state-dir)')
  .option('--unsafe-shared-sandbox', 'where functions cannot be confined (not root, no user namespaces), run functions of several accounts anyway')
  .addHelpText('after', `
Functions run confined: as root, each execution environment as a user of its own in its own
mount and PID namespaces; otherwise in user namespaces. Where neither is possible, functions
run as Latchkey's own user, can read its files, and only one account's functions run unless
--unsafe-shared-sandbox is given. LATCHKEY_SANDBOX=${SANDBOX_MODES.join('|')} forces a mode.`)
  .action(reported(serve));
program
  .command('explain <request-id>')
  .description('say why a request (its x-amzn-RequestId) was allowed or denied')
  .option('--state-dir <dir>', 'the state directory the server ran with', '.latchkey')
  .option('--database <url>', 'the PostgreSQL the nodes share: their decisions, whichever node made them (also LATCHKEY_DATABASE_URL)')
  .action(reported(async (requestId: string, opts: { stateDir: string; database?: string }) => {
    const databaseUrl = opts.database ?? (process.env.LATCHKEY_DATABASE_URL || undefined);
    let records = readDecisions(path.join(path.resolve(opts.stateDir), DECISIONS_FILE), requestId);
    if (records.length === 0 && databaseUrl) {
      const store = await openStore({ stateDir: path.resolve(opts.stateDir), databaseUrl });
      try {
        records = (await store.findDecisions(requestId)).map((r) => JSON.parse(r) as DecisionRecord);
      } finally {
        await store.close();
      }
    }
    if (records.length === 0) {
      console.error(`latchkey: no decision with request id ${requestId} in ${opts.stateDir}`);
      process.exit(1);
    }
    console.log(records.map(describeDecision).join('\n\n'));
  }));

program
  .command('emit <service>')
  .description(`deliver an event to a function as an AWS service would (${EMITTING_SERVICES.join(', ')})`)
  .requiredOption('--function <name-or-arn>', 'the function (name, ARN, or ARN with version/alias)')
  .option('--state-dir <dir>', 'the state directory of the server to use', '.latchkey')
  .option('--endpoint <url>', "the Latchkey server (default: the one running on --state-dir)")
  .option('--account <id>', "the function's account, when --function is a name")
  .option('--region <region>', "the function's region (default: from its ARN, else us-east-1)")
  .option('--source-account <id>', 'the account owning the emitting resource (s3: the bucket owner)')
  .option('--bucket <name>', 's3: the bucket')
  .option('--key <key>', 's3: the object key')
  .option('--topic-arn <arn>', 'sns: the topic')
  .option('--message <text>', 'sns / logs: the message')
  .option('--subject <text>', 'sns: the subject')
  .option('--rule <name-or-arn>', 'events: the EventBridge rule')
  .option('--source <source>', 'events: the event source')
  .option('--detail-type <type>', 'events: the detail-type')
  .option('--detail <json>', 'events: the detail (JSON)')
  .option('--api-id <id>', 'apigateway: the REST API id')
  .option('--stage <stage>', 'apigateway: the stage')
  .option('--method <method>', 'apigateway: the HTTP method')
  .option('--path <path>', 'apigateway: the resource path')
  .option('--body <text>', 'apigateway: the request body')
  .option('--log-group <name>', 'logs: the log group')
  .option('--skill-id <id>', 'alexa: the skill id (lambda:EventSourceToken)')
  .action(reported(async (service: string, opts: Record<string, string>) => {
    const { endpoint, stateDir, detail, ...rest } = opts;
    const body = { service, ...rest, ...(detail !== undefined ? { detail: JSON.parse(detail) as unknown } : {}) };
    const token = readLocalToken(stateDir!);
    const res = await fetchLatchkey(new URL('/_latchkey/emit', endpoint ?? serverEndpoint(stateDir!)), {
      method: 'POST',
      body: JSON.stringify(body),
      // Without the token the server says what is missing.
      headers: { 'content-type': 'application/json', ...(token ? { [LOCAL_TOKEN_HEADER]: token } : {}) },
    });
    const result = (await res.json()) as { delivered?: boolean; reason?: string; message?: string };
    console.log(JSON.stringify(result, null, 2));
    if (!result.delivered) process.exit(1);
  }));

program
  .command('access')
  .description("who outside your account (or organization) can reach its functions and layers, and how")
  .option('--endpoint <url>', "the Latchkey server (default: the one running on --state-dir)")
  .option('--profile <name>', 'whose account to report on (a profile of the credentials file)', process.env.AWS_PROFILE ?? 'owner')
  .option('--state-dir <dir>', 'the state directory of the server: its endpoint, and its credentials file (unless AWS_SHARED_CREDENTIALS_FILE says)', '.latchkey')
  .option('--json', 'print the report as JSON')
  .action(reported(async (opts: { endpoint?: string; profile: string; stateDir: string; json?: boolean }) => {
    const credentials = readProfile(credentialsFile(opts.stateDir), opts.profile);
    const res = await signedGet(opts.endpoint ?? serverEndpoint(opts.stateDir), '/_latchkey/access', credentials, 'access-analyzer');
    const body = (await res.json()) as { resources?: ResourceAccess[]; message?: string };
    if (!res.ok || !body.resources) {
      console.error(`latchkey: ${body.message ?? res.statusText}`);
      process.exit(1);
    }
    console.log(opts.json ? JSON.stringify(body.resources, null, 2) : formatAccessReport(body.resources));
  }));

await program.parseAsync(process.argv);
