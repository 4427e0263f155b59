// The awsJson protocols (Organizations: awsJson1_1): `POST /` with
// `X-Amz-Target: AWSOrganizationsV20161128.<Operation>` and a JSON body; JSON responses;
// errors as `{"__type": code, "Message"|"message": …}`. Driven by the service model.

import { AwsError } from './errors.js';
import { ModeledAwsError, type ServiceModel, type Shape, type ShapeRef } from './model.js';
import { validateShape, validationError, type Violation } from './validate.js';
import { toDate } from './query.js';

export interface DecodedJsonRequest {
  operation: string;
  input: Record<string, unknown>;
}

/** `application/x-amz-json-1.1` (or 1.0, per the model's `jsonVersion`). */
export function jsonContentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
}

/** Coral's framework errors, which AWS names with their full shape id in `__type`. */
const CORAL_TYPES: Record<string, string> = {
  ValidationException: 'com.amazon.coral.validate#ValidationException',
  SerializationException: 'com.amazon.coral.service#SerializationException',
  UnknownOperationException: 'com.amazon.coral.service#UnknownOperationException',
};

/** Coral's SerializationException names its message `Message`; its ValidationException `message`. */
const CORAL_MESSAGE_KEY: Record<string, string> = {
  ValidationException: 'message',
  SerializationException: 'Message',
  UnknownOperationException: 'message',
};

function serialization(message = ''): AwsError {
  return new AwsError('SerializationException', message, 400, 'Sender');
}

export interface DecodeJsonOptions {
  /** Skip constraint validation. */
  validate?: boolean;
}

/**
 * Decodes an awsJson request. Throws `UnknownOperationException` (400, no message) for a
 * missing or foreign target, `SerializationException` (400) for a body that is not a JSON
 * object or a member of the wrong JSON type (Coral's Jackson messages), and the service's
 * validation error for constraint violations: Organizations maps them to its modeled
 * `InvalidInputException` with a `Reason`; other services get Coral's `ValidationException`.
 * JSON nulls count as absent; unknown members are ignored.
 */
export function decodeJsonRequest(
  model: ServiceModel,
  target: string | undefined,
  body: Buffer | string,
  options: DecodeJsonOptions = {},
): DecodedJsonRequest {
  const prefix = `${model.metadata.targetPrefix ?? ''}.`;
  const operation = target?.startsWith(prefix) ? target.slice(prefix.length) : undefined;
  if (operation === undefined || !model.hasOperation(operation)) {
    throw new AwsError('UnknownOperationException', '', 400, 'Sender');
  }
  const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
  let parsed: unknown = {};
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw serialization();
    }
  }
  const shapeName = model.inputShapeName(operation);
  let input: Record<string, unknown> = {};
  if (shapeName) {
    input = (new JsonDecoder(model).structure(model.shape(shapeName), parsed ?? {}) as Record<string, unknown>) ?? {};
    if (options.validate !== false) {
      const violations = validateShape(model, shapeName, input);
      if (violations.length > 0) throw jsonValidationError(model, violations);
    }
  }
  return { operation, input };
}

// Organizations reports constraint violations as InvalidInputException. "does not match the
// required pattern" is AWS's recorded text; the others follow the model's documentation of
// each reason (unrecorded).
const ORGANIZATIONS_REASONS: Record<Violation['kind'], [string, string]> = {
  required: ['INPUT_REQUIRED', 'You must include a value for all required parameters.'],
  pattern: ['INVALID_PATTERN', 'You provided a value that does not match the required pattern.'],
  minLength: ['MIN_LENGTH_EXCEEDED', 'You provided a string parameter that is shorter than allowed.'],
  maxLength: ['MAX_LENGTH_EXCEEDED', 'You provided a string parameter that is longer than allowed.'],
  minValue: ['MIN_VALUE_EXCEEDED', 'You provided a numeric parameter that has a smaller value than allowed.'],
  maxValue: ['MAX_VALUE_EXCEEDED', 'You provided a numeric parameter that has a larger value than allowed.'],
  enum: ['INVALID_ENUM', 'You specified an invalid value.'],
  mapKeys: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
  mapValues: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
  member: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
};

/** The validation error a JSON service answers for constraint violations. */
export function jsonValidationError(model: ServiceModel, violations: readonly Violation[]): AwsError {
  if (model.metadata.serviceId === 'Organizations' && model.errorInfo('InvalidInputException')) {
    const first = violations[0]!;
    // A bad element of a list (`targetIds.1.member`) is reported as such (unrecorded).
    const inList = first.kind !== 'required' && /\.\d+\.member(\.|$)/.test(first.path);
    const [reason, message] = ORGANIZATIONS_REASONS[inList ? 'mapKeys' : first.kind];
    return model.error('InvalidInputException', message, { Reason: reason });
  }
  return validationError(violations, 'ValidationException');
}

/** Java's boxed type for a JSON number, as Coral's messages name it. */
function javaNumberClass(n: number): string {
  if (!Number.isInteger(n)) return 'java.lang.Double';
  if (n >= -32768 && n <= 32767) return 'java.lang.Short';
  if (n >= -2147483648 && n <= 2147483647) return 'java.lang.Integer';
  return 'java.lang.Long';
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') return javaNumberClass(value);
  return 'java.lang.Object';
}

/** Coral's (Jackson's) messages for a JSON value of the wrong type (recorded by dynalite). */
function typeMismatch(value: unknown, expected: string): AwsError {
  if (Array.isArray(value)) return serialization('Start of list found where not expected');
  if (value !== null && typeof value === 'object') return serialization('Start of structure or map found where not expected.');
  const article = expected === 'Blob' ? 'a' : 'an';
  return serialization(`class ${javaClassOf(value)} can not be converted to ${article} ${expected}`);
}

class JsonDecoder {
  constructor(private readonly model: ServiceModel) {}

  value(ref: ShapeRef, value: unknown): unknown {
    if (value === null || value === undefined) return undefined;
    const shape = this.model.shape(ref.shape);
    switch (shape.type) {
      case 'structure':
        return this.structure(shape, value);
      case 'list': {
        if (Array.isArray(value)) return value.map((item) => this.value(shape.member!, item) ?? null);
        if (typeof value === 'object') throw typeMismatch(value, 'List');
        throw serialization('Expected list or null');
      }
      case 'map': {
        if (Array.isArray(value)) throw serialization('Start of list found where not expected');
        if (typeof value !== 'object') throw serialization('Expected map or null');
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.value(shape.value!, v) ?? null;
        return out;
      }
      case 'string':
        if (typeof value !== 'string') throw typeMismatch(value, 'String');
        return value;
      case 'boolean':
        if (typeof value === 'boolean') return value;
        if (typeof value === 'number' && !Number.isInteger(value)) return value !== 0;
        throw typeMismatch(value, 'Boolean');
      case 'integer':
      case 'short':
      case 'byte':
        if (typeof value !== 'number') throw typeMismatch(value, 'Integer');
        return Math.trunc(value);
      case 'long':
        if (typeof value !== 'number') throw typeMismatch(value, 'Long');
        return Math.trunc(value);
      case 'float':
      case 'double':
      case 'bigdecimal':
      case 'biginteger':
        if (typeof value !== 'number') throw typeMismatch(value, 'Double');
        return value;
      case 'timestamp':
        if (typeof value === 'number') return new Date(value * 1000);
        throw typeMismatch(value, 'Date');
      case 'blob':
        if (typeof value !== 'string') throw typeMismatch(value, 'Blob');
        return Buffer.from(value, 'base64');
      default:
        return value;
    }
  }

  structure(shape: Shape, value: unknown): Record<string, unknown> {
    if (Array.isArray(value)) throw serialization('Start of list found where not expected');
    if (value === null || typeof value !== 'object') throw serialization('Expected null');
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wireName = ref.locationName ?? name;
      if (!Object.hasOwn(record, wireName)) continue;
      const v = this.value(ref, record[wireName]);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

/**
 * JSON bodies from output shapes, in model order, leaving out null and undefined. awsJson and
 * restJson share it; they differ only in how timestamps are written and which members are
 * bound elsewhere (headers, status, payload), which subclasses decide.
 */
export class JsonEncoder {
  constructor(protected readonly model: ServiceModel) {}

  value(ref: ShapeRef, value: unknown): unknown {
    const shape = this.model.shape(ref.shape);
    switch (shape.type) {
      case 'structure':
        return this.structure(shape, value as Record<string, unknown>);
      case 'list':
        return (value as unknown[]).filter((v) => v !== undefined && v !== null).map((v) => this.value(shape.member!, v));
      case 'map': {
        const out: Record<string, unknown> = {};
        const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
        for (const [k, v] of entries) if (v !== undefined && v !== null) out[String(k)] = this.value(shape.value!, v);
        return out;
      }
      case 'timestamp':
        return this.timestamp(value, ref, shape);
      case 'blob':
        return Buffer.from(value as Uint8Array | string).toString('base64');
      case 'string':
        // Some strings are JSON text (Lambda's `Statement` and `Policy`, lambda-wire.md §0
        // trap 7): an object handed over by a service is serialised, never nested.
        return typeof value === 'string' ? value : JSON.stringify(value);
      default:
        return value;
    }
  }

  /** awsJson writes epoch seconds. */
  protected timestamp(value: unknown, _ref: ShapeRef, _shape: Shape): unknown {
    return toDate(value).getTime() / 1000;
  }

  /** Whether a structure member goes into the body. */
  protected inBody(_name: string, _ref: ShapeRef, _shape: Shape): boolean {
    return true;
  }

  structure(shape: Shape, value: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (!this.inBody(name, ref, shape)) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      out[ref.locationName ?? name] = this.value(ref, v);
    }
    return out;
  }
}

/**
 * The JSON body of a successful call: the output shape's members in model order, timestamps
 * as epoch seconds, blobs base64; `{}` for operations without output.
 */
export function encodeJsonResponse(model: ServiceModel, operation: string, output: Record<string, unknown> | undefined): string {
  const shapeName = model.outputShapeName(operation);
  if (!shapeName || !output) return '{}';
  return JSON.stringify(new JsonEncoder(model).structure(model.shape(shapeName), output));
}

export interface EncodedJsonError {
  status: number;
  body: string;
  /** `x-amzn-ErrorType` (both SDKs and the CLIs read the code from it or from `__type`). */
  headers: Record<string, string>;
}

/**
 * `{"__type": code, "Message": …}` with the error's status. Modeled errors use the short code
 * and their shape's message member (`Message` for Organizations) plus any other modeled members
 * a ModeledAwsError carries (`Reason`); Coral's framework errors use their full shape id
 * (`com.amazon.coral.service#UnknownOperationException`). An empty message is left out.
 */
export function encodeJsonError(err: AwsError, model?: ServiceModel): EncodedJsonError {
  const info = model?.errorInfo(err.code);
  let type = err.code;
  let messageKey = 'message';
  const body: Record<string, unknown> = {};
  if (info && model) {
    const shape = model.shape(info.shape);
    const members = shape.members ?? {};
    messageKey = Object.hasOwn(members, 'Message') ? 'Message' : 'message';
    type = info.code;
    body.__type = type;
    if (err.message !== '') body[messageKey] = err.message;
    if (err instanceof ModeledAwsError) {
      for (const [k, v] of Object.entries(err.members)) {
        if (Object.hasOwn(members, k) && k !== messageKey && v !== undefined && v !== null) body[k] = v;
      }
    }
  } else {
    body.__type = CORAL_TYPES[err.code] ?? err.code;
    messageKey = CORAL_MESSAGE_KEY[err.code] ?? 'message';
    if (err.message !== '') body[messageKey] = err.message;
    if (err instanceof ModeledAwsError) {
      for (const [k, v] of Object.entries(err.members)) if (v !== undefined && v !== null && !(k in body)) body[k] = v;
    }
  }
  return {
    status: err.status,
    body: JSON.stringify(body),
    headers: { 'x-amzn-ErrorType': type },
  };
}
