// The awsJson codec (src/aws/json.ts) with the Organizations model (awsJson1_1,
// X-Amz-Target AWSOrganizationsV20161128.<Op>), and an SDK v3 round trip.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  AWSOrganizationsNotInUseException,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  InvalidInputException,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';

import { AwsError } from '../../src/aws/errors.js';
import { organizationsModel, ServiceModel, type ModelFile } from '../../src/aws/model.js';
import { decodeJsonRequest, encodeJsonError, encodeJsonResponse, jsonContentType } from '../../src/aws/json.js';
import { thrown } from '../support/thrown.js';

const orgs = organizationsModel();
const T = 'AWSOrganizationsV20161128.';

describe('decodeJsonRequest', () => {
  test('target and body', () => {
    assert.deepEqual(decodeJsonRequest(orgs, `${T}DescribeOrganization`, Buffer.from('{}')), {
      operation: 'DescribeOrganization',
      input: {},
    });
    assert.deepEqual(decodeJsonRequest(orgs, `${T}DescribeAccount`, Buffer.from('{"AccountId":"111122223333"}')), {
      operation: 'DescribeAccount',
      input: { AccountId: '111122223333' },
    });
    assert.deepEqual(
      decodeJsonRequest(
        orgs,
        `${T}ListPoliciesForTarget`,
        '{"TargetId":"111122223333","Filter":"SERVICE_CONTROL_POLICY","MaxResults":5,"Unknown":1,"NextToken":null}',
      ).input,
      { TargetId: '111122223333', Filter: 'SERVICE_CONTROL_POLICY', MaxResults: 5 },
    );
    // An empty body is an empty input.
    assert.deepEqual(decodeJsonRequest(orgs, `${T}ListAccounts`, '').input, {});
  });

  test('nested structures and lists', () => {
    const body = JSON.stringify({ ParentId: 'r-ab12', Name: 'dev', Tags: [{ Key: 'team', Value: 'a' }] });
    assert.deepEqual(decodeJsonRequest(orgs, `${T}CreateOrganizationalUnit`, body).input, {
      ParentId: 'r-ab12',
      Name: 'dev',
      Tags: [{ Key: 'team', Value: 'a' }],
    });
  });

  test('missing, foreign or unknown target: UnknownOperationException', () => {
    for (const target of [undefined, 'DescribeOrganization', 'Other_20120810.DescribeOrganization', `${T}NoSuchThing`]) {
      const err = thrown(() => decodeJsonRequest(orgs, target, '{}'));
      assert.deepEqual([err.code, err.status, err.message], ['UnknownOperationException', 400, '']);
      const encoded = encodeJsonError(err, orgs);
      assert.equal(encoded.status, 400);
      assert.equal(encoded.body, '{"__type":"com.amazon.coral.service#UnknownOperationException"}');
      assert.equal(encoded.headers['x-amzn-ErrorType'], 'UnknownOperationException');
    }
  });

  test('malformed JSON and wrong JSON types: SerializationException', () => {
    const bare = thrown(() => decodeJsonRequest(orgs, `${T}DescribeAccount`, '{"AccountId":'));
    assert.deepEqual([bare.code, bare.status], ['SerializationException', 400]);
    assert.equal(encodeJsonError(bare, orgs).body, '{"__type":"com.amazon.coral.service#SerializationException"}');

    const cases: [string, string][] = [
      ['{"AccountId":123}', 'class java.lang.Short can not be converted to an String'],
      ['{"AccountId":2147483648}', 'class java.lang.Long can not be converted to an String'],
      ['{"AccountId":true}', 'class java.lang.Boolean can not be converted to an String'],
      ['{"AccountId":[]}', 'Start of list found where not expected'],
      ['{"AccountId":{}}', 'Start of structure or map found where not expected.'],
      ['[]', 'Start of list found where not expected'],
      ['"x"', 'Expected null'],
    ];
    for (const [body, message] of cases) {
      const err = thrown(() => decodeJsonRequest(orgs, `${T}DescribeAccount`, body));
      assert.deepEqual([err.code, err.message], ['SerializationException', message], body);
    }
    const notInt = thrown(() => decodeJsonRequest(orgs, `${T}ListAccounts`, '{"MaxResults":"5"}'));
    assert.equal(notInt.message, 'class java.lang.String can not be converted to an Integer');
    assert.equal(
      encodeJsonError(notInt, orgs).body,
      '{"__type":"com.amazon.coral.service#SerializationException","Message":"class java.lang.String can not be converted to an Integer"}',
    );
    const notList = thrown(() => decodeJsonRequest(orgs, `${T}CreateOrganizationalUnit`, '{"ParentId":"r-ab12","Name":"n","Tags":5}'));
    assert.equal(notList.message, 'Expected list or null');
  });

  test('constraint violations: Organizations answers InvalidInputException with a Reason', () => {
    const pattern = thrown(() => decodeJsonRequest(orgs, `${T}DescribeAccount`, '{"AccountId":"123"}'));
    assert.deepEqual([pattern.code, pattern.status, pattern.message], [
      'InvalidInputException',
      400,
      'You provided a value that does not match the required pattern.',
    ]);
    assert.deepEqual(JSON.parse(encodeJsonError(pattern, orgs).body), {
      __type: 'InvalidInputException',
      Message: 'You provided a value that does not match the required pattern.',
      Reason: 'INVALID_PATTERN',
    });
    const required = thrown(() => decodeJsonRequest(orgs, `${T}DescribeAccount`, '{}'));
    assert.deepEqual(JSON.parse(encodeJsonError(required, orgs).body), {
      __type: 'InvalidInputException',
      Message: 'You must include a value for all required parameters.',
      Reason: 'INPUT_REQUIRED',
    });
    const range = thrown(() => decodeJsonRequest(orgs, `${T}ListAccounts`, '{"MaxResults":0}'));
    assert.equal((JSON.parse(encodeJsonError(range, orgs).body) as { Reason: string }).Reason, 'MIN_VALUE_EXCEEDED');
    const en = thrown(() => decodeJsonRequest(orgs, `${T}ListPoliciesForTarget`, '{"TargetId":"111122223333","Filter":"NOPE"}'));
    assert.equal((JSON.parse(encodeJsonError(en, orgs).body) as { Reason: string }).Reason, 'INVALID_ENUM');
  });

  test('other JSON services: Coral ValidationException with AWS message text', () => {
    const file: ModelFile = {
      metadata: {
        apiVersion: '2020-01-01',
        protocol: 'json',
        jsonVersion: '1.0',
        endpointPrefix: 'demo',
        serviceId: 'Demo',
        targetPrefix: 'Demo_20200101',
      },
      operations: { Put: { name: 'Put', input: { shape: 'PutInput' }, output: { shape: 'PutOutput' } } },
      shapes: {
        PutInput: {
          type: 'structure',
          required: ['Name'],
          members: { Name: { shape: 'Name' }, Weights: { shape: 'Weights' }, When: { shape: 'Time' }, Data: { shape: 'Blob' } },
        },
        PutOutput: { type: 'structure', members: { When: { shape: 'Time' }, Data: { shape: 'Blob' }, Weights: { shape: 'Weights' } } },
        Name: { type: 'string', min: 3, pattern: '[a-z]+' },
        Weights: { type: 'map', key: { shape: 'Version' }, value: { shape: 'Weight' } },
        Version: { type: 'string', min: 1, max: 1024, pattern: '[0-9]+' },
        Weight: { type: 'double', min: 0, max: 1 },
        Time: { type: 'timestamp' },
        Blob: { type: 'blob' },
      },
    };
    const demo = new ServiceModel('demo', file);
    assert.equal(jsonContentType(demo), 'application/x-amz-json-1.0');
    const err = thrown(() => decodeJsonRequest(demo, 'Demo_20200101.Put', '{"Name":"A"}'));
    assert.equal(err.code, 'ValidationException');
    assert.equal(
      err.message,
      "2 validation errors detected: Value 'A' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; Value 'A' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    assert.deepEqual(JSON.parse(encodeJsonError(err, demo).body), {
      __type: 'com.amazon.coral.validate#ValidationException',
      message: err.message,
    });
    // Maps are reported whole, with every constraint of the key or value shape (Lambda's text).
    const map = thrown(() => decodeJsonRequest(demo, 'Demo_20200101.Put', '{"Name":"abc","Weights":{"$LATEST":0.5}}'));
    assert.equal(
      map.message,
      "1 validation error detected: Value '{$LATEST=0.5}' at 'weights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
    );
    const value = thrown(() => decodeJsonRequest(demo, 'Demo_20200101.Put', '{"Name":"abc","Weights":{"2":2}}'));
    assert.equal(
      value.message,
      "1 validation error detected: Value '{2=2.0}' at 'weights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
    );
    // Timestamps are epoch seconds both ways; blobs base64.
    const ok = decodeJsonRequest(demo, 'Demo_20200101.Put', '{"Name":"abc","When":1704067200.5,"Data":"aGk="}');
    assert.equal((ok.input.When as Date).toISOString(), '2024-01-01T00:00:00.500Z');
    assert.equal(Buffer.from(ok.input.Data as Uint8Array).toString(), 'hi');
    assert.equal(
      encodeJsonResponse(demo, 'Put', { When: new Date('2024-01-01T00:00:00.500Z'), Data: Buffer.from('hi'), Weights: { 1: 0.5 } }),
      '{"When":1704067200.5,"Data":"aGk=","Weights":{"1":0.5}}',
    );
  });
});

describe('encodeJsonResponse and encodeJsonError (Organizations)', () => {
  test('output members in model order, unknown and null members dropped, timestamps as epoch seconds', () => {
    const body = encodeJsonResponse(orgs, 'DescribeAccount', {
      Account: {
        Name: 'partner',
        Id: '111122223333',
        Arn: 'arn:aws:organizations::123456789012:account/o-t194hfs8cz/111122223333',
        Email: 'partner@example.com',
        Status: 'ACTIVE',
        JoinedMethod: 'INVITED',
        JoinedTimestamp: new Date('2024-01-01T00:00:00Z'),
        State: null,
        Extra: 'x',
      },
    });
    assert.equal(
      body,
      '{"Account":{"Id":"111122223333","Arn":"arn:aws:organizations::123456789012:account/o-t194hfs8cz/111122223333","Email":"partner@example.com","Name":"partner","Status":"ACTIVE","JoinedMethod":"INVITED","JoinedTimestamp":1704067200}}',
    );
    assert.equal(encodeJsonResponse(orgs, 'LeaveOrganization', undefined), '{}');
  });

  test('modeled errors: short __type, the shape\'s Message key, extra members', () => {
    const notInUse = orgs.error('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
    assert.deepEqual(encodeJsonError(notInUse, orgs), {
      status: 400,
      body: '{"__type":"AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."}',
      headers: { 'x-amzn-ErrorType': 'AWSOrganizationsNotInUseException' },
    });
    const throttled = orgs.error('TooManyRequestsException', 'Slow down', { Type: 'AccountCreation', Ignored: 1 });
    assert.deepEqual(JSON.parse(encodeJsonError(throttled, orgs).body), {
      __type: 'TooManyRequestsException',
      Message: 'Slow down',
      Type: 'AccountCreation',
    });
    const failure = orgs.error('ServiceException', 'oops');
    assert.deepEqual([failure.status, failure.fault], [500, 'Receiver']);
    // Without the model: the code as __type and a lower-case message key.
    assert.equal(encodeJsonError(new AwsError('AccessDeniedException', 'no')).body, '{"__type":"AccessDeniedException","message":"no"}');
  });
});

// ---------------------------------------------------------------------------------------------
// SDK v3 against a bare node:http server that uses the codec (no SigV4 check).

describe('SDK v3 round trip (Organizations)', () => {
  let server: Server;
  let endpoint = '';
  let organizationExists = true;

  const handlers: Record<string, (input: Record<string, unknown>) => Record<string, unknown> | undefined> = {
    DescribeOrganization() {
      if (!organizationExists) {
        throw orgs.error('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
      }
      return {
        Organization: {
          Id: 'o-t194hfs8cz',
          Arn: 'arn:aws:organizations::123456789012:organization/o-t194hfs8cz',
          FeatureSet: 'ALL',
          MasterAccountArn: 'arn:aws:organizations::123456789012:account/o-t194hfs8cz/123456789012',
          MasterAccountId: '123456789012',
          MasterAccountEmail: 'owner@example.com',
          AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      };
    },
    ListAccounts: () => ({
      Accounts: [
        {
          Id: '123456789012',
          Arn: 'arn:aws:organizations::123456789012:account/o-t194hfs8cz/123456789012',
          Name: 'owner',
          Email: 'owner@example.com',
          Status: 'ACTIVE',
          JoinedMethod: 'CREATED',
          JoinedTimestamp: new Date('2024-01-01T00:00:00Z'),
        },
      ],
    }),
    DescribeAccount: (input) => ({ Account: { Id: input.AccountId } }),
  };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const requestId = randomUUID();
        let status = 200;
        let body: string;
        let headers: Record<string, string> = {};
        try {
          const target = req.headers['x-amz-target'];
          const { operation, input } = decodeJsonRequest(orgs, typeof target === 'string' ? target : undefined, Buffer.concat(chunks));
          body = encodeJsonResponse(orgs, operation, handlers[operation]!(input));
        } catch (err) {
          const e = err instanceof AwsError ? err : new AwsError('ServiceException', String(err), 500);
          ({ status, body, headers } = encodeJsonError(e, orgs));
        }
        res.writeHead(status, { 'Content-Type': jsonContentType(orgs), 'x-amzn-RequestId': requestId, ...headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new OrganizationsClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });

  test('DescribeOrganization and ListAccounts parse into the expected objects', async () => {
    organizationExists = true;
    const out = await client().send(new DescribeOrganizationCommand({}));
    assert.deepEqual(out.Organization, {
      Id: 'o-t194hfs8cz',
      Arn: 'arn:aws:organizations::123456789012:organization/o-t194hfs8cz',
      FeatureSet: 'ALL',
      MasterAccountArn: 'arn:aws:organizations::123456789012:account/o-t194hfs8cz/123456789012',
      MasterAccountId: '123456789012',
      MasterAccountEmail: 'owner@example.com',
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    });
    assert.equal(out.$metadata.httpStatusCode, 200);
    const accounts = await client().send(new ListAccountsCommand({}));
    assert.ok(accounts.Accounts?.[0]?.JoinedTimestamp instanceof Date);
    assert.equal(accounts.Accounts[0].JoinedTimestamp.toISOString(), '2024-01-01T00:00:00.000Z');
  });

  test('a modeled error becomes its exception class', async () => {
    organizationExists = false;
    await assert.rejects(client().send(new DescribeOrganizationCommand({})), (err: unknown) => {
      assert.ok(err instanceof AWSOrganizationsNotInUseException);
      assert.equal(err.message, 'Your account is not a member of an organization.');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
    organizationExists = true;
  });

  test('a constraint violation becomes InvalidInputException with its Reason', async () => {
    await assert.rejects(client().send(new DescribeAccountCommand({ AccountId: '123' })), (err: unknown) => {
      assert.ok(err instanceof InvalidInputException);
      assert.equal(err.message, 'You provided a value that does not match the required pattern.');
      assert.equal(err.Reason, 'INVALID_PATTERN');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });
});
