// Constraint validation of a decoded input against its model shape, with AWS's messages:
//
//   1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint:
//   Member must satisfy regular expression pattern: [\w+=,.@-]+
//
// and for several, `N validation errors detected: <one>; <two>`. Member paths lower-case the
// first letter of each member name; list elements are `<list>.<n>.member` (1-based), so a tag
// key is `tags.1.member.key`. Per member: pattern, then length (AWS's order: an empty RoleArn
// fails the pattern before the minimum length); members are visited in model order.

import { AwsError } from './errors.js';
import { memberPathName, type ServiceModel, type Shape, type ShapeRef } from './model.js';

export type ViolationKind = 'required' | 'pattern' | 'minLength' | 'maxLength' | 'minValue' | 'maxValue' | 'enum' | 'mapKeys' | 'mapValues' | 'member';

export interface Violation {
  kind: ViolationKind;
  /** `roleName`, `tags.1.member.key`. */
  path: string;
  /** The value as AWS prints it inside `Value …`: `'a b'`, `null`, or undefined when AWS omits it. */
  shown: string | undefined;
  /** `Member must satisfy regular expression pattern: [\w+=,.@-]+`. */
  constraint: string;
}

/** `Value 'x' at 'p' failed to satisfy constraint: Member must …`. */
export function formatViolation(v: Violation): string {
  const value = v.shown === undefined ? 'Value' : `Value ${v.shown}`;
  return `${value} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

/** `1 validation error detected: …` / `2 validation errors detected: …; …`. */
export function validationMessage(violations: readonly Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.map(formatViolation).join('; ')}`;
}

/** awsQuery services (IAM, STS) answer `ValidationError`; awsJson/restJson `ValidationException`. */
export function validationError(violations: readonly Violation[], code = 'ValidationError'): AwsError {
  return new AwsError(code, validationMessage(violations), 400, 'Sender');
}

/** Every constraint violation of `value` against the structure `shapeName`, in AWS's order. */
export interface ValidationStyle {
  /**
   * Lambda reports a list of scalars whole, listing every constraint of its members
   * (`Value '[X86_64]' at 'architectures' failed to satisfy constraint: Member must satisfy
   * constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be
   * null]`, recorded); IAM reports each element (`tags.1.member.key`).
   */
  wholeLists?: boolean;
  /**
   * Members a service reports in its own words, by path: given the value and whether it passes
   * the model's constraints, the rule returns the constraint text of a violation, or undefined.
   */
  serviceChecks?: Record<string, (value: unknown, passesModel: boolean) => string | undefined>;
}

export function validateShape(model: ServiceModel, shapeName: string, value: unknown, style: ValidationStyle = {}): Violation[] {
  const out: Violation[] = [];
  checkValue(model, model.shape(shapeName), value, '', out, style);
  return out;
}

/** Validates an operation's decoded input; throws the protocol's validation error. */
export function validateInput(model: ServiceModel, operation: string, input: Record<string, unknown>, code?: string, style: ValidationStyle = {}): void {
  const shapeName = model.inputShapeName(operation);
  if (!shapeName) return;
  const violations = validateShape(model, shapeName, input, style);
  if (violations.length > 0) throw validationError(violations, code);
}

// ---------------------------------------------------------------------------------------------

function join(path: string, member: string): string {
  const name = memberPathName(member);
  return path === '' ? name : `${path}.${name}`;
}

function isNumeric(shape: Shape): boolean {
  return ['integer', 'long', 'short', 'byte', 'float', 'double', 'bigdecimal', 'biginteger'].includes(shape.type);
}

function isFloating(shape: Shape): boolean {
  return shape.type === 'float' || shape.type === 'double' || shape.type === 'bigdecimal';
}

/** Lengths count code points, as AWS does (an astral character is one). */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** A number as Java prints it: `900`, `2.0` for a double that happens to be integral. */
export function javaNumber(n: number, floating: boolean): string {
  if (floating && Number.isFinite(n) && Number.isInteger(n)) return `${n}.0`;
  return String(n);
}

/** How AWS shows a value in a message (Java's toString of the decoded value). */
function render(model: ServiceModel, shape: Shape, value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (shape.sensitive) return undefined;
  const inner = raw(model, shape, value);
  return inner === undefined ? undefined : `'${inner}'`;
}

function raw(model: ServiceModel, shape: Shape, value: unknown): string | undefined {
  switch (shape.type) {
    case 'structure':
      return undefined;
    case 'list': {
      if (!Array.isArray(value) || !shape.member) return undefined;
      const memberShape = model.shape(shape.member.shape);
      const parts: string[] = [];
      for (const item of value) {
        if (memberShape.sensitive) return undefined;
        const s = item === null || item === undefined ? 'null' : raw(model, memberShape, item);
        if (s === undefined) return undefined;
        parts.push(s);
      }
      return `[${parts.join(', ')}]`;
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || !shape.key || !shape.value) return undefined;
      const keyShape = model.shape(shape.key.shape);
      const valueShape = model.shape(shape.value.shape);
      if (keyShape.sensitive || valueShape.sensitive) return undefined;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const s = v === null || v === undefined ? 'null' : raw(model, valueShape, v);
        if (s === undefined) return undefined;
        parts.push(`${k}=${s}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'blob':
      return undefined;
    default:
      if (typeof value === 'number') return javaNumber(value, isFloating(shape));
      return String(value);
  }
}

function lengthOf(shape: Shape, value: unknown): number | undefined {
  if (shape.type === 'string' && typeof value === 'string') return codePointLength(value);
  if (shape.type === 'list' && Array.isArray(value)) return value.length;
  if (shape.type === 'map' && value !== null && typeof value === 'object') return Object.keys(value).length;
  if (shape.type === 'blob') {
    if (value instanceof Uint8Array) return value.length;
    if (typeof value === 'string') return Buffer.byteLength(value);
  }
  return undefined;
}

/**
 * The constraints a shape declares, as AWS lists them inside `… must satisfy constraint:
 * [...]`. List members and map values end with "Member must not be null", map keys do not
 * (recorded from Lambda: architectures, alias routing weights).
 */
function declaredConstraints(shape: Shape, notNull: boolean): string[] {
  const out: string[] = [];
  const floating = isFloating(shape);
  if (isNumeric(shape)) {
    if (shape.max !== undefined) out.push(`Member must have value less than or equal to ${javaNumber(shape.max, floating)}`);
    if (shape.min !== undefined) out.push(`Member must have value greater than or equal to ${javaNumber(shape.min, floating)}`);
  } else {
    if (shape.max !== undefined) out.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined) out.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  if (notNull) out.push('Member must not be null');
  return out;
}

/** Violations of the shape's own constraints (not its members'), in AWS's order. */
function scalarViolations(shape: Shape, value: unknown): { kind: ViolationKind; constraint: string }[] {
  const out: { kind: ViolationKind; constraint: string }[] = [];
  if (shape.type === 'string' && typeof value === 'string') {
    if (shape.enum && !shape.enum.includes(value)) {
      out.push({ kind: 'enum', constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
    }
    if (shape.pattern !== undefined && !javaRegex(shape.pattern).test(value)) {
      out.push({ kind: 'pattern', constraint: `Member must satisfy regular expression pattern: ${shape.pattern}` });
    }
  }
  if (isNumeric(shape) && typeof value === 'number') {
    const floating = isFloating(shape);
    if (shape.min !== undefined && value < shape.min) {
      out.push({ kind: 'minValue', constraint: `Member must have value greater than or equal to ${javaNumber(shape.min, floating)}` });
    }
    if (shape.max !== undefined && value > shape.max) {
      out.push({ kind: 'maxValue', constraint: `Member must have value less than or equal to ${javaNumber(shape.max, floating)}` });
    }
    return out;
  }
  const length = lengthOf(shape, value);
  if (length !== undefined) {
    if (shape.min !== undefined && length < shape.min) {
      out.push({ kind: 'minLength', constraint: `Member must have length greater than or equal to ${shape.min}` });
    }
    if (shape.max !== undefined && length > shape.max) {
      out.push({ kind: 'maxLength', constraint: `Member must have length less than or equal to ${shape.max}` });
    }
  }
  return out;
}

function checkValue(model: ServiceModel, shape: Shape, value: unknown, path: string, out: Violation[], style: ValidationStyle = {}): void {
  if (value === null || value === undefined) return;
  const serviceCheck = style.serviceChecks?.[path];
  if (serviceCheck) {
    const modelViolations: Violation[] = [];
    checkValue(model, shape, value, path, modelViolations, { ...style, serviceChecks: {} });
    const constraint = serviceCheck(value, modelViolations.length === 0);
    if (constraint) out.push({ kind: 'member', path, shown: render(model, shape, value), constraint });
    return;
  }
  for (const v of scalarViolations(shape, value)) out.push({ ...v, path, shown: render(model, shape, value) });

  if (shape.type === 'structure' && shape.members && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const required = new Set(shape.required ?? []);
    for (const [name, ref] of Object.entries(shape.members)) {
      const memberValue = Object.hasOwn(record, name) ? record[name] : undefined;
      const memberPath = join(path, name);
      const memberShape = model.shape(ref.shape);
      if (memberValue === null || memberValue === undefined) {
        if (required.has(name)) {
          out.push({
            kind: 'required',
            path: memberPath,
            shown: memberShape.sensitive ? undefined : 'null',
            constraint: 'Member must not be null',
          });
        }
        continue;
      }
      checkValue(model, memberShape, memberValue, memberPath, out, style);
    }
  } else if (shape.type === 'list' && shape.member && Array.isArray(value)) {
    const memberShape = model.shape(shape.member.shape);
    const scalar = memberShape.type !== 'structure' && memberShape.type !== 'list' && memberShape.type !== 'map';
    if (style.wholeLists && scalar) {
      const bad = value.some((item) => item === null || item === undefined || scalarViolations(memberShape, item).length > 0);
      if (bad) {
        out.push({
          kind: 'member',
          path,
          shown: render(model, shape, value),
          constraint: `Member must satisfy constraint: [${declaredConstraints(memberShape, true).join(', ')}]`,
        });
      }
      return;
    }
    value.forEach((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === null || item === undefined) {
        out.push({ kind: 'required', path: itemPath, shown: 'null', constraint: 'Member must not be null' });
      } else {
        checkValue(model, memberShape, item, itemPath, out, style);
      }
    });
  } else if (shape.type === 'map' && shape.key && shape.value && typeof value === 'object') {
    checkMap(model, shape, shape.key, shape.value, value as Record<string, unknown>, path, out);
  }
}

/**
 * Maps are reported whole, listing every constraint of the key or value shape:
 * `Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy
 * constraint: Map keys must satisfy constraint: [Member must have length less than or equal to
 * 1024, …, Member must satisfy regular expression pattern: [0-9]+]` (recorded from Lambda).
 */
function checkMap(
  model: ServiceModel,
  shape: Shape,
  keyRef: ShapeRef,
  valueRef: ShapeRef,
  value: Record<string, unknown>,
  path: string,
  out: Violation[],
): void {
  const keyShape = model.shape(keyRef.shape);
  const valueShape = model.shape(valueRef.shape);
  const entries = Object.entries(value);
  const badKey = entries.some(([k]) => scalarViolations(keyShape, k).length > 0);
  const badValue = entries.some(([, v]) => {
    if (v === null || v === undefined) return true;
    const nested: Violation[] = [];
    checkValue(model, valueShape, v, '', nested);
    return nested.length > 0;
  });
  const shown = render(model, shape, value);
  if (badKey) {
    out.push({ kind: 'mapKeys', path, shown, constraint: `Map keys must satisfy constraint: [${declaredConstraints(keyShape, false).join(', ')}]` });
  }
  if (badValue) {
    out.push({
      kind: 'mapValues',
      path,
      shown,
      constraint: `Map value must satisfy constraint: [${declaredConstraints(valueShape, true).join(', ')}]`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Java regular expressions (the models' patterns are java.util.regex) as JavaScript ones.

const regexCache = new Map<string, RegExp>();

/**
 * A model pattern compiled for a whole-string match (Java's `Matcher.matches()`), with the `u`
 * flag so `\p{L}` works and lengths/code points agree with Java. Translated: escapes of
 * characters that need none (`\:`, `\/`), POSIX and `Is…` property classes, `\Q…\E`, `\A`, `\Z`,
 * `\z`, `\h`, `\e`, `\a`, `\x{…}`, possessive quantifiers and atomic groups, a leading `(?i)`.
 * Like Java, `\uXXXX` takes exactly four hex digits (`\u10000` is U+1000 then `0`).
 */
export function javaRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    const { source, flags } = translateJavaRegex(pattern);
    re = new RegExp(`^(?:${source})$`, `u${flags}`);
    regexCache.set(pattern, re);
  }
  return re;
}

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const HORIZONTAL_SPACE = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';

/** Java's `\p{IsX}` binary properties and `\p{javaX}` classes as ECMAScript properties. */
const JAVA_PROPERTIES: Record<string, string> = {
  IsAlphabetic: 'Alphabetic',
  IsLetter: 'L',
  IsDigit: 'Nd',
  IsWhite_Space: 'White_Space',
  IsWhiteSpace: 'White_Space',
  IsUppercase: 'Uppercase',
  IsLowercase: 'Lowercase',
  IsPunctuation: 'P',
  javaLowerCase: 'Lowercase',
  javaUpperCase: 'Uppercase',
  javaWhitespace: 'White_Space',
  javaLetter: 'L',
  javaDigit: 'Nd',
};

function propertyClass(name: string, negated: boolean, inClass: boolean): string {
  const posix = POSIX[name];
  if (posix !== undefined) {
    if (inClass && !negated) return posix;
    return negated ? `[^${posix}]` : `[${posix}]`;
  }
  let jsName = JAVA_PROPERTIES[name];
  if (jsName === undefined) {
    if (/^Is[A-Z]/.test(name)) {
      // `IsL` is a category, `IsLatin` a script.
      const rest = name.slice(2);
      jsName = rest.length <= 2 ? rest : `Script=${rest}`;
    } else if (/^In[A-Z]/.test(name)) {
      // Java's `In…` are Unicode blocks, which ECMAScript lacks; the script is the nearest.
      jsName = `Script=${name.slice(2)}`;
    } else {
      jsName = name; // general categories: L, Lu, N, Z, …
    }
  }
  return `\\${negated ? 'P' : 'p'}{${jsName}}`;
}

function escapeLiteral(ch: string): string {
  return SYNTAX.has(ch) || ch === '-' ? `\\${ch}` : ch;
}

export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([imsx]+)\)/.exec(pattern);
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i';
    if (lead[1]!.includes('s')) flags += 's';
    i = lead[0].length;
  }
  let out = '';
  let depth = 0; // inside a character class (Java allows nesting; we flatten unions)
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) {
        out += '\\\\';
        i += 1;
        continue;
      }
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end === -1 ? undefined : end);
        for (const c of literal) out += escapeLiteral(c);
        i = end === -1 ? pattern.length : end + 2;
        continue;
      }
      if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i + 3);
        const name = pattern.slice(i + 3, end);
        out += propertyClass(name, next === 'P', depth > 0);
        i = end + 1;
        continue;
      }
      if ((next === 'p' || next === 'P') && /[A-Za-z]/.test(pattern[i + 2] ?? '')) {
        out += `\\${next}{${pattern[i + 2]}}`;
        i += 3;
        continue;
      }
      if (next === 'x' && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i + 3);
        out += `\\u{${pattern.slice(i + 3, end)}}`;
        i = end + 1;
        continue;
      }
      if (next === 'u') {
        out += `\\u${pattern.slice(i + 2, i + 6)}`;
        i += 6;
        continue;
      }
      if (next === '0' && /[0-7]/.test(pattern[i + 2] ?? '')) {
        let j = i + 2;
        let octal = '';
        while (j < pattern.length && octal.length < 3 && /[0-7]/.test(pattern[j]!)) octal += pattern[j++];
        out += `\\u{${parseInt(octal, 8).toString(16)}}`;
        i = j;
        continue;
      }
      const simple: Record<string, string> = {
        A: '^',
        Z: '$',
        z: '$',
        e: '\\x1B',
        a: '\\x07',
        h: depth > 0 ? HORIZONTAL_SPACE : `[${HORIZONTAL_SPACE}]`,
        G: '',
      };
      if (simple[next] !== undefined) {
        out += simple[next];
        i += 2;
        continue;
      }
      if (/[A-Za-z0-9]/.test(next)) {
        out += `\\${next}`;
        i += 2;
        continue;
      }
      // Java lets any other character be escaped; the u flag accepts only syntax characters.
      if (SYNTAX.has(next) || (next === '-' && depth > 0)) out += `\\${next}`;
      else out += next === '-' ? '-' : next;
      i += 2;
      continue;
    }
    if (ch === '[') {
      if (depth > 0) {
        // A nested class `[a-z[0-9]]` is a union in Java: flatten it.
        depth++;
        i++;
        continue;
      }
      depth = 1;
      out += '[';
      i++;
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      // Java accepts a `]` right after `[` or `[^` as a literal.
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === ']' && depth > 0) {
      depth--;
      if (depth === 0) out += ']';
      i++;
      continue;
    }
    if (depth > 0) {
      // Literal characters that the u flag would reject unescaped inside a class.
      out += ch === '/' ? '\\/' : ch;
      i++;
      continue;
    }
    if ((ch === '*' || ch === '+' || ch === '?' || ch === '}') && pattern[i + 1] === '+') {
      out += ch; // possessive → greedy
      i += 2;
      continue;
    }
    if (ch === '(' && pattern.startsWith('(?>', i)) {
      out += '(?:'; // atomic group → plain group
      i += 3;
      continue;
    }
    out += ch;
    i++;
  }
  return { source: out, flags };
}
