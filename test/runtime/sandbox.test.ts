// Tests for src/runtime/sandbox.ts: a function under each confinement the host allows tries to
// read a private directory (standing in for the state directory), to undo its confinement, to
// write the runtime's and the host's files, to signal Latchkey, and to meet another function in
// /tmp or in /proc.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { RuntimeManager, runtimeFilesDir } from '../../src/runtime/index.js';
import { latchkeyNodeModules, runtimeNeeds } from '../../src/runtime/launch.js';
import { chooseSandbox, ENVIRONMENT_UID_BASE, reachableByOthers, type SandboxMode } from '../../src/runtime/sandbox.js';
import { fn } from './functionSpec.js';

const PEEK = `
const fs = require('fs');
const { execFileSync } = require('child_process');
const attempt = (f) => { try { return 'read: ' + f(); } catch (e) { return 'denied: ' + e.code; } };
exports.handler = async ({ secretDir, otherCode, runtimeFile }) => {
  const before = attempt(() => fs.readFileSync(secretDir + '/secret.txt', 'utf8'));
  // Try to lift a namespace's cover; a confined function has no capability to do so.
  const umount = attempt(() => execFileSync('umount', [secretDir], { stdio: 'pipe' }).toString());
  fs.writeFileSync('/tmp/mine-' + process.env.AWS_LAMBDA_FUNCTION_NAME, 'x');
  return {
    before, umount, after: attempt(() => fs.readFileSync(secretDir + '/secret.txt', 'utf8')), uid: process.getuid(),
    otherCode: attempt(() => fs.readFileSync(otherCode, 'utf8')),
    ownCodeWrite: attempt(() => { fs.writeFileSync(process.env.LAMBDA_TASK_ROOT + '/index.js', 'tampered'); return 'written'; }),
    runtimeWrite: attempt(() => { fs.appendFileSync(runtimeFile, '// tampered'); return 'written'; }),
    etcWrite: attempt(() => { fs.appendFileSync('/etc/hostname', ''); return 'written'; }),
    tmp: fs.readdirSync('/tmp').filter((f) => f.startsWith('mine-')),
    processes: fs.readdirSync('/proc').filter((f) => /^\\d+$/.test(f)).length,
    parentSignal: attempt(() => { process.kill(Number(process.env.LATCHKEY_PID), 0); return 'delivered'; }),
  };
};
`;

let secretDir: string;
let workRoot: string;
before(() => {
  secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-secret-'));
  fs.writeFileSync(path.join(secretDir, 'secret.txt'), 'the database');
  fs.chmodSync(secretDir, 0o700);
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-sandbox-test-'));
  fs.chmodSync(workRoot, 0o755);   // as os.tmpdir() is, where Latchkey puts its work directory
});
after(() => {
  fs.rmSync(secretDir, { recursive: true, force: true });
  fs.rmSync(workRoot, { recursive: true, force: true });
});

type Seen = {
  before: string; umount: string; after: string; uid: number; otherCode: string; ownCodeWrite: string; runtimeWrite: string; etcWrite: string;
  tmp: string[]; processes: number; parentSignal: string;
  /** Whether the runtime's bootstrap is as Latchkey installed it, after the functions ran. */
  runtimeIntact?: boolean;
};

async function peek(mode: SandboxMode): Promise<Seen[]> {
  const workDir = fs.mkdtempSync(path.join(workRoot, `${mode}-`));
  const sandbox = await chooseSandbox({ hide: [secretDir], needs: await runtimeNeeds(runtimeFilesDir(workDir)), mode });
  const manager = new RuntimeManager({ workDir, sandbox, allowSharedSandbox: true });
  const request = (payload: object) => ({ payload: Buffer.from(JSON.stringify(payload)), invokedFunctionArn: 'arn', requestId: randomUUID(), logTail: false });
  try {
    // Another function, run first so that its code is unpacked beside the peeking one's.
    const other = fn(`other-${mode}`, { 'index.js': 'exports.handler = async () => "the other function\'s code";\n' });
    assert.equal((await manager.invoke(other, request({}))).payload.toString(), '"the other function\'s code"');
    const otherCode = path.join(workDir, 'code', Buffer.from(other.codeSha256, 'base64').toString('hex'), 'index.js');
    const runtimeFile = path.join(runtimeFilesDir(workDir), 'bootstrap.mjs');
    const seen: Seen[] = [];
    // Two functions: each has its own environment, user and /tmp.
    for (const name of ['peek-a', 'peek-b']) {
      const spec = fn(`${name}-${mode}`, { 'index.js': `${PEEK}// ${name}\n` }, { environment: { LATCHKEY_PID: String(process.pid) } });
      const result = await manager.invoke(spec, request({ secretDir, otherCode, runtimeFile }));
      assert.equal(result.functionError, undefined, result.payload.toString());
      seen.push(JSON.parse(result.payload.toString()) as Seen);
    }
    return seen.map((x) => ({ ...x, runtimeIntact: !fs.readFileSync(runtimeFile, 'utf8').includes('tampered') }));
  } finally {
    await manager.close();
  }
}

const isRoot = process.getuid?.() === 0;
const defaultMode = (await chooseSandbox({ hide: [], needs: [] })).mode;

describe('sandbox modes', () => {
  test('none: the function runs as Latchkey\'s user and can read what it can', async () => {
    const [seen] = await peek('none');
    assert.equal(seen!.before, 'read: the database');
  });

  test('none: functions of a second account are refused unless shared running is allowed', async () => {
    const workDir = fs.mkdtempSync(path.join(workRoot, 'none-accounts-'));
    const sandbox = await chooseSandbox({ hide: [], needs: [], mode: 'none' });
    assert.equal(sandbox.isolatesAccounts, false);
    const manager = new RuntimeManager({ workDir, sandbox });
    const request = { payload: Buffer.from('{}'), invokedFunctionArn: 'arn', requestId: randomUUID(), logTail: false };
    try {
      const code = { 'index.js': 'exports.handler = async () => 1;' };
      assert.equal((await manager.invoke(fn('first', code), request)).payload.toString(), '1');
      const other = fn('second', code, { functionArn: 'arn:aws:lambda:us-east-2:210987654321:function:second' });
      await assert.rejects(manager.invoke(other, request), /--unsafe-shared-sandbox/);
    } finally {
      await manager.close();
    }
  });

  test('isolated (Latchkey as root): a user of its own per environment, its own processes and /tmp, nothing of Latchkey\'s or of other functions', async (t) => {
    if (!isRoot || (defaultMode !== 'isolated' && !process.env.CI)) {
      t.skip(isRoot ? 'SKIPPED LOUDLY: mount namespaces do not work on this host' : 'only when the tests run as root');
      return;
    }
    const [a, b] = await peek('isolated');
    for (const seen of [a!, b!]) {
      assert.ok(seen.uid >= ENVIRONMENT_UID_BASE, `uid ${seen.uid}`);
      assert.match(seen.before, /^denied: ENOENT/);
      assert.match(seen.umount, /^denied/);
      assert.match(seen.otherCode, /^denied: ENOENT/);
      assert.match(seen.ownCodeWrite, /^denied: (EROFS|EACCES)/);
      assert.match(seen.runtimeWrite, /^denied: (EROFS|EACCES)/);
      assert.equal(seen.runtimeIntact, true);
      assert.match(seen.etcWrite, /^denied: (EROFS|EACCES)/);
      assert.equal(seen.processes, 1, 'only its own process in its PID namespace');
      assert.match(seen.parentSignal, /^denied: (ESRCH|EPERM)/);
    }
    assert.notEqual(a!.uid, b!.uid);
    assert.deepEqual(a!.tmp, ['mine-peek-a-isolated']);
    assert.deepEqual(b!.tmp, ['mine-peek-b-isolated']);
  });

  test('namespace: covered, read-only, its own processes and /tmp, and the covers cannot be lifted', async (t) => {
    if (defaultMode === 'none' && !process.env.CI) {
      t.skip('SKIPPED LOUDLY: user namespaces (unshare, setpriv) are not available on this host');
      return;
    }
    const [a, b] = await peek('namespace');
    for (const seen of [a!, b!]) {
      assert.match(seen.before, /^denied: ENOENT/);
      assert.match(seen.umount, /^denied/);
      assert.match(seen.after, /^denied: ENOENT/);
      assert.match(seen.otherCode, /^denied: ENOENT/);
      assert.match(seen.ownCodeWrite, /^denied: EROFS/);
      assert.match(seen.runtimeWrite, /^denied: EROFS/);
      assert.equal(seen.runtimeIntact, true);
      assert.match(seen.etcWrite, /^denied: EROFS/);
      assert.equal(seen.processes, 1);
      assert.match(seen.parentSignal, /^denied: ESRCH/);
    }
    assert.deepEqual(a!.tmp, ['mine-peek-a-namespace']);
    assert.deepEqual(b!.tmp, ['mine-peek-b-namespace']);
  });

  test('user (Latchkey as root, no namespaces): a user of its own per environment; the 0700 directory and Latchkey\'s process are closed to it', async (t) => {
    if (!isRoot) {
      t.skip('only when the tests run as root');
      return;
    }
    if (!reachableByOthers(process.execPath) || !reachableByOthers(path.join(latchkeyNodeModules() ?? '/', '@aws-sdk'))) {
      t.skip(`SKIPPED LOUDLY: node (${process.execPath}) or Latchkey's node_modules is not readable by other users here`);
      return;
    }
    const [a, b] = await peek('user');
    for (const seen of [a!, b!]) {
      assert.ok(seen.uid >= ENVIRONMENT_UID_BASE);
      assert.match(seen.before, /^denied: EACCES/);
      assert.match(seen.runtimeWrite, /^denied: EACCES/);
      assert.equal(seen.runtimeIntact, true);
      assert.match(seen.parentSignal, /^denied: EPERM/);
    }
    assert.notEqual(a!.uid, b!.uid);
  });

  test('the automatic choice confines whenever the host allows it, and says how', async () => {
    const sandbox = await chooseSandbox({ hide: [secretDir], needs: [process.execPath] });
    assert.ok(sandbox.description.length > 0);
    if (process.env.CI) assert.notEqual(sandbox.mode, 'none', sandbox.description);
    if (process.env.CI && isRoot) assert.equal(sandbox.mode, 'isolated', sandbox.description);
  });
});

describe('reachableByOthers', () => {
  test('a world-readable file under searchable directories is; one under a 0700 directory is not', () => {
    const open = path.join(workRoot, 'open.txt');
    fs.writeFileSync(open, 'x', { mode: 0o644 });
    fs.chmodSync(workRoot, 0o755);
    assert.equal(reachableByOthers(open), true);
    const closedDir = fs.mkdtempSync(path.join(workRoot, 'closed-'));
    fs.chmodSync(closedDir, 0o700);
    fs.writeFileSync(path.join(closedDir, 'f'), 'x', { mode: 0o644 });
    assert.equal(reachableByOthers(path.join(closedDir, 'f')), false);
    assert.equal(reachableByOthers(path.join(workRoot, 'missing')), false);
  });
});
