// Shrinks a scenario on which Latchkey and iam-simulate disagree to a smallest one on which
// they still disagree the same way, so that the difference can be named (see
// ../known-differences.md) instead of read out of a page of generated JSON.

import type { JsonPolicy, Scenario } from './scenario.js';

export type Verdict = (s: Scenario) => Promise<string | null>;

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Every policy document of a scenario, in a fixed order. */
export function documents(s: Scenario): JsonPolicy[] {
  return [
    ...s.identityPolicies.map((p) => p.document),
    ...(s.resourcePolicy ? [s.resourcePolicy] : []),
    ...(s.permissionsBoundary ? [s.permissionsBoundary.document] : []),
    ...(s.sessionPolicy ? [s.sessionPolicy.document] : []),
    ...(s.scps ?? []).flatMap((level) => level.policies.map((p) => p.document)),
  ];
}

type Statement = Record<string, unknown>;

export function statementsOf(doc: JsonPolicy): Statement[] {
  const st = doc.Statement;
  return (Array.isArray(st) ? st : [st]) as Statement[];
}

/** Scenarios one step smaller than `s`. */
function* smaller(s: Scenario): Generator<Scenario> {
  for (let i = 0; i < s.identityPolicies.length; i++) {
    const c = clone(s);
    c.identityPolicies.splice(i, 1);
    yield c;
  }
  for (const key of ['resourcePolicy', 'permissionsBoundary', 'sessionPolicy', 'scps'] as const) {
    if (s[key] !== undefined) {
      const c = clone(s);
      delete c[key];
      yield c;
    }
  }
  const docCount = documents(s).length;
  for (let d = 0; d < docCount; d++) {
    const count = statementsOf(documents(s)[d]!).length;
    for (let j = 0; j < count; j++) {
      const edit = (change: (st: Statement[], doc: JsonPolicy) => void) => {
        const c = clone(s);
        const doc = documents(c)[d]!;
        const st = statementsOf(doc);
        change(st, doc);
        doc.Statement = st;
        return c;
      };
      if (count > 1) yield edit((st) => st.splice(j, 1));
      const statement = statementsOf(documents(s)[d]!)[j]!;
      for (const field of ['Action', 'NotAction', 'Resource', 'NotResource']) {
        const list = statement[field];
        if (Array.isArray(list) && list.length > 1) {
          for (let x = 0; x < list.length; x++) yield edit((st) => (st[j]![field] as unknown[]).splice(x, 1));
        }
      }
      const condition = statement.Condition as Record<string, unknown> | undefined;
      for (const op of Object.keys(condition ?? {})) {
        yield edit((st) => {
          const cond = st[j]!.Condition as Record<string, unknown>;
          delete cond[op];
          if (Object.keys(cond).length === 0) delete st[j]!.Condition;
        });
      }
    }
  }
  for (const key of Object.keys(s.context)) {
    const c = clone(s);
    delete c.context[key];
    yield c;
  }
}

/** Greedy shrinking: take any smaller scenario with the same verdict until none is left. */
export async function minimize(s: Scenario, verdict: Verdict): Promise<Scenario> {
  const target = await verdict(s);
  let current = s;
  for (let progress = true; progress; ) {
    progress = false;
    for (const candidate of smaller(current)) {
      if ((await verdict(candidate)) === target) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return current;
}
