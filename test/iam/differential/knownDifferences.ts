// Names for the ways Latchkey and iam-simulate are known to disagree. Each is explained, with
// the AWS documentation that shows Latchkey's answer, in ../known-differences.md. A
// disagreement is classified on its minimized scenario (minimize.ts), where only the
// statements that cause it are left.

import { documents, statementsOf } from './minimize.js';
import type { Scenario } from './scenario.js';

export type KnownDifference =
  | 'duplicate-sid'
  | 'variable-in-arn-condition'
  | 'session-arn-escapes-session-policy'
  | 'empty-multivalued-key'
  | 'ip-zero-prefix'
  | 'ip-family-mismatch'
  | 'unresolved-variable'
  | 'not-principal-identities'
  | 'wildcard-principal-escapes-session-and-boundary';

type Condition = Record<string, Record<string, unknown>>;

function conditions(s: Scenario): [operator: string, key: string, values: string[]][] {
  const out: [string, string, string[]][] = [];
  for (const doc of documents(s)) {
    for (const st of statementsOf(doc)) {
      for (const [op, block] of Object.entries((st.Condition ?? {}) as Condition)) {
        for (const [key, v] of Object.entries(block)) out.push([op, key, (Array.isArray(v) ? v : [v]).map(String)]);
      }
    }
  }
  return out;
}

function contextValue(s: Scenario, key: string): string | string[] | undefined {
  const k = Object.keys(s.context).find((c) => c.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : s.context[k];
}

const VARIABLE = /\$\{([^}]+)\}/g;

function unresolvedVariables(s: Scenario, text: string): boolean {
  for (const m of text.matchAll(VARIABLE)) {
    const inner = m[1]!;
    if (['*', '?', '$'].includes(inner) || inner.includes(',')) continue;
    if (contextValue(s, inner.trim()) === undefined) return true;
  }
  return false;
}

const isSessionArn = (v: unknown) => typeof v === 'string' && v.includes(':assumed-role/');

const PREDICATES: [KnownDifference, (s: Scenario) => boolean][] = [
  [
    'variable-in-arn-condition',
    (s) => conditions(s).some(([op, , values]) => /^(ForAnyValue:|ForAllValues:)?Arn/i.test(op) && values.some((v) => v.includes('${'))),
  ],
  [
    'session-arn-escapes-session-policy',
    (s) =>
      s.sessionPolicy !== undefined &&
      s.resourcePolicy !== undefined &&
      statementsOf(s.resourcePolicy).some((st) => st.Effect === 'Allow' && [(st.Principal as { AWS?: unknown } | undefined)?.AWS].flat().some(isSessionArn)),
  ],
  [
    'empty-multivalued-key',
    (s) => conditions(s).some(([, key]) => {
      const v = contextValue(s, key);
      return Array.isArray(v) && v.length === 0;
    }),
  ],
  ['ip-zero-prefix', (s) => conditions(s).some(([op, , values]) => /ipaddress/i.test(op) && values.some((v) => v.endsWith('/0')))],
  [
    'ip-family-mismatch',
    (s) =>
      conditions(s).some(([op, key, values]) => {
        if (!/ipaddress/i.test(op)) return false;
        const ip = contextValue(s, key);
        if (typeof ip !== 'string') return false;
        return values.some((v) => v.includes(':') !== ip.includes(':'));
      }),
  ],
  [
    'unresolved-variable',
    (s) =>
      documents(s).some((doc) =>
        statementsOf(doc).some((st) => {
          const texts = [st.Resource, st.NotResource].flat().filter((x): x is string => typeof x === 'string');
          for (const block of Object.values((st.Condition ?? {}) as Condition)) {
            for (const v of Object.values(block)) texts.push(...[v].flat().map(String));
          }
          return texts.some((t) => unresolvedVariables(s, t));
        }),
      ),
  ],
  ['not-principal-identities', (s) => documents(s).some((doc) => statementsOf(doc).some((st) => st.NotPrincipal !== undefined))],
  [
    'wildcard-principal-escapes-session-and-boundary',
    (s) =>
      (s.sessionPolicy !== undefined || s.permissionsBoundary !== undefined) &&
      s.resourcePolicy !== undefined &&
      statementsOf(s.resourcePolicy).some(
        (st) => st.Effect === 'Allow' && (st.Principal === '*' || (st.Principal as { AWS?: unknown } | undefined)?.AWS === '*'),
      ),
  ],
];

/** A policy Latchkey refuses and iam-simulate accepts, when AWS refuses it too. */
export function classifyRefusal(message: string): KnownDifference | null {
  return message === 'Statement IDs (SID) in a single policy must be unique.' ? 'duplicate-sid' : null;
}

/** The known difference a minimized scenario shows, or null when it is not a known one. */
export function classify(minimal: Scenario): KnownDifference | null {
  for (const [name, applies] of PREDICATES) if (applies(minimal)) return name;
  return null;
}
