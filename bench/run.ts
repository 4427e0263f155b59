// `npm run bench`: decisions per second for Latchkey and for @cloud-copilot/iam-simulate on
// the same inputs, side by side, with their ratio. One process, one core, one case at a time.
// The peer is measured twice: through runSimulation (its validated entry point, policies
// validated once up front) and through runUnsafeSimulation (its fastest path).

import { crossAccount, singleStatement, thousandStatements } from './cases.js';
import { prepareLatchkey } from '../test/iam/differential/latchkeyAdapter.js';
import { preparePeer, preparePeerUnsafe } from '../test/iam/differential/iamSimulatePeer.js';
import type { Scenario } from '../test/iam/differential/scenario.js';
import { fuzzTiming } from './fuzz.js';
import { stsBench } from './sts.js';
import { lambdaBench } from './lambda.js';
import { invokeBench } from './invoke.js';
import { resourcePolicyBench } from './resourcePolicy.js';
import { sqsBench } from './sqs.js';
import { clusterBench } from './cluster.js';
import { requestPathBench } from './requestPath.js';
import { whereTimeGoes } from './whereTimeGoes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function measureSync(run: () => unknown, seconds: number): number {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) run();
    n += 1000;
  }
  return n / ((performance.now() - started) / 1000);
}

async function measureAsync(run: () => Promise<unknown>, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) await run();
    n += 10;
  }
  return n / ((performance.now() - started) / 1000);
}

const fmt = (n: number) => (Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US')).padStart(11);

async function bench(name: string, scenario: Scenario, target: number) {
  const latchkey = prepareLatchkey(scenario);
  const peer = preparePeer(scenario);
  // The unsafe path cannot take every scenario (see iamSimulatePeer.ts); say so, don't fail.
  const peerUnsafe = await preparePeerUnsafe(scenario).catch((e: Error) => e);
  const ours = latchkey();
  const theirs = await peer();
  if (ours !== theirs) throw new Error(`${name}: Latchkey says ${ours}, iam-simulate says ${theirs}`);

  measureSync(latchkey, 0.3); // warm-up
  const l = measureSync(latchkey, SECONDS);
  await measureAsync(peer, 0.3);
  const p = await measureAsync(peer, SECONDS);
  let u = NaN;
  if (typeof peerUnsafe === 'function') {
    measureSync(peerUnsafe, 0.3);
    u = measureSync(peerUnsafe, SECONDS);
  } else {
    console.error(`${name}: runUnsafeSimulation not measured: ${peerUnsafe.message}`);
  }
  const met = l >= target ? 'met' : `MISSED by ${((1 - l / target) * 100).toFixed(0)}%`;
  console.log(
    `| ${name} | ${ours} | ${fmt(l)} | ${fmt(p)} | ${fmt(u)} | ${(l / p).toFixed(0)}x | ${Number.isNaN(u) ? 'n/a' : `${(l / u).toFixed(1)}x`} | ${fmt(target)} ${met} |`,
  );
}

console.log(`Decisions per second, one core, ${SECONDS} s per measurement (node ${process.version}).`);
console.log('| case | decision | Latchkey | iam-simulate runSimulation | iam-simulate runUnsafeSimulation | ratio (validated) | ratio (unsafe) | target |');
console.log('|---|---|---:|---:|---:|---:|---:|---|');
await bench('(a) 1 identity policy, 1 statement', singleStatement(), 1_000_000);
await bench('(b) cross-account, 50-stmt resource policy + 5×10 identity', crossAccount(), 200_000);
await bench('(c) 1,000 statements in 20 policies', thousandStatements(), 100_000);

const fuzz = fuzzTiming(20_000);
console.log(
  `\nParser fuzz, 20,000 inputs: slowest input ${fuzz.slowest.toFixed(2)} ms (best of 3 runs), ` +
    `median ${fuzz.median.toFixed(3)} ms; slowest single run with pauses ${fuzz.slowestRaw.toFixed(2)} ms.`,
);

await stsBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await lambdaBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await invokeBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await resourcePolicyBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await sqsBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await clusterBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await requestPathBench(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
await whereTimeGoes(Number(process.env.BENCH_HTTP_SECONDS ?? 5));
