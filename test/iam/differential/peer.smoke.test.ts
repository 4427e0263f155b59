// Proves the generator is meaningful for the peer: iam-simulate accepts nearly every scenario
// and all three decisions come out. Without this, a differential run could "agree" on a pile of
// rejected or uniformly denied inputs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateScenario } from './generator.js';
import { makeRng } from '../../support/rng.js';
import { decideWithPeer } from './iamSimulatePeer.js';
import type { ScenarioDecision } from './scenario.js';

const COUNT = 200;
const SEED = 0x1a7c4e;

test('generated scenarios are accepted by iam-simulate and reach every decision', async () => {
  const rng = makeRng(SEED);
  const counts: Record<ScenarioDecision | 'error', number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0, error: 0 };
  const errors: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const result = await decideWithPeer(generateScenario(rng));
    if (typeof result === 'string') counts[result]++;
    else {
      counts.error++;
      errors.push(result.error);
    }
  }
  const detail = `${JSON.stringify(counts)}\n${errors.slice(0, 5).join('\n')}`;
  assert.ok(counts.error < COUNT * 0.05, `too many peer errors: ${detail}`);
  assert.ok(counts.Allow > 0, `no Allow: ${detail}`);
  assert.ok(counts.ExplicitDeny > 0, `no ExplicitDeny: ${detail}`);
  assert.ok(counts.ImplicitDeny > 0, `no ImplicitDeny: ${detail}`);
});
