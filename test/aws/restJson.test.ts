// The restJson1 codec (src/aws/restJson.ts) with the Lambda model: routing of every operation
// (../shared/reference/lambda-wire.md §3), the requests the real CLI v2 and SDK v3 sent
// (../shared/reference/raw-requests.md), validation and parse errors (§6 and the AWS recordings in
// ../shared/reference/aws-recordings/), response and error encodings (§1.2–§1.4), and a round trip
// with @aws-sdk/client-lambda against a node:http server that uses the codec.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  PreconditionFailedException,
  RemovePermissionCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';

import { AwsError } from '../../src/aws/errors.js';
import { lambdaModel, ModeledAwsError } from '../../src/aws/model.js';
import {
  decodeRestJsonRequest,
  encodeRestJsonError,
  encodeRestJsonResponse,
  invalidRequestContent,
  jsonSyntaxError,
  matchRestJsonRoute,
  type RestJsonRequest,
} from '../../src/aws/restJson.js';
import { validateShape } from '../../src/aws/validate.js';

const lambda = lambdaModel();

/** A request as it arrives: `path` may carry its query (`/a/b?X=1`), as in the captures. */
function req(method: string, path: string, body: string | Buffer = '', headers: RestJsonRequest['headers'] = {}): RestJsonRequest {
  const q = path.indexOf('?');
  return {
    method,
    rawPath: q === -1 ? path : path.slice(0, q),
    rawQuery: q === -1 ? '' : path.slice(q + 1),
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

function decode(method: string, path: string, body: string | Buffer = '', headers: RestJsonRequest['headers'] = {}) {
  return decodeRestJsonRequest(lambda, req(method, path, body, headers));
}

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

const ZIP_B64 =
  'UEsDBBQAAAAAAMRddl2OseL0IgAAACIAAAAIAAAAaW5kZXguanNleHBvcnRzLmhhbmRsZXIgPSBhc3luYyAoZSkgPT4gZTsKUEsBAhQDFAAAAAAAxF12XY6x4vQiAAAAIgAAAAgAAAAAAAAAAAAAAKSBAAAAAGluZGV4LmpzUEsFBgAAAAABAAEANgAAAEgAAAAAAA==';
const FN_ARN = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
const FN_ARN_ENCODED = 'arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Amy-function';
const REVISION = '93017fc9-59cb-41dc-901b-4845ce4bf668';

// lambda-wire.md §3: method, URI template (botocore 1.43.11), operation, success code.
const ROUTES: [string, string, string, number][] = [
  ['POST', '/2014-11-13/functions/{FunctionName}/invoke-async', 'InvokeAsync', 202],
  ['GET', '/2015-03-31/event-source-mappings', 'ListEventSourceMappings', 200],
  ['POST', '/2015-03-31/event-source-mappings', 'CreateEventSourceMapping', 202],
  ['DELETE', '/2015-03-31/event-source-mappings/{UUID}', 'DeleteEventSourceMapping', 202],
  ['GET', '/2015-03-31/event-source-mappings/{UUID}', 'GetEventSourceMapping', 200],
  ['PUT', '/2015-03-31/event-source-mappings/{UUID}', 'UpdateEventSourceMapping', 202],
  ['GET', '/2015-03-31/functions', 'ListFunctions', 200],
  ['POST', '/2015-03-31/functions', 'CreateFunction', 201],
  ['DELETE', '/2015-03-31/functions/{FunctionName}', 'DeleteFunction', 200],
  ['GET', '/2015-03-31/functions/{FunctionName}', 'GetFunction', 200],
  ['GET', '/2015-03-31/functions/{FunctionName}/aliases', 'ListAliases', 200],
  ['POST', '/2015-03-31/functions/{FunctionName}/aliases', 'CreateAlias', 201],
  ['DELETE', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'DeleteAlias', 204],
  ['GET', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'GetAlias', 200],
  ['PUT', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'UpdateAlias', 200],
  ['PUT', '/2015-03-31/functions/{FunctionName}/code', 'UpdateFunctionCode', 200],
  ['GET', '/2015-03-31/functions/{FunctionName}/configuration', 'GetFunctionConfiguration', 200],
  ['PUT', '/2015-03-31/functions/{FunctionName}/configuration', 'UpdateFunctionConfiguration', 200],
  ['POST', '/2015-03-31/functions/{FunctionName}/invocations', 'Invoke', 200],
  ['GET', '/2015-03-31/functions/{FunctionName}/policy', 'GetPolicy', 200],
  ['POST', '/2015-03-31/functions/{FunctionName}/policy', 'AddPermission', 201],
  ['DELETE', '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', 'RemovePermission', 204],
  ['GET', '/2015-03-31/functions/{FunctionName}/versions', 'ListVersionsByFunction', 200],
  ['POST', '/2015-03-31/functions/{FunctionName}/versions', 'PublishVersion', 201],
  ['GET', '/2016-08-19/account-settings', 'GetAccountSettings', 200],
  ['DELETE', '/2017-03-31/tags/{Resource}', 'UntagResource', 204],
  ['GET', '/2017-03-31/tags/{Resource}', 'ListTags', 200],
  ['POST', '/2017-03-31/tags/{Resource}', 'TagResource', 204],
  ['DELETE', '/2017-10-31/functions/{FunctionName}/concurrency', 'DeleteFunctionConcurrency', 204],
  ['PUT', '/2017-10-31/functions/{FunctionName}/concurrency', 'PutFunctionConcurrency', 200],
  ['GET', '/2018-10-31/layers', 'ListLayers', 200],
  ['GET', '/2018-10-31/layers/{LayerName}/versions', 'ListLayerVersions', 200],
  ['POST', '/2018-10-31/layers/{LayerName}/versions', 'PublishLayerVersion', 201],
  ['DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', 'DeleteLayerVersion', 204],
  ['GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', 'GetLayerVersion', 200],
  ['GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy', 'GetLayerVersionPolicy', 200],
  ['POST', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy', 'AddLayerVersionPermission', 201],
  ['DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}', 'RemoveLayerVersionPermission', 204],
  ['GET', '/2018-10-31/layers?find=LayerVersion', 'GetLayerVersionByArn', 200],
  ['DELETE', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'DeleteFunctionEventInvokeConfig', 204],
  ['GET', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'GetFunctionEventInvokeConfig', 200],
  ['POST', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'UpdateFunctionEventInvokeConfig', 200],
  ['PUT', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'PutFunctionEventInvokeConfig', 200],
  ['GET', '/2019-09-25/functions/{FunctionName}/event-invoke-config/list', 'ListFunctionEventInvokeConfigs', 200],
  ['GET', '/2019-09-30/functions/{FunctionName}/concurrency', 'GetFunctionConcurrency', 200],
  ['DELETE', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'DeleteProvisionedConcurrencyConfig', 204],
  ['GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'GetProvisionedConcurrencyConfig', 200],
  ['PUT', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'PutProvisionedConcurrencyConfig', 202],
  ['GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL', 'ListProvisionedConcurrencyConfigs', 200],
  ['GET', '/2020-04-22/code-signing-configs', 'ListCodeSigningConfigs', 200],
  ['POST', '/2020-04-22/code-signing-configs', 'CreateCodeSigningConfig', 201],
  ['DELETE', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}', 'DeleteCodeSigningConfig', 204],
  ['GET', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}', 'GetCodeSigningConfig', 200],
  ['PUT', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}', 'UpdateCodeSigningConfig', 200],
  ['GET', '/2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions', 'ListFunctionsByCodeSigningConfig', 200],
  ['DELETE', '/2020-06-30/functions/{FunctionName}/code-signing-config', 'DeleteFunctionCodeSigningConfig', 204],
  ['GET', '/2020-06-30/functions/{FunctionName}/code-signing-config', 'GetFunctionCodeSigningConfig', 200],
  ['PUT', '/2020-06-30/functions/{FunctionName}/code-signing-config', 'PutFunctionCodeSigningConfig', 200],
  ['GET', '/2021-07-20/functions/{FunctionName}/runtime-management-config', 'GetRuntimeManagementConfig', 200],
  ['PUT', '/2021-07-20/functions/{FunctionName}/runtime-management-config', 'PutRuntimeManagementConfig', 200],
  ['DELETE', '/2021-10-31/functions/{FunctionName}/url', 'DeleteFunctionUrlConfig', 204],
  ['GET', '/2021-10-31/functions/{FunctionName}/url', 'GetFunctionUrlConfig', 200],
  ['POST', '/2021-10-31/functions/{FunctionName}/url', 'CreateFunctionUrlConfig', 201],
  ['PUT', '/2021-10-31/functions/{FunctionName}/url', 'UpdateFunctionUrlConfig', 200],
  ['GET', '/2021-10-31/functions/{FunctionName}/urls', 'ListFunctionUrlConfigs', 200],
  ['POST', '/2021-11-15/functions/{FunctionName}/response-streaming-invocations', 'InvokeWithResponseStream', 200],
  ['GET', '/2024-08-31/functions/{FunctionName}/recursion-config', 'GetFunctionRecursionConfig', 200],
  ['PUT', '/2024-08-31/functions/{FunctionName}/recursion-config', 'PutFunctionRecursionConfig', 200],
  ['GET', '/2025-11-30/capacity-providers', 'ListCapacityProviders', 200],
  ['POST', '/2025-11-30/capacity-providers', 'CreateCapacityProvider', 202],
  ['DELETE', '/2025-11-30/capacity-providers/{CapacityProviderName}', 'DeleteCapacityProvider', 202],
  ['GET', '/2025-11-30/capacity-providers/{CapacityProviderName}', 'GetCapacityProvider', 200],
  ['PUT', '/2025-11-30/capacity-providers/{CapacityProviderName}', 'UpdateCapacityProvider', 202],
  ['GET', '/2025-11-30/capacity-providers/{CapacityProviderName}/function-versions', 'ListFunctionVersionsByCapacityProvider', 200],
  ['GET', '/2025-11-30/functions/{FunctionName}/function-scaling-config', 'GetFunctionScalingConfig', 200],
  ['PUT', '/2025-11-30/functions/{FunctionName}/function-scaling-config', 'PutFunctionScalingConfig', 202],
  ['POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/fail', 'SendDurableExecutionCallbackFailure', 200],
  ['POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat', 'SendDurableExecutionCallbackHeartbeat', 200],
  ['POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/succeed', 'SendDurableExecutionCallbackSuccess', 200],
  ['GET', '/2025-12-01/durable-executions/{DurableExecutionArn}', 'GetDurableExecution', 200],
  ['POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint', 'CheckpointDurableExecution', 200],
  ['GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/history', 'GetDurableExecutionHistory', 200],
  ['GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/state', 'GetDurableExecutionState', 200],
  ['POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/stop', 'StopDurableExecution', 200],
  ['GET', '/2025-12-01/functions/{FunctionName}/durable-executions', 'ListDurableExecutionsByFunction', 200],
];

/** A concrete path for a template: every label filled with a plausible value. */
const LABEL_VALUES: Record<string, string> = {
  FunctionName: 'my-function',
  Name: 'PROD',
  StatementId: 'sid-1',
  UUID: '14e0db71-5d35-4eb5-b481-8945cf9d10c2',
  Resource: FN_ARN_ENCODED,
  LayerName: 'my-layer',
  VersionNumber: '3',
  CodeSigningConfigArn: 'arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Acode-signing-config%3Acsc-0123456789abcdef0',
  CapacityProviderName: 'cp-1',
  CallbackId: 'cb-1',
  DurableExecutionArn: 'arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Af%3A1%2Fdurable-execution%2Fa%2Fb',
};

function concrete(template: string): string {
  return template.replace(/\{(\w+)\+?\}/g, (_m, name: string) => {
    const v = LABEL_VALUES[name];
    assert.ok(v !== undefined, `no sample value for {${name}}`);
    return v;
  });
}
