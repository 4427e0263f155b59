// Tests for function execution (src/runtime): real child processes running real handlers.
// Spec: reference/runtime-api.md (§1 Runtime API, §2 Invoke mapping and logs,
// §3 environment variables, §4 Node.js handler contract, §5 verified transcripts).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { RuntimeManager, RuntimeNotAvailable, type FunctionSpec, type InvokeResult } from '../../src/runtime/index.js';
import { ACCOUNT, fetches, fn, zip, type Files } from './functionSpec.js';

const MARKER = 'LATCHKEY_TEST_MARKER_' + randomUUID().replace(/-/g, '');
process.env[MARKER] = 'secret-of-the-host';

let workDir: string;
let manager: RuntimeManager;

function invoke(spec: FunctionSpec, event: unknown = {}, extra: { clientContext?: string; logTail?: boolean; arn?: string } = {}): Promise<InvokeResult> {
  return manager.invoke(spec, {
    payload: Buffer.from(JSON.stringify(event)),
    invokedFunctionArn: extra.arn ?? spec.functionArn,
    requestId: randomUUID(),
    logTail: extra.logTail ?? false,
    ...(extra.clientContext ? { clientContext: extra.clientContext } : {}),
  });
}

function json(result: InvokeResult): Record<string, unknown> {
  return JSON.parse(result.payload.toString('utf8')) as Record<string, unknown>;
}

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'latchkey-runtime-test-'));
  manager = new RuntimeManager({ workDir });
});

after(async () => {
  await manager.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

const NODE_CJS = `
let count = 0;
exports.handler = async (event, context) => {
  count++;
  return {
    event, count, pid: process.pid,
    ctx: {
      keys: Object.keys(context),
      functionName: context.functionName, functionVersion: context.functionVersion,
      memoryLimitInMB: context.memoryLimitInMB, memoryType: typeof context.memoryLimitInMB,
      invokedFunctionArn: context.invokedFunctionArn, awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName, logStreamName: context.logStreamName,
      clientContext: context.clientContext, remaining: context.getRemainingTimeInMillis(),
      waits: context.callbackWaitsForEmptyEventLoop,
    },
    env: process.env, cwd: process.cwd(),
  };
};
exports.cb = (event, context, callback) => { setTimeout(() => callback(null, { ok: true, via: 'callback' }), 10); };
exports.cbLater = (event, context, callback) => { callback(null, 'first'); setTimeout(() => { globalThis.late = 'timer ran'; }, 50); };
exports.cbNoWait = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 100); callback(null, globalThis.late ?? 'nothing'); };
exports.retUndef = async () => undefined;
exports.retString = async () => 'hello';
exports.syncNoCallback = () => { setTimeout(() => {}, 5); };
exports.nested = { deep: { fn: async () => 'nested ok' } };
exports.asyncThrow = async () => { const e = new Error('out of budget'); e.name = 'BudgetExhausted'; throw e; };
exports.cbStringErr = (event, context, callback) => callback('plain string error');
exports.uncaught = async () => { setTimeout(() => { throw new TypeError('async uncaught'); }, 1); await new Promise(() => {}); };
exports.exit = async () => { process.exit(3); };
exports.notAFunction = 42;
exports.sleep = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return { pid: process.pid, count: ++count }; };
exports.logging = async () => { console.log('hello from handler', { a: 1 }); console.error('multi\\nline'); return 1; };
exports.sdk = async () => { const { LambdaClient } = require('@aws-sdk/client-lambda'); return typeof LambdaClient; };
`;

describe('Node.js handlers', () => {
  const base = fn('node-basic', { 'index.js': NODE_CJS });

  test('async CommonJS handler: event, context object and executed version', async () => {
    const cc = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64');
    const qualified = `${base.functionArn}:prod`;
    const result = await invoke(base, { name: 'Bob' }, { clientContext: cc, arn: qualified });
    assert.equal(result.functionError, undefined);
    assert.equal(result.executedVersion, '$LATEST');
    const body = json(result) as { event: unknown; ctx: Record<string, unknown> };
    assert.deepEqual(body.event, { name: 'Bob' });
    assert.deepEqual(body.ctx.keys, [
      'callbackWaitsForEmptyEventLoop', 'succeed', 'fail', 'done', 'functionVersion', 'functionName', 'memoryLimitInMB',
      'logGroupName', 'logStreamName', 'clientContext', 'identity', 'invokedFunctionArn', 'awsRequestId', 'tenantId', 'getRemainingTimeInMillis',
    ]);
    assert.equal(body.ctx.functionName, 'node-basic');
    assert.equal(body.ctx.functionVersion, '$LATEST');
    assert.equal(body.ctx.memoryLimitInMB, '128');
    assert.equal(body.ctx.memoryType, 'string');
    assert.equal(body.ctx.invokedFunctionArn, qualified);
    assert.equal(body.ctx.logGroupName, '/aws/lambda/node-basic');
    assert.match(String(body.ctx.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.deepEqual(body.ctx.clientContext, { custom: { a: 1 } });
    assert.ok(Number(body.ctx.remaining) > 0 && Number(body.ctx.remaining) <= 3000);
    assert.equal(body.ctx.waits, true);
  });

  test('results: callback, undefined → null, string keeps its quotes, sync without callback → null, nested handler path', async () => {
    assert.deepEqual(json(await invoke({ ...base, handler: 'index.cb' })), { ok: true, via: 'callback' });
    assert.equal((await invoke({ ...base, handler: 'index.retUndef' })).payload.toString(), 'null');
    assert.equal((await invoke({ ...base, handler: 'index.retString' })).payload.toString(), '"hello"');
    assert.equal((await invoke({ ...base, handler: 'index.syncNoCallback' })).payload.toString(), 'null');
    assert.equal((await invoke({ ...base, handler: 'index.nested.deep.fn' })).payload.toString(), '"nested ok"');
  });

  test('callbackWaitsForEmptyEventLoop: true waits for timers, false answers at once', async () => {
    const spec = { ...base, functionName: 'node-cbwait', functionArn: base.functionArn + '-cbwait', handler: 'index.cbLater' };
    assert.equal((await invoke(spec)).payload.toString(), '"first"');
    const noWait = { ...spec, handler: 'index.cbNoWait' };
    // The timer from the first invoke ran before its response was sent: same process, global set.
    const r = await invoke(noWait);
    assert.ok(['"timer ran"', '"nothing"'].includes(r.payload.toString()));
  });

  test('ESM handlers: .mjs, "type": "module" .js in a subdirectory, importing @aws-sdk', async () => {
    const spec = fn('node-esm', {
      'app.mjs': `import { LambdaClient } from '@aws-sdk/client-lambda';\nexport const handler = async (e) => ({ esm: true, e, sdk: typeof LambdaClient });`,
      'esm/package.json': '{"type":"module"}',
      'esm/app.js': 'export const handler = async (e) => ({ esm: "js", e });',
    }, { handler: 'app.handler' });
    assert.deepEqual(json(await invoke(spec, { x: 1 })), { esm: true, e: { x: 1 }, sdk: 'function' });
    assert.deepEqual(json(await invoke({ ...spec, handler: 'esm/app.handler' }, { x: 2 })), { esm: 'js', e: { x: 2 } });
    assert.equal((await invoke({ ...base, handler: 'index.sdk' })).payload.toString(), '"function"');
  });

  test('invocation errors use the RIC shape (errorType, errorMessage, trace)', async () => {
    const thrown = await invoke({ ...base, handler: 'index.asyncThrow' });
    assert.equal(thrown.functionError, 'Unhandled');
    const body = json(thrown);
    assert.equal(body.errorType, 'BudgetExhausted');
    assert.equal(body.errorMessage, 'out of budget');
    assert.ok(Array.isArray(body.trace));
    assert.equal((body.trace as string[])[0], 'BudgetExhausted: out of budget');
    assert.deepEqual(Object.keys(body), ['errorType', 'errorMessage', 'trace']);
    const str = await invoke({ ...base, handler: 'index.cbStringErr' });
    assert.equal(str.functionError, 'Unhandled');
    assert.deepEqual(json(str), { errorType: 'string', errorMessage: 'plain string error', trace: [] });
  });

  test('init errors: handler not found, not a function, module missing, syntax error, top-level throw, bad handler', async () => {
    const broken = fn('node-init', {
      'index.js': NODE_CJS,
      'badsyntax.js': 'exports.handler = async () => {',
      'initthrow.js': 'throw new Error("init boom");',
    });
    const cases: [string, string, RegExp][] = [
      ['index.missing', 'Runtime.HandlerNotFound', /^index\.missing is undefined or not exported$/],
      ['index.notAFunction', 'Runtime.HandlerNotFound', /^index\.notAFunction is not a function$/],
      ['nosuchfile.handler', 'Runtime.ImportModuleError', /^Error: Cannot find module 'nosuchfile'/],
      ['badsyntax.handler', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
      ['initthrow.handler', 'Error', /^init boom$/],
      ['nodot', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    ];
    await Promise.all(cases.map(async ([handler, type, message]) => {
      const result = await invoke({ ...broken, handler });
      assert.equal(result.functionError, 'Unhandled', handler);
      const body = json(result);
      assert.equal(body.errorType, type, handler);
      assert.match(String(body.errorMessage), message, handler);
      assert.equal((body.trace as string[])[0]?.startsWith(`${type}: `), true, handler);
    }));
  });

  test('an uncaught exception is reported, the process dies and the next invoke is a cold start', async () => {
    const spec = fn('node-crash', { 'index.js': NODE_CJS }, { handler: 'index.uncaught' });
    const result = await invoke(spec);
    assert.equal(result.functionError, 'Unhandled');
    assert.deepEqual([json(result).errorType, json(result).errorMessage], ['TypeError', 'async uncaught']);
    const after = await invoke({ ...spec, handler: 'index.handler' });
    assert.equal(after.functionError, undefined);
    assert.equal((json(after) as { count: number }).count, 1);
  });

  test('a process exit mid-invoke → Runtime.ExitError', async () => {
    const spec = fn('node-exit', { 'index.js': NODE_CJS }, { handler: 'index.exit' });
    const result = await invoke(spec);
    assert.equal(result.functionError, 'Unhandled');
    assert.deepEqual(Object.keys(json(result)), ['errorType', 'errorMessage']);
    assert.equal(json(result).errorType, 'Runtime.ExitError');
    assert.match(String(json(result).errorMessage), /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
  });

  test('timeout: Sandbox.Timedout after N.NN seconds, then a fresh environment', async () => {
    const spec = fn('node-timeout', { 'index.js': NODE_CJS }, { handler: 'index.sleep', timeout: 1 });
    const started = Date.now();
    const result = await invoke(spec, { ms: 10_000 }, { logTail: true });
    assert.ok(Date.now() - started < 3000);
    assert.equal(result.functionError, 'Unhandled');
    const body = json(result);
    assert.equal(body.errorType, 'Sandbox.Timedout');
    assert.match(String(body.errorMessage), /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    assert.match(Buffer.from(result.logResult ?? '', 'base64').toString(), /Task timed out after 1\.00 seconds/);
    const next = await invoke(spec, { ms: 1 });
    assert.equal(next.functionError, undefined);
    assert.equal((json(next) as { count: number }).count, 1);
  });

  test('log tail: START, console lines in the RIC format, END, REPORT', async () => {
    const requestId = randomUUID();
    const result = await manager.invoke({ ...base, handler: 'index.logging' }, {
      payload: Buffer.from('{}'), invokedFunctionArn: base.functionArn, requestId, logTail: true,
    });
    const log = Buffer.from(result.logResult ?? '', 'base64').toString('utf8');
    assert.match(log, new RegExp(`START RequestId: ${requestId} Version: \\$LATEST\\n`));
    assert.match(log, new RegExp(`\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\thello from handler \\{ a: 1 \\}\\n`));
    assert.match(log, new RegExp(`\\t${requestId}\\tERROR\\tmulti\\rline\\n`));
    assert.match(log, new RegExp(`END RequestId: ${requestId}\\nREPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
    const noTail = await invoke({ ...base, handler: 'index.logging' });
    assert.equal(noTail.logResult, undefined);
    // The tail is at most 4 KB.
    const big = fn('node-biglog', { 'index.js': 'exports.handler = async () => { for (let i = 0; i < 500; i++) console.log("line " + i); return 1; };' });
    const tail = Buffer.from((await invoke(big, {}, { logTail: true })).logResult ?? '', 'base64');
    assert.ok(tail.length <= 4096 && tail.length > 3000);
    assert.match(tail.toString(), /line 499\n/);
  });

  test('warm reuse: the same process serves consecutive invokes; code is unpacked once', async () => {
    // Content of its own: zips of the same files made within the same 2-second DOS timestamp share a
    // CodeSha256 and would already be unpacked by an earlier test.
    const spec = fn('node-warm', { 'index.js': NODE_CJS, 'warm.txt': randomUUID() });
    const fetchesBefore = fetches.code;
    const a = json(await invoke(spec)) as { count: number; pid: number };
    const b = json(await invoke(spec)) as { count: number; pid: number };
    const c = json(await invoke(spec)) as { count: number; pid: number };
    assert.deepEqual([a.count, b.count, c.count], [1, 2, 3]);
    assert.equal(a.pid, c.pid);
    assert.equal(fetches.code - fetchesBefore, 1);
    assert.equal(manager.environments(spec.functionArn).length, 1);
  });

  test('concurrent invokes start a second environment', async () => {
    const spec = fn('node-concurrent', { 'index.js': NODE_CJS }, { handler: 'index.sleep' });
    const [a, b] = await Promise.all([invoke(spec, { ms: 400 }), invoke(spec, { ms: 400 })]);
    const pa = (json(a) as { pid: number }).pid;
    const pb = (json(b) as { pid: number }).pid;
    assert.notEqual(pa, pb);
    assert.equal(manager.environments(spec.functionArn).length, 2);
  });

  test('environment variables: exactly what Lambda sets, plus the function\'s own; nothing from Latchkey', async () => {
    const spec = fn('node-env', { 'index.js': NODE_CJS }, { environment: { GREETING: 'hi', AWS_ENDPOINT_URL: 'http://custom:1' }, memorySize: 256, version: '7' });
    const result = await invoke(spec);
    const { env, cwd } = json(result) as { env: Record<string, string>; cwd: string };
    assert.equal(result.executedVersion, '7');
    assert.equal(env[MARKER], undefined);
    assert.equal(env.HOME, undefined);
    assert.equal(env.GREETING, 'hi');
    assert.equal(env.AWS_ENDPOINT_URL, 'http://custom:1');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'node-env');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '7');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_REGION, 'us-east-2');
    assert.equal(env.AWS_DEFAULT_REGION, 'us-east-2');
    assert.equal(env._HANDLER, 'index.handler');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/node-env');
    assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME ?? '', /\[7\][0-9a-f]{32}$/);
    assert.equal(env.AWS_ACCESS_KEY_ID, 'ASIAEXAMPLEEXAMPLE00');
    assert.equal(env.AWS_SECRET_ACCESS_KEY, 'secret/key');
    assert.equal(env.AWS_SESSION_TOKEN, 'token+session');
    assert.match(env.AWS_LAMBDA_RUNTIME_API ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(env.TZ, ':UTC');
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.match(env._X_AMZN_TRACE_ID ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/);
    assert.equal(env.LAMBDA_TASK_ROOT, cwd);
    assert.ok(cwd.startsWith(path.join(workDir, 'code')));
    assert.ok(env.NODE_PATH?.split(':').some((p) => p.endsWith(path.join('nodejs', 'node_modules'))));
    const allowed = new Set([
      'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_REGION', 'AWS_DEFAULT_REGION', '_HANDLER',
      'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_LAMBDA_RUNTIME_API', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
      'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'TZ', 'LANG', 'PATH', 'LD_LIBRARY_PATH',
      'NODE_PATH', 'AWS_ENDPOINT_URL', 'AWS_XRAY_CONTEXT_MISSING', '_X_AMZN_TRACE_ID', 'GREETING',
    ]);
    assert.deepEqual(Object.keys(env).filter((k) => !allowed.has(k)), []);
    assert.ok(!JSON.stringify(env).includes(process.cwd() + path.sep + '.latchkey'));
  });

  test('layers: unpacked in order into the environment\'s /opt, nodejs/node_modules on NODE_PATH', async () => {
    const layer = (files: Files, n: string) => {
      const body = zip(files);
      return { arn: `arn:aws:lambda:us-east-2:${ACCOUNT}:layer:${n}:1`, codeSha256: createHash('sha256').update(body).digest('base64'), code: async () => body };
    };
    const spec = fn('node-layers', { 'index.js': 'exports.handler = async () => [require("shared").v, require("other").v];' }, {
      layers: [
        layer({ 'nodejs/node_modules/shared/index.js': 'exports.v = "first";', 'nodejs/node_modules/other/index.js': 'exports.v = "from layer 1";' }, 'one'),
        layer({ 'nodejs/node_modules/shared/index.js': 'exports.v = "second";' }, 'two'),
      ],
    });
    assert.deepEqual(json(await invoke(spec)), ['second', 'from layer 1']);
  });

  test('reset() stops the function\'s environments; the next invoke starts fresh', async () => {
    const spec = fn('node-reset', { 'index.js': NODE_CJS });
    await invoke(spec);
    assert.equal((json(await invoke(spec)) as { count: number }).count, 2);
    await manager.reset(spec.functionArn);
    assert.equal(manager.environments(spec.functionArn).length, 0);
    assert.equal((json(await invoke(spec)) as { count: number }).count, 1);
  });

  test('a changed configuration does not reuse the old environment', async () => {
    const spec = fn('node-config', { 'index.js': NODE_CJS });
    await invoke(spec);
    const changed = json(await invoke({ ...spec, environment: { NEW: '1' } })) as { count: number; env: Record<string, string> };
    assert.equal(changed.count, 1);
    assert.equal(changed.env.NEW, '1');
  });
});

describe('pool limits', () => {
  test('idle environments stop after idleTimeoutMs; maxEnvironmentsPerFunction queues invokes', async () => {
    const own = new RuntimeManager({ workDir, idleTimeoutMs: 300, maxEnvironmentsPerFunction: 1 });
    try {
      const spec = fn('node-idle', { 'index.js': NODE_CJS }, { handler: 'index.sleep' });
      const call = (ms: number) => own.invoke(spec, { payload: Buffer.from(JSON.stringify({ ms })), invokedFunctionArn: spec.functionArn, requestId: randomUUID(), logTail: false });
      const [a, b] = (await Promise.all([call(100), call(100)])).map((r) => json(r) as { pid: number; count: number });
      assert.equal(a?.pid, b?.pid);
      assert.deepEqual([a?.count, b?.count].sort(), [1, 2]);
      assert.equal(own.environments(spec.functionArn).length, 1);
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(own.environments(spec.functionArn).length, 0);
      assert.equal((json(await call(1)) as { count: number }).count, 1);
    } finally {
      await own.close();
    }
  });
});

describe('Python handlers', () => {
  const PY = `
import os, json
count = 0
def handler(event, context):
    global count
    count += 1
    import boto3
    return {"event": event, "count": count, "boto3": boto3.__name__, "marker": os.environ.get("${MARKER}"),
            "name": context.function_name, "memory": context.memory_limit_in_mb, "remaining": context.get_remaining_time_in_millis(),
            "arn": context.invoked_function_arn, "requestId": context.aws_request_id, "greeting": os.environ.get("GREETING"),
            "execEnv": os.environ.get("AWS_EXECUTION_ENV")}
def fail(event, context):
    raise ValueError("bad value")
`;
  const spec = fn('py-basic', { 'lambda_function.py': PY, 'pkg/mod.py': 'def handler(e, c):\n    return "pkg ok"\n' }, {
    runtime: 'python3.12', handler: 'lambda_function.handler', environment: { GREETING: 'hej' },
  });

  test('handler, context, boto3 available, no host env, warm reuse', async () => {
    const a = json(await invoke(spec, { k: 'v' }));
    assert.deepEqual(a.event, { k: 'v' });
    assert.equal(a.boto3, 'boto3');
    assert.equal(a.marker, null);
    assert.equal(a.name, 'py-basic');
    assert.equal(a.memory, '128');
    assert.equal(a.arn, spec.functionArn);
    assert.equal(a.greeting, 'hej');
    assert.equal(a.execEnv, 'AWS_Lambda_python3.12');
    assert.ok(Number(a.remaining) > 0);
    assert.equal(json(await invoke(spec)).count, 2);
    assert.equal((await invoke({ ...spec, handler: 'pkg/mod.handler' })).payload.toString(), '"pkg ok"');
  });

  test('errors: errorMessage, errorType, requestId, stackTrace; init errors', async () => {
    const requestId = randomUUID();
    const result = await manager.invoke({ ...spec, handler: 'lambda_function.fail' }, { payload: Buffer.from('{}'), invokedFunctionArn: spec.functionArn, requestId, logTail: false });
    assert.equal(result.functionError, 'Unhandled');
    const body = json(result);
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.deepEqual([body.errorMessage, body.errorType, body.requestId], ['bad value', 'ValueError', requestId]);
    const missing = json(await invoke({ ...spec, handler: 'nope.handler' }));
    assert.equal(missing.errorType, 'Runtime.ImportModuleError');
    assert.match(String(missing.errorMessage), /^Unable to import module 'nope': No module named 'nope'$/);
    const notFound = json(await invoke({ ...spec, handler: 'lambda_function.absent' }));
    assert.equal(notFound.errorType, 'Runtime.HandlerNotFound');
  });
});

describe('provided runtimes', () => {
  const BOOTSTRAP = `#!/bin/sh
set -e
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -i '^lambda-runtime-aws-request-id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)
  echo "handling $ID"
  curl -sS -o /dev/null -X POST "$API/invocation/$ID/response" -d "{\\"echo\\":$EVENT,\\"handler\\":\\"$_HANDLER\\",\\"exec\\":\\"\${AWS_EXECUTION_ENV:-none}\\"}"
done
`;

  test('the zip\'s executable bootstrap serves invocations through the Runtime API', async () => {
    const spec = fn('provided-sh', { bootstrap: { data: BOOTSTRAP, mode: 0o755 } }, { runtime: 'provided.al2023', handler: 'function.handler' });
    const result = await invoke(spec, { n: 1 }, { logTail: true });
    assert.equal(result.functionError, undefined);
    assert.deepEqual(json(result), { echo: { n: 1 }, handler: 'function.handler', exec: 'none' });
    assert.match(Buffer.from(result.logResult ?? '', 'base64').toString(), /handling [0-9a-f-]{36}\n/);
    assert.deepEqual(json(await invoke(spec, { n: 2 })).echo, { n: 2 });
  });

  test('no bootstrap → Runtime.InvalidEntrypoint; a bootstrap that exits → Runtime.ExitError', async () => {
    const none = fn('provided-none', { 'README': 'nothing here' }, { runtime: 'provided.al2' });
    const r1 = await invoke(none);
    assert.equal(r1.functionError, 'Unhandled');
    assert.equal(json(r1).errorType, 'Runtime.InvalidEntrypoint');
    const exits = fn('provided-exit', { bootstrap: { data: '#!/bin/sh\nexit 2\n', mode: 0o755 } }, { runtime: 'provided.al2' });
    const r2 = await invoke(exits);
    assert.equal(r2.functionError, 'Unhandled');
    assert.equal(json(r2).errorType, 'Runtime.ExitError');
    assert.match(String(json(r2).errorMessage), /Runtime exited with error: exit status 2$/);
  });
});

describe('the private channel of the Node and Python bootstraps (fd 3) in a hostile function\'s hands', () => {
  const HOSTILE = `
const fs = require('fs');
const frame = (head, bodyBytes) => {
  const json = Buffer.from(JSON.stringify(head));
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32BE(json.length, 0);
  sizes.writeUInt32BE(bodyBytes, 4);
  return Buffer.concat([sizes, json]);
};
exports.garbage = async () => { fs.writeSync(3, Buffer.from('POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\\r\\n\\r\\n')); await new Promise(() => {}); };
exports.forged = async () => {
  fs.writeSync(3, Buffer.concat([frame({ type: 'response', requestId: 'someone-else' }, 6), Buffer.from('"fake"')]));
  return 'mine';
};
exports.huge = async (event, context) => {
  fs.writeSync(3, frame({ type: 'response', requestId: context.awsRequestId }, 0xffffffff));
  for (let i = 0; i < 8; i++) fs.writeSync(3, Buffer.alloc(1024 * 1024, 0x41));
  await new Promise(() => {});
};
exports.fine = async () => 'fine';
`;

  test('a write that is not a frame ends its own environment, nothing else', async () => {
    const spec = fn('channel-garbage', { 'index.js': HOSTILE }, { handler: 'index.garbage' });
    const result = await invoke(spec);
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(json(result).errorType, 'Runtime.ExitError');
    assert.equal(manager.environments(spec.functionArn).length, 0);
    assert.equal(json(await invoke({ ...spec, handler: 'index.fine' })) as unknown, 'fine');
  });

  test('a response for another request id is ignored; its own result stands', async () => {
    const spec = fn('channel-forged', { 'index.js': HOSTILE }, { handler: 'index.forged' });
    const result = await invoke(spec);
    assert.equal(result.functionError, undefined);
    assert.equal(json(result) as unknown, 'mine');
  });

  test('a response that says it is 4 GiB is refused at once and its bytes are not kept', async () => {
    const spec = fn('channel-huge', { 'index.js': HOSTILE }, { handler: 'index.huge', timeout: 30 });
    const started = Date.now();
    const result = await invoke(spec);
    assert.ok(Date.now() - started < 10_000, 'not left to time out');
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(json(result).errorType, 'Function.ResponseSizeTooLarge');
    assert.equal(json(await invoke({ ...spec, handler: 'index.fine' })) as unknown, 'fine');
  });
});

describe('unsupported runtimes', () => {
  test('RuntimeNotAvailable', async () => {
    await assert.rejects(invoke(fn('java', { 'x': 'y' }, { runtime: 'java21' })), RuntimeNotAvailable);
  });
});
