// Latchkey's Node.js runtime client: the `node` process of one execution environment.
// Reproduces the observable behaviour of aws-lambda-nodejs-runtime-interface-client
// (see reference/runtime-api.md §4): handler loading, the context object,
// async and callback handlers, error shapes, console format, exit codes.
// It is compiled by tsc like the rest of src/ and runs as dist/src/runtime/bootstraps/node.js.
// It must import nothing but Node's built-ins.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { createRequire, register } from 'node:module';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';

type Handler = (event: unknown, context: unknown, callback: (err?: unknown, value?: unknown) => void) => unknown;
type Outcome = { ok: true; value: unknown; raw?: Buffer } | { ok: false; error: unknown };

/** What Latchkey sends with an invocation: the Runtime API's `Lambda-Runtime-*` headers, as fields. */
interface InvocationHead {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

const env = process.env;
const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerString = env._HANDLER ?? '';

let currentRequestId: string | undefined;

// ---- console: `ISO \t requestId \t LEVEL \t message`, newlines folded to \r like the RIC; with
// AWS_LAMBDA_LOG_FORMAT=JSON a JSON record per call (`timestamp`, `level`, `requestId`,
// `message`; an Error as `errorType`, `errorMessage`, `stackTrace`), levels below
// AWS_LAMBDA_LOG_LEVEL dropped, as the Node.js runtime interface client writes them.
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const jsonFormat = env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const lowestLevel = jsonFormat ? Math.max(0, LEVELS.indexOf((env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase())) : 0;

function jsonRecord(level: string, args: unknown[]): string {
  const record: Record<string, unknown> = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
  const [only] = args;
  if (args.length === 1 && only instanceof Error) {
    Object.assign(record, { message: only.message, errorType: only.name, errorMessage: only.message, stackTrace: (only.stack ?? '').split('\n') });
  } else {
    record.message = args.length === 1 ? only : util.format(...args);
  }
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ ...record, message: util.format(...args) });
  }
}

function patchConsole(): void {
  const levels: [keyof Console, string][] = [
    ['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE'], ['fatal' as keyof Console, 'FATAL'],
  ];
  for (const [method, level] of levels) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (jsonFormat) {
        if (LEVELS.indexOf(level) >= lowestLevel) process.stdout.write(jsonRecord(level, args) + '\n');
        return;
      }
      const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}`;
      process.stdout.write(line.replace(/\n/g, '\r') + '\n');
    };
  }
}

// ---- Output accounting: bytes written to stdout and stderr so far. Sent with each result in
// the `Latchkey-Output-Bytes` header (environment.ts OUTPUT_FENCE_HEADER), so that Latchkey can
// wait for all of an invocation's output before it closes the invocation's log.
const written = { out: 0, err: 0 };
function countWrites(stream: NodeJS.WriteStream, key: 'out' | 'err'): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
    written[key] += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
countWrites(process.stdout, 'out');
countWrites(process.stderr, 'err');

// ---- Latchkey's private channel on fd 3 (src/runtime/channel.ts): what the Runtime API carries,
// as frames — the byte lengths of a JSON head and of a body (uint32, big-endian), the head, the body.
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
// Without Latchkey on the other end there is nothing left to do.
channel.on('error', () => process.exit(1));
channel.on('end', () => process.exit(1));
let inbox: Buffer[] = [];
let inboxBytes = 0;
let wake: (() => void) | undefined;
channel.on('data', (chunk: Buffer) => {
  inbox.push(chunk);
  inboxBytes += chunk.length;
  wake?.();
});

async function readBytes(n: number): Promise<Buffer> {
  while (inboxBytes < n) await new Promise<void>((resolve) => { wake = resolve; });
  wake = undefined;
  const all = inbox.length === 1 ? inbox[0]! : Buffer.concat(inbox);
  inbox = all.length > n ? [all.subarray(n)] : [];
  inboxBytes -= n;
  return all.subarray(0, n);
}

async function receive(): Promise<{ head: InvocationHead; body: Buffer }> {
  // Waiting for work keeps the process alive; a running handler's empty event loop must not be kept alive by it.
  channel.ref();
  const sizes = await readBytes(8);
  const head = JSON.parse((await readBytes(sizes.readUInt32BE(0))).toString('utf8')) as InvocationHead;
  const body = await readBytes(sizes.readUInt32BE(4));
  channel.unref();
  return { head, body };
}

/** Sends frames in one write; results carry how many bytes this process has written to stdout and stderr so far (environment.ts waits for them). */
function send(...frames: [Record<string, unknown>, Buffer?][]): Promise<void> {
  const parts: Buffer[] = [];
  for (const [head, body] of frames) {
    const json = Buffer.from(JSON.stringify(head.type === 'next' ? head : { ...head, output: [written.out, written.err] }));
    const sizes = Buffer.allocUnsafe(8);
    sizes.writeUInt32BE(json.length, 0);
    sizes.writeUInt32BE(body?.length ?? 0, 4);
    parts.push(sizes, json);
    if (body?.length) parts.push(body);
  }
  return new Promise((resolve, reject) => channel.write(Buffer.concat(parts), (e) => (e ? reject(e) : resolve())));
}

const NEXT: [Record<string, unknown>] = [{ type: 'next' }];

function toRapidResponse(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | null;
  if (error instanceof Error || (e && typeof e === 'object' && typeof e.name === 'string' && typeof e.message === 'string')) {
    const err = e as { name: string; message: string; stack?: unknown };
    return { errorType: err.name, errorMessage: err.message, trace: typeof err.stack === 'string' ? err.stack.split('\n') : [] };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function postInitError(error: unknown): Promise<never> {
  const body = toRapidResponse(error);
  console.error('Uncaught Exception \t' + JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace }));
  try {
    await send([{ type: 'initError', errorType: body.errorType }, Buffer.from(JSON.stringify(body))]);
  } finally {
    process.exit(129);
  }
}

/** Reports an invocation's error; `thenNext`: and asks for the next invocation in the same write. */
async function postInvokeError(requestId: string, error: unknown, thenNext: boolean): Promise<void> {
  const body = toRapidResponse(error);
  console.error('Invoke Error \t' + JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace }));
  const result: [Record<string, unknown>, Buffer] = [{ type: 'error', requestId, errorType: body.errorType }, Buffer.from(JSON.stringify(body))];
  await (thenNext ? send(result, NEXT) : send(result));
}

// ---- handler loading (§4.1)
function namedError(name: string): new (message: string) => Error {
  const cls = class extends Error {};
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return cls;
}
const MalformedHandlerName = namedError('Runtime.MalformedHandlerName');
const ImportModuleError = namedError('Runtime.ImportModuleError');
const HandlerNotFound = namedError('Runtime.HandlerNotFound');
const UserCodeSyntaxError = namedError('Runtime.UserCodeSyntaxError');
const NodeJsExit = namedError('Runtime.NodeJsExit');

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

function nearestPackageType(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (isFile(pj)) {
      try { return (JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: string }).type; } catch { return undefined; }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

async function loadModule(moduleRoot: string, moduleName: string): Promise<Record<string, unknown>> {
  const requireFrom = createRequire(path.join(taskRoot, 'index.js'));
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const importFile = async (file: string) => {
    registerNodePathFallback();
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  };
  if (isFile(base)) return requireFrom(base) as Record<string, unknown>;
  if (isFile(base + '.js')) {
    if (nearestPackageType(path.dirname(base)) === 'module') return importFile(base + '.js');
    try {
      return requireFrom(base + '.js') as Record<string, unknown>;
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_REQUIRE_ESM') return importFile(base + '.js');
      throw e;
    }
  }
  if (isFile(base + '.mjs')) return importFile(base + '.mjs');
  if (isFile(base + '.cjs')) return requireFrom(base + '.cjs') as Record<string, unknown>;
  const resolved = requireFrom.resolve(moduleName, { paths: [taskRoot, path.resolve(taskRoot, moduleRoot)] });
  return requireFrom(resolved) as Record<string, unknown>;
}

async function loadHandler(): Promise<Handler> {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerName(`'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleRoot = path.dirname(handlerString);
  const baseName = path.basename(handlerString);
  const dot = baseName.indexOf('.');
  if (dot <= 0 || dot === baseName.length - 1) throw new MalformedHandlerName('Bad handler');
  const moduleName = baseName.slice(0, dot);
  const propertyPath = baseName.slice(dot + 1);
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(String(e));
    const code = (e as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new ImportModuleError(String(e));
    throw e;
  }
  let value: unknown = mod;
  for (const key of propertyPath.split('.')) {
    value = value == null ? undefined : (value as Record<string, unknown>)[key];
  }
  if (value === undefined) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof value !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  return value as Handler;
}

// ---- awslambda global (response streaming, buffered)
const streamingSymbol = Symbol.for('aws.lambda.runtime.handler.streaming');
(globalThis as Record<string, unknown>).awslambda = {
  streamifyResponse(handler: Handler): Handler {
    (handler as unknown as Record<symbol, unknown>)[streamingSymbol] = 'response';
    return handler;
  },
  HttpResponseStream: {
    from(stream: PassThrough, prelude: unknown): PassThrough {
      stream.write(JSON.stringify(prelude));
      stream.write(Buffer.alloc(8));
      return stream;
    },
  },
};

// ---- one invocation (§4.2)
function invokeHandler(handler: Handler, event: unknown, context: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let pending: Outcome | undefined;
    let isAsync = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      process.removeListener('beforeExit', onDrain);
      resolve(outcome);
    };
    const onDrain = () => {
      if (pending) finish(pending);
      else if (isAsync) {
        finish({ ok: false, error: new NodeJsExit('The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes') });
      } else finish({ ok: true, value: null });
    };
    process.on('beforeExit', onDrain);
    const callback = (err?: unknown, value?: unknown) => {
      if (pending || settled) return;
      pending = err !== undefined && err !== null ? { ok: false, error: err } : { ok: true, value };
      if (!context.callbackWaitsForEmptyEventLoop) finish(pending);
    };
    context.succeed = (value?: unknown) => callback(null, value);
    context.fail = (err?: unknown) => callback(err ?? 'handled', undefined);
    context.done = callback;
    try {
      if ((handler as unknown as Record<symbol, unknown>)[streamingSymbol]) {
        isAsync = true;
        const stream = new PassThrough();
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
        const done = new Promise<void>((r) => stream.on('end', () => r()));
        Promise.resolve(handler(event, stream as unknown as Record<string, unknown>, context as never))
          .then(async () => { if (!stream.writableEnded) stream.end(); await done; finish({ ok: true, value: undefined, raw: Buffer.concat(chunks) }); },
            (error: unknown) => finish({ ok: false, error }));
        return;
      }
      const result = handler(event, context, callback);
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        isAsync = true;
        (result as Promise<unknown>).then((value) => finish({ ok: true, value }), (error: unknown) => finish({ ok: false, error }));
      }
    } catch (error) {
      finish({ ok: false, error });
    }
  });
}

function makeContext(head: InvocationHead): Record<string, unknown> {
  const parse = (text: string | undefined, what: string) => {
    if (!text) return undefined;
    try { return JSON.parse(text) as unknown; } catch { throw new Error(`Cannot parse ${what} as json`); }
  };
  const deadline = Number(head.deadlineMs);
  let waits = true;
  const context: Record<string, unknown> = {};
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', {
    get: () => waits, set: (v: unknown) => { waits = Boolean(v); }, enumerable: true, configurable: true,
  });
  Object.assign(context, {
    succeed: undefined, fail: undefined, done: undefined,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parse(head.clientContext, 'ClientContext'),
    identity: parse(head.cognitoIdentity, 'CognitoIdentity'),
    invokedFunctionArn: head.invokedFunctionArn,
    awsRequestId: head.requestId,
    tenantId: head.tenantId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  });
  return context;
}

async function loop(handler: Handler): Promise<never> {
  await send(NEXT);
  for (;;) {
    const next = await receive();
    const requestId = String(next.head.requestId ?? '');
    currentRequestId = requestId;
    const trace = next.head.traceId;
    if (typeof trace === 'string') env._X_AMZN_TRACE_ID = trace;
    else delete env._X_AMZN_TRACE_ID;
    let outcome: Outcome;
    try {
      const context = makeContext(next.head);
      const text = next.body.toString('utf8');
      const event = text.length ? JSON.parse(text) as unknown : {};
      outcome = await invokeHandler(handler, event, context);
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      let body: Buffer;
      try {
        body = outcome.raw ?? Buffer.from(JSON.stringify(outcome.value === undefined ? null : outcome.value) ?? 'null');
      } catch (error) {
        await postInvokeError(requestId, error, true);
        continue;
      }
      await send([{ type: 'response', requestId }, body], NEXT);
    } else {
      await postInvokeError(requestId, outcome.error, true);
    }
    currentRequestId = undefined;
  }
}

let dying = false;
function fatal(code: number) {
  return (error: unknown) => {
    if (dying) process.exit(code);
    dying = true;
    const requestId = currentRequestId;
    const post = requestId ? postInvokeError(requestId, error, false) : postInitError(error);
    void post.catch(() => undefined).finally(() => process.exit(code));
  };
}

// ESM handlers resolve bare specifiers without NODE_PATH; let them fall back to it, as
// the managed runtime does for the bundled SDK and /opt/nodejs/node_modules.
let fallbackRegistered = false;
function registerNodePathFallback(): void {
  if (fallbackRegistered) return;
  fallbackRegistered = true;
  const dirs = (env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => pathToFileURL(path.join(d, 'x.js')).href);
  if (!dirs.length || typeof register !== 'function') return;
  const source = `const dirs = ${JSON.stringify(dirs)};
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (e) {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && !/^[./]|^[a-z]+:/i.test(specifier)) {
      for (const parentURL of dirs) { try { return await next(specifier, { ...context, parentURL }); } catch {} }
    }
    throw e;
  }
}`;
  register('data:text/javascript,' + encodeURIComponent(source));
}

async function main(): Promise<void> {
  // Without Latchkey on the other end (pipes closed, Runtime API gone) there is nothing left to do.
  process.stdout.on('error', () => process.exit(1));
  process.stderr.on('error', () => process.exit(1));
  patchConsole();
  process.on('uncaughtException', fatal(129));
  process.on('unhandledRejection', fatal(128));
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    return postInitError(error);
  }
  await loop(handler).catch(() => process.exit(1));
}

void main();
