// The restJson1 protocol (Lambda): the operation is chosen by HTTP method and path, members are
// bound to path labels, the query string, headers, a raw payload or a JSON body; responses put
// header-bound members in headers, the status-code member in the status line and the rest in a
// JSON body. Everything is driven by the service model (docs/design.md, principle 3).
// Wire details: reference/lambda-wire.md §0 (traps), §1 (protocol), §3 (routes).
//
// Request:  POST /2015-03-31/functions/arn%3Aaws%3Alambda%3A…%3Amy-fn/policy?Qualifier=1
//           {"StatementId":"s1","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}
// Response: 201 {"Statement":"{\"Sid\":\"s1\",…}"}
// Error:    404, x-amzn-ErrorType: ResourceNotFoundException
//           {"Type":"User","Message":"Function not found: arn:aws:lambda:…"}

import { isUtf8 } from 'node:buffer';

import { AwsError } from './errors.js';
import { ModeledAwsError, type ServiceModel, type Shape, type ShapeRef } from './model.js';
import { validateShape, validationError } from './validate.js';
import { JsonEncoder } from './json.js';

export interface RestJsonRequest {
  method: string;
  /** The path as it arrived on the wire, still percent-encoded (`/2015-03-31/functions/arn%3Aaws…`). */
  rawPath: string;
  /** The query string without `?` (`Qualifier=%24LATEST`), '' when there is none. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface DecodedRestJsonRequest {
  operation: string;
  input: Record<string, unknown>;
}

export interface DecodeRestJsonOptions {
  /**
   * Validate the input against the model's constraints (default true), throwing
   * `ValidationException`. A service that reports some violations differently (Lambda's
   * CreateFunction reports a bad `Runtime` as InvalidParameterValueException) decodes with
   * `validate: false` and runs `validateShape` itself.
   */
  validate?: boolean;
}

export interface EncodedRestJsonResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface EncodedRestJsonError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The content type of every JSON body, request or response (lambda-wire.md §1.1, §1.2). */
export const REST_JSON_CONTENT_TYPE = 'application/json';

// ---------------------------------------------------------------------------------------------
// Routing

type Segment = { kind: 'literal'; value: string } | { kind: 'label'; name: string; greedy: boolean };

interface Route {
  operation: string;
  method: string;
  segments: Segment[];
  /** Query literals of the template (`?find=LayerVersion`): name, and the value when one is required. */
  query: [string, string | undefined][];
  literals: number;
  greedy: boolean;
}

export interface RouteMatch {
  operation: string;
  /** Path labels, percent-decoded once (`{FunctionName}` → `arn:aws:lambda:…:my-fn:$LATEST`). */
  labels: Record<string, string>;
}

const routeCache = new WeakMap<ServiceModel, Map<string, Route[]>>();

function routesOf(model: ServiceModel): Map<string, Route[]> {
  let byMethod = routeCache.get(model);
  if (byMethod) return byMethod;
  byMethod = new Map();
  for (const operation of model.operationNames) {
    const http = model.operation(operation).http;
    if (!http) continue;
    const [pathPart = '', queryPart] = http.requestUri.split('?', 2);
    const segments: Segment[] = splitPath(pathPart).map((s) => {
      const label = /^\{([^}]+?)(\+?)\}$/.exec(s);
      return label ? { kind: 'label', name: label[1]!, greedy: label[2] === '+' } : { kind: 'literal', value: s };
    });
    const query: [string, string | undefined][] = [];
    if (queryPart) {
      for (const pair of queryPart.split('&')) {
        if (pair === '') continue;
        const eq = pair.indexOf('=');
        query.push(eq === -1 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)]);
      }
    }
    const route: Route = {
      operation,
      method: http.method.toUpperCase(),
      segments,
      query,
      literals: segments.filter((s) => s.kind === 'literal').length,
      greedy: segments.some((s) => s.kind === 'label' && s.greedy),
    };
    const list = byMethod.get(route.method) ?? [];
    list.push(route);
    byMethod.set(route.method, list);
  }
  // Most specific first: more literal segments, then more query literals, then no greedy label.
  for (const list of byMethod.values()) {
    list.sort((a, b) => b.literals - a.literals || b.query.length - a.query.length || Number(a.greedy) - Number(b.greedy));
  }
  routeCache.set(model, byMethod);
  return byMethod;
}

/**
 * `/a/b/` → ['a', 'b']: one trailing slash is ignored, because CLI 2.9.19 sends
 * `GET /2015-03-31/functions/` where the model (and the SDK) say `/2015-03-31/functions`
 * (lambda-wire.md §0 trap 5); the CLI 2.9.19 model's own templates end in `/` as well.
 */
function splitPath(path: string): string[] {
  let p = path.startsWith('/') ? path.slice(1) : path;
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p === '' ? [] : p.split('/');
}

/** Percent-decodes once; a malformed escape is kept as it is (`%zz`), as a lenient server would. */
function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8');
      }
    });
  }
}

function matchSegments(segments: Segment[], raw: string[], si: number, ri: number, labels: Record<string, string>): boolean {
  if (si === segments.length) return ri === raw.length;
  const seg = segments[si]!;
  if (seg.kind === 'literal') {
    return ri < raw.length && percentDecode(raw[ri]!) === seg.value && matchSegments(segments, raw, si + 1, ri + 1, labels);
  }
  if (!seg.greedy) {
    if (ri >= raw.length || raw[ri] === '') return false;
    labels[seg.name] = percentDecode(raw[ri]!);
    return matchSegments(segments, raw, si + 1, ri + 1, labels);
  }
  // Greedy `{Name+}`: one or more segments, the longest that lets the rest match.
  for (let end = raw.length; end > ri; end--) {
    if (matchSegments(segments, raw, si + 1, end, labels)) {
      labels[seg.name] = raw.slice(ri, end).map(percentDecode).join('/');
      return true;
    }
  }
  return false;
}

/** The operation a request targets, or undefined when no template matches. */
export function matchRestJsonRoute(model: ServiceModel, method: string, rawPath: string, rawQuery = ''): RouteMatch | undefined {
  const q = rawPath.indexOf('?');
  if (q !== -1) {
    if (rawQuery === '') rawQuery = rawPath.slice(q + 1);
    rawPath = rawPath.slice(0, q);
  }
  const routes = routesOf(model).get(method.toUpperCase());
  if (!routes) return undefined;
  const raw = splitPath(rawPath);
  let params: URLSearchParams | undefined;
  for (const route of routes) {
    const labels: Record<string, string> = {};
    if (!matchSegments(route.segments, raw, 0, 0, labels)) continue;
    if (route.query.length > 0) {
      params ??= new URLSearchParams(rawQuery);
      const p = params;
      if (!route.query.every(([name, value]) => (value === undefined ? p.has(name) : p.getAll(name).includes(value)))) continue;
    }
    return { operation: route.operation, labels };
  }
  return undefined;
}

/**
 * What Lambda answers when no operation matches. [guess for Lambda] AWS's Coral front ends
 * answer an unroutable request with 404 and the bare body `<UnknownOperationException/>` plus a
 * newline, without x-amzn-ErrorType (DynamoDB: 29-byte body, recorded by dynalite's tests;
 * CloudSearch: Content-Length 29 in a public capture; Bedrock Runtime and Bedrock AgentCore, both
 * restJson1: `404 <UnknownOperationException/>` in public notes). Lambda itself is not recorded.
 */
export function unknownOperation(): AwsError {
  return new AwsError('UnknownOperationException', '', 404, 'Sender');
}

export const UNKNOWN_OPERATION_BODY = '<UnknownOperationException/>\n';

// ---------------------------------------------------------------------------------------------
// Requests

function lowerHeaders(headers: RestJsonRequest['headers']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

/** A 400 in the service's own words: the modeled shape when the model has it, else a plain AwsError. */
function clientError(model: ServiceModel, code: string, message: string): AwsError {
  return model.errorInfo(code) ? model.error(code, message) : new AwsError(code, message, 400, 'Sender');
}

/**
 * A path label, query parameter or header that does not parse as its member's type
 * (`?MaxItems=ten`). [guess] AWS's answer is not recorded (the clients check types before
 * sending); Lambda's InvalidParameterValueException is its 400 for a bad parameter.
 */
function badParameter(model: ServiceModel, where: string, name: string, raw: string, type: string): AwsError {
  return clientError(model, 'InvalidParameterValueException', `Invalid ${type} value '${raw}' for ${where} parameter ${name}.`);
}

const INTEGER_TYPES = new Set(['integer', 'long', 'short', 'byte']);
const FLOAT_TYPES = new Set(['float', 'double', 'bigdecimal', 'biginteger']);

/** A path label, query value or header value as its member's type. */
function scalarFromText(model: ServiceModel, ref: ShapeRef, raw: string, where: string, name: string): unknown {
  const shape = model.shape(ref.shape);
  if (INTEGER_TYPES.has(shape.type)) {
    if (!/^[+-]?\d+$/.test(raw.trim())) throw badParameter(model, where, name, raw, shape.type);
    return Number(raw.trim());
  }
  if (FLOAT_TYPES.has(shape.type)) {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(n)) throw badParameter(model, where, name, raw, shape.type);
    return n;
  }
  switch (shape.type) {
    case 'boolean': {
      const b = raw.trim().toLowerCase();
      if (b !== 'true' && b !== 'false') throw badParameter(model, where, name, raw, 'boolean');
      return b === 'true';
    }
    case 'timestamp': {
      const d = /^\d+(\.\d+)?$/.test(raw.trim()) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime())) throw badParameter(model, where, name, raw, 'timestamp');
      return d;
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    case 'string':
      // `jsonvalue` headers carry base64-encoded JSON text.
      if (ref.jsonvalue && where === 'header') return Buffer.from(raw, 'base64').toString('utf8');
      return raw;
    default:
      return raw;
  }
}

/**
 * Decodes a restJson1 request: routes it (method + path template + template query literals,
 * most specific template first, one trailing slash ignored), binds path labels (percent-decoded
 * once), query parameters (lists from repeated keys), headers, the payload member (a blob
 * payload is the raw body: Invoke's `Payload`) and the JSON body (blobs in it are base64), then
 * validates the input against the model. Throws:
 * - `UnknownOperationException` (404) when no operation matches (see `unknownOperation`);
 * - `InvalidRequestContentException` (400) `Could not parse request body into json: …` for a
 *   body that is not JSON or a member of the wrong JSON type;
 * - `InvalidParameterValueException` (400) for a label, query value or header of the wrong type;
 * - `ValidationException` (400) `N validation error(s) detected: …` for constraint violations.
 * JSON nulls count as absent; unknown members are ignored.
 */
export function decodeRestJsonRequest(
  model: ServiceModel,
  req: RestJsonRequest,
  options: DecodeRestJsonOptions = {},
): DecodedRestJsonRequest {
  const match = matchRestJsonRoute(model, req.method, req.rawPath, req.rawQuery);
  if (!match) throw unknownOperation();
  const { operation, labels } = match;
  const shapeName = model.inputShapeName(operation);
  if (!shapeName) return { operation, input: {} };

  const shape = model.shape(shapeName);
  const input: Record<string, unknown> = {};
  const headers = lowerHeaders(req.headers);
  let params: URLSearchParams | undefined;
  const bodyMembers: [string, ShapeRef][] = [];

  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const wireName = ref.locationName ?? name;
    if (name === shape.payload) continue;
    switch (ref.location) {
      case 'uri': {
        const raw = labels[wireName];
        if (raw !== undefined) input[name] = scalarFromText(model, ref, raw, 'path', wireName);
        break;
      }
      case 'querystring': {
        params ??= new URLSearchParams(req.rawQuery);
        const value = queryMember(model, ref, wireName, params, shape);
        if (value !== undefined) input[name] = value;
        break;
      }
      case 'header': {
        const raw = headers.get(wireName.toLowerCase());
        if (raw === undefined) break;
        const memberShape = model.shape(ref.shape);
        if (memberShape.type === 'list' && memberShape.member) {
          const member = memberShape.member;
          input[name] = raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
            .map((s) => scalarFromText(model, member, s, 'header', wireName));
        } else if (raw !== '' || memberShape.type === 'string') {
          input[name] = scalarFromText(model, ref, raw, 'header', wireName);
        }
        break;
      }
      case 'headers': {
        const prefix = wireName.toLowerCase();
        const map: Record<string, string> = {};
        for (const [k, v] of headers) if (k.startsWith(prefix)) map[k.slice(prefix.length)] = v;
        if (Object.keys(map).length > 0) input[name] = map;
        break;
      }
      case 'statusCode':
        break;
      default:
        bodyMembers.push([name, ref]);
    }
  }

  if (shape.payload !== undefined) {
    const ref = shape.members?.[shape.payload];
    if (ref) {
      const payloadShape = model.shape(ref.shape);
      if (payloadShape.type === 'blob') {
        if (req.body.length > 0) input[shape.payload] = req.body;
      } else if (payloadShape.type === 'string') {
        if (req.body.length > 0) input[shape.payload] = req.body.toString('utf8');
      } else {
        const parsed = parseJsonBody(model, req.body);
        if (parsed !== undefined && parsed !== null) {
          const value = new BodyDecoder(model).value(ref, parsed);
          if (value !== undefined) input[shape.payload] = value;
        }
      }
    }
  } else if (bodyMembers.length > 0) {
    const parsed = parseJsonBody(model, req.body);
    if (parsed !== undefined && parsed !== null) {
      const decoder = new BodyDecoder(model);
      const record = decoder.object(shapeName, parsed);
      for (const [name, ref] of bodyMembers) {
        const wireName = ref.locationName ?? name;
        if (!Object.hasOwn(record, wireName)) continue;
        const value = decoder.value(ref, record[wireName]);
        if (value !== undefined) input[name] = value;
      }
    }
  }

  if (options.validate !== false) {
    const violations = validateShape(model, shapeName, input);
    if (violations.length > 0) throw validationError(violations, 'ValidationException');
  }
  return { operation, input };
}

function queryMember(model: ServiceModel, ref: ShapeRef, wireName: string, params: URLSearchParams, owner: Shape): unknown {
  const memberShape = model.shape(ref.shape);
  if (memberShape.type === 'list' && memberShape.member) {
    const member = memberShape.member;
    const values = params.getAll(wireName);
    return values.length === 0 ? undefined : values.map((v) => scalarFromText(model, member, v, 'query', wireName));
  }
  if (memberShape.type === 'map') {
    // A map bound to the query string takes every parameter no other member claims.
    const claimed = new Set(
      Object.values(owner.members ?? {})
        .filter((r) => r.location === 'querystring' && r !== ref)
        .map((r) => r.locationName ?? ''),
    );
    const map: Record<string, unknown> = {};
    for (const [k, v] of params) if (!claimed.has(k) && !Object.hasOwn(map, k)) map[k] = v;
    return Object.keys(map).length === 0 ? undefined : map;
  }
  const raw = params.get(wireName);
  return raw === null ? undefined : scalarFromText(model, ref, raw, 'query', wireName);
}

// ---------------------------------------------------------------------------------------------
// JSON bodies: parsed as Lambda's Jackson parser would, so a malformed body gets Jackson's words.

/**
 * `Could not parse request body into json: <Jackson's message>` (400 InvalidRequestContentException).
 * [confirmed] the prefix and the Jackson messages: Invoke recordings (aws-recordings/test_lambda.snapshot.json,
 * 2025-11-24: `Could not parse request body into json: Could not parse payload into json: Invalid UTF-8
 * start byte 0x87\n at [Source: REDACTED (…); line: 1, column: 3]`) and public reports for Invoke
 * (aws/aws-sdk-js#1876: `Could not parse request body into json: Unrecognized token 'STRING_VALUE': …`,
 * ballerina-platform/module-ballerina-c2c#15). [inferred] the same prefix, without Invoke's inner
 * `Could not parse payload into json: `, for the other operations' JSON bodies.
 */
export function invalidRequestContent(model: ServiceModel, detail: string): AwsError {
  return clientError(model, 'InvalidRequestContentException', `Could not parse request body into json: ${detail}`);
}

/** A body's JSON value; undefined for an empty body. Throws InvalidRequestContentException. */
function parseJsonBody(model: ServiceModel, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  if (isUtf8(body)) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      // fall through to the Jackson-faithful scanner for the message (or for what Jackson accepts)
    }
  }
  const scan = scanJson(body);
  if ('error' in scan) throw invalidRequestContent(model, scan.error);
  if (scan.start === scan.end) return undefined;
  return JSON.parse(body.subarray(scan.start, scan.end).toString('utf8'));
}

/**
 * Jackson's message for a body it cannot parse (`Unexpected character ('x' (code 120)): expected a
 * valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source:
 * REDACTED (…); line: 1, column: 1]`), or undefined when Jackson reads a complete value (it
 * ignores what follows a complete root value). For Invoke, whose payload must be JSON: the
 * service answers `invalidRequestContent(model, 'Could not parse payload into json: ' + message)`.
 */
export function jsonSyntaxError(body: Buffer): string | undefined {
  const scan = scanJson(body);
  return 'error' in scan ? scan.error : undefined;
}

const SOURCE = 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)';
const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_DEPTH = 1000;
const MAX_TOKEN = 256;

class JacksonError extends Error {}

/** Jackson's `_getCharDesc`. */
function charDesc(code: number): string {
  const c = String.fromCodePoint(code);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}

function isIdentifierStart(c: string): boolean {
  return /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u.test(c);
}

/** Java's `Character.isJavaIdentifierPart`, identifier-ignorable control characters included. */
function isIdentifierPart(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  if (cp <= 0x08 || (cp >= 0x0e && cp <= 0x1b) || (cp >= 0x7f && cp <= 0x9f)) return true;
  return /[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\p{Cf}]/u.test(c);
}

/** A byte-level JSON reader that fails where Jackson 2.17+'s UTF8StreamJsonParser fails, with its words. */
class JsonScanner {
  pos = 0;
  private line = 1;
  private lineStart = 0;
  private depth = 0;

  constructor(private readonly b: Buffer) {}

  private location(column: number): string {
    return `\n at [Source: ${SOURCE}; line: ${this.line}, column: ${column}]`;
  }

  /** An error located at the current position (after what was consumed). */
  private fail(message: string): never {
    throw new JacksonError(message + this.location(this.pos - this.lineStart + 1));
  }

  /** An error located at the offending character itself (Jackson's `currentLocationMinusOne`). */
  private failAt(at: number, message: string): never {
    throw new JacksonError(message + this.location(at - this.lineStart + 1));
  }

  private unexpected(at: number, comment?: string): never {
    this.failAt(at, `Unexpected character (${charDesc(this.b[at]!)})${comment ? `: ${comment}` : ''}`);
  }

  private eof(message: string): never {
    this.fail(`Unexpected end-of-input${message}`);
  }

  /** Skips white space; false at the end of input. */
  ws(): boolean {
    const b = this.b;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (c > 0x20) return true;
      this.pos++;
      if (c === 0x20 || c === 0x09) continue;
      if (c === 0x0a || c === 0x0d) {
        if (c === 0x0d && b[this.pos] === 0x0a) this.pos++;
        this.line++;
        this.lineStart = this.pos;
        continue;
      }
      this.fail(`Illegal character (${charDesc(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`);
    }
    return false;
  }

  bom(): void {
    if (this.b[0] === 0xef && this.b[1] === 0xbb && this.b[2] === 0xbf) {
      this.pos = 3;
      this.lineStart = 3;
    }
  }

  value(root: boolean, container?: 'Object' | 'Array'): void {
    const c = this.b[this.pos]!;
    if (c === 0x7b) return this.container('Object');
    if (c === 0x5b) return this.container('Array');
    if (c === 0x22) return this.string('string value');
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(root);
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    if (c === 0x4e) return this.nonStandard('NaN');
    if (c === 0x49) return this.nonStandard('Infinity');
    if (c === 0x7d || c === 0x2c || (c === 0x5d && container === 'Array')) {
      this.pos++;
      this.unexpected(this.pos - 1, 'expected a value');
    }
    this.pos++;
    const ch = String.fromCharCode(c);
    if (isIdentifierStart(ch)) this.invalidToken(ch);
    this.unexpected(this.pos - 1, `expected a valid value ${VALID_VALUES}`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      this.fail(
        `Document nesting depth (${this.depth}) exceeds the maximum allowed (${MAX_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
  }

  private closeMarker(kind: 'Object' | 'Array', line: number, column: number): never {
    this.eof(`: expected close marker for ${kind} (start marker at [Source: ${SOURCE}; line: ${line}, column: ${column}])`);
  }

  /** An object or an array: the open marker, entries separated by commas, the close marker, with Jackson's error at each step. */
  private container(kind: 'Object' | 'Array'): void {
    const close = kind === 'Object' ? 0x7d : 0x5d;
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    // Whitespace, and then more input; running out names the unclosed container.
    const more = () => {
      if (!this.ws()) this.closeMarker(kind, line, column);
    };
    this.pos++;
    this.enter();
    more();
    if (this.b[this.pos] === close) {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      if (kind === 'Object') {
        if (this.b[this.pos] !== 0x22) this.unexpected(this.pos, 'was expecting double-quote to start field name');
        this.string('name');
        more();
        if (this.b[this.pos] !== 0x3a) this.unexpected(this.pos, 'was expecting a colon to separate field name and value');
        this.pos++;
        more();
      }
      this.value(false, kind);
      more();
      const c = this.b[this.pos];
      this.pos++;
      if (c === close) break;
      if (c !== 0x2c) this.unexpected(this.pos - 1, `was expecting comma to separate ${kind} entries`);
      more();
    }
    this.depth--;
  }

  /** The length of a UTF-8 sequence from its first byte, as Jackson's input codes table has it; -1 if invalid. */
  private static sequenceLength(c: number): number {
    if ((c & 0xe0) === 0xc0) return 2;
    if ((c & 0xf0) === 0xe0) return 3;
    if ((c & 0xf8) === 0xf0) return 4;
    return -1;
  }

  /** Consumes one UTF-8 encoded character starting at a byte >= 0x80 and returns its code point. */
  private utf8(): number {
    const b = this.b;
    const first = b[this.pos++]!;
    const n = JsonScanner.sequenceLength(first);
    if (n === -1) this.fail(`Invalid UTF-8 start byte 0x${first.toString(16)}`);
    let cp = first & (0xff >> (n + 1));
    for (let i = 1; i < n; i++) {
      if (this.pos >= b.length) this.eof(' in a UTF-8 character');
      const d = b[this.pos++]!;
      if ((d & 0xc0) !== 0x80) this.fail(`Invalid UTF-8 middle byte 0x${d.toString(16)}`);
      cp = (cp << 6) | (d & 0x3f);
    }
    return cp;
  }

  private string(what: 'name' | 'string value'): void {
    const b = this.b;
    this.pos++;
    for (;;) {
      if (this.pos >= b.length) {
        this.eof(what === 'name' ? ' in field name' : ': was expecting closing quote for a string value');
      }
      const c = b[this.pos]!;
      if (c === 0x22) {
        this.pos++;
        return;
      }
      if (c === 0x5c) {
        this.pos++;
        if (this.pos >= b.length) this.eof(what === 'name' ? ' in field name' : ' in character escape sequence');
        const e = b[this.pos]!;
        const escaped = e >= 0x80 ? this.utf8() : b[this.pos++]!;
        if (e === 0x75) {
          for (let i = 0; i < 4; i++) {
            if (this.pos >= b.length) this.eof(' in character escape sequence');
            const h = b[this.pos++]!;
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(h))) {
              this.unexpected(this.pos - 1, 'expected a hex-digit for character escape sequence');
            }
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) {
          this.fail(`Unrecognized character escape ${charDesc(escaped)}`);
        }
        continue;
      }
      if (c < 0x20) {
        this.pos++;
        this.fail(`Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in ${what}`);
      }
      if (c >= 0x80) {
        this.utf8();
        continue;
      }
      this.pos++;
    }
  }

  private digits(): number {
    const start = this.pos;
    while (this.pos < this.b.length && this.b[this.pos]! >= 0x30 && this.b[this.pos]! <= 0x39) this.pos++;
    return this.pos - start;
  }

  private numberChar(comment: string): never {
    this.failAt(this.pos, `Unexpected character (${charDesc(this.b[this.pos]!)}) in numeric value: ${comment}`);
  }

  private number(root: boolean): void {
    const b = this.b;
    if (b[this.pos] === 0x2d) {
      this.pos++;
      if (this.pos >= b.length) this.eof(' in a Number value');
      const c = b[this.pos]!;
      if (c < 0x30 || c > 0x39) this.numberChar('expected digit (0-9) to follow minus sign, for valid numeric value');
    }
    if (b[this.pos] === 0x30 && this.pos + 1 < b.length && b[this.pos + 1]! >= 0x30 && b[this.pos + 1]! <= 0x39) {
      this.pos++;
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    this.digits();
    if (b[this.pos] === 0x2e) {
      this.pos++;
      if (this.pos >= b.length) this.eof(' in a Number value');
      if (this.digits() === 0) this.numberChar('Decimal point not followed by a digit');
    }
    if (b[this.pos] === 0x65 || b[this.pos] === 0x45) {
      this.pos++;
      if (b[this.pos] === 0x2b || b[this.pos] === 0x2d) this.pos++;
      if (this.pos >= b.length) this.eof(' in a Number value');
      if (this.digits() === 0) this.numberChar('Exponent indicator not followed by a digit');
    }
    if (root && this.pos < b.length) {
      const c = b[this.pos]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) this.unexpected(this.pos, 'Expected space separating root-level values');
    }
  }

  /** `true`, `false`, `null`: a mismatch is an unrecognised token. */
  private literal(word: string): void {
    const b = this.b;
    for (let i = 1; i < word.length; i++) {
      if (this.pos + i >= b.length || b[this.pos + i] !== word.charCodeAt(i)) {
        this.pos += i;
        this.invalidToken(word.slice(0, i));
      }
    }
    this.pos += word.length;
    if (this.pos < b.length) {
      // Jackson's `_checkMatchEnd`: a letter or digit right after the word makes it a longer token.
      const at = this.pos;
      const next = b[at]! >= 0x80 ? String.fromCodePoint(this.utf8()) : String.fromCharCode(b[at]!);
      this.pos = at;
      if (isIdentifierPart(next)) this.invalidToken(word);
    }
  }

  private nonStandard(word: string): never {
    const b = this.b;
    for (let i = 1; i < word.length; i++) {
      if (this.pos + i >= b.length || b[this.pos + i] !== word.charCodeAt(i)) {
        this.pos += i;
        this.invalidToken(word.slice(0, i));
      }
    }
    this.pos += word.length;
    this.fail(`Non-standard token '${word}': enable \`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS\` to allow`);
  }

  /** Jackson's `_reportInvalidToken`: the token so far plus the identifier characters after it. */
  private invalidToken(matched: string): never {
    let token = matched;
    const b = this.b;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      let ch: string;
      if (c >= 0x80) {
        ch = String.fromCodePoint(this.utf8());
      } else {
        this.pos++;
        ch = String.fromCharCode(c);
      }
      if (!isIdentifierPart(ch)) break;
      token += ch;
      if (token.length >= MAX_TOKEN) {
        token += '...';
        break;
      }
    }
    this.fail(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }
}

/** Jackson's complaint about a payload that is not JSON (Invoke's Payload is a blob on the wire), or undefined. */
export function jsonPayloadError(body: Buffer): string | undefined {
  if (body.length === 0 || (isUtf8(body) && isJson(body))) return undefined;
  const scan = scanJson(body);
  return 'error' in scan ? scan.error : undefined;
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Where the root value lies in the body, or Jackson's error. */
function scanJson(body: Buffer): { start: number; end: number } | { error: string } {
  const scanner = new JsonScanner(body);
  try {
    scanner.bom();
    if (!scanner.ws()) return { start: scanner.pos, end: scanner.pos };
    const start = scanner.pos;
    scanner.value(true);
    return { start, end: scanner.pos };
  } catch (err) {
    if (err instanceof JacksonError) return { error: err.message };
    throw err;
  }
}

/** Java's type names for Jackson's "Cannot deserialize value of type …" messages. */
function javaType(shape: Shape): string {
  switch (shape.type) {
    case 'string':
      return 'java.lang.String';
    case 'integer':
    case 'short':
    case 'byte':
      return 'java.lang.Integer';
    case 'long':
      return 'java.lang.Long';
    case 'float':
      return 'java.lang.Float';
    case 'double':
    case 'bigdecimal':
    case 'biginteger':
      return 'java.lang.Double';
    case 'boolean':
      return 'java.lang.Boolean';
    case 'timestamp':
      return 'java.util.Date';
    case 'blob':
      return 'java.nio.ByteBuffer';
    case 'list':
      return 'java.util.ArrayList';
    case 'map':
      return 'java.util.HashMap';
    default:
      return 'java.lang.Object';
  }
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'Array value (token `JsonToken.START_ARRAY`)';
  if (value !== null && typeof value === 'object') return 'Object value (token `JsonToken.START_OBJECT`)';
  if (typeof value === 'boolean') return `Boolean value (token \`JsonToken.VALUE_${value ? 'TRUE' : 'FALSE'}\`)`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer value' : 'Floating-point value';
  return `String ${JSON.stringify(value)}`;
}

/** JSON values into the input's JavaScript values (Buffers for blobs, Dates for timestamps). */
class BodyDecoder {
  constructor(private readonly model: ServiceModel) {}

  /**
   * [guess] The wording for a member of the wrong JSON type follows Jackson 2.17's coercion
   * errors (`Cannot deserialize value of type `java.lang.Integer` from String "ten"…`); AWS's text
   * is not recorded (the clients check types before sending). Jackson's default coercions are
   * kept: scalars to strings, numeric strings to numbers, `"true"`/`"false"` to booleans.
   */
  private mismatch(shape: Shape, value: unknown, typeName?: string): never {
    const type = typeName ?? javaType(shape);
    const detail = typeof value === 'string' ? `: not a valid \`${type}\` value` : '';
    throw invalidRequestContent(this.model, `Cannot deserialize value of type \`${type}\` from ${jsonKind(value)}${detail}`);
  }

  object(shapeName: string, value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.mismatch(this.model.shape(shapeName), value, shapeName);
    }
    return value as Record<string, unknown>;
  }

  value(ref: ShapeRef, value: unknown): unknown {
    if (value === null || value === undefined) return undefined;
    const shape = this.model.shape(ref.shape);
    if (INTEGER_TYPES.has(shape.type) || FLOAT_TYPES.has(shape.type)) {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) n = Number(value);
      else this.mismatch(shape, value);
      return INTEGER_TYPES.has(shape.type) ? Math.trunc(n) : n;
    }
    switch (shape.type) {
      case 'structure': {
        const record = this.object(ref.shape, value);
        const out: Record<string, unknown> = {};
        for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
          const wireName = memberRef.locationName ?? name;
          if (!Object.hasOwn(record, wireName)) continue;
          const v = this.value(memberRef, record[wireName]);
          if (v !== undefined) out[name] = v;
        }
        return out;
      }
      case 'list':
        if (!Array.isArray(value)) this.mismatch(shape, value);
        // Null elements stay null, so validation reports them (`Member must not be null`).
        return value.map((item) => this.value(shape.member!, item) ?? null);
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value)) this.mismatch(shape, value);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.value(shape.value!, v) ?? null;
        return out;
      }
      case 'string':
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        return this.mismatch(shape, value);
      case 'boolean':
        if (typeof value === 'boolean') return value;
        if (value === 'true' || value === 'false') return value === 'true';
        return this.mismatch(shape, value);
      case 'blob':
        if (typeof value !== 'string') this.mismatch(shape, value);
        return Buffer.from(value, 'base64');
      case 'timestamp': {
        if (typeof value === 'number') return new Date(value * 1000);
        if (typeof value === 'string') {
          const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
          if (!Number.isNaN(d.getTime())) return d;
        }
        return this.mismatch(shape, value);
      }
      default:
        return value;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

/**
 * Where AWS's status differs from the model's `responseCode`. DeleteFunction: the newest model
 * says 200 (StatusCode bound to the status), the CLI 2.9.19 model 204, and real AWS answers 204
 * (lambda-wire.md §0 trap 9, AWS-recorded); both clients accept any 2xx.
 */
const STATUS_OVERRIDES: Record<string, Record<string, number>> = {
  Lambda: { DeleteFunction: 204 },
};

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return new Date(String(value));
}

function formatTimestamp(value: unknown, format: string | undefined): string | number {
  const d = toDate(value);
  if (format === 'iso8601') return d.toISOString();
  if (format === 'rfc822') return d.toUTCString();
  return d.getTime() / 1000;
}

function headerValue(model: ServiceModel, ref: ShapeRef, value: unknown): string {
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'timestamp':
      return String(formatTimestamp(value, ref.timestampFormat ?? shape.timestampFormat ?? 'rfc822'));
    case 'blob':
      return Buffer.from(value as Uint8Array | string).toString('base64');
    case 'list':
      return (value as unknown[]).map((v) => headerValue(model, shape.member!, v)).join(', ');
    case 'string':
      if (ref.jsonvalue) return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
      return typeof value === 'string' ? value : String(value);
    default:
      return String(value);
  }
}

/** restJson bodies: timestamps per the model, and only members without an HTTP binding. */
class BodyEncoder extends JsonEncoder {
  protected override timestamp(value: unknown, ref: ShapeRef, shape: Shape): unknown {
    return formatTimestamp(value, ref.timestampFormat ?? shape.timestampFormat);
  }

  protected override inBody(name: string, ref: ShapeRef, shape: Shape): boolean {
    return ref.location === undefined && name !== shape.payload;
  }
}

/**
 * A successful response. Status: the output's status-code member when set (Invoke's
 * `StatusCode`: 200, 202 for `Event`, 204 for `DryRun`), else the operation's `responseCode`
 * (DeleteFunction: 204, see STATUS_OVERRIDES). Header-bound members become headers
 * (`X-Amz-Executed-Version`, `X-Amz-Function-Error`, `X-Amz-Log-Result`); a blob payload member
 * is the raw body (Invoke's `Payload`); otherwise the body is the JSON of the remaining members
 * (`{}` when an output shape has none). 204 has an empty body and no content type; so has an
 * operation without output shape.
 */
export function encodeRestJsonResponse(
  model: ServiceModel,
  operation: string,
  output: Record<string, unknown> | undefined,
): EncodedRestJsonResponse {
  const op = model.operation(operation);
  let status = STATUS_OVERRIDES[model.metadata.serviceId]?.[operation] ?? op.http?.responseCode ?? 200;
  const headers: Record<string, string> = {};
  const shapeName = model.outputShapeName(operation);
  if (!shapeName) return { status, headers, body: '' };

  const shape = model.shape(shapeName);
  const values = output ?? {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    if (ref.location === 'statusCode') {
      if (typeof v === 'number' && Number.isInteger(v)) status = v;
    } else if (ref.location === 'header') {
      headers[ref.locationName ?? name] = headerValue(model, ref, v);
    } else if (ref.location === 'headers') {
      const prefix = ref.locationName ?? '';
      for (const [k, hv] of Object.entries(v as Record<string, unknown>)) {
        if (hv !== undefined && hv !== null) headers[prefix + k] = String(hv);
      }
    }
  }
  if (status === 204) return { status, headers, body: '' };

  let body: string | Buffer;
  if (shape.payload !== undefined) {
    const ref = shape.members?.[shape.payload];
    const v = values[shape.payload];
    const payloadShape = ref ? model.shape(ref.shape) : undefined;
    if (v === undefined || v === null || !ref || !payloadShape) body = '';
    else if (payloadShape.type === 'blob') body = typeof v === 'string' ? v : Buffer.from(v as Uint8Array);
    else if (payloadShape.type === 'string') body = String(v);
    else body = JSON.stringify(new BodyEncoder(model).value(ref, v));
  } else {
    body = JSON.stringify(new BodyEncoder(model).structure(shape, values));
  }
  if (body.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = REST_JSON_CONTENT_TYPE;
  }
  return { status, headers, body };
}

/**
 * Errors that are not in the model and carry their message under `Message`. AccessDeniedException:
 * `{"Message":"User: … is not authorized to perform: …"}` (lambda-wire.md §1.4, historical captures)
 * and `Message: null` in AWS's recording of a cross-account CreateFunction (§6). Every other
 * unmodeled error uses `message` (ValidationException, UnrecognizedClientException: §1.4).
 */
const UNMODELED_MESSAGE_KEY: Record<string, string> = {
  AccessDeniedException: 'Message',
};

/**
 * An error response: `x-amzn-ErrorType: <Code>` and a compact JSON body. A modeled error's body is
 * `{"Type":"User"|"Service", <Message|message>: …}` — `Type` first, then the message under the
 * key its shape declares (lambda-wire.md §0 trap 8, §1.4), then any other modeled members a
 * ModeledAwsError carries (header-bound ones, like TooManyRequestsException's `Retry-After`, go
 * in headers); `Type` is `Service` for the model's server faults; a ModeledAwsError can set
 * `Type` itself, or to null to leave it out (AWS omits it for a few InvalidParameterValueException
 * texts, §1.4). The status is the model's. An unmodeled error's body is just its message
 * (`{"message":"1 validation error detected: …"}`) with the error's own status. An empty message
 * is sent as null (`{"Message":null}`). UnknownOperationException is the bare XML Coral body.
 */
export function encodeRestJsonError(model: ServiceModel, err: AwsError): EncodedRestJsonError {
  const info = model.errorInfo(err.code);
  const message = err.message === '' ? null : err.message;
  const headers: Record<string, string> = {};

  if (!info) {
    if (err.code === 'UnknownOperationException') return { status: err.status, headers, body: UNKNOWN_OPERATION_BODY };
    const body: Record<string, unknown> = { [UNMODELED_MESSAGE_KEY[err.code] ?? 'message']: message };
    if (err instanceof ModeledAwsError) {
      for (const [k, v] of Object.entries(err.members)) if (v !== undefined && v !== null && !(k in body)) body[k] = v;
    }
    headers['Content-Type'] = REST_JSON_CONTENT_TYPE;
    headers['x-amzn-ErrorType'] = err.code;
    return { status: err.status, headers, body: JSON.stringify(body) };
  }

  const shape = model.shape(info.shape);
  const members = shape.members ?? {};
  const messageKey = Object.hasOwn(members, 'Message') ? 'Message' : 'message';
  const extra = err instanceof ModeledAwsError ? err.members : {};
  const body: Record<string, unknown> = {};
  if (Object.hasOwn(members, 'Type')) {
    const type = Object.hasOwn(extra, 'Type') ? extra.Type : info.fault === 'Receiver' ? 'Service' : 'User';
    if (type !== null && type !== undefined) body.Type = type;
  }
  body[messageKey] = message;
  const encoder = new BodyEncoder(model);
  for (const [name, ref] of Object.entries(members)) {
    if (name === 'Type' || name === messageKey) continue;
    const v = extra[name];
    if (v === undefined || v === null) continue;
    if (ref.location === 'header') headers[ref.locationName ?? name] = headerValue(model, ref, v);
    else body[ref.locationName ?? name] = encoder.value(ref, v);
  }
  headers['Content-Type'] = REST_JSON_CONTENT_TYPE;
  headers['x-amzn-ErrorType'] = info.code;
  return { status: info.status, headers, body: JSON.stringify(body) };
}
