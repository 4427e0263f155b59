import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyCache } from '../../src/iam/index.js';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: action, Resource: '*' } });

test('a policy is compiled once per revision', () => {
  const cache = new PolicyCache();
  const a = cache.get('fn:prod', 'r1', doc('lambda:InvokeFunction'), { kind: 'identity' });
  assert.equal(cache.get('fn:prod', 'r1', doc('ignored:ForTheSameRevision'), { kind: 'identity' }), a);
  const b = cache.get('fn:prod', 'r2', doc('lambda:GetFunction'), { kind: 'identity' });
  assert.notEqual(b, a);
  assert.equal(b.id, 'fn:prod');
  assert.equal(b.statementsFor('lambda:getfunction').length, 1);
});

test('the oldest entry goes when the cache is full; delete forgets one', () => {
  const cache = new PolicyCache(2);
  const first = cache.get('a', '1', doc('s3:GetObject'), { kind: 'identity' });
  cache.get('b', '1', doc('s3:GetObject'), { kind: 'identity' });
  cache.get('c', '1', doc('s3:GetObject'), { kind: 'identity' });
  assert.notEqual(cache.get('a', '1', doc('s3:GetObject'), { kind: 'identity' }), first);
  const c = cache.get('c', '1', doc('s3:GetObject'), { kind: 'identity' });
  cache.delete('c');
  assert.notEqual(cache.get('c', '1', doc('s3:GetObject'), { kind: 'identity' }), c);
});
