// Replays AWS's recorded behaviour of Lambda's resource-based policy APIs (and the function,
// version, alias, layer and tag calls around them) against a started Latchkey, through
// @aws-sdk/client-lambda, and compares every recorded response field by field.
//
// One test per recorded AWS test. A case Latchkey is known to fail keeps its expectation and
// is marked todo with the difference. The last test prints the tally: recorded, replayed,
// passing, and why the rest is not replayed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { strToU8, zipSync } from 'fflate';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sdkConfig, startServer, type RunningServer, LAMBDA_TRUST_POLICY } from '../e2e/support.js';
import { Bindings, compareResponse, compareValue, validationSummary, type Observed } from './compare.js';
import { CASES, DEFAULT_NAMES, notReplayedReason, resolve, type Case, type Step } from './cases.js';
import { indexedErrors, recorded, recording, universe } from './recordings.js';

const POLICY_OPERATIONS = new Set(['AddPermission', 'GetPolicy', 'RemovePermission', 'AddLayerVersionPermission', 'GetLayerVersionPolicy', 'RemoveLayerVersionPermission']);
const ACCOUNT = '123456789012';
const PARTNER = '111122223333';
const REGION = 'us-east-1';
const ROLE_NAME = 'conformance-lambda-exec';

const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([n, c]) => [n, strToU8(c)])), { mtime: new Date('2025-11-25T00:00:00Z') });
const PACKAGES = {
  zip: zip({
    'handler.py': 'def handler(event, context):\n    return event\n',
    'index.py': 'def handler(event, context):\n    return event\n',
    'index.js': 'exports.handler = async (event) => event;\n',
  }),
  zipNone: zip({ 'handler.py': 'def handler(event, context):\n    pass\n', 'index.js': 'exports.handler = async () => {};\n' }),
  zip2: zip({ 'handler.py': 'def handler(event, context):\n    return {"version": 2}\n', 'index.py': 'def handler(event, context):\n    return {"version": 2}\n' }),
  zip3: zip({ 'handler.py': 'def handler(event, context):\n    return {"version": 3}\n' }),
  layerZip: zip({ 'python/conformance_layer.py': 'VALUE = 1\n' }),
  notZip: strToU8('this is not a zipfile, just a random string'),
};

let server: RunningServer;
let callerArn = '';

before(async () => {
  server = await startServer();
  await new IAMClient(sdkConfig(server, 'owner')).send(
    new CreateRoleCommand({
      RoleName: ROLE_NAME,
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
    }),
  );
  callerArn = (await new STSClient(sdkConfig(server, 'owner')).send(new GetCallerIdentityCommand({}))).Arn!;
});
after(async () => server?.stop());

// ---------------------------------------------------------------------------------------
// Calling Latchkey: the SDK's answer plus the raw HTTP response under it

interface Raw {
  headers: Record<string, string>;
  body: string;
}

/** A Lambda client that also keeps the raw response of its last call. */
function clientFor(region: string): { client: LambdaClient; last: () => Raw | undefined } {
  const client = new LambdaClient(sdkConfig(server, 'owner', region));
  let raw: Raw | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers: Record<string, string>; body: unknown };
      const chunks: Uint8Array[] = [];
      if (response.body && typeof (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      }
      const bytes = new Uint8Array(Buffer.concat(chunks));
      raw = { headers: response.headers, body: Buffer.from(bytes).toString('utf8') };
      response.body = bytes;
      return result;
    },
    { step: 'deserialize', name: 'conformanceRawResponse', priority: 'low' },
  );
  return { client, last: () => raw };
}

type CommandClass = new (input: unknown) => Parameters<LambdaClient['send']>[0];

async function call(lambda: ReturnType<typeof clientFor>, op: string, input: unknown): Promise<Observed> {
  const Command = (lambdaSdk as unknown as Record<string, CommandClass>)[`${op}Command`];
  if (!Command) throw new Error(`no SDK command for ${op}`);
  try {
    const { $metadata, ...output } = (await lambda.client.send(new Command(input))) as { $metadata: { httpStatusCode?: number }; Payload?: unknown };
    // The snapshot tool recorded Invoke's payload as text (boto3's stream, read; "" when empty).
    if (op === 'Invoke') output.Payload = output.Payload instanceof Uint8Array ? Buffer.from(output.Payload).toString('utf8') : '';
    const raw = lambda.last()!;
    return { status: $metadata.httpStatusCode ?? 0, output, headers: raw.headers, rawBody: raw.body };
  } catch (e) {
    const raw = lambda.last();
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (!raw || status === undefined) throw e; // refused before it reached the server
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(raw.body) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    const code = (raw.headers['x-amzn-errortype'] ?? String(body?.__type ?? body?.code ?? (e as Error).name)).split(':')[0]!;
    const message = body && 'message' in body ? (body.message as string | null) : body && 'Message' in body ? (body.Message as string | null) : null;
    return { status, error: { code, message, body }, headers: raw.headers, rawBody: raw.body };
  }
}

// ---------------------------------------------------------------------------------------
// Replaying a case

interface StepResult {
  op: string;
  match?: string;
  diffs: string[];
}

function variables(index: number): Record<string, unknown> {
  const id = `c${index}-${Math.random().toString(36).slice(2, 7)}`;
  return {
    ...PACKAGES,
    fn: `conf-${id}`,
    fn2: `conf-${id}-b`,
    fn3: `conf-${id}-c`,
    fnArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:conf-${id}`,
    layer: `conf-layer-${id}`,
    layer2: `conf-layer-${id}-b`,
    layer3: `conf-layer-${id}-c`,
    role: `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`,
    account: ACCOUNT,
    partner: PARTNER,
    region: REGION,
    callerArn,
    tag: `tag-${id}`,
    license: `licenseinfo-${id}`,
    description: `description-${id}`,
    logGroup: `/conformance/${id}`,
    topic: `topic-${id}`,
  };
}

/** Sorts the lists the snapshot tool sorted (e.g. Aliases by Name) before recording. */
function sortLists(output: Record<string, unknown> | undefined, sorted: Record<string, string> | undefined) {
  if (!output || !sorted) return;
  for (const [list, key] of Object.entries(sorted)) {
    const items = output[list];
    if (Array.isArray(items)) items.sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  }
}

async function runStep(c: Case, s: Step, scope: Record<string, unknown>, saved: Record<string, unknown>, bindings: Bindings, clients: Map<string, ReturnType<typeof clientFor>>): Promise<StepResult> {
  const region = s.region ?? REGION;
  if (!clients.has(region)) clients.set(region, clientFor(region));
  const lambda = clients.get(region)!;
  const input = resolve(s.input, scope);
  let observed: Observed;
  if (s.paginate) {
    const items: unknown[] = [];
    let marker: string | undefined;
    do {
      observed = await call(lambda, s.op, { ...input, ...s.paginate.pageSize, ...(marker ? { Marker: marker } : {}) });
      items.push(...((observed.output?.[s.paginate.list] as unknown[]) ?? []));
      marker = observed.output?.NextMarker as string | undefined;
    } while (marker && !observed.error);
    if (!observed.error) observed = { ...observed, output: { [s.paginate.list]: items } };
  } else observed = await call(lambda, s.op, input);
  if (s.save && observed.output) {
    if (s.save in scope && !(s.save in saved)) throw new Error(`save name ${s.save} would hide the variable {{${s.save}}}`);
    scope[s.save] = saved[s.save] = observed.output;
  }
  sortLists(observed.output, c.sorted);

  if (!s.match) {
    return { op: s.op, diffs: observed.error ? [`${s.op} (set-up, not recorded) failed: ${observed.error.code}: ${observed.error.message}`] : [] };
  }
  const expected = recorded(c.recording, s.match, s.at);
  const diffs = s.summary ? compareValue(expected, validationSummary(observed), 'summary', bindings) : compareResponse(expected as Record<string, unknown>, observed, bindings);
  return { op: s.op, match: s.match, diffs };
}

interface CaseResult {
  c: Case;
  steps: StepResult[];
}

async function replay(c: Case, index: number): Promise<CaseResult> {
  const scope = variables(index);
  const names = Object.fromEntries(Object.entries({ ...DEFAULT_NAMES, ...c.names }).map(([p, v]) => [p, String(resolve(v, scope))]));
  const bindings = new Bindings(ACCOUNT, names);
  const clients = new Map<string, ReturnType<typeof clientFor>>();
  const steps: StepResult[] = [];
  const saved: Record<string, unknown> = {};
  for (const s of c.steps) {
    try {
      steps.push(await runStep(c, s, scope, saved, bindings, clients));
      if (!c.noWait && UPDATES.has(s.op)) await waitForUpdate(clients, s, scope);
    } catch (e) {
      steps.push({ op: s.op, ...(s.match ? { match: s.match } : {}), diffs: [`${s.op}: ${(e as Error).message}`] });
    }
  }
  return { c, steps };
}

const UPDATES = new Set(['UpdateFunctionCode', 'UpdateFunctionConfiguration']);

/** What LocalStack's tests do after an update: wait until LastUpdateStatus is no longer InProgress. */
async function waitForUpdate(clients: Map<string, ReturnType<typeof clientFor>>, s: Step, scope: Record<string, unknown>): Promise<void> {
  const input = resolve(s.input, scope) as { FunctionName?: string };
  const lambda = clients.values().next().value as ReturnType<typeof clientFor> | undefined;
  if (!lambda || !input.FunctionName) return;
  for (let i = 0; i < 50; i++) {
    try {
      const c = await lambda.client.send(new lambdaSdk.GetFunctionConfigurationCommand({ FunctionName: input.FunctionName }));
      if (c.LastUpdateStatus !== 'InProgress') return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function report(r: CaseResult): string {
  return r.steps
    .map((s, i) => ({ s, step: r.c.steps[i]! }))
    .filter(({ s }) => s.diffs.length > 0)
    .map(({ s, step }) => `  ${step.op} ${s.match ?? '(set-up)'}:\n${s.diffs.map((d) => `    - ${d}`).join('\n')}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------
// The tests

const results: CaseResult[] = [];

for (const [index, c] of CASES.entries()) {
  test(c.recording.replace(/^lambda_\/test_lambda_api\.py::/, ''), c.todo ? { todo: c.todo } : {}, async () => {
    const keys = Object.keys(recording(c.recording).content);
    const covered = new Set([...c.steps.map((s) => s.match).filter(Boolean), ...Object.keys(c.skip ?? {})]);
    assert.deepEqual(keys.filter((k) => !covered.has(k)), [], 'every recorded response of the test is replayed or skipped with a reason');
    const result = await replay(c, index);
    results.push(result);
    const text = report(result);
    if (text) assert.fail(`Latchkey differs from the AWS recording:\n${text}`);
  });
}

test('the errors index agrees with the snapshots for every replayed error', () => {
  // The index can list one test twice (its old and its current snapshot entry, e.g.
  // test_invoke_exceptions): one of the rows must agree with the current recording.
  const rows = new Map<string, ReturnType<typeof indexedErrors>>();
  for (const e of indexedErrors()) rows.set(`${e.id}|${e.match}`, [...(rows.get(`${e.id}|${e.match}`) ?? []), e]);
  for (const [key, indexed] of rows) {
    const { id, match } = indexed[0]!;
    const c = CASES.find((k) => k.recording === id);
    if (!c?.steps.some((s) => s.match === match)) continue;
    const envelope = recorded(id, match) as Record<string, unknown> & { Error: { Code: string; Message: string }; ResponseMetadata: { HTTPStatusCode: number } };
    const keys = Object.keys(envelope).filter((k) => k !== 'Error' && k !== 'ResponseMetadata');
    const actual = { code: envelope.Error.Code, message: envelope.Error.Message, status: envelope.ResponseMetadata.HTTPStatusCode, keys: keys.sort() };
    const candidates = indexed.map((e) => ({ code: e.code, message: e.message, status: e.status, keys: [...e.bodyKeys].sort() }));
    assert.ok(candidates.some((row) => JSON.stringify(row) === JSON.stringify(actual)), `${key}: ${JSON.stringify(actual)} is not among ${JSON.stringify(candidates)}`);
  }
});

test('summary: recorded, replayed, passing', (t) => {
  const all = universe();
  const notReplayed = new Map<string, string[]>();
  let recordedResponses = 0;
  for (const r of all) {
    recordedResponses += Object.keys(r.content).length;
    const why = notReplayedReason(r);
    if (why) notReplayed.set(why, [...(notReplayed.get(why) ?? []), r.id]);
  }
  const replayedResponses = results.flatMap((r) => r.steps.filter((s) => s.match));
  const passing = results.filter((r) => r.steps.every((s) => s.diffs.length === 0));
  const policyResponses = replayedResponses.filter((s) => POLICY_OPERATIONS.has(s.op));
  const skipped = results.reduce((n, r) => n + Object.keys(r.c.skip ?? {}).length, 0);
  const lines = [
    `AWS recordings of the APIs under test: ${all.length} recorded tests, ${recordedResponses} recorded responses`,
    `replayed: ${results.length} tests (${replayedResponses.length} responses compared, ${skipped} responses of replayed tests skipped with a reason)`,
    `passing: ${passing.length} of ${results.length} tests; ${replayedResponses.filter((s) => s.diffs.length === 0).length} of ${replayedResponses.length} responses`,
    `  of which resource-policy operations (${[...POLICY_OPERATIONS].join(', ')}): ${policyResponses.filter((s) => s.diffs.length === 0).length} of ${policyResponses.length} responses pass`,
    `not replayed: ${all.length - results.length} recorded tests`,
    ...[...notReplayed.entries()].map(([why, ids]) => `  ${ids.length} × ${why}`),
  ];
  const short = (r: CaseResult) => r.c.recording.replace(/^lambda_\/test_lambda_api\.py::/, '');
  const differing = results.filter((r) => !passing.includes(r));
  if (differing.length) {
    lines.push(`tests where Latchkey differs (${differing.length}; responses that differ):`);
    for (const r of differing) {
      const bad = r.steps.filter((s) => s.diffs.length > 0).map((s) => s.match ?? 'set-up');
      lines.push(`  ${short(r)}: ${bad.join(', ')}${r.c.todo ? '' : ' (NOT marked todo)'}`);
    }
  }
  const ids = new Set(all.filter((r) => r.era === 'HEAD').map((r) => r.id));
  const errors = indexedErrors().filter((e) => ids.has(e.id));
  const stepOf = (id: string, match: string) => results.find((r) => r.c.recording === id)?.steps.find((s) => s.match === match);
  const replayedErrors = errors.filter((e) => stepOf(e.id, e.match));
  lines.splice(
    4,
    0,
    `recorded errors of these tests (test/fixtures/aws-recordings/errors-index.tsv): ${errors.length}; replayed ${replayedErrors.length}; passing ${replayedErrors.filter((e) => stepOf(e.id, e.match)!.diffs.length === 0).length}`,
  );
  const stale = passing.filter((r) => r.c.todo);
  if (stale.length) lines.push(`marked todo but passing now (drop the todo): ${stale.map(short).join(', ')}`);
  for (const line of lines) t.diagnostic(line);
});
