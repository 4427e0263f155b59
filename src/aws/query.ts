// The awsQuery protocol (IAM, STS): form-encoded requests, XML responses, both driven by the
// service model. Wire details are in reference/iam-sts-wire.md §0–§3.
//
// Request:  Action=CreateRole&Version=2010-05-08&RoleName=demo&Tags.member.1.Key=team&…
// Response: <CreateRoleResponse xmlns="…"><CreateRoleResult>…</CreateRoleResult>
//           <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></CreateRoleResponse>
// Error:    <ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>
//           </Error><RequestId>…</RequestId></ErrorResponse>

import { AwsError } from './errors.js';
import type { ServiceModel, Shape, ShapeRef } from './model.js';
import { validateInput } from './validate.js';

/** The content type of every awsQuery response, success or error. */
export const QUERY_CONTENT_TYPE = 'text/xml';

/** The namespace AWS puts on protocol-level faults (InvalidAction) instead of the service's. */
export const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';

/** Where AWS sends a query request without an `Action` (302, empty body). */
export const MISSING_ACTION_LOCATION = 'https://aws.amazon.com/iam';

/**
 * A request AWS answers with a redirect rather than an error document: no `Action` at all.
 * `encodeQueryError` turns it into `302` with a `Location` header and an empty body.
 */
export class QueryRedirect extends AwsError {
  constructor(readonly location: string) {
    super('MissingAction', `Redirect to ${location}`, 302, 'Sender');
  }
}

export interface DecodedQueryRequest {
  operation: string;
  input: Record<string, unknown>;
}

export interface DecodeQueryOptions {
  /** The raw query string of a GET request; AWS repeats it in the missing-Action redirect. */
  rawQuery?: string;
  /** Skip constraint validation (the caller validates later, or not at all). */
  validate?: boolean;
}

/**
 * Decodes a form (or GET query) into the operation and its input, shaped by the model, then
 * validates it. Parameters AWS does not know are ignored; of a repeated parameter the first
 * wins (as on AWS). Throws:
 * - `QueryRedirect` (302) when there is no `Action` parameter;
 * - `InvalidAction` (400) `Could not find operation X for version V` for an unknown action or
 *   a `Version` other than the model's (`NO_VERSION_SPECIFIED` when absent);
 * - `MalformedInput` (400) for a number, boolean or timestamp that does not parse;
 * - `ValidationError` (400) `N validation error(s) detected: …` for constraint violations.
 */
export function decodeQueryRequest(
  model: ServiceModel,
  params: URLSearchParams,
  options: DecodeQueryOptions = {},
): DecodedQueryRequest {
  const action = params.get('Action');
  if (action === null) {
    const query = options.rawQuery ? `?${options.rawQuery}` : '';
    throw new QueryRedirect(MISSING_ACTION_LOCATION + query);
  }
  const version = params.get('Version');
  if (version !== model.apiVersion || !model.hasOperation(action)) {
    throw new AwsError(
      'InvalidAction',
      `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
      400,
      'Sender',
    );
  }

  const flat = new Map<string, string>();
  const prefixes = new Set<string>();
  for (const [key, value] of params) {
    if (flat.has(key)) continue;
    flat.set(key, value);
    for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) prefixes.add(key.slice(0, dot));
  }

  const inputShape = model.inputShapeName(action);
  let input: Record<string, unknown> = {};
  if (inputShape) {
    const decoder = new FormDecoder(model, flat, prefixes);
    input = (decoder.structure(model.shape(inputShape), '') as Record<string, unknown> | undefined) ?? {};
  }
  if (options.validate !== false) validateInput(model, action, input, 'ValidationError');
  return { operation: action, input };
}

function malformed(message = ''): AwsError {
  return new AwsError('MalformedInput', message, 400, 'Sender');
}

const INT32 = [-2147483648, 2147483647] as const;

class FormDecoder {
  constructor(
    private readonly model: ServiceModel,
    private readonly flat: Map<string, string>,
    private readonly prefixes: Set<string>,
  ) {}

  private present(key: string): boolean {
    return this.flat.has(key) || this.prefixes.has(key);
  }

  value(ref: ShapeRef, key: string): unknown {
    const shape = this.model.shape(ref.shape);
    switch (shape.type) {
      case 'structure':
        return this.structure(shape, key);
      case 'list':
        return this.list(shape, key);
      case 'map':
        return this.map(shape, key);
      default: {
        const raw = this.flat.get(key);
        return raw === undefined ? undefined : scalar(shape, raw);
      }
    }
  }

  structure(shape: Shape, prefix: string): Record<string, unknown> | undefined {
    if (prefix !== '' && !this.prefixes.has(prefix)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const target = this.model.shape(ref.shape);
      // A flattened list is sent under its member's name when that has one (SQS's
      // `AttributeName.1` for AttributeNames), as botocore's query serializer does.
      const flattenedName = target.type === 'list' && (target.flattened || target.member?.flattened) ? target.member?.locationName : undefined;
      const wireName = flattenedName ?? ref.locationName ?? name;
      const key = prefix === '' ? wireName : `${prefix}.${wireName}`;
      if (!this.present(key)) continue;
      const value = this.value(ref, key);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /** `Name.member.N` (1-based), `Name.N` when flattened; `Name=` (empty) is an empty list. */
  list(shape: Shape, key: string): unknown[] | undefined {
    const member = shape.member;
    if (!member) return undefined;
    if (!this.prefixes.has(key)) return this.flat.get(key) === '' ? [] : undefined;
    const base = shape.flattened || member.flattened ? key : `${key}.${member.locationName ?? 'member'}`;
    const items: unknown[] = [];
    for (const n of this.indexes(base)) {
      const value = this.value(member, `${base}.${n}`);
      if (value !== undefined) items.push(value);
    }
    return items;
  }

  /** `Name.entry.N.key` / `Name.entry.N.value`. */
  map(shape: Shape, key: string): Record<string, unknown> | undefined {
    if (!shape.key || !shape.value) return undefined;
    if (!this.prefixes.has(key)) return this.flat.get(key) === '' ? {} : undefined;
    const base = shape.flattened ? key : `${key}.entry`;
    const keyName = shape.key.locationName ?? 'key';
    const valueName = shape.value.locationName ?? 'value';
    const out: Record<string, unknown> = {};
    for (const n of this.indexes(base)) {
      const k = this.flat.get(`${base}.${n}.${keyName}`);
      if (k === undefined) continue;
      out[k] = this.value(shape.value, `${base}.${n}.${valueName}`);
    }
    return out;
  }

  /** The element numbers present under `base.` in ascending order. */
  private indexes(base: string): number[] {
    const found = new Set<number>();
    const start = `${base}.`;
    const consider = (key: string): void => {
      if (!key.startsWith(start)) return;
      const rest = key.slice(start.length);
      const dot = rest.indexOf('.');
      const digits = dot === -1 ? rest : rest.slice(0, dot);
      if (/^[1-9][0-9]*$/.test(digits)) found.add(Number(digits));
    };
    for (const key of this.flat.keys()) consider(key);
    return [...found].sort((a, b) => a - b);
  }
}

/** One form value as the shape's type. */
function scalar(shape: Shape, raw: string): unknown {
  switch (shape.type) {
    case 'string':
      return raw;
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw malformed();
    }
    case 'integer':
    case 'long':
    case 'short':
    case 'byte': {
      // AWS: `+900` and `0900` are 900; empty, `abc`, `900.0` and anything beyond the type's
      // range are MalformedInput (recorded for STS DurationSeconds).
      if (raw === '') throw malformed('missing value for decimal type');
      if (!/^[+-]?[0-9]+$/.test(raw)) throw malformed();
      const n = Number(raw);
      if (shape.type === 'long') {
        const big = BigInt(raw.replace(/^\+/, ''));
        if (big < -(2n ** 63n) || big > 2n ** 63n - 1n) throw malformed();
        return n;
      }
      if (n < INT32[0] || n > INT32[1]) throw malformed();
      return n;
    }
    case 'float':
    case 'double':
    case 'bigdecimal':
    case 'biginteger': {
      if (raw === '') throw malformed('missing value for decimal type');
      const n = Number(raw);
      if (!Number.isFinite(n)) throw malformed();
      return n;
    }
    case 'timestamp': {
      const d = parseTimestamp(raw);
      if (!d) throw malformed();
      return d;
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}

function parseTimestamp(raw: string): Date | undefined {
  if (/^[0-9]+(\.[0-9]+)?$/.test(raw)) return new Date(Number(raw) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : new Date(t);
}

// ---------------------------------------------------------------------------------------------
// Responses

/** Shapes whose string members IAM sends URL-encoded (RFC 3986) inside XML (wire ref §0.3). */
const URL_ENCODED_SHAPES = new Set(['policyDocumentType']);

/**
 * Where AWS's element order differs from the model's (recorded from STS; clients accept any
 * order, this only makes the bytes match): output shape → member order.
 */
const RECORDED_MEMBER_ORDER: Record<string, Record<string, string[]>> = {
  STS: {
    GetCallerIdentityResponse: ['Arn', 'UserId', 'Account'],
    AssumeRoleResponse: ['AssumedRoleUser', 'Credentials', 'PackedPolicySize', 'SourceIdentity'],
  },
};

/** RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - . _ ~`. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * XML text escaping (element content and the namespace attribute). Quotes stay literal, as in
 * AWS's documents (`<Message>… Value 'x' at 'roleArn' …</Message>`).
 */
export function escapeXml(s: string): string {
  // Control characters other than tab and newline cannot appear in XML 1.0, not even escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '\r':
        return '&#xD;';
      default:
        return ''; // not representable in XML 1.0
    }
  });
}

/** `2024-01-01T00:00:00Z`: IAM and STS send whole seconds. */
export function isoSeconds(value: unknown): string {
  const d = toDate(value);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Date, an ISO-8601 string, or epoch seconds (a number). */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const d = new Date(/^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) * 1000 : value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

class XmlWriter {
  private readonly lines: string[] = [];

  open(name: string, depth: number, attrs = ''): void {
    this.lines.push(`${'  '.repeat(depth)}<${name}${attrs}>`);
  }

  close(name: string, depth: number): void {
    this.lines.push(`${'  '.repeat(depth)}</${name}>`);
  }

  empty(name: string, depth: number): void {
    this.lines.push(`${'  '.repeat(depth)}<${name}/>`);
  }

  text(name: string, value: string, depth: number): void {
    this.lines.push(`${'  '.repeat(depth)}<${name}>${escapeXml(value)}</${name}>`);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

class XmlEncoder {
  constructor(
    private readonly model: ServiceModel,
    private readonly w: XmlWriter,
  ) {}

  /** The members of a structure, as children at `depth`. */
  members(shapeName: string, shape: Shape, value: Record<string, unknown>, depth: number): void {
    const members = shape.members ?? {};
    const order = RECORDED_MEMBER_ORDER[this.model.metadata.serviceId]?.[shapeName];
    const names = order ? [...order, ...Object.keys(members).filter((m) => !order.includes(m))] : Object.keys(members);
    for (const name of names) {
      const ref = members[name];
      if (!ref) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      this.value(ref, ref.locationName ?? name, v, depth);
    }
  }

  value(ref: ShapeRef, element: string, value: unknown, depth: number): void {
    const shape = this.model.shape(ref.shape);
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null) throw new TypeError(`${element}: expected an object`);
        const record = value as Record<string, unknown>;
        const hasChild = Object.keys(shape.members ?? {}).some((m) => record[m] !== undefined && record[m] !== null);
        if (!hasChild) {
          this.w.empty(element, depth);
          return;
        }
        this.w.open(element, depth);
        this.members(ref.shape, shape, record, depth + 1);
        this.w.close(element, depth);
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) throw new TypeError(`${element}: expected an array`);
        const member = shape.member!;
        const items = value.filter((v) => v !== undefined && v !== null);
        if (shape.flattened || member.flattened) {
          for (const item of items) this.value(member, member.locationName ?? element, item, depth);
          return;
        }
        if (items.length === 0) {
          this.w.empty(element, depth);
          return;
        }
        this.w.open(element, depth);
        for (const item of items) this.value(member, member.locationName ?? 'member', item, depth + 1);
        this.w.close(element, depth);
        return;
      }
      case 'map': {
        if (typeof value !== 'object' || value === null) throw new TypeError(`${element}: expected an object`);
        const entries = Object.entries(value instanceof Map ? Object.fromEntries(value) : value).filter(
          ([, v]) => v !== undefined && v !== null,
        );
        const keyName = shape.key?.locationName ?? 'key';
        const valueName = shape.value?.locationName ?? 'value';
        const entry = (k: string, v: unknown, d: number): void => {
          this.w.open('entry', d);
          this.w.text(keyName, k, d + 1);
          this.value(shape.value!, valueName, v, d + 1);
          this.w.close('entry', d);
        };
        if (shape.flattened) {
          for (const [k, v] of entries) {
            this.w.open(element, depth);
            this.w.text(keyName, k, depth + 1);
            this.value(shape.value!, valueName, v, depth + 1);
            this.w.close(element, depth);
          }
          return;
        }
        if (entries.length === 0) {
          this.w.empty(element, depth);
          return;
        }
        this.w.open(element, depth);
        for (const [k, v] of entries) entry(k, v, depth + 1);
        this.w.close(element, depth);
        return;
      }
      case 'timestamp':
        this.w.text(element, isoSeconds(value), depth);
        return;
      case 'boolean':
        this.w.text(element, value ? 'true' : 'false', depth);
        return;
      case 'blob':
        this.w.text(element, Buffer.from(value as Uint8Array | string).toString('base64'), depth);
        return;
      case 'string': {
        let s = typeof value === 'string' ? value : JSON.stringify(value);
        if (URL_ENCODED_SHAPES.has(ref.shape)) s = rfc3986(s);
        this.w.text(element, s, depth);
        return;
      }
      default:
        this.w.text(element, String(value), depth);
    }
  }
}

/**
 * The XML document of a successful call: `<OpResponse xmlns>` → `<OpResult>` (the model's
 * `resultWrapper`) → members in model order → `<ResponseMetadata><RequestId>`. Operations
 * without output get only the metadata. `undefined`/`null` members are omitted; timestamps
 * may be Dates, ISO strings or epoch seconds; members of `policyDocumentType` are URL-encoded.
 */
export function encodeQueryResponse(
  model: ServiceModel,
  operation: string,
  output: Record<string, unknown> | undefined,
  requestId: string,
): string {
  const ns = model.metadata.xmlNamespace ?? '';
  const w = new XmlWriter();
  const root = `${operation}Response`;
  w.open(root, 0, ns ? ` xmlns="${escapeXml(ns)}"` : '');
  const op = model.operation(operation);
  if (op.output) {
    const shapeName = op.output.shape;
    const shape = model.shape(shapeName);
    const wrapper = op.output.resultWrapper ?? `${operation}Result`;
    const record = output ?? {};
    const hasChild = Object.keys(shape.members ?? {}).some((m) => record[m] !== undefined && record[m] !== null);
    if (hasChild) {
      w.open(wrapper, 1);
      new XmlEncoder(model, w).members(shapeName, shape, record, 2);
      w.close(wrapper, 1);
    } else {
      w.empty(wrapper, 1);
    }
  }
  w.open('ResponseMetadata', 1);
  w.text('RequestId', requestId, 2);
  w.close('ResponseMetadata', 1);
  w.close(root, 0);
  return w.toString();
}

export interface EncodedError {
  status: number;
  body: string;
  /** Headers the error needs besides Content-Type and x-amzn-RequestId (`Location` for 302). */
  headers: Record<string, string>;
}

/**
 * The XML error document: `<ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code>
 * <Message></Error><RequestId></ErrorResponse>`, with the error's HTTP status. An empty
 * message leaves `<Message>` out (as AWS does for MalformedInput). InvalidAction carries AWS's
 * fault namespace; a QueryRedirect becomes 302 with `Location` and no body.
 */
export function encodeQueryError(model: ServiceModel, err: AwsError, requestId: string): EncodedError {
  if (err instanceof QueryRedirect) return { status: 302, body: '', headers: { Location: err.location } };
  const ns = err.code === 'InvalidAction' ? AWS_FAULT_NAMESPACE : (model.metadata.xmlNamespace ?? '');
  const w = new XmlWriter();
  w.open('ErrorResponse', 0, ns ? ` xmlns="${escapeXml(ns)}"` : '');
  w.open('Error', 1);
  w.text('Type', err.fault, 2);
  w.text('Code', err.code, 2);
  if (err.message !== '') w.text('Message', err.message, 2);
  w.close('Error', 1);
  w.text('RequestId', requestId, 1);
  w.close('ErrorResponse', 0);
  return { status: err.status, body: w.toString(), headers: {} };
}
