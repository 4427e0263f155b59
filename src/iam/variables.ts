// Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the fixed
// escapes `${*}`, `${?}`, `${$}`. Only policies of Version 2012-10-17 have them; in older
// policies the same text is literal.

import type { RequestContext } from './context.js';
import type { PatternPiece } from './glob.js';

export interface VariableRef {
  /** Context key, lower-cased (keys are case-insensitive). */
  key: string;
  defaultValue: string | undefined;
}

/** Literal text (whose wildcards stay wildcards) alternating with variable references. */
export type Template = readonly (string | VariableRef)[];

const ESCAPES = new Map([
  ['*', '*'],
  ['?', '?'],
  ['$', '$'],
]);
// `key, 'default'`. Keys may hold spaces and any letters (tag keys do), but not `{`, `$` or `'`.
const DEFAULT_FORM = /^\s*([^,{$']+?)\s*,\s*'([^']*)'\s*$/;
const KEY_FORM = /^[^,{$']+$/;

export function hasVariables(text: string): boolean {
  return text.includes('${');
}

/**
 * Splits text into literals and variable references; returns null when it holds none, so
 * callers can keep the fast literal path.
 */
export function parseTemplate(text: string): Template | null {
  if (!hasVariables(text)) return null;
  const parts: (string | VariableRef)[] = [];
  let literal = '';
  let i = 0;
  let sawVariable = false;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    const close = open < 0 ? -1 : text.indexOf('}', open + 2);
    if (open < 0 || close < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    const inner = text.slice(open + 2, close);
    i = close + 1;
    const escaped = ESCAPES.get(inner);
    if (escaped !== undefined) {
      // An escape stands for the character itself, never a wildcard: keep it apart.
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ key: '', defaultValue: escaped });
      sawVariable = true;
      continue;
    }
    const withDefault = DEFAULT_FORM.exec(inner);
    const key = withDefault ? withDefault[1]! : inner.trim();
    if (!KEY_FORM.test(key)) {
      literal += text.slice(open, close + 1);
      continue;
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ key: key.toLowerCase(), defaultValue: withDefault ? withDefault[2] : undefined });
    sawVariable = true;
  }
  if (literal) parts.push(literal);
  return sawVariable ? parts : null;
}

/** The value a reference stands for, or undefined when it has none (the key is absent). */
export function resolveVariable(ref: VariableRef, ctx: RequestContext): string | undefined {
  if (ref.key === '') return ref.defaultValue;
  const value = ctx.get(ref.key);
  // Multi-valued keys cannot be used as variables.
  if (typeof value === 'string') return value;
  return ref.defaultValue;
}

/** Resolves to pattern pieces (substituted text is literal), or null if a variable has no value. */
export function resolvePieces(template: Template, ctx: RequestContext): PatternPiece[] | null {
  const pieces: PatternPiece[] = [];
  for (const part of template) {
    if (typeof part === 'string') {
      pieces.push({ text: part, wild: true });
      continue;
    }
    const value = resolveVariable(part, ctx);
    if (value === undefined) return null;
    pieces.push({ text: value, wild: false });
  }
  return pieces;
}

/** Resolves to a plain string (for operators without wildcards), or null. */
export function resolveString(template: Template, ctx: RequestContext): string | null {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = resolveVariable(part, ctx);
    if (value === undefined) return null;
    out += value;
  }
  return out;
}
