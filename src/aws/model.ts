// AWS service models (botocore's service-2.json, documentation stripped by
// scripts/strip-model.mjs) and typed access to them. The protocol codecs (query.ts, json.ts) and
// the constraint validator (validate.ts) are driven by this data, never by per-operation code
// (docs/design.md, principle 3).

import { readFileSync } from 'node:fs';
import { AwsError } from './errors.js';

// Type-only imports: they put the model files into the TypeScript program, so `tsc` copies them
// next to this module in dist/. Nothing is imported at run time; the files are read with fs
// below (JSON modules still print an ExperimentalWarning on Node 20).
import type _IamModelFile from './models/iam.json';
import type _StsModelFile from './models/sts.json';
import type _OrganizationsModelFile from './models/organizations.json';
import type _LambdaModelFile from './models/lambda.json';
import type _LogsModelFile from './models/logs.json';
import type _SqsModelFile from './models/sqs.json';
import type _SqsQueryModelFile from './models/sqs-query.json';

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'bigdecimal'
  | 'biginteger'
  | 'boolean'
  | 'timestamp'
  | 'blob';

/** A reference from a structure member, list member or map key/value to a shape. */
export interface ShapeRef {
  shape: string;
  locationName?: string;
  location?: string;
  flattened?: boolean;
  timestampFormat?: string;
  xmlNamespace?: unknown;
  idempotencyToken?: boolean;
  jsonvalue?: boolean;
  box?: boolean;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  flattened?: boolean;
  timestampFormat?: string;
  locationName?: string;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  /** REST protocols: the member that is the whole HTTP body (Invoke's `Payload`). */
  payload?: string;
}

export interface OperationModel {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  /** awsQuery wraps the output members in `<resultWrapper>` (`<OpResult>`). */
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface ModelMetadata {
  apiVersion: string;
  protocol: string;
  protocols?: string[];
  endpointPrefix: string;
  serviceId: string;
  signatureVersion?: string;
  /** awsQuery/restXml: the namespace of every response and error document. */
  xmlNamespace?: string;
  /** awsJson: `X-Amz-Target: <targetPrefix>.<Operation>`. */
  targetPrefix?: string;
  /** awsJson: `1.0` or `1.1` (the content type is `application/x-amz-json-<jsonVersion>`). */
  jsonVersion?: string;
  [key: string]: unknown;
}

export interface ModelFile {
  version?: string;
  metadata: ModelMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** A modeled error as a protocol serialises it. */
export interface ErrorInfo {
  /** The shape name (`NoSuchEntityException`). */
  shape: string;
  /** The wire code (`NoSuchEntity`): the shape's `error.code`, else the shape name. */
  code: string;
  status: number;
  fault: 'Sender' | 'Receiver';
}

/**
 * An AwsError that carries the modeled members of its error shape besides the message
 * (Organizations' `Reason`, `Type`). Codecs that know the shape put them on the wire.
 */
export class ModeledAwsError extends AwsError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly members: Record<string, unknown>,
    fault?: 'Sender' | 'Receiver',
  ) {
    super(code, message, status, fault);
  }
}

export class ServiceModel {
  readonly metadata: ModelMetadata;
  private readonly errorsByCode = new Map<string, ErrorInfo>();

  constructor(
    /** The file name the model was loaded from (`iam`, `sts`, `organizations`). */
    readonly name: string,
    readonly file: ModelFile,
  ) {
    this.metadata = file.metadata;
    for (const [shapeName, shape] of Object.entries(file.shapes)) {
      if (!shape.exception) continue;
      const code = shape.error?.code ?? shapeName;
      const status = shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400);
      // `senderFault: true` marks the caller's errors; `fault` or a 5xx status the service's.
      const receiver = shape.error?.senderFault !== true && (shape.fault === true || status >= 500);
      const info: ErrorInfo = { shape: shapeName, code, status, fault: receiver ? 'Receiver' : 'Sender' };
      this.errorsByCode.set(code, info);
      if (!this.errorsByCode.has(shapeName)) this.errorsByCode.set(shapeName, info);
    }
  }

  get apiVersion(): string {
    return this.metadata.apiVersion;
  }

  get protocol(): string {
    return this.metadata.protocol;
  }

  get operationNames(): string[] {
    return Object.keys(this.file.operations);
  }

  hasOperation(name: string): boolean {
    return Object.hasOwn(this.file.operations, name);
  }

  operation(name: string): OperationModel {
    const op = Object.hasOwn(this.file.operations, name) ? this.file.operations[name] : undefined;
    if (!op) throw new Error(`${this.name}: no operation ${name}`);
    return op;
  }

  hasShape(name: string): boolean {
    return Object.hasOwn(this.file.shapes, name);
  }

  shape(name: string): Shape {
    const shape = Object.hasOwn(this.file.shapes, name) ? this.file.shapes[name] : undefined;
    if (!shape) throw new Error(`${this.name}: no shape ${name}`);
    return shape;
  }

  /** The input structure's name, or undefined for operations that take no input. */
  inputShapeName(operation: string): string | undefined {
    return this.operation(operation).input?.shape;
  }

  outputShapeName(operation: string): string | undefined {
    return this.operation(operation).output?.shape;
  }

  /** awsQuery's `<OpResult>` element name, when the operation has output. */
  resultWrapper(operation: string): string | undefined {
    return this.operation(operation).output?.resultWrapper;
  }

  /** The modeled errors of an operation. */
  operationErrors(operation: string): ErrorInfo[] {
    return (this.operation(operation).errors ?? []).flatMap((ref) => {
      const info = this.errorsByCode.get(ref.shape);
      return info ? [info] : [];
    });
  }

  /** A modeled error by wire code (`NoSuchEntity`) or shape name (`NoSuchEntityException`). */
  errorInfo(codeOrShape: string): ErrorInfo | undefined {
    return this.errorsByCode.get(codeOrShape);
  }

  /**
   * An AwsError for a modeled error, with the HTTP status and fault from the model:
   * `iam.error('NoSuchEntity', 'The role with name x cannot be found.')` → 404 Sender.
   * Extra members (Organizations' `Reason`) go on the wire where the shape has them.
   */
  error(code: string, message: string, members?: Record<string, unknown>): AwsError {
    const info = this.errorInfo(code);
    if (!info) throw new Error(`${this.name}: no modeled error ${code}`);
    return members
      ? new ModeledAwsError(info.code, message, info.status, members, info.fault)
      : new AwsError(info.code, message, info.status, info.fault);
  }

  /** awsJson: the `X-Amz-Target` value of an operation. */
  target(operation: string): string {
    return `${this.metadata.targetPrefix ?? ''}.${operation}`;
  }
}

const cache = new Map<string, ServiceModel>();

/**
 * A model stored in src/aws/models/ (copied to dist/ by tsc: a model added there needs a
 * type-only import like the ones at the top of this file). Parsed once, then cached.
 */
export function loadServiceModel(name: string): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad model name ${name}`);
    const file = JSON.parse(readFileSync(new URL(`./models/${name}.json`, import.meta.url), 'utf8')) as ModelFile;
    model = new ServiceModel(name, file);
    cache.set(name, model);
  }
  return model;
}

export function iamModel(): ServiceModel {
  return loadServiceModel('iam');
}

export function stsModel(): ServiceModel {
  return loadServiceModel('sts');
}

export function organizationsModel(): ServiceModel {
  return loadServiceModel('organizations');
}

export function lambdaModel(): ServiceModel {
  return loadServiceModel('lambda');
}

/** `RoleName` → `roleName`: how AWS names a member in validation messages. */
export function memberPathName(member: string): string {
  return member.length === 0 ? member : member[0]!.toLowerCase() + member.slice(1);
}
