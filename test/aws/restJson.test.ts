// The restJson1 codec (src/aws/restJson.ts) with the Lambda model: routing of every operation
// (reference/lambda-wire.md §3), the requests the real CLI v2 and SDK v3 sent
// (reference/raw-requests.md), validation and parse errors (§6 and the AWS recordings in
// reference/aws-recordings/), response and error encodings (§1.2–§1.4), and a round trip
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
import { thrown } from '../support/thrown.js';

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
  ['PUT', '/2026-07-09/resource-policy/{ResourceArn}', 'PutResourcePolicy', 200],
  ['GET', '/2026-07-09/resource-policy/{ResourceArn}', 'GetResourcePolicy', 200],
  ['DELETE', '/2026-07-09/resource-policy/{ResourceArn}', 'DeleteResourcePolicy', 204],
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
  ResourceArn: 'arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-function%3Aprod',
  DurableExecutionArn: 'arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Af%3A1%2Fdurable-execution%2Fa%2Fb',
};

function concrete(template: string): string {
  return template.replace(/\{(\w+)\+?\}/g, (_m, name: string) => {
    const v = LABEL_VALUES[name];
    assert.ok(v !== undefined, `no sample value for {${name}}`);
    return v;
  });
}

describe('routing (lambda-wire.md §3)', () => {
  test('the table covers every operation of the model', () => {
    assert.equal(ROUTES.length, 88);
    assert.deepEqual(new Set(ROUTES.map((r) => r[2])), new Set(lambda.operationNames));
  });

  test('every operation: method + path → operation, with the template query literals', () => {
    for (const [method, template, operation, code] of ROUTES) {
      const path = concrete(template);
      const q = path.indexOf('?');
      const match = matchRestJsonRoute(lambda, method, q === -1 ? path : path.slice(0, q), q === -1 ? '' : path.slice(q + 1));
      assert.equal(match?.operation, operation, `${method} ${path}`);
      assert.equal(lambda.operation(operation).http?.responseCode ?? 200, code, operation);
    }
  });

  test('labels are percent-decoded exactly once', () => {
    assert.deepEqual(matchRestJsonRoute(lambda, 'GET', `/2015-03-31/functions/${FN_ARN_ENCODED}%3APROD/policy`), {
      operation: 'GetPolicy',
      labels: { FunctionName: `${FN_ARN}:PROD` },
    });
    assert.deepEqual(matchRestJsonRoute(lambda, 'GET', '/2015-03-31/functions/my-function%3A%24LATEST/configuration')?.labels, {
      FunctionName: 'my-function:$LATEST',
    });
    // %25 decodes to a literal `%`, not further.
    assert.deepEqual(matchRestJsonRoute(lambda, 'GET', '/2015-03-31/functions/a%2524b')?.labels, { FunctionName: 'a%24b' });
    assert.deepEqual(
      matchRestJsonRoute(lambda, 'DELETE', '/2018-10-31/layers/my-layer/versions/3/policy/engineering-org')?.labels,
      { LayerName: 'my-layer', VersionNumber: '3', StatementId: 'engineering-org' },
    );
  });

  test('trailing slash (CLI 2.9.19, trap 5) is accepted where the model has none', () => {
    const cases: [string, string, string][] = [
      ['GET', '/2015-03-31/functions/', 'ListFunctions'],
      ['POST', '/2014-11-13/functions/my-function/invoke-async/', 'InvokeAsync'],
      ['GET', '/2015-03-31/event-source-mappings/', 'ListEventSourceMappings'],
      ['POST', '/2015-03-31/event-source-mappings/', 'CreateEventSourceMapping'],
      ['GET', '/2016-08-19/account-settings/', 'GetAccountSettings'],
      ['GET', '/2020-04-22/code-signing-configs/', 'ListCodeSigningConfigs'],
      ['POST', '/2020-04-22/code-signing-configs/', 'CreateCodeSigningConfig'],
      ['GET', '/2015-03-31/functions/my-function/', 'GetFunction'],
    ];
    for (const [method, path, operation] of cases) assert.equal(matchRestJsonRoute(lambda, method, path)?.operation, operation, path);
  });

  test('same path: the method decides', () => {
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2015-03-31/functions/f')?.operation, 'GetFunction');
    assert.equal(matchRestJsonRoute(lambda, 'DELETE', '/2015-03-31/functions/f')?.operation, 'DeleteFunction');
    assert.equal(matchRestJsonRoute(lambda, 'get', '/2015-03-31/functions/f/policy')?.operation, 'GetPolicy');
    assert.equal(matchRestJsonRoute(lambda, 'POST', '/2015-03-31/functions/f/policy')?.operation, 'AddPermission');
  });

  test('query literals pick the more specific template (trap 6)', () => {
    const arn = 'arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Alayer%3Amy-layer%3A1';
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2018-10-31/layers', `find=LayerVersion&Arn=${arn}`)?.operation, 'GetLayerVersionByArn');
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2018-10-31/layers', `Arn=${arn}&find=LayerVersion`)?.operation, 'GetLayerVersionByArn');
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2018-10-31/layers', 'CompatibleRuntime=nodejs20.x')?.operation, 'ListLayers');
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2018-10-31/layers', 'find=Other')?.operation, 'ListLayers');
    assert.equal(matchRestJsonRoute(lambda, 'GET', '/2018-10-31/layers/')?.operation, 'ListLayers');
    const pc = '/2019-09-30/functions/my-function/provisioned-concurrency';
    assert.equal(matchRestJsonRoute(lambda, 'GET', pc, 'List=ALL')?.operation, 'ListProvisionedConcurrencyConfigs');
    assert.equal(matchRestJsonRoute(lambda, 'GET', pc, 'Qualifier=PROD')?.operation, 'GetProvisionedConcurrencyConfig');
    // The query may also still be on the path.
    assert.equal(matchRestJsonRoute(lambda, 'GET', `${pc}?List=ALL&MaxItems=5`)?.operation, 'ListProvisionedConcurrencyConfigs');
  });

  test('no matching template: UnknownOperationException 404', () => {
    const cases: [string, string][] = [
      ['GET', '/'],
      ['GET', '/2015-03-31/nothing'],
      ['PATCH', '/2015-03-31/functions/f'],
      ['PUT', '/2015-03-31/functions/f/policy'],
      ['GET', '/2015-03-31/functions//policy'],
      ['GET', '/2015-03-31/functions/f/policy/extra/segments'],
      ['GET', '/2014-03-31/functions'],
    ];
    for (const [method, path] of cases) {
      assert.equal(matchRestJsonRoute(lambda, method, path), undefined, `${method} ${path}`);
      const err = thrown(() => decode(method, path));
      assert.deepEqual([err.code, err.status, err.message], ['UnknownOperationException', 404, ''], `${method} ${path}`);
      const encoded = encodeRestJsonError(lambda, err);
      assert.equal(encoded.status, 404);
      assert.equal(encoded.body, '<UnknownOperationException/>\n');
      assert.equal(encoded.body.length, 29);
      assert.deepEqual(encoded.headers, {});
    }
  });
});

describe('captured requests (raw-requests.md)', () => {
  test('CLI v2 add-permission, every option: ARN label, Qualifier query, Python-separated JSON body', () => {
    const body =
      '{"StatementId": "s3-all", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::my-bucket", "SourceAccount": "123456789012", "EventSourceToken": "tok-123", "RevisionId": "93017fc9-59cb-41dc-901b-4845ce4bf668", "PrincipalOrgID": "o-a1b2c3d4e5", "FunctionUrlAuthType": "AWS_IAM"}';
    assert.equal(body.length, 318);
    assert.deepEqual(
      decode('POST', `/2015-03-31/functions/${FN_ARN_ENCODED}/policy?Qualifier=1`, body, {
        host: '127.0.0.1:4599',
        'accept-encoding': 'identity',
        'content-type': 'application/json',
        'content-length': '318',
      }),
      {
        operation: 'AddPermission',
        input: {
          FunctionName: FN_ARN,
          StatementId: 's3-all',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceArn: 'arn:aws:s3:::my-bucket',
          SourceAccount: '123456789012',
          EventSourceToken: 'tok-123',
          Qualifier: '1',
          RevisionId: REVISION,
          PrincipalOrgID: 'o-a1b2c3d4e5',
          FunctionUrlAuthType: 'AWS_IAM',
        },
      },
    );
  });

  test('SDK v3 add-permission: compact JSON, InvokedViaFunctionUrl boolean', () => {
    const body =
      '{"StatementId":"s3-all","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::my-bucket","FunctionUrlAuthType":"AWS_IAM","InvokedViaFunctionUrl":true,"SourceAccount":"123456789012","EventSourceToken":"tok-123","RevisionId":"93017fc9-59cb-41dc-901b-4845ce4bf668","PrincipalOrgID":"o-a1b2c3d4e5"}';
    assert.equal(body.length, 330);
    const { operation, input } = decode('POST', `/2015-03-31/functions/${FN_ARN_ENCODED}/policy?Qualifier=1`, body);
    assert.equal(operation, 'AddPermission');
    assert.equal(input.InvokedViaFunctionUrl, true);
    assert.equal(input.FunctionName, FN_ARN);
    assert.equal(input.RevisionId, REVISION);
  });

  test('CLI v2 add-permission minimal', () => {
    assert.deepEqual(
      decode('POST', '/2015-03-31/functions/my-function/policy', '{"StatementId": "sns", "Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com"}'),
      {
        operation: 'AddPermission',
        input: { FunctionName: 'my-function', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' },
      },
    );
  });

  test('get-policy: Qualifier query; qualified ARN in the path', () => {
    assert.deepEqual(decode('GET', '/2015-03-31/functions/my-function/policy?Qualifier=PROD'), {
      operation: 'GetPolicy',
      input: { FunctionName: 'my-function', Qualifier: 'PROD' },
    });
    assert.deepEqual(decode('GET', `/2015-03-31/functions/${FN_ARN_ENCODED}%3APROD/policy`), {
      operation: 'GetPolicy',
      input: { FunctionName: `${FN_ARN}:PROD` },
    });
  });

  test('remove-permission: Qualifier and RevisionId in the query, DELETE with Content-Length 0', () => {
    assert.deepEqual(decode('DELETE', `/2015-03-31/functions/my-function/policy/sns?Qualifier=PROD&RevisionId=${REVISION}`, '', { 'content-length': '0' }), {
      operation: 'RemovePermission',
      input: { FunctionName: 'my-function', StatementId: 'sns', Qualifier: 'PROD', RevisionId: REVISION },
    });
  });

  test('CLI v2 invoke: headers, no Content-Type, the raw payload', () => {
    const { operation, input } = decode('POST', '/2015-03-31/functions/my-function/invocations?Qualifier=1', '{ "name": "Bob" }', {
      Host: '127.0.0.1:4599',
      'Accept-Encoding': 'identity',
      'X-Amz-Log-Type': 'Tail',
      'X-Amz-Client-Context': 'eyJjdXN0b20iOnsiYSI6MX19',
      'Content-Length': '17',
    });
    assert.equal(operation, 'Invoke');
    assert.ok(Buffer.isBuffer(input.Payload));
    assert.equal((input.Payload as Buffer).toString('utf8'), '{ "name": "Bob" }');
    assert.deepEqual({ ...input, Payload: undefined }, {
      FunctionName: 'my-function',
      LogType: 'Tail',
      ClientContext: 'eyJjdXN0b20iOnsiYSI6MX19',
      Qualifier: '1',
      Payload: undefined,
    });
  });

  test('SDK v3 invoke: lower-case headers, octet-stream; Event; no payload; DryRun', () => {
    const sdk = decode('POST', '/2015-03-31/functions/my-function/invocations?Qualifier=1', '{"name":"Bob"}', {
      'x-amz-log-type': 'Tail',
      'x-amz-client-context': 'eyJjdXN0b20iOnsiYSI6MX19',
      'content-type': 'application/octet-stream',
    });
    assert.deepEqual(sdk.input.Payload, Buffer.from('{"name":"Bob"}'));
    assert.equal(sdk.input.LogType, 'Tail');
    const event = decode('POST', '/2015-03-31/functions/my-function/invocations', '{"a":1}', { 'x-amz-invocation-type': 'Event' });
    assert.equal(event.input.InvocationType, 'Event');
    assert.deepEqual(decode('POST', '/2015-03-31/functions/my-function/invocations', '', { 'content-type': 'application/octet-stream' }).input, {
      FunctionName: 'my-function',
    });
    assert.equal(decode('POST', '/2015-03-31/functions/my-function/invocations', '', { 'X-Amz-Invocation-Type': 'DryRun' }).input.InvocationType, 'DryRun');
    // The payload is never parsed here: invalid JSON is the Invoke handler's business.
    assert.deepEqual(decode('POST', '/2015-03-31/functions/f/invocations', 'not json').input.Payload, Buffer.from('not json'));
  });

  test('add-layer-version-permission: VersionNumber (long) from the path, RevisionId in the query', () => {
    assert.deepEqual(
      decode(
        'POST',
        '/2018-10-31/layers/my-layer/versions/3/policy?RevisionId=35d87451-f796-4a3f-a618-95a3671b0a0c',
        '{"StatementId": "engineering-org", "Action": "lambda:GetLayerVersion", "Principal": "*", "OrganizationId": "o-t194hfs8cz"}',
      ),
      {
        operation: 'AddLayerVersionPermission',
        input: {
          LayerName: 'my-layer',
          VersionNumber: 3,
          StatementId: 'engineering-org',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
          OrganizationId: 'o-t194hfs8cz',
          RevisionId: '35d87451-f796-4a3f-a618-95a3671b0a0c',
        },
      },
    );
    assert.deepEqual(decode('GET', '/2018-10-31/layers/my-layer/versions/1/policy'), {
      operation: 'GetLayerVersionPolicy',
      input: { LayerName: 'my-layer', VersionNumber: 1 },
    });
    assert.deepEqual(decode('DELETE', '/2018-10-31/layers/my-layer/versions/1', '', { 'content-length': '0' }), {
      operation: 'DeleteLayerVersion',
      input: { LayerName: 'my-layer', VersionNumber: 1 },
    });
  });

  test('CLI v2 create-function: ZipFile base64 → Buffer, nested structures, lists, numbers, booleans', () => {
    const body = `{"FunctionName": "my-function", "Runtime": "nodejs20.x", "Role": "arn:aws:iam::123456789012:role/lambda-role", "Handler": "index.handler", "Timeout": 10, "MemorySize": 256, "Publish": true, "Environment": {"Variables": {"A": "1", "B": "two"}}, "Layers": ["arn:aws:lambda:us-east-2:123456789012:layer:my-layer:1"], "Architectures": ["x86_64"], "Code": {"ZipFile": "${ZIP_B64}"}}`;
    assert.equal(body.length, 567);
    // The model's key pattern `[a-zA-Z]([a-zA-Z0-9_])+` wants two characters at least: one-letter
    // variables (the capture's `A`, `B`) fail validation; the map's values are sensitive, so the
    // message shows no value.
    assert.equal(
      thrown(() => decode('POST', '/2015-03-31/functions', body)).message,
      "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    );
    const { operation, input } = decodeRestJsonRequest(lambda, req('POST', '/2015-03-31/functions', body, { 'content-type': 'application/json' }), {
      validate: false,
    });
    assert.equal(operation, 'CreateFunction');
    const code = input.Code as { ZipFile: Buffer };
    assert.ok(Buffer.isBuffer(code.ZipFile));
    assert.deepEqual(code.ZipFile, Buffer.from(ZIP_B64, 'base64'));
    assert.equal(code.ZipFile.subarray(0, 2).toString('latin1'), 'PK');
    assert.deepEqual({ ...input, Code: undefined }, {
      FunctionName: 'my-function',
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Handler: 'index.handler',
      Code: undefined,
      Timeout: 10,
      MemorySize: 256,
      Publish: true,
      Environment: { Variables: { A: '1', B: 'two' } },
      Layers: ['arn:aws:lambda:us-east-2:123456789012:layer:my-layer:1'],
      Architectures: ['x86_64'],
    });
  });

  test('SDK v3 create-function; publish-layer-version Content.ZipFile; update-function-code', () => {
    const sdk = decode(
      'POST',
      '/2015-03-31/functions',
      '{"FunctionName":"my-function","Role":"arn:aws:iam::123456789012:role/r","Code":{"ZipFile":"UEsDBA=="},"Runtime":"nodejs20.x","Handler":"index.handler","Environment":{"Variables":{"AB":"1"}}}',
    );
    assert.deepEqual(sdk.input.Environment, { Variables: { AB: '1' } });
    assert.deepEqual((sdk.input.Code as { ZipFile: Buffer }).ZipFile, Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const layer = decode(
      'POST',
      '/2018-10-31/layers/my-layer/versions',
      `{"Description": "d", "CompatibleRuntimes": ["nodejs20.x", "nodejs18.x"], "Content": {"ZipFile": "${ZIP_B64}"}}`,
    );
    assert.equal(layer.operation, 'PublishLayerVersion');
    assert.deepEqual(layer.input.CompatibleRuntimes, ['nodejs20.x', 'nodejs18.x']);
    assert.deepEqual((layer.input.Content as { ZipFile: Buffer }).ZipFile, Buffer.from(ZIP_B64, 'base64'));
    const code = decode('PUT', '/2015-03-31/functions/my-function/code', `{"ZipFile": "${ZIP_B64}", "Publish": true, "RevisionId": "r1"}`);
    assert.equal(code.operation, 'UpdateFunctionCode');
    assert.ok(Buffer.isBuffer(code.input.ZipFile));
    assert.equal(code.input.RevisionId, 'r1');
  });

  test('list-functions with and without the trailing slash; MaxItems as an integer', () => {
    for (const path of ['/2015-03-31/functions/', '/2015-03-31/functions']) {
      assert.deepEqual(decode('GET', path), { operation: 'ListFunctions', input: {} });
    }
    assert.deepEqual(decode('GET', '/2015-03-31/functions/?MasterRegion=us-east-2&FunctionVersion=ALL&MaxItems=10'), {
      operation: 'ListFunctions',
      input: { MasterRegion: 'us-east-2', FunctionVersion: 'ALL', MaxItems: 10 },
    });
  });

  test('get-function ?Qualifier=%24LATEST; get-function-configuration my-function%3APROD; delete-function ?Qualifier=1', () => {
    assert.deepEqual(decode('GET', '/2015-03-31/functions/my-function?Qualifier=%24LATEST'), {
      operation: 'GetFunction',
      input: { FunctionName: 'my-function', Qualifier: '$LATEST' },
    });
    assert.deepEqual(decode('GET', '/2015-03-31/functions/my-function%3APROD/configuration'), {
      operation: 'GetFunctionConfiguration',
      input: { FunctionName: 'my-function:PROD' },
    });
    assert.deepEqual(decode('DELETE', '/2015-03-31/functions/my-function?Qualifier=1', '', { 'content-length': '0' }), {
      operation: 'DeleteFunction',
      input: { FunctionName: 'my-function', Qualifier: '1' },
    });
  });

  test('layers: list-layers, get-layer-version-by-arn (same path + find=LayerVersion)', () => {
    assert.deepEqual(decode('GET', '/2018-10-31/layers?CompatibleRuntime=nodejs20.x'), {
      operation: 'ListLayers',
      input: { CompatibleRuntime: 'nodejs20.x' },
    });
    assert.deepEqual(decode('GET', '/2018-10-31/layers?find=LayerVersion&Arn=arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Alayer%3Amy-layer%3A1'), {
      operation: 'GetLayerVersionByArn',
      input: { Arn: 'arn:aws:lambda:us-east-2:123456789012:layer:my-layer:1' },
    });
  });

  test('publish-version with body {} (and with no body at all); create-alias with a map of doubles; function URL', () => {
    assert.deepEqual(decode('POST', '/2015-03-31/functions/my-function/versions', '{}'), {
      operation: 'PublishVersion',
      input: { FunctionName: 'my-function' },
    });
    assert.deepEqual(decode('POST', '/2015-03-31/functions/my-function/versions').input, { FunctionName: 'my-function' });
    assert.deepEqual(
      decode('POST', '/2015-03-31/functions/my-function/aliases', '{"Name": "PROD", "FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}}}'),
      {
        operation: 'CreateAlias',
        input: { FunctionName: 'my-function', Name: 'PROD', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } },
      },
    );
    assert.deepEqual(decode('POST', '/2021-10-31/functions/my-function/url?Qualifier=PROD', '{"AuthType": "NONE"}'), {
      operation: 'CreateFunctionUrlConfig',
      input: { FunctionName: 'my-function', Qualifier: 'PROD', AuthType: 'NONE' },
    });
  });

  test('JSON nulls are absent, unknown members ignored, a UTF-8 BOM skipped, trailing text after the root value ignored (Jackson)', () => {
    const input = decode('POST', '/2015-03-31/functions/f/policy', '\ufeff{"StatementId":"s","Action":"lambda:*","Principal":"*","SourceArn":null,"Bogus":1} trailing').input;
    assert.deepEqual(input, { FunctionName: 'f', StatementId: 's', Action: 'lambda:*', Principal: '*' });
  });

  test('repeated query keys: the first value for a scalar', () => {
    assert.equal(decode('GET', '/2015-03-31/functions/f/policy?Qualifier=A&Qualifier=B').input.Qualifier, 'A');
  });

  test('timestamps in the query (ListDurableExecutionsByFunction StartedAfter)', () => {
    const { input } = decode('GET', '/2025-12-01/functions/f/durable-executions?StartedAfter=2026-01-02T03%3A04%3A05Z');
    assert.deepEqual(input.StartedAfter, new Date('2026-01-02T03:04:05Z'));
  });
});

describe('validation (ValidationException, lambda-wire.md §6)', () => {
  function validation(method: string, path: string, body = ''): string {
    const err = thrown(() => decode(method, path, body));
    assert.deepEqual([err.code, err.status, err.fault], ['ValidationException', 400, 'Sender']);
    return err.message;
  }

  test('AWS-recorded messages', () => {
    assert.equal(
      validation('POST', '/2015-03-31/functions/f/policy', '{"StatementId":"example.com","Action":"lambda:InvokeFunction","Principal":"sns.amazonaws.com"}'),
      "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    );
    assert.equal(
      validation('POST', '/2015-03-31/functions/f/policy?Qualifier=invalid-qualifier-with-%3F-char', '{"StatementId":"s","Action":"lambda:InvokeFunction","Principal":"*"}'),
      "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+",
    );
    assert.equal(
      validation('POST', '/2018-10-31/layers/l/versions/1/policy', '{"StatementId":"s1","Action":"*","Principal":"*"}'),
      "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion",
    );
    assert.equal(
      validation('GET', '/2015-03-31/functions?FunctionVersion=invalid'),
      "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
    );
    assert.equal(
      validation('POST', '/2021-10-31/functions/f/url?Qualifier=1', '{"AuthType":"NONE"}'),
      "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
    );
    assert.equal(
      validation('POST', '/2015-03-31/functions/f/aliases', '{"Name":"2024","FunctionVersion":"1"}'),
      "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    );
    assert.equal(
      validation('POST', '/2015-03-31/functions', `{"FunctionName":"f","Role":"r1","Code":{"ZipFile":"${ZIP_B64}"}}`),
      "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    );
    assert.equal(
      validation('POST', '/2015-03-31/functions', `{"FunctionName":"f","Role":"arn:aws:iam::123456789012:role/r","Code":{},"Architectures":["x86_64","arm64"]}`),
      "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
    assert.equal(
      validation('POST', '/2015-03-31/functions/f/aliases', '{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"$LATEST":0.5}}}'),
      "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
    );
  });

  test('several violations; labels and missing members', () => {
    assert.equal(
      validation('POST', '/2015-03-31/functions/f/policy', '{"StatementId":"bad.id"}'),
      "3 validation errors detected: Value 'bad.id' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+); Value null at 'action' failed to satisfy constraint: Member must not be null; Value null at 'principal' failed to satisfy constraint: Member must not be null",
    );
    assert.match(
      validation('GET', '/2015-03-31/functions/invalid%3Afunction%3Aname/policy'),
      /^1 validation error detected: Value 'invalid:function:name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    );
  });

  test('validate: false leaves the constraints to the service (CreateFunction Runtime → InvalidParameterValueException)', () => {
    const body = `{"FunctionName":"f","Role":"arn:aws:iam::123456789012:role/r","Runtime":"PYTHON3.9","Code":{"ZipFile":"UEsDBA=="}}`;
    assert.equal(thrown(() => decode('POST', '/2015-03-31/functions', body)).code, 'ValidationException');
    const { operation, input } = decodeRestJsonRequest(lambda, req('POST', '/2015-03-31/functions', body), { validate: false });
    assert.equal(operation, 'CreateFunction');
    const violations = validateShape(lambda, 'CreateFunctionRequest', input);
    assert.deepEqual(violations.map((v) => [v.kind, v.path]), [['enum', 'runtime']]);
  });

  test('the 64-character plain function name passes the model (max 140): the service reports it', () => {
    const name = 'a'.repeat(65);
    const body = `{"FunctionName":"${name}","Role":"arn:aws:iam::123456789012:role/r","Code":{"ZipFile":"UEsDBA=="}}`;
    assert.equal(decode('POST', '/2015-03-31/functions', body).input.FunctionName, name);
    const long = 'a'.repeat(141);
    assert.match(
      thrown(() => decode('POST', '/2015-03-31/functions', body.replace(name, long))).message,
      /at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140$/,
    );
  });
});

describe('bodies that are not JSON: InvalidRequestContentException with Jackson\'s words', () => {
  const SRC = 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)';

  function bad(body: string | Buffer): string {
    const err = thrown(() => decode('POST', '/2015-03-31/functions/f/policy', body));
    assert.deepEqual([err.code, err.status], ['InvalidRequestContentException', 400]);
    return err.message;
  }

  test('the AWS-recorded Invoke payloads, through jsonSyntaxError (aws-recordings/test_lambda.snapshot.json)', () => {
    const first = Buffer.from([0x6e, 0x87, 0x72, 0x9e, 0xe9, 0xb5, 0xd7, 0x49, 0xee, 0x9b, 0x6d, 0x74]);
    const second = Buffer.from([0x99, 0xeb, 0x2c, 0x6a, 0x07, 0xa1, 0x7a, 0x59, 0x68]);
    const invoke = (payload: Buffer) => invalidRequestContent(lambda, `Could not parse payload into json: ${jsonSyntaxError(payload)!}`);
    const a = invoke(first);
    assert.deepEqual([a.code, a.status], ['InvalidRequestContentException', 400]);
    assert.equal(
      a.message,
      `Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x87\n at [Source: ${SRC}; line: 1, column: 3]`,
    );
    assert.equal(
      invoke(second).message,
      `Could not parse request body into json: Could not parse payload into json: Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: ${SRC}; line: 1, column: 1]`,
    );
    const body = encodeRestJsonError(lambda, a).body;
    assert.ok(body.startsWith('{"Type":"User","message":"Could not parse request body into json: '));
    assert.equal(jsonSyntaxError(Buffer.from('{"a":[1,2,{"b":null}]}')), undefined);
    assert.equal(jsonSyntaxError(Buffer.from('')), undefined);
  });

  test('the same parser for JSON bodies of the other operations', () => {
    const prefix = 'Could not parse request body into json: ';
    assert.equal(
      bad('STRING_VALUE'),
      `${prefix}Unrecognized token 'STRING_VALUE': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: ${SRC}; line: 1, column: 13]`,
    );
    assert.equal(bad('{"StatementId": '), `${prefix}Unexpected end-of-input: expected close marker for Object (start marker at [Source: ${SRC}; line: 1, column: 1])\n at [Source: ${SRC}; line: 1, column: 17]`);
    assert.equal(bad('{"a":1,}'), `${prefix}Unexpected character ('}' (code 125)): was expecting double-quote to start field name\n at [Source: ${SRC}; line: 1, column: 8]`);
    assert.equal(bad('{"a" 1}'), `${prefix}Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at [Source: ${SRC}; line: 1, column: 6]`);
    assert.equal(bad('{"a":1 "b":2}'), `${prefix}Unexpected character ('"' (code 34)): was expecting comma to separate Object entries\n at [Source: ${SRC}; line: 1, column: 8]`);
    assert.equal(bad('{\n  "a": tru\n}'), `${prefix}Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: ${SRC}; line: 2, column: 12]`);
    assert.equal(bad('{"a":"b'), `${prefix}Unexpected end-of-input: was expecting closing quote for a string value\n at [Source: ${SRC}; line: 1, column: 8]`);
    assert.equal(bad("{'a':1}"), `${prefix}Unexpected character (''' (code 39)): was expecting double-quote to start field name\n at [Source: ${SRC}; line: 1, column: 2]`);
    assert.equal(bad('0D'), `${prefix}Unexpected character ('D' (code 68)): Expected space separating root-level values\n at [Source: ${SRC}; line: 1, column: 2]`);
  });

  test('valid JSON of the wrong type', () => {
    assert.match(bad('[]'), /^Could not parse request body into json: Cannot deserialize value of type `AddPermissionRequest` from Array value/);
    const timeout = thrown(() => decode('PUT', '/2015-03-31/functions/f/configuration', '{"Timeout":"ten"}'));
    assert.equal(timeout.code, 'InvalidRequestContentException');
    assert.equal(
      timeout.message,
      'Could not parse request body into json: Cannot deserialize value of type `java.lang.Integer` from String "ten": not a valid `java.lang.Integer` value',
    );
    // Jackson's default coercions: numeric strings to numbers, scalars to strings.
    assert.deepEqual(decode('PUT', '/2015-03-31/functions/f/configuration', '{"Timeout":"10","Description":5}').input, {
      FunctionName: 'f',
      Timeout: 10,
      Description: '5',
    });
  });

  test('a label, query value or header that is not its type: InvalidParameterValueException', () => {
    const err = thrown(() => decode('GET', '/2015-03-31/functions?MaxItems=ten'));
    assert.deepEqual([err.code, err.status], ['InvalidParameterValueException', 400]);
    assert.equal(thrown(() => decode('GET', '/2018-10-31/layers/l/versions/x')).code, 'InvalidParameterValueException');
  });
});

describe('encodeRestJsonResponse', () => {
  test('AddPermission: 201, JSON with the Statement string', () => {
    const statement = JSON.stringify({ Sid: 'sns', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN });
    const r = encodeRestJsonResponse(lambda, 'AddPermission', { Statement: statement });
    assert.equal(r.status, 201);
    assert.deepEqual(r.headers, { 'Content-Type': 'application/json' });
    assert.equal(
      r.body,
      '{"Statement":"{\\"Sid\\":\\"sns\\",\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"Service\\":\\"sns.amazonaws.com\\"},\\"Action\\":\\"lambda:InvokeFunction\\",\\"Resource\\":\\"arn:aws:lambda:us-east-2:123456789012:function:my-function\\"}"}',
    );
    // A statement object from a service is serialised as a string (trap 7), never nested.
    assert.equal(encodeRestJsonResponse(lambda, 'AddPermission', { Statement: { Sid: 'a' } }).body, '{"Statement":"{\\"Sid\\":\\"a\\"}"}');
  });

  test('GetPolicy 200; unknown and null members left out', () => {
    const r = encodeRestJsonResponse(lambda, 'GetPolicy', { Policy: '{"Version":"2012-10-17"}', RevisionId: REVISION, Extra: 1, Other: null });
    assert.equal(r.status, 200);
    assert.equal(r.body, `{"Policy":"{\\"Version\\":\\"2012-10-17\\"}","RevisionId":"${REVISION}"}`);
  });

  test('204s: RemovePermission, RemoveLayerVersionPermission, DeleteFunction (trap 9) — empty body, no content type', () => {
    for (const op of ['RemovePermission', 'RemoveLayerVersionPermission', 'DeleteFunction', 'DeleteAlias', 'TagResource']) {
      assert.deepEqual(encodeRestJsonResponse(lambda, op, undefined), { status: 204, headers: {}, body: '' }, op);
    }
    assert.deepEqual(encodeRestJsonResponse(lambda, 'DeleteFunction', {}), { status: 204, headers: {}, body: '' });
  });

  test('Invoke: status from StatusCode, header members, the raw payload', () => {
    const payload = Buffer.from('{"name":"Bob"}');
    const r = encodeRestJsonResponse(lambda, 'Invoke', {
      StatusCode: 200,
      ExecutedVersion: '1',
      LogResult: 'U1RBUlQK',
      Payload: payload,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.headers, { 'X-Amz-Log-Result': 'U1RBUlQK', 'X-Amz-Executed-Version': '1', 'Content-Type': 'application/json' });
    assert.ok(Buffer.isBuffer(r.body));
    assert.deepEqual(r.body, payload);
    const failed = encodeRestJsonResponse(lambda, 'Invoke', {
      StatusCode: 200,
      FunctionError: 'Unhandled',
      ExecutedVersion: '$LATEST',
      Payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
    });
    assert.equal(failed.status, 200);
    assert.equal(failed.headers['X-Amz-Function-Error'], 'Unhandled');
    assert.deepEqual(encodeRestJsonResponse(lambda, 'Invoke', { StatusCode: 202 }), { status: 202, headers: {}, body: '' });
    assert.deepEqual(encodeRestJsonResponse(lambda, 'Invoke', { StatusCode: 204, Payload: Buffer.from('x') }), { status: 204, headers: {}, body: '' });
    assert.equal(encodeRestJsonResponse(lambda, 'Invoke', { Payload: 'null' }).body, 'null');
  });

  test('ListFunctions and GetFunction: nested JSON, string timestamps passed through', () => {
    const config = {
      FunctionName: 'my-function',
      FunctionArn: FN_ARN,
      Runtime: 'nodejs20.x',
      MemorySize: 128,
      LastModified: '2019-09-24T18:44:45.118+0000',
      Architectures: ['x86_64'],
      Environment: { Variables: {} },
    };
    const list = encodeRestJsonResponse(lambda, 'ListFunctions', { Functions: [config], NextMarker: undefined });
    assert.equal(list.status, 200);
    assert.equal(
      list.body,
      '{"Functions":[{"FunctionName":"my-function","FunctionArn":"arn:aws:lambda:us-east-2:123456789012:function:my-function","Runtime":"nodejs20.x","MemorySize":128,"LastModified":"2019-09-24T18:44:45.118+0000","Environment":{"Variables":{}},"Architectures":["x86_64"]}]}',
    );
    const get = encodeRestJsonResponse(lambda, 'GetFunction', { Configuration: config, Code: { RepositoryType: 'S3', Location: 'https://x' }, Tags: { team: 'a' } });
    assert.deepEqual(JSON.parse(get.body as string).Tags, { team: 'a' });
    assert.deepEqual(JSON.parse(get.body as string).Code, { RepositoryType: 'S3', Location: 'https://x' });
    assert.equal(encodeRestJsonResponse(lambda, 'ListFunctions', {}).body, '{}');
  });

  test('timestamp shapes are epoch seconds; 201/202 from the model', () => {
    const r = encodeRestJsonResponse(lambda, 'GetDurableExecution', {
      DurableExecutionArn: 'a',
      StartTimestamp: new Date('2026-01-02T03:04:05.500Z'),
    });
    assert.equal(r.body, '{"DurableExecutionArn":"a","StartTimestamp":1767323045.5}');
    assert.equal(encodeRestJsonResponse(lambda, 'PublishLayerVersion', { Version: 1 }).status, 201);
    assert.equal(encodeRestJsonResponse(lambda, 'CreateEventSourceMapping', { UUID: 'u' }).status, 202);
    assert.deepEqual(encodeRestJsonResponse(lambda, 'InvokeAsync', { Status: 202 }), {
      status: 202,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
  });
});

describe('encodeRestJsonError', () => {
  test('PreconditionFailedException: the 149-byte body, message key `message`', () => {
    const e = encodeRestJsonError(
      lambda,
      lambda.error('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id'),
    );
    assert.equal(e.status, 412);
    assert.deepEqual(e.headers, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'PreconditionFailedException' });
    assert.equal(
      e.body,
      '{"Type":"User","message":"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"}',
    );
    assert.equal(Buffer.byteLength(e.body), 149);
  });

  test('message key per shape: Message for ResourceNotFoundException, message for the others (§1.4)', () => {
    const rnf = encodeRestJsonError(lambda, lambda.error('ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-2:123456789012:function:missing-fn'));
    assert.equal(rnf.status, 404);
    assert.equal(rnf.body, '{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-2:123456789012:function:missing-fn"}');
    const conflict = encodeRestJsonError(
      lambda,
      lambda.error('ResourceConflictException', 'The statement id (dup) provided already exists. Please provide a new statement id, or remove the existing statement.'),
    );
    assert.equal(conflict.status, 409);
    assert.equal(
      conflict.body,
      '{"Type":"User","message":"The statement id (dup) provided already exists. Please provide a new statement id, or remove the existing statement."}',
    );
    const expected: Record<string, [number, string]> = {
      InvalidParameterValueException: [400, 'message'],
      PolicyLengthExceededException: [400, 'message'],
      TooManyRequestsException: [429, 'message'],
      ProvisionedConcurrencyConfigNotFoundException: [404, 'message'],
      CodeSigningConfigNotFoundException: [404, 'Message'],
      RequestTooLargeException: [413, 'message'],
      UnsupportedMediaTypeException: [415, 'message'],
      InvalidRequestContentException: [400, 'message'],
      ResourceNotReadyException: [502, 'message'],
      KMSAccessDeniedException: [502, 'Message'],
    };
    for (const [code, [status, key]] of Object.entries(expected)) {
      const e = encodeRestJsonError(lambda, lambda.error(code, 'm'));
      assert.equal(e.status, status, code);
      assert.deepEqual(Object.keys(JSON.parse(e.body)), ['Type', key], code);
      assert.equal(e.headers['x-amzn-ErrorType'], code);
    }
  });

  test('the model decides the status, even for an AwsError built without it', () => {
    const e = encodeRestJsonError(lambda, new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.'));
    assert.equal(e.status, 404);
    assert.equal(e.body, '{"Type":"User","Message":"The resource you requested does not exist."}');
  });

  test('server faults are Type Service', () => {
    const e = encodeRestJsonError(lambda, lambda.error('ServiceException', 'An internal error occurred. Try again later.'));
    assert.equal(e.status, 500);
    assert.equal(e.body, '{"Type":"Service","Message":"An internal error occurred. Try again later."}');
    assert.equal(JSON.parse(encodeRestJsonError(lambda, lambda.error('EC2ThrottledException', 'x')).body).Type, 'Service');
  });

  test('extra modeled members: body after the message, header-bound ones in headers; Type null leaves Type out', () => {
    const throttled = encodeRestJsonError(
      lambda,
      lambda.error('TooManyRequestsException', 'Rate exceeded', { Reason: 'CallerRateLimitExceeded', retryAfterSeconds: '1', Unknown: 'x' }),
    );
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['Retry-After'], '1');
    assert.equal(throttled.body, '{"Type":"User","message":"Rate exceeded","Reason":"CallerRateLimitExceeded"}');
    const noType = encodeRestJsonError(lambda, new ModeledAwsError('InvalidParameterValueException', 'x', 400, { Type: null }));
    assert.equal(noType.body, '{"message":"x"}');
  });

  test('unmodeled errors: ValidationException {"message"}, AccessDeniedException {"Message"}, an empty message is null', () => {
    const v = encodeRestJsonError(
      lambda,
      new AwsError(
        'ValidationException',
        "1 validation error detected: Value 'bad.id' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
      ),
    );
    assert.equal(v.status, 400);
    assert.deepEqual(v.headers, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'ValidationException' });
    assert.equal(
      v.body,
      `{"message":"1 validation error detected: Value 'bad.id' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"}`,
    );
    const denied = encodeRestJsonError(
      lambda,
      new AwsError(
        'AccessDeniedException',
        'User: arn:aws:iam::111122223333:user/admin is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no resource-based policy allows the lambda:GetFunction action',
        403,
      ),
    );
    assert.equal(denied.status, 403);
    assert.ok(denied.body.startsWith('{"Message":"User: arn:aws:iam::111122223333:user/admin is not authorized'));
    assert.equal(encodeRestJsonError(lambda, new AwsError('AccessDeniedException', '', 403)).body, '{"Message":null}');
    const token = encodeRestJsonError(lambda, new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403));
    assert.equal(token.body, '{"message":"The security token included in the request is invalid."}');
    assert.equal(Buffer.byteLength(token.body), 68);
  });
});

describe('round trip with @aws-sdk/client-lambda', () => {
  let server: Server;
  let client: LambdaClient;
  const statements: Record<string, unknown>[] = [];
  let revision = randomUUID();
  const seen: { operation: string; input: Record<string, unknown> }[] = [];

  const config = (name: string) => ({
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-2:123456789012:function:${name}`,
    Runtime: 'nodejs20.x',
    Role: 'arn:aws:iam::123456789012:role/lambda-role',
    Handler: 'index.handler',
    CodeSize: 4,
    MemorySize: 128,
    Timeout: 3,
    LastModified: '2019-09-24T18:44:45.118+0000',
    Version: '$LATEST',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    Architectures: ['x86_64'],
  });

  /** A stand-in Lambda: just enough behaviour to exercise the codec both ways. */
  function handle(operation: string, input: Record<string, unknown>): Record<string, unknown> | undefined {
    const fn = String(input.FunctionName ?? '');
    if (fn.startsWith('missing')) {
      throw lambda.error('ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-2:123456789012:function:${fn}`);
    }
    switch (operation) {
      case 'AddPermission': {
        const statement = {
          Sid: input.StatementId,
          Effect: 'Allow',
          Principal: { Service: input.Principal },
          Action: input.Action,
          Resource: fn.startsWith('arn:') ? fn : `arn:aws:lambda:us-east-2:123456789012:function:${fn}`,
        };
        statements.push(statement);
        revision = randomUUID();
        return { Statement: JSON.stringify(statement) };
      }
      case 'GetPolicy':
        return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }), RevisionId: revision };
      case 'RemovePermission':
        if (input.RevisionId !== undefined && input.RevisionId !== revision) {
          throw lambda.error(
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
          );
        }
        statements.splice(statements.findIndex((s) => s.Sid === input.StatementId), 1);
        return undefined;
      case 'GetFunction':
        return { Configuration: config(fn), Code: { RepositoryType: 'S3', Location: 'https://example.com/code.zip' }, Tags: { team: 'a' } };
      case 'CreateFunction':
        return { ...config(fn), CodeSize: (input.Code as { ZipFile: Buffer }).ZipFile.length };
      case 'DeleteFunction':
        return undefined;
      case 'ListFunctions':
        return { Functions: [config('a'), config('b')], NextMarker: 'next' };
      case 'Invoke': {
        if (input.InvocationType === 'Event') return { StatusCode: 202 };
        const payload = input.Payload as Buffer | undefined;
        return {
          StatusCode: 200,
          ExecutedVersion: String(input.Qualifier ?? '$LATEST'),
          ...(input.LogType === 'Tail' ? { LogResult: Buffer.from('START\nEND\n').toString('base64') } : {}),
          ...(fn === 'fail-fn' ? { FunctionError: 'Unhandled' } : {}),
          Payload: payload ?? Buffer.from('null'),
        };
      }
      default:
        throw lambda.error('ServiceException', `not in this test: ${operation}`);
    }
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    let result: { status: number; headers: Record<string, string>; body: string | Buffer };
    try {
      const decoded = decodeRestJsonRequest(lambda, {
        method: request.method ?? 'GET',
        rawPath: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      seen.push(decoded);
      result = encodeRestJsonResponse(lambda, decoded.operation, handle(decoded.operation, decoded.input));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      result = encodeRestJsonError(lambda, err);
    }
    response.writeHead(result.status, { ...result.headers, 'x-amzn-RequestId': randomUUID() });
    response.end(result.body);
  }

  before(async () => {
    server = createServer((request, response) => {
      serve(request, response).catch(() => {
        response.writeHead(500);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new LambdaClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-2',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
  });

  after(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('AddPermission with an ARN: the Statement string comes back unchanged; GetPolicy; RemovePermission', async () => {
    const added = await client.send(
      new AddPermissionCommand({
        FunctionName: FN_ARN,
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        Qualifier: 'PROD',
      }),
    );
    assert.equal(added.$metadata.httpStatusCode, 201);
    assert.equal(
      added.Statement,
      '{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function"}',
    );
    assert.deepEqual(seen.at(-1), {
      operation: 'AddPermission',
      input: { FunctionName: FN_ARN, StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', Qualifier: 'PROD' },
    });

    const policy = await client.send(new GetPolicyCommand({ FunctionName: 'my-function' }));
    assert.equal(policy.$metadata.httpStatusCode, 200);
    assert.equal(policy.RevisionId, revision);
    assert.deepEqual((JSON.parse(policy.Policy!) as { Statement: unknown[] }).Statement.length, 1);

    const removed = await client.send(new RemovePermissionCommand({ FunctionName: 'my-function', StatementId: 'sns', Qualifier: '$LATEST', RevisionId: revision }));
    assert.equal(removed.$metadata.httpStatusCode, 204);
    assert.deepEqual(seen.at(-1)?.input, { FunctionName: 'my-function', StatementId: 'sns', Qualifier: '$LATEST', RevisionId: revision });
  });

  test('PreconditionFailedException: typed, message and Type filled, 412', async () => {
    await assert.rejects(
      client.send(new RemovePermissionCommand({ FunctionName: 'my-function', StatementId: 'x', RevisionId: 'stale' })),
      (err: unknown) => {
        assert.ok(err instanceof PreconditionFailedException);
        assert.equal(err.name, 'PreconditionFailedException');
        assert.equal(
          err.message,
          'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
        );
        assert.equal(err.Type, 'User');
        assert.equal(err.$metadata.httpStatusCode, 412);
        assert.equal(err.$fault, 'client');
        return true;
      },
    );
  });

  test('GetFunction; ResourceNotFoundException with its Message', async () => {
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'my-function', Qualifier: '$LATEST' }));
    assert.equal(got.Configuration?.FunctionName, 'my-function');
    assert.equal(got.Configuration?.LastModified, '2019-09-24T18:44:45.118+0000');
    assert.deepEqual(got.Configuration?.Architectures, ['x86_64']);
    assert.deepEqual(got.Tags, { team: 'a' });
    assert.equal(got.Code?.RepositoryType, 'S3');
    assert.deepEqual(seen.at(-1)?.input, { FunctionName: 'my-function', Qualifier: '$LATEST' });

    await assert.rejects(client.send(new GetFunctionCommand({ FunctionName: 'missing-fn' })), (err: unknown) => {
      assert.ok(err instanceof ResourceNotFoundException);
      assert.equal(err.message, 'Function not found: arn:aws:lambda:us-east-2:123456789012:function:missing-fn');
      // The SDK moves the modeled `Message` into `message` (decorateServiceException deletes `Message`).
      assert.equal(err.Message, undefined);
      assert.equal(err.Type, 'User');
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.ok(err.$metadata.requestId);
      return true;
    });
  });

  test('Invoke: payload bytes both ways, headers, 202 for Event, FunctionError', async () => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'my-function',
        Qualifier: '1',
        Payload: new TextEncoder().encode(JSON.stringify({ name: 'Bob' })),
        LogType: 'Tail',
        ClientContext: 'eyJjdXN0b20iOnsiYSI6MX19',
      }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '1');
    assert.equal(Buffer.from(out.LogResult!, 'base64').toString(), 'START\nEND\n');
    assert.equal(out.FunctionError, undefined);
    assert.equal(new TextDecoder().decode(out.Payload), '{"name":"Bob"}');
    const input = seen.at(-1)!.input;
    assert.equal(input.ClientContext, 'eyJjdXN0b20iOnsiYSI6MX19');
    assert.deepEqual(input.Payload, Buffer.from('{"name":"Bob"}'));

    const event = await client.send(new InvokeCommand({ FunctionName: 'my-function', InvocationType: 'Event', Payload: '{"a":1}' }));
    assert.equal(event.StatusCode, 202);
    assert.equal(event.$metadata.httpStatusCode, 202);

    const failed = await client.send(new InvokeCommand({ FunctionName: 'fail-fn' }));
    assert.equal(failed.StatusCode, 200);
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.equal(new TextDecoder().decode(failed.Payload), 'null');
  });

  test('ListFunctions, CreateFunction (Uint8Array ZipFile), DeleteFunction (204)', async () => {
    const list = await client.send(new ListFunctionsCommand({ MaxItems: 2 }));
    assert.deepEqual(list.Functions?.map((f) => f.FunctionName), ['a', 'b']);
    assert.equal(list.NextMarker, 'next');
    assert.deepEqual(seen.at(-1), { operation: 'ListFunctions', input: { MaxItems: 2 } });

    const zip = Buffer.from(ZIP_B64, 'base64');
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: 'new-fn',
        Role: 'arn:aws:iam::123456789012:role/lambda-role',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: new Uint8Array(zip) },
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.CodeSize, zip.length);
    assert.deepEqual((seen.at(-1)!.input.Code as { ZipFile: Buffer }).ZipFile, zip);

    const deleted = await client.send(new DeleteFunctionCommand({ FunctionName: 'new-fn' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });

  test('ValidationException (unmodeled): a generic error named by x-amzn-ErrorType', async () => {
    await assert.rejects(
      client.send(new AddPermissionCommand({ FunctionName: 'my-function', StatementId: 'bad.id', Action: 'lambda:InvokeFunction', Principal: '*' })),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.equal(err.name, 'ValidationException');
        assert.equal(
          err.message,
          "1 validation error detected: Value 'bad.id' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
        );
        assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
        return true;
      },
    );
  });
});
