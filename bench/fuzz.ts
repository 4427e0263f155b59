// Per-input parse time over fuzz inputs: the parser must stay within a few milliseconds for
// any single input (hostile globs, deep nesting, long strings). Timed here, not in tests.

import { compilePolicy, MalformedPolicyDocumentError } from '../src/iam/index.js';
import { fuzzInputs } from '../test/iam/fuzzInputs.js';

export function fuzzSlowest(count: number): { ms: number; median: number } {
  const times: number[] = [];
  // Warm the action catalogue and the JIT first, so the figure is about the parser.
  for (const [, input] of fuzzInputs(7, 2000)) tryCompile(input);
  for (const [, input] of fuzzInputs(20261122, count)) {
    const t = performance.now();
    tryCompile(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length - 1]!, median: times[times.length >> 1]! };
}

function tryCompile(input: unknown) {
  try {
    compilePolicy(input as object, { kind: 'identity' });
  } catch (e) {
    if (!(e instanceof MalformedPolicyDocumentError)) throw e;
  }
}
