// CloudWatch Logs' rules without a server: filter patterns (FilterAndPatternSyntax in the
// CloudWatch Logs User Guide, its examples) and which events of a PutLogEvents batch are
// stored (the PutLogEvents API reference).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilterPattern } from '../../src/services/logs/filterPattern.js';
import { admitLogEvents } from '../../src/services/logs/events.js';
import { AwsError } from '../../src/aws/errors.js';

const matching = (pattern: string, messages: string[]) => messages.filter(compileFilterPattern(pattern));

test('terms: all must appear, case-sensitively, as substrings; quoted phrases are one term', () => {
  const examples = ['ERROR WARN message', 'ERROR message', 'WARN message', 'error lower', 'Exiting with ERRORCODE: -1'];
  assert.deepEqual(matching('ERROR', examples), ['ERROR WARN message', 'ERROR message', 'Exiting with ERRORCODE: -1']);
  assert.deepEqual(matching('ERROR WARN', examples), ['ERROR WARN message']);
  assert.deepEqual(matching('"WARN message"', examples), ['ERROR WARN message', 'WARN message']);
  assert.deepEqual(matching('', examples), examples);
});

test('?term matches any of them; -term excludes (the guide\'s examples 1, 2 and 3)', () => {
  const examples = ['ERROR WARN message', 'ERROR message', 'WARN message'];
  assert.deepEqual(matching('?ERROR ?WARN', examples), examples);
  assert.deepEqual(matching('ERROR -WARN', examples), ['ERROR message']);
  assert.deepEqual(matching('-"WARN message"', examples), ['ERROR message']);
});

test('JSON patterns: equality with wildcards, numbers, &&, ||, parentheses, IS NULL, NOT EXISTS, IS TRUE', () => {
  const events = [
    '{"eventType":"UpdateTrail","latency":700,"user":{"id":"a1"},"ok":true,"gone":null}',
    '{"eventType":"DeleteTrail","latency":20,"user":{"id":"b2"},"ok":false}',
    'not json at all',
  ];
  assert.deepEqual(matching('{ $.eventType = "UpdateTrail" }', events), [events[0]]);
  assert.deepEqual(matching('{ $.eventType = "*Trail" }', events), [events[0], events[1]]);
  assert.deepEqual(matching('{ $.eventType != "UpdateTrail" }', events), [events[1]]);
  assert.deepEqual(matching('{ $.latency >= 500 }', events), [events[0]]);
  assert.deepEqual(matching('{ $.latency < 500 && $.user.id = "b2" }', events), [events[1]]);
  assert.deepEqual(matching('{ ($.latency > 600 || $.user.id = "b2") && $.ok IS FALSE }', events), [events[1]]);
  assert.deepEqual(matching('{ $.gone IS NULL }', events), [events[0]]);
  assert.deepEqual(matching('{ $.gone NOT EXISTS }', events), [events[1]]);
  assert.deepEqual(matching('{ $.ok IS TRUE }', events), [events[0]]);
});

test('a malformed pattern is InvalidParameterException, never a crash', () => {
  for (const bad of ['{ $.a = }', '{ $.a "x" }', '{ a = 1 }', '{ $.a = 1', '{ ($.a = 1 }', '[ip, user]']) {
    assert.throws(() => compileFilterPattern(bad), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException', bad);
  }
});

test('PutLogEvents: out of order is refused; too old and too new are rejected by index, the rest stored', () => {
  const now = Date.UTC(2026, 11, 3);
  const day = 86_400_000;
  assert.throws(() => admitLogEvents([{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }], now, null), /chronological order/);
  const batch = [
    { timestamp: now - 15 * day, message: 'too old' },
    { timestamp: now - 1000, message: 'kept' },
    { timestamp: now + 3 * 3_600_000, message: 'too new' },
  ];
  const { accepted, rejected } = admitLogEvents(batch, now, null);
  assert.deepEqual(accepted.map((e) => e.message), ['kept']);
  assert.deepEqual(rejected, { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
  assert.throws(() => admitLogEvents([{ timestamp: now - 2 * day, message: 'a' }, { timestamp: now, message: 'b' }], now, null), /cannot span more than 24 hours/);
  const old = admitLogEvents([{ timestamp: now - 2 * day, message: 'older than retention' }, { timestamp: now, message: 'kept' }], now, 1);
  assert.deepEqual(old.rejected, { tooOldLogEventEndIndex: 1 });
  assert.deepEqual(old.accepted.map((e) => e.message), ['kept']);
  const big = Array.from({ length: 2 }, () => ({ timestamp: now, message: 'x'.repeat(600_000) }));
  assert.throws(() => admitLogEvents(big, now, null), /maximum batch size is 1048576 bytes/);
});
