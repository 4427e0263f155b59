// CloudWatch Logs filter patterns (FilterAndPatternSyntax in the CloudWatch Logs User Guide),
// compiled to a predicate on an event's message:
// - terms: `ERROR Exception` matches messages that contain every term, case-sensitively;
//   `"a phrase"` is one term; `?ERROR ?WARN` matches messages with any of the `?` terms;
//   `-term` (also `-"a phrase"`) excludes messages that contain it;
// - JSON: `{ $.level = "ERROR" }`, `{ $.latency > 100 }`, `!=`, `<`, `<=`, `>=`, strings with
//   `*` wildcards, `&&` and `||` (`&&` binds tighter), parentheses, `IS NULL`, `NOT EXISTS`,
//   `IS TRUE`/`IS FALSE`; a message that is not JSON never matches.
// Space-delimited patterns (`[ip, user, …]`) are refused with InvalidParameterException.

import { LogsErrors } from './resources.js';

export type MessageFilter = (message: string) => boolean;

const invalid = () => LogsErrors.invalid('Invalid filter pattern');

export function compileFilterPattern(pattern: string | undefined): MessageFilter {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) throw LogsErrors.invalid('Space-delimited filter patterns ([…]) are not supported by Latchkey');
  return compileTermPattern(text);
}

// ---- Terms ---------------------------------------------------------------------------------

function compileTermPattern(text: string): MessageFilter {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (term === '') continue;
    (m[1] === '?' ? any : m[1] === '-' ? none : all).push(term);
  }
  return (message) =>
    all.every((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t))) && !none.some((t) => message.includes(t));
}

// ---- JSON ----------------------------------------------------------------------------------

type Token = { kind: 'op' | 'paren' | 'selector' | 'string' | 'number' | 'word'; text: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(&&|\|\||!=|<=|>=|=|<|>)|([()])|(\$(?:\.[A-Za-z0-9_$@-]+|\[\d+\])*)|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z]+))/y;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(src);
    if (!m) throw invalid();
    at = re.lastIndex;
    if (m[1]) out.push({ kind: 'op', text: m[1] });
    else if (m[2]) out.push({ kind: 'paren', text: m[2] });
    else if (m[3]) out.push({ kind: 'selector', text: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'string', text: m[4].replace(/\\(.)/g, '$1') });
    else if (m[5]) out.push({ kind: 'number', text: m[5] });
    else out.push({ kind: 'word', text: m[6]!.toUpperCase() });
  }
  return out;
}

type Json = unknown;
type JsonTest = (doc: Json) => boolean;

function select(doc: Json, selector: string): { found: boolean; value?: Json } {
  let value: Json = doc;
  for (const step of selector.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
    if (value === null || typeof value !== 'object' || !(key in (value as object))) return { found: false };
    value = (value as Record<string | number, Json>)[key];
  }
  return { found: true, value };
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function compileJsonPattern(text: string): MessageFilter {
  if (!text.endsWith('}')) throw invalid();
  const tokens = tokenize(text.slice(1, -1));
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++] ?? (() => { throw invalid(); })();

  const comparison = (): JsonTest => {
    const t = take();
    if (t.kind === 'paren' && t.text === '(') {
      const inner = disjunction();
      if (take().text !== ')') throw invalid();
      return inner;
    }
    if (t.kind !== 'selector') throw invalid();
    const selector = t.text;
    const next = take();
    if (next.kind === 'word' && next.text === 'IS') {
      const what = take();
      if (what.text === 'NULL') return (d) => { const s = select(d, selector); return s.found && s.value === null; };
      if (what.text === 'TRUE' || what.text === 'FALSE') return (d) => select(d, selector).value === (what.text === 'TRUE');
      throw invalid();
    }
    if (next.kind === 'word' && next.text === 'NOT') {
      if (take().text !== 'EXISTS') throw invalid();
      return (d) => !select(d, selector).found;
    }
    if (next.kind !== 'op' || next.text === '&&' || next.text === '||') throw invalid();
    const op = next.text;
    const operand = take();
    if (operand.kind === 'string') {
      if (op !== '=' && op !== '!=') throw invalid();
      const re = wildcard(operand.text);
      return (d) => {
        const s = select(d, selector);
        const hit = s.found && s.value !== null && typeof s.value !== 'object' && re.test(String(s.value));
        return op === '=' ? hit : s.found && !hit;
      };
    }
    if (operand.kind !== 'number') throw invalid();
    const n = Number(operand.text);
    const cmp: Record<string, (a: number) => boolean> = { '=': (a) => a === n, '!=': (a) => a !== n, '<': (a) => a < n, '<=': (a) => a <= n, '>': (a) => a > n, '>=': (a) => a >= n };
    return (d) => {
      const v = select(d, selector).value;
      return typeof v === 'number' && cmp[op]!(v);
    };
  };
  const conjunction = (): JsonTest => {
    const parts = [comparison()];
    while (peek()?.text === '&&') {
      i++;
      parts.push(comparison());
    }
    return (d) => parts.every((p) => p(d));
  };
  const disjunction = (): JsonTest => {
    const parts = [conjunction()];
    while (peek()?.text === '||') {
      i++;
      parts.push(conjunction());
    }
    return (d) => parts.some((p) => p(d));
  };
  const test = disjunction();
  if (i !== tokens.length) throw invalid();
  return (message) => {
    let doc: Json;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return test(doc);
  };
}
