// `coalesced`, the shared read of the world revision: no caller gets a value read before it
// arrived, and callers arriving together share one read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesced } from '../../src/store/cluster.js';

/** A read whose answers the test releases one at a time; each answers the value current when it started. */
function controlledRead() {
  let value = 0;
  const started: { value: number; release: () => void; fail: (e: Error) => void }[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const at = value;
      started.push({ value: at, release: () => resolve(at), fail: reject });
    });
  return { read, started, set: (v: number) => (value = v) };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a caller that arrives during a read waits for a read started after it', async () => {
  const c = controlledRead();
  const get = coalesced(c.read);
  const first = get();
  assert.equal(c.started.length, 1);
  c.set(1); // a commit lands after the first read started
  const second = get();
  const third = get();
  assert.equal(c.started.length, 1, 'no second read while the first is under way');
  c.started[0]!.release();
  assert.equal(await first, 0);
  await tick();
  assert.equal(c.started.length, 2, 'the callers that came meanwhile share one new read');
  c.started[1]!.release();
  assert.equal(await second, 1);
  assert.equal(await third, 1);
});

test('a failed read fails its callers; the next call reads again', async () => {
  const c = controlledRead();
  const get = coalesced(c.read);
  const first = get();
  const second = get();
  c.started[0]!.fail(new Error('database away'));
  await assert.rejects(first, /database away/);
  await tick();
  c.set(5);
  c.started[1]!.release();
  assert.equal(await second, 0, 'the waiting caller got the read that started after the failure');
  const third = get();
  assert.equal(c.started.length, 3);
  c.started[2]!.release();
  assert.equal(await third, 5);
});
