// Invoke runs real code, allowed or denied as AWS decides: the seeds' cross-account alias
// walkthrough (owner shares my-function:prod with partner), errors and logs, and a function
// that calls back into Latchkey with its execution role's credentials.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient,
  CreateFunctionCommand,
  PublishVersionCommand,
  CreateAliasCommand,
  UpdateAliasCommand,
  AddPermissionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
  PutFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  UpdateFunctionConfigurationCommand,
  DeleteFunctionCommand,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { sdkConfig, startServer, type RunningServer, LAMBDA_TRUST_POLICY } from './support.js';
import { ENVIRONMENT_UID_BASE } from '../../src/runtime/sandbox.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const FN = `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`;
const ROLE = `arn:aws:iam::${OWNER}:role/lambda-exec`;

const zip = (files: Record<string, string>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));
const decode = (p: Uint8Array | undefined) => JSON.parse(Buffer.from(p ?? []).toString('utf8'));

let server: RunningServer;
const lambda = (profile: string) => new LambdaClient(sdkConfig(server, profile));

before(async () => {
  server = await startServer();
  const iam = new IAMClient(sdkConfig(server, 'owner'));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'lambda-exec',
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
    }),
  );
  await lambda('owner').send(
    new CreateFunctionCommand({
      FunctionName: 'my-function',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zip({ 'index.js': 'exports.handler = async (event) => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, event });\n' }) },
    }),
  );
});
after(async () => server?.stop());

describe('the seeds\' cross-account alias example', () => {
  test('partner invokes my-function:prod once owner allows it; not the unqualified function', async () => {
    await lambda('owner').send(new PublishVersionCommand({ FunctionName: 'my-function' }));
    await lambda('owner').send(new CreateAliasCommand({ FunctionName: 'my-function', Name: 'prod', FunctionVersion: '1' }));
    await lambda('owner').send(
      new AddPermissionCommand({ FunctionName: 'my-function:prod', StatementId: 'xaccount', Action: 'lambda:InvokeFunction', Principal: PARTNER }),
    );
    const out = await lambda('partner').send(new InvokeCommand({ FunctionName: `${FN}:prod`, Payload: Buffer.from('{"a":1}') }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '1');
    assert.deepEqual(decode(out.Payload), { version: '1', event: { a: 1 } });

    await assert.rejects(lambda('partner').send(new InvokeCommand({ FunctionName: FN })), { name: 'AccessDeniedException' });
    await assert.rejects(lambda('outsider').send(new InvokeCommand({ FunctionName: `${FN}:prod` })), { name: 'AccessDeniedException' });
  });

  test('moving the alias changes the executed version without new permissions', async () => {
    await lambda('owner').send(new UpdateFunctionCodeCommand({ FunctionName: 'my-function', ZipFile: zip({ 'index.js': 'exports.handler = async () => "v2";\n' }) }));
    await waitUntilFunctionUpdatedV2({ client: lambda('owner'), maxWaitTime: 10 }, { FunctionName: 'my-function' });
    await lambda('owner').send(new PublishVersionCommand({ FunctionName: 'my-function' }));
    await lambda('owner').send(new UpdateAliasCommand({ FunctionName: 'my-function', Name: 'prod', FunctionVersion: '2' }));
    const out = await lambda('partner').send(new InvokeCommand({ FunctionName: `${FN}:prod` }));
    assert.equal(out.ExecutedVersion, '2');
    assert.equal(decode(out.Payload), 'v2');
  });
});

describe('invocation types, errors and logs', () => {
  test('DryRun checks permission only; Event answers 202', async () => {
    const dry = await lambda('owner').send(new InvokeCommand({ FunctionName: 'my-function', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    const event = await lambda('owner').send(new InvokeCommand({ FunctionName: 'my-function', InvocationType: 'Event' }));
    assert.equal(event.StatusCode, 202);
  });

  test('a handler that throws: 200 with FunctionError Unhandled and AWS\'s error payload; log tail', async () => {
    await lambda('owner').send(
      new CreateFunctionCommand({
        FunctionName: 'thrower',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => { console.log("about to fail"); throw new TypeError("nope"); };\n' }) },
      }),
    );
    const out = await lambda('owner').send(new InvokeCommand({ FunctionName: 'thrower', LogType: 'Tail' }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const payload = decode(out.Payload);
    assert.equal(payload.errorType, 'TypeError');
    assert.equal(payload.errorMessage, 'nope');
    const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    assert.match(log, /START RequestId: /);
    assert.match(log, /about to fail/);
    assert.match(log, /REPORT RequestId: /);
  });

  test('payloads over the limits: RequestEntityTooLargeException (6 MB, 1 MB for Event); the function is not run', async () => {
    const tooBig = (bytes: number) => Buffer.from(JSON.stringify('x'.repeat(bytes - 2)));
    await assert.rejects(
      lambda('owner').send(new InvokeCommand({ FunctionName: 'my-function', Payload: tooBig(6 * 1024 * 1024 + 1) })),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) =>
        e.name === 'RequestEntityTooLargeException' && e.$metadata?.httpStatusCode === 413 &&
        e.message === 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    );
    await assert.rejects(
      lambda('owner').send(new InvokeCommand({ FunctionName: 'my-function', InvocationType: 'Event', Payload: tooBig(1024 * 1024 + 1) })),
      (e: Error) => e.name === 'RequestEntityTooLargeException' && e.message === '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    );
  });
});

describe('reserved concurrency', () => {
  // One attempt: the SDK would otherwise retry a throttled call.
  const owner = () => new LambdaClient({ ...sdkConfig(server, 'owner'), maxAttempts: 1 });
  const throttled = (e: Error & { Reason?: string; $metadata?: { httpStatusCode?: number } }) =>
    e.name === 'TooManyRequestsException' && e.$metadata?.httpStatusCode === 429 && e.Reason === 'ReservedFunctionConcurrentInvocationLimitExceeded';
  const sleep = (ms: number) => owner().send(new InvokeCommand({ FunctionName: 'sleeper', Payload: Buffer.from(JSON.stringify({ ms })) }));

  before(async () => {
    await owner().send(
      new CreateFunctionCommand({
        FunctionName: 'sleeper',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip({ 'index.js': 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 0)); return "done"; };\n' }) },
      }),
    );
  });

  test('0 reserved: every synchronous invoke is throttled; GetFunction shows the reservation', async () => {
    const put = await owner().send(new PutFunctionConcurrencyCommand({ FunctionName: 'sleeper', ReservedConcurrentExecutions: 0 }));
    assert.equal(put.ReservedConcurrentExecutions, 0);
    await assert.rejects(sleep(0), throttled);
    assert.deepEqual((await owner().send(new GetFunctionCommand({ FunctionName: 'sleeper' }))).Concurrency, { ReservedConcurrentExecutions: 0 });
  });

  test('1 reserved: of two concurrent invokes one runs and one is throttled; deleting the reservation lifts it', async () => {
    await owner().send(new PutFunctionConcurrencyCommand({ FunctionName: 'sleeper', ReservedConcurrentExecutions: 1 }));
    assert.equal((await owner().send(new GetFunctionConcurrencyCommand({ FunctionName: 'sleeper' }))).ReservedConcurrentExecutions, 1);
    const outcomes = await Promise.allSettled([sleep(400), sleep(400)]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.ok(throttled(rejected.reason), String(rejected.reason));
    assert.equal(decode((await sleep(0)).Payload), 'done', 'the slot is free again once the first invoke finished');

    await owner().send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'sleeper' }));
    assert.equal((await owner().send(new GetFunctionConcurrencyCommand({ FunctionName: 'sleeper' }))).ReservedConcurrentExecutions, undefined);
    const both = await Promise.all([sleep(200), sleep(200)]);
    assert.deepEqual(both.map((r) => decode(r.Payload)), ['done', 'done']);
  });

  test('versions and aliases are refused; the account keeps 100 unreserved', async () => {
    await assert.rejects(
      owner().send(new PutFunctionConcurrencyCommand({ FunctionName: 'sleeper:$LATEST', ReservedConcurrentExecutions: 1 })),
      (e: Error) => e.name === 'InvalidParameterValueException' && /Aliases and versions do not support this operation/.test(e.message),
    );
    await assert.rejects(
      owner().send(new PutFunctionConcurrencyCommand({ FunctionName: 'sleeper', ReservedConcurrentExecutions: 901 })),
      (e: Error) => e.name === 'InvalidParameterValueException' && /below its minimum value of \[100\]/.test(e.message),
    );
    assert.equal((await owner().send(new PutFunctionConcurrencyCommand({ FunctionName: 'sleeper', ReservedConcurrentExecutions: 900 }))).ReservedConcurrentExecutions, 900);
    await owner().send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'sleeper' }));
  });
});

describe('a function calling Latchkey with its execution role', () => {
  const SHARED = `arn:aws:lambda:us-east-1:${PARTNER}:function:shared`;
  const code = `
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
exports.handler = async () => {
  const me = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  const call = async (name) => {
    try {
      const r = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: name }));
      return r.StatusCode;
    } catch (e) {
      return e.name;
    }
  };
  return { arn: me.Arn, allowed: await call('my-function'), denied: await call('thrower'), partner: await call('${SHARED}') };
};
`;

  before(async () => {
    await new IAMClient(sdkConfig(server, 'owner')).send(
      new PutRolePolicyCommand({
        RoleName: 'lambda-exec',
        PolicyName: 'invoke-my-function',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [`${FN}*`, SHARED] }] }),
      }),
    );
    await new IAMClient(sdkConfig(server, 'partner')).send(new CreateRoleCommand({ RoleName: 'partner-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
    await lambda('partner').send(new CreateFunctionCommand({
      FunctionName: 'shared', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${PARTNER}:role/partner-exec`,
      Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => "shared";\n' }) },
    }));
    await lambda('owner').send(
      new CreateFunctionCommand({ FunctionName: 'caller', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Timeout: 30, Code: { ZipFile: zip({ 'index.js': code }) } }),
    );
  });

  const callerSees = async () => {
    const out = await lambda('owner').send(new InvokeCommand({ FunctionName: 'caller' }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return decode(out.Payload);
  };

  test('its identity is the role session; what it may do is the role\'s policies\' business', async () => {
    const seen = await callerSees();
    assert.equal(seen.arn, `arn:aws:sts::${OWNER}:assumed-role/lambda-exec/caller`);
    assert.equal(seen.allowed, 200);
    assert.equal(seen.denied, 'AccessDeniedException');
  });

  test('across accounts the second function\'s resource policy must agree as well', async () => {
    assert.equal((await callerSees()).partner, 'AccessDeniedException', 'the role allows it, the partner\'s function does not yet');
    await lambda('partner').send(new AddPermissionCommand({
      FunctionName: 'shared', StatementId: 'owner-caller', Action: 'lambda:InvokeFunction', Principal: `arn:aws:iam::${OWNER}:role/lambda-exec`,
    }));
    assert.equal((await callerSees()).partner, 200);
  });
});

const ENVIRONMENT_REPORT = "const id = require('crypto').randomUUID();\nexports.handler = async () => ({ id, pid: process.pid, uid: process.getuid() });\n";

describe('execution environments follow the function', () => {
  /** Which environment answered: an id drawn when its process started, and who it runs as. */
  interface Seen { id: string; pid: number; uid: number }
  const seenBy = async () => decode((await lambda('owner').send(new InvokeCommand({ FunctionName: 'pids' }))).Payload) as unknown as Seen;
  /**
   * The environment's processes as the host sees them: all of its own user where it has one
   * (the isolated and user sandboxes), else its pid (unconfined); in a PID namespace of
   * Latchkey's own user there is no telling them apart from here.
   */
  const processesOf = (seen: Seen): number[] => {
    if (seen.uid >= ENVIRONMENT_UID_BASE) {
      return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
        try {
          return new RegExp(`^Uid:\\s+${seen.uid}\\s`, 'm').test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        } catch {
          return false;
        }
      });
    }
    return seen.pid === 1 ? [] : [seen.pid].filter((pid) => fs.existsSync(`/proc/${pid}`));
  };
  const gone = async (seen: Seen) => {
    for (let i = 0; i < 100 && processesOf(seen).length; i++) await new Promise((r) => setTimeout(r, 20));
    return processesOf(seen).length === 0;
  };

  test('warm reuse; UpdateFunctionConfiguration and UpdateFunctionCode start afresh; DeleteFunction stops it', async () => {
    await lambda('owner').send(new CreateFunctionCommand({
      FunctionName: 'pids', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: zip({ 'index.js': ENVIRONMENT_REPORT }) },
    }));
    const first = await seenBy();
    assert.ok(first.uid >= ENVIRONMENT_UID_BASE || first.pid !== 1 || !process.env.CI, 'in CI the environment is told apart by its user or its pid');
    assert.deepEqual(await seenBy(), first, 'a warm environment is reused');

    await lambda('owner').send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pids', Environment: { Variables: { CHANGED: '1' } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda('owner'), maxWaitTime: 10 }, { FunctionName: 'pids' });
    assert.ok(await gone(first), 'the old environment stopped after UpdateFunctionConfiguration');
    const second = await seenBy();
    assert.notEqual(second.id, first.id);

    await lambda('owner').send(new UpdateFunctionCodeCommand({ FunctionName: 'pids', ZipFile: zip({ 'index.js': `${ENVIRONMENT_REPORT}// v2\n` }) }));
    await waitUntilFunctionUpdatedV2({ client: lambda('owner'), maxWaitTime: 10 }, { FunctionName: 'pids' });
    assert.ok(await gone(second), 'the old environment stopped after UpdateFunctionCode');
    const third = await seenBy();
    assert.notEqual(third.id, second.id);

    await lambda('owner').send(new DeleteFunctionCommand({ FunctionName: 'pids' }));
    assert.ok(await gone(third), 'DeleteFunction stopped the environment');
  });
});
