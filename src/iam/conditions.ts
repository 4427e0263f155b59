// Condition operators: every operator of the IAM policy language, its `IfExists` form and
// the `ForAllValues:` / `ForAnyValue:` set qualifiers, compiled once per policy.
//
// Rules (reference/iam-evaluation.md §5):
// - values listed for one key are ORed; for a negated operator the request value must match
//   none of them;
// - a missing key makes positive operators false and negated operators true; `IfExists`
//   makes the condition true; ForAllValues is true and ForAnyValue false;
// - a plain (non-set) operator on a multi-valued key does not match.

import { compileArnPattern, compileArnPieces } from './arn.js';
import type { RequestContext } from './context.js';
import { MalformedPolicyDocumentError, PolicyMessages } from './errors.js';
import { compileGlob, compileGlobPieces } from './glob.js';
import { parseIp, parseCidr, cidrContains, type Cidr } from './ip.js';
import { parseTemplate, resolvePieces, resolveString, type Template } from './variables.js';

type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
type Comparison = 'eq' | 'like' | 'ieq' | 'lt' | 'lte' | 'gt' | 'gte';

interface OperatorSpec {
  name: string;
  family: Family;
  comparison: Comparison;
  negated: boolean;
  /** Whether policy variables are substituted in this operator's values. */
  variables: boolean;
}

const OPERATORS: OperatorSpec[] = [
  op('StringEquals', 'String', 'eq', false, true),
  op('StringNotEquals', 'String', 'eq', true, true),
  op('StringEqualsIgnoreCase', 'String', 'ieq', false, true),
  op('StringNotEqualsIgnoreCase', 'String', 'ieq', true, true),
  op('StringLike', 'String', 'like', false, true),
  op('StringNotLike', 'String', 'like', true, true),
  op('NumericEquals', 'Numeric', 'eq', false, false),
  op('NumericNotEquals', 'Numeric', 'eq', true, false),
  op('NumericLessThan', 'Numeric', 'lt', false, false),
  op('NumericLessThanEquals', 'Numeric', 'lte', false, false),
  op('NumericGreaterThan', 'Numeric', 'gt', false, false),
  op('NumericGreaterThanEquals', 'Numeric', 'gte', false, false),
  op('DateEquals', 'Date', 'eq', false, false),
  op('DateNotEquals', 'Date', 'eq', true, false),
  op('DateLessThan', 'Date', 'lt', false, false),
  op('DateLessThanEquals', 'Date', 'lte', false, false),
  op('DateGreaterThan', 'Date', 'gt', false, false),
  op('DateGreaterThanEquals', 'Date', 'gte', false, false),
  // The operator reference allows variables with Bool; the variables page says no. We
  // follow the operator reference: substituting is harmless when no `${` is present.
  op('Bool', 'Bool', 'eq', false, true),
  op('BinaryEquals', 'Binary', 'eq', false, false),
  op('IpAddress', 'Ip', 'eq', false, false),
  op('NotIpAddress', 'Ip', 'eq', true, false),
  op('ArnEquals', 'Arn', 'like', false, true),
  op('ArnLike', 'Arn', 'like', false, true),
  op('ArnNotEquals', 'Arn', 'like', true, true),
  op('ArnNotLike', 'Arn', 'like', true, true),
  op('Null', 'Null', 'eq', false, false),
];

function op(name: string, family: Family, comparison: Comparison, negated: boolean, variables: boolean): OperatorSpec {
  return { name, family, comparison, negated, variables };
}

const BY_NAME = new Map(OPERATORS.map((o) => [o.name.toLowerCase(), o]));

export const enum SetQualifier {
  None = 0,
  ForAnyValue = 1,
  ForAllValues = 2,
}

export interface ParsedOperator {
  spec: OperatorSpec;
  set: SetQualifier;
  ifExists: boolean;
}

/**
 * Reads an operator name such as `ForAnyValue:StringLikeIfExists`; null when it is not an
 * operator. Names are matched without regard to case, as iam-simulate does (AWS documents
 * no rule).
 */
export function parseOperator(name: string): ParsedOperator | null {
  let rest = name;
  let set = SetQualifier.None;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = SetQualifier.ForAnyValue;
    else if (prefix === 'forallvalues') set = SetQualifier.ForAllValues;
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let spec = BY_NAME.get(rest.toLowerCase());
  if (!spec && rest.toLowerCase().endsWith('ifexists')) {
    spec = BY_NAME.get(rest.slice(0, -'IfExists'.length).toLowerCase());
    ifExists = true;
  }
  if (!spec || (spec.family === 'Null' && (ifExists || set !== SetQualifier.None))) return null;
  return { spec, set, ifExists };
}

/** Tests one single request value against the policy values: true when any of them matches. */
type ValueTest = (value: string, ctx: RequestContext) => boolean;

export interface CompiledCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLike`. */
  operator: string;
  /** The key as written; `keyLower` is what the context is read with. */
  key: string;
  keyLower: string;
  values: readonly string[];
  set: SetQualifier;
  ifExists: boolean;
  negated: boolean;
  isNull: boolean;
  test: ValueTest;
}

const legacy = () => new MalformedPolicyDocumentError(PolicyMessages.legacyParsing);

export function compileCondition(
  operatorName: string,
  parsed: ParsedOperator,
  key: string,
  values: readonly string[],
  variablesEnabled: boolean,
): CompiledCondition {
  const { spec } = parsed;
  return {
    operator: operatorName,
    key,
    keyLower: key.toLowerCase(),
    values,
    set: parsed.set,
    ifExists: parsed.ifExists,
    negated: spec.negated,
    isNull: spec.family === 'Null',
    test: compileTest(spec, values, variablesEnabled && spec.variables),
  };
}

function compileTest(spec: OperatorSpec, values: readonly string[], variables: boolean): ValueTest {
  switch (spec.family) {
    case 'String':
      return stringTest(spec.comparison, values, variables);
    case 'Arn':
      return arnTest(values, variables);
    case 'Bool':
      return stringTest('ieq', values, variables);
    case 'Numeric':
      return orderedTest(spec.comparison, values.map((v) => parseNumber(v) ?? throwLegacy()), parseNumber);
    case 'Date':
      return orderedTest(spec.comparison, values.map((v) => parseDate(v) ?? throwLegacy()), parseDate);
    case 'Binary': {
      const wanted = new Set(values.map(normalizeBase64));
      return (v) => wanted.has(normalizeBase64(v));
    }
    case 'Ip': {
      const ranges: Cidr[] = values.map((v) => parseCidr(v) ?? throwLegacy());
      return (v) => {
        const ip = parseIp(v);
        return ip !== null && ranges.some((r) => cidrContains(r, ip));
      };
    }
    case 'Null':
      // Handled in evaluateCondition; the values are "true" / "false".
      return () => false;
  }
}

function throwLegacy(): never {
  throw legacy();
}

/** Splits values into literal ones and ones holding policy variables. */
function partition(values: readonly string[], variables: boolean): { plain: string[]; templates: Template[] } {
  const plain: string[] = [];
  const templates: Template[] = [];
  for (const v of values) {
    const t = variables ? parseTemplate(v) : null;
    if (t) templates.push(t);
    else plain.push(v);
  }
  return { plain, templates };
}

function stringTest(comparison: Comparison, values: readonly string[], variables: boolean): ValueTest {
  const { plain, templates } = partition(values, variables);
  if (comparison === 'like') {
    const globs = plain.map((p) => compileGlob(p));
    return (v, ctx) => {
      for (const g of globs) if (g(v)) return true;
      for (const t of templates) {
        const pieces = resolvePieces(t, ctx);
        if (pieces && compileGlobPieces(pieces)(v)) return true;
      }
      return false;
    };
  }
  const fold = comparison === 'ieq';
  const wanted = new Set(fold ? plain.map((p) => p.toLowerCase()) : plain);
  if (templates.length === 0) {
    return fold ? (v) => wanted.has(v.toLowerCase()) : (v) => wanted.has(v);
  }
  return (v, ctx) => {
    const probe = fold ? v.toLowerCase() : v;
    if (wanted.has(probe)) return true;
    for (const t of templates) {
      const resolved = resolveString(t, ctx);
      if (resolved !== null && (fold ? resolved.toLowerCase() : resolved) === probe) return true;
    }
    return false;
  };
}

function arnTest(values: readonly string[], variables: boolean): ValueTest {
  const { plain, templates } = partition(values, variables);
  const matchers = plain.map(compileArnPattern);
  return (v, ctx) => {
    for (const m of matchers) if (m(v)) return true;
    for (const t of templates) {
      const pieces = resolvePieces(t, ctx);
      if (pieces && compileArnPieces(pieces)(v)) return true;
    }
    return false;
  };
}

function orderedTest(comparison: Comparison, wanted: number[], parse: (v: string) => number | null): ValueTest {
  const cmp = COMPARATORS[comparison];
  return (v) => {
    const n = parse(v);
    if (n === null) return false;
    for (const w of wanted) if (cmp(n, w)) return true;
    return false;
  };
}

const COMPARATORS: Record<Comparison, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  ieq: (a, b) => a === b,
  like: (a, b) => a === b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  return Number(text);
}

// W3C profile of ISO 8601, as the Date operators take it, or epoch seconds.
const ISO_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
const EPOCH = /^-?\d{1,19}(?:\.\d+)?$/;
const MAX_EPOCH_SECONDS = 9223372036854775807n;

/** Milliseconds since the epoch, or null when the text is neither ISO 8601 nor epoch seconds. */
export function parseDate(text: string): number | null {
  if (EPOCH.test(text)) {
    const whole = BigInt(text.split('.')[0]!);
    if (whole > MAX_EPOCH_SECONDS || whole < -MAX_EPOCH_SECONDS) return null;
    return Number(text) * 1000;
  }
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', , sign, oh = '00', om = '00'] = m;
  if ((m[8] || sign) && m[4] === undefined) return null;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = Number((frac + '000').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not move years 0-99 into the 1900s.
  date.setUTCFullYear(Number(y), month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  if (date.getUTCDate() !== day) return null;
  let t = date.getTime();
  if (sign) {
    const offset = (Number(oh) * 60 + Number(om)) * 60_000;
    t += sign === '+' ? -offset : offset;
  }
  return t;
}

function normalizeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('base64');
}

/** Whether one condition (one operator and one key) holds for the request. */
export function evaluateCondition(c: CompiledCondition, ctx: RequestContext): boolean {
  const raw = ctx.get(c.keyLower);
  // An empty list is a "null dataset" (AWS's words for ForAllValues): the same as no key.
  const absent = raw === undefined || (typeof raw !== 'string' && raw.length === 0);

  if (c.isNull) {
    for (const v of c.values) {
      const wantsAbsent = v.toLowerCase() === 'true';
      if (wantsAbsent === absent) return true;
    }
    return false;
  }

  if (absent) {
    if (c.set === SetQualifier.ForAllValues) return true;
    if (c.set === SetQualifier.ForAnyValue) return false;
    return c.ifExists || c.negated;
  }

  if (c.set === SetQualifier.None) {
    if (typeof raw !== 'string') return false;
    return c.test(raw, ctx) !== c.negated;
  }

  const values = typeof raw === 'string' ? [raw] : raw!;
  if (c.set === SetQualifier.ForAnyValue) {
    for (const v of values) if (c.test(v, ctx) !== c.negated) return true;
    return false;
  }
  for (const v of values) if (c.test(v, ctx) === c.negated) return false;
  return true;
}
