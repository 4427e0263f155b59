// Fuzz: 100,000 random JSON values and mutated valid policies through the parser. Each must
// give a compiled policy or a MalformedPolicyDocumentError, never anything else; every
// compiled policy is also evaluated against a request, which must not throw either.
// The slowest input is reported (not asserted: timing belongs in bench/, see bench/fuzz.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, compilePolicy, MalformedPolicyDocumentError, RequestContext, type PolicyKind } from '../../src/iam/index.js';
import { fuzzInputs } from './fuzzInputs.js';

const KINDS: PolicyKind[] = ['identity', 'resource', 'boundary', 'scp', 'rcp', 'session', 'trust'];
const CONTEXT = new RequestContext({
  'aws:username': 'a*'.repeat(200),
  'aws:SourceArn': `arn:aws:s3:::${'a'.repeat(2000)}`,
  'aws:SourceIp': '10.1.2.3',
  'aws:CurrentTime': '2026-11-22T12:00:00Z',
  'aws:TagKeys': ['a', 'b', 'c'.repeat(500)],
  'aws:PrincipalTag/team': 'x:y:z',
});

test('100,000 random and mutated policies: compiled or MalformedPolicyDocument, never a crash', () => {
  let compiled = 0;
  let rejected = 0;
  let slowest = { ms: 0, input: '' };
  for (const [i, input] of fuzzInputs(20261122, 100_000)) {
    const kind = KINDS[i % KINDS.length]!;
    const started = performance.now();
    try {
      const policy = compilePolicy(input as object, { kind, skipActionCatalogue: i % 10 !== 0 });
      compiled++;
      const principal = { type: 'User' as const, arn: 'arn:aws:iam::111111111111:user/a', accountId: '111111111111' };
      for (const action of ['s3:GetObject', 'lambda:InvokeFunction']) {
        const request = { principal, action, resource: `arn:aws:s3:::${'a'.repeat(300)}/b`, context: CONTEXT };
        authorize(request, kind === 'resource' || kind === 'trust' ? { resource: policy } : { identity: [policy] });
      }
    } catch (e) {
      if (!(e instanceof MalformedPolicyDocumentError)) {
        assert.fail(`input ${i} (${kind}) threw ${String(e)}: ${JSON.stringify(input)?.slice(0, 500)}`);
      }
      rejected++;
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, input: JSON.stringify(input)?.slice(0, 200) ?? String(input) };
  }
  assert.equal(compiled + rejected, 100_000);
  // A fuzzer whose every input is rejected tests only the first check.
  assert.ok(compiled > 5_000, `only ${compiled} inputs compiled`);
  assert.ok(rejected > 5_000, `only ${rejected} inputs rejected`);
  console.log(`# fuzz: ${compiled} compiled, ${rejected} rejected; slowest ${slowest.ms.toFixed(2)} ms: ${slowest.input}`);
});
