// A deterministic EventEnv for the event-shape tests: a fixed clock and region, and ids
// 00000001-0000-4000-8000-000000000001, …002, … — distinct, predictable UUIDs.

import type { EventEnv } from '../../../src/services/events/shapes.js';

export function fixedEnv(now: string, region: string): EventEnv {
  let n = 0;
  return {
    region,
    now: new Date(now),
    id: () => {
      n++;
      return `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    },
  };
}
