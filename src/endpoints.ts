// The edge's view of each service: the protocol codec that decodes a request into an
// operation and its input, and encodes the answer or the error in that protocol's shape.

import { AwsError } from './aws/errors.js';
import type { IncomingSignedRequest } from './aws/sigv4.js';
import { decodeQueryRequest, encodeQueryError, encodeQueryResponse, escapeXml } from './aws/query.js';
import { decodeJsonRequest, encodeJsonError, encodeJsonResponse } from './aws/json.js';
import { decodeRestJsonRequest, encodeRestJsonError, encodeRestJsonResponse } from './aws/restJson.js';
import type { ServiceModel } from './aws/model.js';
import { validateInput } from './aws/validate.js';
import type { ServiceDefinition } from './services/pipeline.js';
import type { Output } from './services/operation.js';
import { LAMBDA_VALIDATION, lambdaInputChecks } from './services/lambda/inputChecks.js';

export interface Encoded {
  status: number;
  contentType?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** A service as the edge sees it: its protocol codec and its operations. */
export interface Endpoint {
  definition: ServiceDefinition;
  protocol: 'query' | 'json' | 'restJson';
  decode(req: IncomingSignedRequest): { operation: string; input: Record<string, unknown> };
  encode(operation: string, output: Output, requestId: string): Encoded;
  encodeError(err: AwsError, requestId: string): Encoded;
}

export function queryEndpoint(model: ServiceModel, definition: ServiceDefinition): Endpoint {
  return {
    definition,
    protocol: 'query',
    decode(req) {
      // awsQuery takes its parameters from the form body (POST) or the query string (GET).
      const form = req.body.length > 0 ? req.body.toString('utf8') : req.rawQuery;
      return decodeQueryRequest(model, new URLSearchParams(form), { rawQuery: req.rawQuery });
    },
    encode: (operation, output, requestId) => ({
      status: 200,
      contentType: 'text/xml',
      body: encodeQueryResponse(model, operation, output, requestId),
    }),
    encodeError(err, requestId) {
      const { status, body, headers } = encodeQueryError(model, err, requestId);
      return { status, contentType: 'text/xml', body, headers };
    },
  };
}

export function jsonEndpoint(model: ServiceModel, definition: ServiceDefinition): Endpoint {
  const contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
  return {
    definition,
    protocol: 'json',
    decode(req) {
      const target = req.headers['x-amz-target'];
      return decodeJsonRequest(model, typeof target === 'string' ? target : undefined, req.body);
    },
    encode: (operation, output) => ({
      status: 200,
      contentType,
      body: encodeJsonResponse(model, operation, output),
    }),
    encodeError(err) {
      const { status, body, headers } = encodeJsonError(err, model);
      return { status, contentType, body, headers };
    },
  };
}

export function restJsonEndpoint(model: ServiceModel, definition: ServiceDefinition): Endpoint {
  return {
    definition,
    protocol: 'restJson',
    decode(req) {
      const decoded = decodeRestJsonRequest(model, req, { validate: false });
      validateInput(model, decoded.operation, lambdaInputChecks(decoded.operation, decoded.input), 'ValidationException', LAMBDA_VALIDATION);
      return decoded;
    },
    encode: (operation, output) => encodeRestJsonResponse(model, operation, output),
    encodeError: (err) => encodeRestJsonError(model, err),
  };
}

/**
 * A service Latchkey does not serve (s3, logs, sqs, dynamodb, …): every request gets 501
 * NotImplemented naming the service, in the shape its SDK parses — JSON for the JSON protocols
 * (an X-Amz-Target or a JSON body), XML otherwise (awsQuery and restXml clients both read
 * `<ErrorResponse><Error>`). 501 is not retried by the SDKs, so the caller hears it at once.
 */
export function unservedEndpoint(service: string, req: IncomingSignedRequest, served: string[]): Endpoint {
  const json = req.headers['x-amz-target'] !== undefined || /json/i.test(String(req.headers['content-type'] ?? ''));
  const refusal = new AwsError(
    'NotImplemented',
    `Latchkey does not serve the ${service} service; it serves ${served.join(', ')}. Nothing was sent to AWS.`,
    501,
    'Sender',
  );
  return {
    definition: { operations: {}, accessDeniedCode: 'AccessDeniedException', changesIdentities: false },
    protocol: json ? 'json' : 'query',
    decode() {
      throw refusal;
    },
    encode() {
      throw refusal;
    },
    encodeError(err, requestId) {
      if (json) {
        return {
          status: err.status,
          contentType: 'application/x-amz-json-1.1',
          headers: { 'x-amzn-ErrorType': err.code },
          body: JSON.stringify({ __type: err.code, message: err.message }),
        };
      }
      const body =
        `<ErrorResponse><Error><Type>${err.fault}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status: err.status, contentType: 'text/xml', body };
    },
  };
}

/**
 * SQS's error codes for awsQuery clients (the model's `error.code`), where they differ from the
 * names the JSON protocol uses; the JSON protocol carries them in `x-amzn-query-error` too
 * (`awsQueryCompatible`), which botocore reads.
 */
const SQS_QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

/**
 * SQS in both its protocols: awsJson 1.0 (X-Amz-Target `AmazonSQS.<Operation>`) and awsQuery
 * (`Action=<Operation>`), one set of operations behind them. A missing queue reads "The
 * specified queue does not exist." in JSON and "… for this wsdl version." in XML (recorded).
 */
export function sqsEndpoints(jsonModel: ServiceModel, queryModel: ServiceModel, definition: ServiceDefinition): { json: Endpoint; query: Endpoint } {
  const json = jsonEndpoint(jsonModel, definition);
  const query = queryEndpoint(queryModel, definition);
  const queryCode = (err: AwsError) => SQS_QUERY_CODES[err.code] ?? err.code;
  return {
    json: {
      ...json,
      encodeError(err) {
        const type = err.code === 'AccessDenied' ? 'com.amazon.coral.service#AccessDeniedException' : `com.amazonaws.sqs#${err.code}`;
        return {
          status: err.status,
          contentType: 'application/x-amz-json-1.0',
          headers: { 'x-amzn-ErrorType': type, 'x-amzn-query-error': `${queryCode(err)};${err.fault}` },
          body: JSON.stringify({ __type: type, message: err.message }),
        };
      },
    },
    query: {
      ...query,
      encodeError(err, requestId) {
        const message = err.code === 'QueueDoesNotExist' ? 'The specified queue does not exist for this wsdl version.' : err.message;
        return query.encodeError(new AwsError(queryCode(err), message, err.status, err.fault), requestId);
      },
    },
  };
}
