// Tests for src/runtime/sandbox.ts: a function under each confinement the host allows tries to
// read a private directory (standing in for the state directory) and to undo its confinement.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { RuntimeManager } from '../../src/runtime/index.js';
import { bootstrapPath } from '../../src/runtime/launch.js';
import { chooseSandbox, reachableByOthers, type SandboxMode } from '../../src/runtime/sandbox.js';
import { fn } from './functionSpec.js';

const PEEK = `
const fs = require('fs');
const { execFileSync } = require('child_process');
const attempt = (f) => { try { return 'read: ' + f(); } catch (e) { return 'denied: ' + e.code; } };
exports.handler = async ({ secretDir, otherCode }) => {
  const before = attempt(() => fs.readFileSync(secretDir + '/secret.txt', 'utf8'));
  // Try to lift a namespace's cover; a confined function has no capability to do so.
  const umount = attempt(() => execFileSync('umount', [secretDir], { stdio: 'pipe' }).toString());
  return {
    before, umount, after: attempt(() => fs.readFileSync(secretDir + '/secret.txt', 'utf8')), uid: process.getuid(),
    otherCode: attempt(() => fs.readFileSync(otherCode, 'utf8')),
    ownCodeWrite: attempt(() => { fs.writeFileSync(process.env.LAMBDA_TASK_ROOT + '/index.js', 'tampered'); return 'written'; }),
  };
};
`;

let secretDir: string;
let workRoot: string;
before(() => {
  secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-secret-'));
  fs.writeFileSync(path.join(secretDir, 'secret.txt'), 'the database');
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-sandbox-test-'));
});
after(() => {
  fs.rmSync(secretDir, { recursive: true, force: true });
  fs.rmSync(workRoot, { recursive: true, force: true });
});

async function peek(mode: SandboxMode) {
  const sandbox = await chooseSandbox({ hide: [secretDir], needs: [], mode });
  const workDir = fs.mkdtempSync(path.join(workRoot, `${mode}-`));
  const manager = new RuntimeManager({ workDir, sandbox });
  const request = (payload: object) => ({ payload: Buffer.from(JSON.stringify(payload)), invokedFunctionArn: 'arn', requestId: randomUUID(), logTail: false });
  try {
    // Another function, run first so that its code is unpacked beside the peeking one's.
    const other = fn(`other-${mode}`, { 'index.js': 'exports.handler = async () => "the other function\'s code";\n' });
    assert.equal((await manager.invoke(other, request({}))).payload.toString(), '"the other function\'s code"');
    const otherCode = path.join(workDir, 'code', Buffer.from(other.codeSha256, 'base64').toString('hex'), 'index.js');
    const result = await manager.invoke(fn(`peek-${mode}`, { 'index.js': PEEK }), request({ secretDir, otherCode }));
    assert.equal(result.functionError, undefined, result.payload.toString());
    return JSON.parse(result.payload.toString()) as { before: string; umount: string; after: string; uid: number; otherCode: string; ownCodeWrite: string };
  } finally {
    await manager.close();
  }
}

const isRoot = process.getuid?.() === 0;

describe('sandbox modes', () => {
  test('none: the function runs as Latchkey\'s user and can read what it can', async () => {
    const seen = await peek('none');
    assert.equal(seen.before, 'read: the database');
  });

  test('namespace: the private directory is covered and the cover cannot be lifted; other functions\' code is out of sight, its own read-only', async (t) => {
    if ((await chooseSandbox({ hide: [], needs: [] })).mode === 'none' && !process.env.CI) {
      t.skip('SKIPPED LOUDLY: user namespaces (unshare, setpriv) are not available on this host');
      return;
    }
    const seen = await peek('namespace');
    assert.match(seen.before, /^denied: EACCES/);
    assert.match(seen.umount, /^denied/);
    assert.match(seen.after, /^denied: EACCES/);
    assert.match(seen.otherCode, /^denied: ENOENT/);
    assert.match(seen.ownCodeWrite, /^denied: EROFS/);
  });

  test('user (Latchkey as root): the function runs as nobody and the 0700 directory is closed to it', async (t) => {
    if (!isRoot) {
      t.skip('only when the tests run as root');
      return;
    }
    if (!reachableByOthers(process.execPath) || !reachableByOthers(bootstrapPath('node'))) {
      t.skip(`SKIPPED LOUDLY: node (${process.execPath}) or the bootstrap is not readable by nobody here`);
      return;
    }
    fs.chmodSync(secretDir, 0o700);
    fs.chmodSync(workRoot, 0o711);   // as os.tmpdir() is, where Latchkey puts its work directory
    const seen = await peek('user');
    assert.equal(seen.uid, 65534);
    assert.match(seen.before, /^denied: EACCES/);
  });

  test('the automatic choice confines whenever the host allows it, and says how', async () => {
    const sandbox = await chooseSandbox({ hide: [secretDir], needs: [process.execPath] });
    assert.ok(sandbox.description.length > 0);
    if (process.env.CI) assert.notEqual(sandbox.mode, 'none', sandbox.description);
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
