// Function execution: warm pools of execution environments per function version and
// configuration, each a child process talking to its own Runtime API (runtime-api.md §6).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Environment, type Invocation, type LaunchPlan, type LogLine, type Outcome } from './environment.js';
import {
  BOOTSTRAP_FILES, buildEnvironment, hostPython, installRuntimeFiles, isExecutableFile, runtimeKind, runtimeNeeds, RuntimeNotAvailable, type FunctionLogging, type RuntimeKind,
} from './launch.js';
import type { FunctionLayout, Sandbox } from './sandbox.js';
import { extractZip } from './zip.js';

export { RuntimeNotAvailable } from './launch.js';
export type { LogLine } from './environment.js';
export type { FunctionLogging } from './launch.js';

/** Where a runtime keeps its copy of the bootstraps, under its work directory (Lambda's /var/runtime). */
export const runtimeFilesDir = (workDir: string) => path.join(path.resolve(workDir), 'runtime');

export interface FunctionSpec {
  functionArn: string;          // unqualified
  functionName: string;
  version: string;              // '$LATEST' or '1', …
  runtime: string;              // nodejs18.x | nodejs20.x | nodejs22.x | python3.x | provided.al2 | provided.al2023
  handler: string;
  memorySize: number;
  timeout: number;              // seconds
  environment: Record<string, string>;
  codeSha256: string;           // cache key for the unpacked code
  code: () => Promise<Buffer>;  // the zip, fetched only when the code isn't unpacked yet
  layers: { arn: string; codeSha256: string; code: () => Promise<Buffer> }[];   // in order
  region: string;
  logging: FunctionLogging;
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>;
  endpointUrl: string;          // Latchkey's own URL → AWS_ENDPOINT_URL
}

export interface InvokeRequest {
  payload: Buffer;
  invokedFunctionArn: string;
  clientContext?: string;       // base64 JSON, as the X-Amz-Client-Context header carries it
  requestId: string;
  logTail: boolean;
}

export interface InvokeResult {
  functionError?: 'Unhandled' | 'Handled';
  payload: Buffer;
  logResult?: string;           // base64 of the last 4 KB of this invocation's log, when logTail
  /** The invocation's log a line per event, for CloudWatch Logs, and the environment's log stream. */
  logLines: LogLine[];
  logStream: string;
  executedVersion: string;
  durationMs: number;
}

export interface RuntimeManagerOptions {
  /** Where code is unpacked: a temp dir owned by Latchkey, not the state directory. */
  workDir: string;
  idleTimeoutMs?: number;
  maxEnvironmentsPerFunction?: number;
  /** Receives every byte the functions write to stdout/stderr (e.g. for Latchkey's own log). */
  onLog?: (functionName: string, text: string) => void;
  /** How function processes are kept from Latchkey's files (sandbox.ts); none by default. */
  sandbox?: Sandbox;
  /**
   * Without a sandbox that isolates accounts, functions of one account only run (the first
   * that asks), unless this is set (`--unsafe-shared-sandbox`).
   */
  allowSharedSandbox?: boolean;
}

const LOG_TAIL_BYTES = 4096;

function shaDir(sha: string): string {
  if (/^[0-9a-f]{64}$/i.test(sha)) return sha.toLowerCase();
  const hex = Buffer.from(sha, 'base64').toString('hex');
  return hex.length ? hex : Buffer.from(sha).toString('hex').slice(0, 64);
}

function configKey(spec: FunctionSpec): string {
  return JSON.stringify([
    spec.version, spec.codeSha256, spec.runtime, spec.handler, spec.memorySize, spec.timeout, spec.region, spec.endpointUrl, spec.logging,
    Object.entries(spec.environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), spec.layers.map((l) => [l.arn, l.codeSha256]),
  ]);
}

/**
 * Random hex from a pool refilled 4 KiB at a time: a trace id per invoke took two calls into
 * the system's random source, a measurable part of a warm invoke.
 */
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}

function logStreamName(version: string): string {
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

function errorPayload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}

export class RuntimeManager {
  private readonly workDir: string;
  private readonly idleTimeoutMs: number;
  private readonly maxEnvironments: number;
  private readonly onLog?: (functionName: string, text: string) => void;
  private readonly sandbox?: Sandbox;
  private readonly pools = new Map<string, Environment[]>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly unpacking = new Map<string, Promise<string>>();
  private readonly envDirs = new Map<Environment, string>();
  private readonly layouts = new Map<Environment, FunctionLayout>();
  private readonly runtimeDir: string;
  private readonly allowSharedSandbox: boolean;
  /** The one account whose functions run where accounts are not isolated from each other. */
  private soleAccount?: string;
  private serials = 0;
  /** Every environment not yet dead, whatever pool it is in. */
  private readonly live = new Set<Environment>();
  private closed = false;
  private readonly exitHook = () => {
    for (const env of [...this.live]) env.stop();
  };

  constructor(options: RuntimeManagerOptions) {
    this.workDir = path.resolve(options.workDir);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.maxEnvironments = options.maxEnvironmentsPerFunction ?? 10;
    if (options.onLog) this.onLog = options.onLog;
    if (options.sandbox) this.sandbox = options.sandbox;
    this.allowSharedSandbox = options.allowSharedSandbox ?? false;
    // Functions running as users of their own must reach their code: others may pass through (not list).
    chmodSync(this.workDir, 0o711);
    this.runtimeDir = runtimeFilesDir(this.workDir);
    installRuntimeFiles(this.runtimeDir);
    process.on('exit', this.exitHook);
  }

  async invoke(spec: FunctionSpec, request: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new Error('The runtime manager is closed');
    this.checkAccountIsolation(spec);
    const kind = runtimeKind(spec.runtime);
    if (kind === 'python') await hostPython();
    const started = Date.now();
    const payload = request.payload.length ? request.payload : Buffer.from('{}');
    const inv: Invocation = {
      requestId: request.requestId,
      payload,
      invokedFunctionArn: request.invokedFunctionArn,
      traceId: traceId(),
      timeoutMs: Math.max(1, spec.timeout) * 1000,
      version: spec.version,
      memorySize: spec.memorySize,
      functionArn: spec.version === '$LATEST' ? spec.functionArn : `${spec.functionArn}:${spec.version}`,
      ...(spec.logging.format === 'JSON' ? { systemLogLevel: spec.logging.systemLevel ?? 'INFO' } : {}),
    };
    if (request.clientContext) inv.clientContext = Buffer.from(request.clientContext, 'base64').toString('utf8');

    let outcome: Outcome = { kind: 'undelivered' };
    let log = '';
    let lines: LogLine[] = [];
    let logStream = '';
    let durationMs = 0;
    for (let attempt = 0; attempt < 3 && outcome.kind === 'undelivered'; attempt++) {
      const env = await this.acquire(spec, kind);
      if (!env) {
        // provided runtime without an executable bootstrap
        const taskRoot = path.join(this.workDir, 'code', shaDir(spec.codeSha256));
        outcome = {
          kind: 'initError',
          body: errorPayload('Runtime.InvalidEntrypoint', `RequestId: ${inv.requestId} Error: Couldn't find valid bootstrap(s): [${taskRoot}/bootstrap /opt/bootstrap]`),
        };
        log = `START RequestId: ${inv.requestId} Version: ${spec.version}\nEND RequestId: ${inv.requestId}\n`;
        lines = log.trimEnd().split('\n').map((message) => ({ timestamp: Date.now(), message }));
        logStream = logStreamName(spec.version);
        break;
      }
      ({ outcome, log, lines, durationMs } = await env.run(inv));
      logStream = env.logStream;
    }
    const result: InvokeResult = { payload: Buffer.alloc(0), logLines: lines, logStream, executedVersion: spec.version, durationMs: durationMs || Date.now() - started };
    switch (outcome.kind) {
      case 'response':
        result.payload = outcome.body;
        break;
      case 'error':
      case 'initError':
        result.functionError = 'Unhandled';
        result.payload = outcome.body;
        break;
      case 'timeout':
        result.functionError = 'Unhandled';
        result.payload = errorPayload('Sandbox.Timedout', `RequestId: ${inv.requestId} Error: Task timed out after ${(inv.timeoutMs / 1000).toFixed(2)} seconds`);
        break;
      case 'exit':
        result.functionError = 'Unhandled';
        result.payload = errorPayload('Runtime.ExitError', `RequestId: ${inv.requestId} Error: ${outcome.reason}`);
        break;
      case 'undelivered':
        result.functionError = 'Unhandled';
        result.payload = errorPayload('Runtime.ExitError', `RequestId: ${inv.requestId} Error: Runtime exited without providing a reason`);
        break;
    }
    if (request.logTail) result.logResult = tail(log);
    return result;
  }

  private checkAccountIsolation(spec: FunctionSpec): void {
    if (this.allowSharedSandbox || (this.sandbox?.isolatesAccounts ?? false)) return;
    const account = spec.functionArn.split(':')[4] ?? '';
    this.soleAccount ??= account;
    if (account !== this.soleAccount) {
      throw new RuntimeNotAvailable(
        `functions run unconfined on this host, and functions of account ${this.soleAccount} already run here; `
        + 'to run functions of several accounts side by side without isolation, start Latchkey with --unsafe-shared-sandbox',
      );
    }
  }

  /** Stops this function's environments; busy ones finish their invocation first. */
  async reset(functionArn: string): Promise<void> {
    const pool = this.pools.get(functionArn) ?? [];
    for (const env of [...pool]) {
      env.retired = true;
      if (env.state === 'idle' || env.state === 'finishing' || env.state === 'dead') env.stop();
    }
    await this.cleanupDead();
  }

  async close(): Promise<void> {
    this.closed = true;
    process.removeListener('exit', this.exitHook);
    for (const env of [...this.live]) env.stop();
    await this.cleanupDead();
    for (const wake of [...this.waiters.values()].flat()) wake();
    this.waiters.clear();
  }

  /** Environments currently alive for a function (for tests and diagnostics). */
  environments(functionArn: string): { id: string; state: string; pid: number | undefined; version: string }[] {
    return (this.pools.get(functionArn) ?? []).filter((e) => e.state !== 'dead').map((e) => ({ id: e.id, state: e.state, pid: e.pid, version: e.version }));
  }

  private async acquire(spec: FunctionSpec, kind: RuntimeKind): Promise<Environment | undefined> {
    const key = configKey(spec);
    let pool = this.pools.get(spec.functionArn);
    if (!pool) this.pools.set(spec.functionArn, (pool = []));
    for (;;) {
      if (this.closed) throw new Error('The runtime manager is closed');
      // A configuration or code change of this version: its old environments are stale.
      for (const env of pool) {
        if (env.version === spec.version && env.key !== key && (env.state === 'idle' || env.state === 'finishing') && !env.claimed) env.stop();
      }
      const free = (state: string) => pool.find((e) => e.key === key && e.state === state && !e.claimed && !e.retired);
      const reuse = free('idle') ?? free('finishing');
      if (reuse) {
        reuse.claimed = true;
        return reuse;
      }
      const live = pool.filter((e) => e.key === key && e.state !== 'dead').length;
      if (live < this.maxEnvironments) return this.startEnvironment(spec, kind, key, pool);
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(spec.functionArn) ?? [];
        list.push(resolve);
        this.waiters.set(spec.functionArn, list);
      });
    }
  }

  private async startEnvironment(spec: FunctionSpec, kind: RuntimeKind, key: string, pool: Environment[]): Promise<Environment | undefined> {
    const id = randomUUID();
    const env = new Environment(id, key, spec.version, {
      idleTimeoutMs: this.idleTimeoutMs,
      onChange: (e) => this.changed(spec.functionArn, e),
      ...(this.onLog ? { onLog: (text: string) => this.onLog?.(spec.functionName, text) } : {}),
    });
    env.claimed = true;
    pool.push(env);
    this.live.add(env);
    try {
      const taskRoot = await this.unpackCode(spec);
      // The environment's own directory: its layers (its /opt) and an empty staging directory
      // the sandbox may use while it mounts them (sandbox.ts).
      const envDir = path.join(this.workDir, 'env', id);
      const optDir = path.join(envDir, 'opt');
      const stageDir = path.join(envDir, 'stage');
      this.envDirs.set(env, envDir);
      await fs.mkdir(optDir, { recursive: true });
      await fs.mkdir(stageDir);
      // Layers in order, each over the ones before (as Lambda extracts them into /opt).
      for (const layer of spec.layers) await extractZip(await layer.code(), optDir);
      let command: string;
      let args: string[] = [];
      let runtimeDir: string;
      let langBin: string | undefined;
      let pythonVersion: string | undefined;
      if (kind === 'node') {
        command = process.execPath;
        args = [path.join(this.runtimeDir, BOOTSTRAP_FILES.node)];
        runtimeDir = this.runtimeDir;
        langBin = path.dirname(process.execPath);
      } else if (kind === 'python') {
        const py = await hostPython();
        command = py.executable;
        args = ['-u', path.join(this.runtimeDir, BOOTSTRAP_FILES.python)];
        runtimeDir = this.runtimeDir;
        langBin = path.dirname(py.executable);
        pythonVersion = py.version;
      } else {
        const candidates = [path.join(taskRoot, 'bootstrap'), path.join(optDir, 'bootstrap')];
        const found = candidates.find(isExecutableFile);
        if (!found) {
          this.discard(env, pool);
          return undefined;
        }
        command = found;
        runtimeDir = path.dirname(found);
      }
      const credentials = await spec.credentials();
      const streamName = logStreamName(spec.version);
      env.logStream = streamName;
      const layout: FunctionLayout = { workDir: this.workDir, taskRoot, optDir, stageDir, serial: ++this.serials, needs: await runtimeNeeds(this.runtimeDir, kind) };
      this.layouts.set(env, layout);
      await env.start((runtimeApi) => this.confine({
        command,
        args,
        cwd: taskRoot,
        channel: kind !== 'provided',
        env: buildEnvironment({
          kind, runtime: spec.runtime, functionName: spec.functionName, version: spec.version, memorySize: spec.memorySize,
          handler: spec.handler, region: spec.region, taskRoot, optDir, runtimeDir, runtimeApi, logStreamName: streamName, logging: spec.logging,
          credentials, endpointUrl: spec.endpointUrl, variables: spec.environment,
          ...(pythonVersion ? { pythonVersion } : {}), ...(langBin ? { langBin } : {}),
        }),
      }, layout));
      return env;
    } catch (e) {
      this.discard(env, pool);
      throw e;
    }
  }

  private confine(plan: LaunchPlan, layout: FunctionLayout): LaunchPlan {
    if (!this.sandbox) return plan;
    const ownUid = this.sandbox.uidFor(layout);
    return { ...this.sandbox.confine(plan, layout), ...(ownUid !== undefined ? { ownUid } : {}) };
  }

  /**
   * Ends whatever an environment's user left running (a process that escaped the environment's
   * process group, e.g. by setsid): every process of that user, which no other environment has.
   */
  private killLeftovers(env: Environment): void {
    const layout = this.layouts.get(env);
    this.layouts.delete(env);
    const uid = layout && this.sandbox?.uidFor(layout);
    if (uid === undefined) return;
    const killer = spawn('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', '/bin/sh', '-c', 'kill -9 -1'], { stdio: 'ignore' });
    killer.on('error', () => undefined);
    killer.unref();
  }

  private discard(env: Environment, pool: Environment[]): void {
    env.claimed = false;
    env.stop();
    this.live.delete(env);
    const i = pool.indexOf(env);
    if (i >= 0) pool.splice(i, 1);
    void this.cleanupDead();
  }

  private changed(functionArn: string, env: Environment): void {
    if (env.state === 'dead') {
      this.killLeftovers(env);
      this.live.delete(env);
      const pool = this.pools.get(functionArn);
      const i = pool?.indexOf(env) ?? -1;
      if (pool && i >= 0) pool.splice(i, 1);
      void this.removeEnvDir(env);
    }
    const waiting = this.waiters.get(functionArn);
    if (waiting?.length) {
      this.waiters.delete(functionArn);
      for (const wake of waiting) wake();
    }
  }

  private async removeEnvDir(env: Environment): Promise<void> {
    const dir = this.envDirs.get(env);
    if (!dir) return;
    this.envDirs.delete(env);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async cleanupDead(): Promise<void> {
    const dead = [...this.envDirs.keys()].filter((e) => e.state === 'dead');
    await Promise.all(dead.map((e) => this.removeEnvDir(e)));
  }

  private unpackCode(spec: FunctionSpec): Promise<string> {
    return this.unpack('code', spec.codeSha256, spec.code);
  }

  /** Unpacks a zip once per sha into `<workDir>/<area>/<sha-hex>/`, atomically. */
  private unpack(area: string, sha: string, fetch: () => Promise<Buffer>): Promise<string> {
    const dir = path.join(this.workDir, area, shaDir(sha));
    const key = `${area}/${dir}`;
    let pending = this.unpacking.get(key);
    if (!pending) {
      pending = (async () => {
        if (existsSync(dir)) return dir;
        const tmp = path.join(this.workDir, area, `.tmp-${randomUUID()}`);
        try {
          await extractZip(await fetch(), tmp);
          await fs.rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
            if (!existsSync(dir)) throw e;
          });
        } finally {
          await fs.rm(tmp, { recursive: true, force: true });
        }
        return dir;
      })();
      this.unpacking.set(key, pending);
      pending.catch(() => this.unpacking.delete(key));
    }
    return pending;
  }
}
