// The private channel's framing (src/runtime/channel.ts): what the runtime process sends is
// the function's, so the reader must hold up to anything it writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameReader, type Frame } from '../../src/runtime/channel.js';

function reader(maxBody = 1024) {
  const frames: Frame[] = [];
  const violations: string[] = [];
  const r = new FrameReader(maxBody, (f) => frames.push(f), (why) => violations.push(why));
  return { r, frames, violations };
}

const bytes = (head: Record<string, unknown>, body?: Buffer) => Buffer.concat(encodeFrame(head, body));

test('frames split anywhere, or several in one chunk, come out whole and in order', () => {
  const stream = Buffer.concat([
    bytes({ type: 'next' }),
    bytes({ type: 'response', requestId: 'a', output: [3, 0] }, Buffer.from('{"ok":true}')),
    bytes({ type: 'error', requestId: 'b', text: 'ünïcode' }, Buffer.from('x'.repeat(700))),
  ]);
  for (const size of [1, 2, 3, 7, 8, 9, 100, stream.length]) {
    const { r, frames, violations } = reader();
    for (let i = 0; i < stream.length; i += size) r.push(stream.subarray(i, i + size));
    assert.deepEqual(violations, []);
    assert.deepEqual(frames.map((f) => [f.head, f.body.toString(), f.tooLarge]), [
      [{ type: 'next' }, '', false],
      [{ type: 'response', requestId: 'a', output: [3, 0] }, '{"ok":true}', false],
      [{ type: 'error', requestId: 'b', text: 'ünïcode' }, 'x'.repeat(700), false],
    ], `chunks of ${size}`);
  }
});

test('a body over the limit is reported at its head and skipped as it arrives; the next frame reads normally', () => {
  const { r, frames, violations } = reader(100);
  const [start] = encodeFrame({ type: 'response', requestId: 'big' }, Buffer.alloc(0));
  start.writeUInt32BE(10_000, 4);   // declares 10,000 bytes of body
  r.push(start);
  assert.deepEqual(frames.map((f) => [f.head.requestId, f.tooLarge, f.body.length]), [['big', true, 0]]);
  for (let sent = 0; sent < 10_000; sent += 1000) r.push(Buffer.alloc(1000, 0x41));
  r.push(bytes({ type: 'next' }));
  assert.deepEqual(frames.map((f) => f.head.type), ['response', 'next']);
  assert.deepEqual(violations, []);
});

test('a head that is not one breaks the channel: nothing more is read', () => {
  for (const garbage of [
    Buffer.from('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n'),   // over 64 KiB of "head"
    Buffer.concat([Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]), Buffer.from('nope')]),
    Buffer.concat([Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]), Buffer.from('[]')]),
  ]) {
    const { r, frames, violations } = reader();
    r.push(garbage);
    r.push(bytes({ type: 'next' }));
    assert.equal(violations.length, 1, garbage.toString());
    assert.deepEqual(frames, []);
  }
});
