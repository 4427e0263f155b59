// Per-input parse time over fuzz inputs: the parser must stay within a few milliseconds for
// any single input (hostile globs, deep nesting, long strings). Timed here, not in tests.
// Each input is parsed three times and its fastest run kept, so that a garbage-collection
// pause is not mistaken for a slow input; the single slowest raw run is reported too.

import { compilePolicy, MalformedPolicyDocumentError } from '../src/iam/index.js';
import { fuzzInputs } from '../test/iam/fuzzInputs.js';

export interface FuzzTiming {
  /** The slowest input's best-of-three time, ms. */
  slowest: number;
  /** The slowest single run of any input, pauses included, ms. */
  slowestRaw: number;
  median: number;
}

export function fuzzTiming(count: number): FuzzTiming {
  const best: number[] = [];
  let slowestRaw = 0;
  // Warm the action catalogue and the JIT first, so the figure is about the parser.
  for (const [, input] of fuzzInputs(7, 2000)) tryCompile(input);
  for (const [, input] of fuzzInputs(20261122, count)) {
    let fastest = Infinity;
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      tryCompile(input);
      const ms = performance.now() - t;
      fastest = Math.min(fastest, ms);
      slowestRaw = Math.max(slowestRaw, ms);
    }
    best.push(fastest);
  }
  best.sort((a, b) => a - b);
  return { slowest: best[best.length - 1]!, slowestRaw, median: best[best.length >> 1]! };
}

function tryCompile(input: unknown) {
  try {
    compilePolicy(input as object, { kind: 'identity' });
  } catch (e) {
    if (!(e instanceof MalformedPolicyDocumentError)) throw e;
  }
}
