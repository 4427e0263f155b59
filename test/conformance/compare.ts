// Comparison of what Latchkey answered with what AWS answered, as LocalStack's snapshot tool
// recorded it.
//
// Recorded values carry placeholders: `<uuid:3>`, `<function-name:1>`, `<resource:2>`, … bind
// on first sight and must be equal on every later sight within the same recorded test; two
// different indexes of the same kind must be different values. Unindexed ones (`<code-size>`,
// `<location>`) match anything. Known ones (partition, region, the test's function names, …)
// are fixed by the case. `"date"` matches any timestamp, `"lambda-url"` any function URL. The recording account 111111111111 is
// the server's account. Top-level key order is ignored (the snapshot tool sorted it); inside
// JSON-string members (Statement, Policy) key order is AWS's and compared.

import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './recordings.js';

export const RECORDED_ACCOUNT = '111111111111';

/** What one call returned, as seen on the wire and through the SDK. */
export interface Observed {
  status: number;
  /** SDK output without $metadata (successful calls). */
  output?: Record<string, unknown>;
  /** Errors: code from x-amzn-errortype (or the body), message and the raw JSON body. */
  error?: { code: string; message: string | null; body: Record<string, unknown> | null };
  /** The raw HTTP response: headers (lower-case names) and body text. */
  headers?: Record<string, string>;
  rawBody?: string;
}

/** Headers that differ on every call; the rest of a recorded header set is compared. */
const PER_CALL_HEADERS = new Set(['date', 'x-amzn-requestid', 'connection', 'x-amz-apigw-id', 'x-amzn-trace-id']);

function compareHeaders(recorded: Record<string, string>, observed: Observed, diffs: string[]) {
  for (const [name, value] of Object.entries(recorded)) {
    if (PER_CALL_HEADERS.has(name)) continue;
    const actual = name === 'content-length' ? String(Buffer.byteLength(observed.rawBody ?? '')) : observed.headers?.[name];
    if (actual !== value) diffs.push(`header ${name}: expected ${JSON.stringify(value)}, got ${show(actual)}${name === 'content-length' ? ` (body ${observed.rawBody})` : ''}`);
  }
}

const PLACEHOLDER = /<[^<>\s]+>/g;
/** What the snapshot tool replaced with "lambda-url": `https://<id>.lambda-url.<region>.on.aws/` (here `.localhost`). */
const FUNCTION_URL = /^https?:\/\/[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.(on\.aws|localhost(:\d+)?)\/$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `<uuid:3>` → `uuid`; unindexed placeholders have no kind (they never bind). */
function kindOf(placeholder: string): string | undefined {
  return /^<(.+):\d+>$/.exec(placeholder)?.[1];
}

/** Placeholder values of one recorded test: fixed by the case, or bound on first sight. */
export class Bindings {
  private readonly values = new Map<string, string>();
  private readonly owners = new Map<string, string>(); // `${kind}\0${value}` → placeholder

  constructor(
    private readonly account: string,
    fixed: Record<string, string>,
  ) {
    for (const [p, v] of Object.entries(fixed)) this.values.set(p, v);
  }

  /** The recorded string with the account substituted and known placeholders filled in. */
  expand(recorded: string): string {
    return recorded.split(RECORDED_ACCOUNT).join(this.account).replace(PLACEHOLDER, (p) => this.values.get(p) ?? p);
  }

  /** null when `actual` matches `recorded`; otherwise why not. Binds new placeholders. */
  match(recorded: string, actual: string): string | null {
    if (recorded === 'date') return TIMESTAMP.test(actual) ? null : `expected a timestamp, got ${JSON.stringify(actual)}`;
    if (recorded === 'lambda-url') return FUNCTION_URL.test(actual) ? null : `expected a function URL, got ${JSON.stringify(actual)}`;
    const expected = this.expand(recorded);
    const unbound: string[] = [];
    let source = '';
    let last = 0;
    for (const m of expected.matchAll(PLACEHOLDER)) {
      source += escapeRegExp(expected.slice(last, m.index));
      const p = m[0];
      const seen = unbound.indexOf(p);
      if (!kindOf(p)) source += '[\\s\\S]*?';
      else if (seen >= 0) source += `\\${seen + 1}`;
      else {
        unbound.push(p);
        source += '([\\s\\S]+?)';
      }
      last = m.index + p.length;
    }
    source += escapeRegExp(expected.slice(last));
    const found = new RegExp(`^${source}$`).exec(actual);
    if (!found) return `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    for (const [i, p] of unbound.entries()) {
      const value = found[i + 1]!;
      const key = `${kindOf(p)}\0${value}`;
      const owner = this.owners.get(key);
      if (owner && owner !== p) return `${p} would equal ${owner} (${JSON.stringify(value)}), but different indexes mean different values`;
      this.values.set(p, value);
      this.owners.set(key, p);
    }
    return null;
  }
}


/**
 * Collects every difference between a recorded value and an actual one. A recorded object
 * met by an actual string is a JSON-string member: it is parsed and its key order counts.
 */
export function compareValue(recorded: unknown, actual: unknown, where: string, b: Bindings, ordered = false, diffs: string[] = []): string[] {
  if (typeof recorded === 'string') {
    const whole = recorded === 'date' || /^<[^<>\s]+>$/.test(recorded);
    if (typeof actual === 'string' || (whole && (typeof actual === 'number' || typeof actual === 'boolean'))) {
      const why = b.match(recorded, String(actual));
      if (why) diffs.push(`${where}: ${why}`);
    } else diffs.push(`${where}: expected ${JSON.stringify(b.expand(recorded))}, got ${show(actual)}`);
    return diffs;
  }
  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) return [...diffs, `${where}: expected a list of ${recorded.length}, got ${show(actual)}`];
    if (actual.length !== recorded.length) diffs.push(`${where}: expected ${recorded.length} items, got ${actual.length}: ${show(actual)}`);
    recorded.forEach((r, i) => i < actual.length && compareValue(r, actual[i], `${where}[${i}]`, b, ordered, diffs));
    return diffs;
  }
  if (isObject(recorded)) {
    if (typeof actual === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(actual);
      } catch {
        return [...diffs, `${where}: expected a JSON document, got ${show(actual)}`];
      }
      return compareValue(recorded, parsed, `${where}(json)`, b, true, diffs);
    }
    if (!isObject(actual)) return [...diffs, `${where}: expected an object, got ${show(actual)}`];
    const rKeys = Object.keys(recorded);
    const aKeys = Object.keys(actual).filter((k) => actual[k] !== undefined);
    for (const k of rKeys) {
      if (!(k in actual) || actual[k] === undefined) diffs.push(`${where}.${k}: missing (recorded ${JSON.stringify(recorded[k])})`);
      else compareValue(recorded[k], actual[k], `${where}.${k}`, b, ordered, diffs);
    }
    for (const k of aKeys) if (!rKeys.includes(k)) diffs.push(`${where}.${k}: not recorded, got ${show(actual[k])}`);
    if (ordered && rKeys.every((k) => aKeys.includes(k)) && aKeys.length === rKeys.length && rKeys.join() !== aKeys.join()) {
      diffs.push(`${where}: key order ${aKeys.join(',')}, AWS order ${rKeys.join(',')}`);
    }
    return diffs;
  }
  if (recorded !== actual) diffs.push(`${where}: expected ${show(recorded)}, got ${show(actual)}`);
  return diffs;
}

/** Members of each modeled Lambda error shape (from the service model kept in the repository). */
let modeled: Map<string, string[]> | undefined;
function modeledMembers(code: string): string[] | undefined {
  if (!modeled) {
    const model = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'src/aws/models/lambda.json'), 'utf8')) as {
      shapes: Record<string, { error?: unknown; exception?: boolean; members?: Record<string, unknown> }>;
    };
    modeled = new Map(
      Object.entries(model.shapes)
        .filter(([, s]) => s.error !== undefined || s.exception)
        .map(([name, s]) => [name, Object.keys(s.members ?? {})]),
    );
  }
  return modeled.get(code);
}

const ENVELOPE = new Set(['Error', 'ResponseMetadata']);

/** A recorded response (success or error envelope) against an observed one. */
export function compareResponse(recorded: Record<string, unknown>, observed: Observed, b: Bindings): string[] {
  const diffs: string[] = [];
  const meta = recorded.ResponseMetadata as { HTTPStatusCode?: number; HTTPHeaders?: Record<string, string> } | undefined;
  if (meta?.HTTPStatusCode !== undefined && meta.HTTPStatusCode !== observed.status) {
    diffs.push(`HTTP status: expected ${meta.HTTPStatusCode}, got ${observed.status}`);
  }
  compareHeaders(meta?.HTTPHeaders ?? {}, observed, diffs);
  const recordedError = recorded.Error as { Code: string; Message: string | null } | undefined;
  if (!recordedError) {
    if (observed.error) return [...diffs, `expected success, got ${observed.error.code}: ${observed.error.message}`];
    const body = Object.fromEntries(Object.entries(recorded).filter(([k]) => !ENVELOPE.has(k)));
    return compareValue(body, observed.output ?? {}, 'response', b, false, diffs);
  }
  if (!observed.error) return [...diffs, `expected ${recordedError.Code} (${recordedError.Message}), got success ${show(observed.output)}`];
  const { code, message, body } = observed.error;
  if (code !== recordedError.Code) diffs.push(`error code: expected ${recordedError.Code}, got ${code}`);
  if (recordedError.Message === null) {
    if (message !== null) diffs.push(`error message: expected null, got ${JSON.stringify(message)}`);
  } else if (message === null) diffs.push(`error message: expected ${JSON.stringify(b.expand(recordedError.Message))}, got none`);
  else {
    const why = b.match(recordedError.Message, message);
    if (why) diffs.push(`error message: ${why}`);
  }
  // Body members botocore showed are exactly the modeled members present in the body.
  for (const member of modeledMembers(recordedError.Code) ?? []) {
    const want = recorded[member];
    const got = body?.[member];
    if (want === undefined && got !== undefined) diffs.push(`error body: ${member} not recorded, got ${show(got)}`);
    else if (want !== undefined && got === undefined) diffs.push(`error body: ${member} missing (recorded ${JSON.stringify(want)}), body ${show(body)}`);
    else if (want !== undefined) compareValue(want, got, `error body ${member}`, b, false, diffs);
  }
  return diffs;
}

/**
 * test_function_name_and_qualifier_validation records errors in a summary form: the
 * `Value '…' at '…' failed to satisfy constraint: …` clauses of the message, sorted and
 * counted, or the plain message when there are none.
 */
export function validationSummary(observed: Observed): Record<string, unknown> {
  if (!observed.error) return { success: observed.output };
  const { code, message } = observed.error;
  const clauses = [...(message ?? '').matchAll(/Value '.*?' at '.*?' failed to satisfy constraint: .+?(?=;|$)/g)].map((m) => m[0]);
  return clauses.length > 0 ? { Code: code, Errors: clauses.sort(), Count: clauses.length } : { Code: code, Message: message };
}
