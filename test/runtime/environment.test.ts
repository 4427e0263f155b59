// An invocation's output as CloudWatch Logs receives it: a line per event, stamped with the
// arrival of the chunk it starts in, characters split between chunks kept whole, the
// runtimes' \r (a message's own newlines) shown as newlines again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../../src/runtime/environment.js';

test('lines from chunks: split at newlines, stamped by the chunk they start in, blank lines dropped', () => {
  const chunks = [Buffer.from('first li'), Buffer.from('ne\nsecond\n\nthi'), Buffer.from('rd')];
  assert.deepEqual(linesOf(chunks, [10, 20, 30]), [
    { timestamp: 10, message: 'first line' },
    { timestamp: 20, message: 'second' },
    { timestamp: 20, message: 'third' },
  ]);
});

test('a character split between chunks stays one character; \\r becomes a newline inside one event', () => {
  const euro = Buffer.from('€ two\rlines\n');
  const lines = linesOf([euro.subarray(0, 1), euro.subarray(1)], [1, 2]);
  // The line starts when its first whole character is in.
  assert.deepEqual(lines, [{ timestamp: 2, message: '€ two\nlines' }]);
});
