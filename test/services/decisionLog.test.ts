import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionLog, type DecisionRecord } from '../../src/services/decisionLog.js';

const entry = (n: number) => ({ requestId: String(n) }) as DecisionRecord;

test('the decision log keeps the most recent entries, oldest first', () => {
  const log = new DecisionLog(3);
  assert.deepEqual(log.recent(), []);
  for (let i = 1; i <= 5; i++) log.record(entry(i));
  assert.deepEqual(log.recent().map((e) => e.requestId), ['3', '4', '5']);
  assert.deepEqual(log.recent(2).map((e) => e.requestId), ['4', '5']);
});
