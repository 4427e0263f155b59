// Differential test: 10,000 seeded random policy sets and requests (identity, resource,
// boundary, session and SCPs; same- and cross-account; every operator) decided by Latchkey
// and by @cloud-copilot/iam-simulate. Every disagreement is shrunk to a minimal scenario and
// must be one of the known differences (../known-differences.md); anything else fails with
// the minimal scenario printed, ready to replay.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario } from './generator.js';
import { makeRng } from '../../support/rng.js';
import { decideWithPeer } from './iamSimulatePeer.js';
import { decideWithLatchkey } from './latchkeyAdapter.js';
import { minimize } from './minimize.js';
import { classify, classifyRefusal, type KnownDifference } from './knownDifferences.js';
import type { Scenario } from './scenario.js';

const CASES = 10_000;
const SEED = 20261122;

async function verdict(s: Scenario): Promise<string | null> {
  const peer = await decideWithPeer(s);
  const ours = decideWithLatchkey(s);
  if (typeof peer !== 'string' || typeof ours !== 'string') return null;
  return peer === ours ? null : `iam-simulate ${peer}, Latchkey ${ours}`;
}

test(`Latchkey agrees with iam-simulate on ${CASES.toLocaleString('en-US')} random cases, but for known differences`, async () => {
  const rng = makeRng(SEED);
  const tally = { agree: 0, peerRefused: 0, latchkeyRefused: 0 };
  const known = new Map<KnownDifference, number>();
  const decisions = new Map<string, number>();
  const unexplained: string[] = [];

  for (let i = 0; i < CASES; i++) {
    const s = generateScenario(rng);
    const peer = await decideWithPeer(s);
    const ours = decideWithLatchkey(s);
    if (typeof peer !== 'string') {
      tally.peerRefused++;
      continue;
    }
    if (typeof ours !== 'string') {
      tally.latchkeyRefused++;
      const kind = classifyRefusal(ours.error);
      if (kind) {
        known.set(kind, (known.get(kind) ?? 0) + 1);
        continue;
      }
      unexplained.push(`case ${i}: Latchkey refused a policy iam-simulate accepts (${ours.error}): ${JSON.stringify(s)}`);
      continue;
    }
    decisions.set(ours, (decisions.get(ours) ?? 0) + 1);
    if (peer === ours) {
      tally.agree++;
      continue;
    }
    const minimal = await minimize(s, verdict);
    const kind = classify(minimal);
    if (kind) known.set(kind, (known.get(kind) ?? 0) + 1);
    else unexplained.push(`case ${i}: iam-simulate ${peer}, Latchkey ${ours}; minimal: ${JSON.stringify(minimal)}`);
  }

  console.log(`# differential: ${JSON.stringify(tally)}; Latchkey decisions ${JSON.stringify(Object.fromEntries(decisions))}`);
  console.log(`# known differences: ${JSON.stringify(Object.fromEntries(known))}`);
  assert.deepEqual(unexplained, []);
  // The comparison means something only if most cases were decided by both, all three ways.
  assert.ok(tally.agree > CASES * 0.9, `only ${tally.agree} agreements`);
  for (const d of ['Allow', 'ExplicitDeny', 'ImplicitDeny']) assert.ok((decisions.get(d) ?? 0) > CASES * 0.05, `too few ${d}`);
});
