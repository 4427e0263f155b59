// Which process runs a function's runtime, and the environment it gets (runtime-api.md §3).
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type RuntimeKind = 'node' | 'python' | 'provided';

export class RuntimeNotAvailable extends Error {
  override name = 'RuntimeNotAvailable';
}

export function runtimeKind(runtime: string): RuntimeKind {
  if (/^nodejs\d+\.x$/.test(runtime)) return 'node';
  if (/^python3\.\d+$/.test(runtime)) return 'python';
  if (runtime === 'provided.al2' || runtime === 'provided.al2023' || runtime === 'provided') return 'provided';
  throw new RuntimeNotAvailable(`Runtime ${runtime} is not supported by this Latchkey host`);
}

const here = path.dirname(fileURLToPath(import.meta.url));

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((p) => existsSync(p));
}

/**
 * The bootstraps as installed. node: compiled by tsc next to this module
 * (dist/src/runtime/bootstraps/node.js). python: copied beside it by the build, or read from
 * the source tree (src/runtime/bootstraps/python.py) when running from it.
 */
export function bootstrapPath(kind: 'node' | 'python'): string {
  const found = kind === 'node'
    ? firstExisting([path.join(here, 'bootstraps', 'node.js')])
    : firstExisting([path.join(here, 'bootstraps', 'python.py'), path.resolve(here, '../../../src/runtime/bootstraps/python.py')]);
  if (!found) throw new RuntimeNotAvailable(`The ${kind} bootstrap is missing from this Latchkey installation`);
  return found;
}

/** The file names of the bootstraps in a runtime's own copy (installRuntimeFiles). */
export const BOOTSTRAP_FILES = { node: 'bootstrap.mjs', python: 'bootstrap.py' } as const;

/**
 * Copies the bootstraps into `dir` (Lambda's /var/runtime), readable by every environment's
 * user. Functions run these copies: taken when the server starts, they stay the same while a
 * new build replaces dist/, and they lie where the sandbox can show them read-only.
 */
export function installRuntimeFiles(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  for (const kind of ['node', 'python'] as const) {
    const target = path.join(dir, BOOTSTRAP_FILES[kind]);
    copyFileSync(bootstrapPath(kind), target);
    chmodSync(target, 0o644);
  }
}

/** The node_modules directory that holds `@aws-sdk`, put on NODE_PATH like /var/runtime/node_modules. */
let sdkModules: string | null | undefined;
export function latchkeyNodeModules(): string | undefined {
  if (sdkModules === undefined) {
    sdkModules = null;
    for (let dir = here; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules');
      if (existsSync(path.join(candidate, '@aws-sdk'))) { sdkModules = candidate; break; }
      if (path.dirname(dir) === dir) break;
    }
  }
  return sdkModules ?? undefined;
}

export interface HostPython {
  executable: string;
  version: string;
  /** sys.prefix: the installation the function process must reach. */
  prefix: string;
}

let python: Promise<HostPython> | undefined;
/** The host's python3, resolved once to its real executable (pyenv shims need an env we don't pass). */
export function hostPython(): Promise<HostPython> {
  python ??= new Promise((resolve, reject) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2]); print(sys.prefix)'], { timeout: 10_000 }, (err, stdout) => {
      const [executable, version, prefix] = stdout.trim().split('\n');
      if (err || !executable || !version || !prefix) reject(new RuntimeNotAvailable('python3 was not found on this host'));
      else resolve({ executable, version, prefix });
    });
  });
  return python;
}

/**
 * What a function process of a runtime must be able to read: the runtime's own files, its
 * language's installation, and for Node the AWS SDK Latchkey puts on NODE_PATH. The sandbox
 * shows these (and only these of them) where it covers the rest.
 */
export async function runtimeNeeds(runtimeFilesDir: string, kind: RuntimeKind | 'any' = 'any'): Promise<string[]> {
  const needs = [runtimeFilesDir];
  if (kind === 'node' || kind === 'any') {
    needs.push(path.dirname(path.dirname(process.execPath)));
    const sdk = latchkeyNodeModules();
    if (sdk) needs.push(sdk);
  }
  if (kind === 'python' || kind === 'any') {
    const py = await hostPython().catch(() => undefined);
    if (py) needs.push(py.prefix, py.executable);
  }
  return needs;
}

export function isExecutableFile(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export interface EnvInputs {
  kind: RuntimeKind;
  runtime: string;
  functionName: string;
  version: string;
  memorySize: number;
  handler: string;
  region: string;
  taskRoot: string;
  optDir: string;
  runtimeDir: string;
  runtimeApi: string;
  logStreamName: string;
  logging: FunctionLogging;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  endpointUrl: string;
  variables: Record<string, string>;
  pythonVersion?: string;
  /** The language's own bin directory (AWS: /var/lang/bin). */
  langBin?: string;
}

/** A function's LoggingConfig, as the runtime needs it. */
export interface FunctionLogging {
  group: string;
  format: 'Text' | 'JSON';
  /** JSON only: the lowest application level written (TRACE … FATAL). */
  applicationLevel?: string;
  /** JSON only: the lowest level of Lambda's own records (DEBUG, INFO, WARN). */
  systemLevel?: string;
}

/** Exactly the variables Lambda sets: nothing is inherited from Latchkey's own process. */
export function buildEnvironment(i: EnvInputs): Record<string, string> {
  const unreserved: Record<string, string> = {
    LANG: 'en_US.UTF-8',
    PATH: [i.langBin, '/usr/local/bin', '/usr/bin/', '/bin', path.join(i.optDir, 'bin')].filter(Boolean).join(':'),
    LD_LIBRARY_PATH: ['/lib64', '/usr/lib64', path.join(i.taskRoot, 'lib'), path.join(i.optDir, 'lib')].join(':'),
    AWS_ENDPOINT_URL: i.endpointUrl,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  };
  if (i.kind === 'node') {
    const major = /^nodejs(\d+)\.x$/.exec(i.runtime)?.[1] ?? process.versions.node.split('.')[0];
    unreserved.NODE_PATH = [
      path.join(i.optDir, 'nodejs', `node${major}`, 'node_modules'),
      path.join(i.optDir, 'nodejs', 'node_modules'),
      latchkeyNodeModules(),
      i.taskRoot,
    ].filter(Boolean).join(':');
  }
  if (i.kind === 'python') {
    unreserved.PYTHONPATH = [
      path.join(i.optDir, 'python', 'lib', `python${i.pythonVersion ?? '3'}`, 'site-packages'),
      path.join(i.optDir, 'python'),
    ].join(':');
  }
  const reserved: Record<string, string> = {
    _HANDLER: i.handler,
    AWS_REGION: i.region,
    AWS_DEFAULT_REGION: i.region,
    AWS_LAMBDA_FUNCTION_NAME: i.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(i.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: i.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: i.logging.group,
    AWS_LAMBDA_LOG_STREAM_NAME: i.logStreamName,
    AWS_ACCESS_KEY_ID: i.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: i.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: i.credentials.sessionToken,
    AWS_LAMBDA_RUNTIME_API: i.runtimeApi,
    LAMBDA_TASK_ROOT: i.taskRoot,
    LAMBDA_RUNTIME_DIR: i.runtimeDir,
    TZ: ':UTC',
  };
  // What the runtime interface clients read to write JSON records and drop lower levels.
  if (i.logging.format === 'JSON') {
    reserved.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    if (i.logging.applicationLevel) reserved.AWS_LAMBDA_LOG_LEVEL = i.logging.applicationLevel;
  }
  // OS-only runtimes get no AWS_EXECUTION_ENV.
  if (i.kind !== 'provided') reserved.AWS_EXECUTION_ENV = `AWS_Lambda_${i.runtime}`;
  return { ...unreserved, ...i.variables, ...reserved };
}
