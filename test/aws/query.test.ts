// The awsQuery codec (src/aws/query.ts) against the captures in
// reference/raw-requests.md (IAM and STS, CLI v2 and SDK v3) and the shapes in
// reference/iam-sts-wire.md §1–§3.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  IAMClient,
  IAMServiceException,
  ListRolesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';

import { AwsError } from '../../src/aws/errors.js';
import { iamModel, stsModel, ServiceModel, type ModelFile } from '../../src/aws/model.js';
import {
  AWS_FAULT_NAMESPACE,
  QUERY_CONTENT_TYPE,
  QueryRedirect,
  decodeQueryRequest,
  encodeQueryError,
  encodeQueryResponse,
  escapeXml,
  rfc3986,
} from '../../src/aws/query.js';
import { thrown } from '../support/thrown.js';

const iam = iamModel();
const sts = stsModel();

const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const TRUST_ENCODED =
  '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D';

function decode(model: ServiceModel, body: string) {
  return decodeQueryRequest(model, new URLSearchParams(body));
}

describe('decodeQueryRequest: captured requests', () => {
  test('CLI v2 iam create-role (path, description with +, tags)', () => {
    const body =
      'Action=CreateRole&Version=2010-05-08&Path=%2Fservice-role%2F&RoleName=demo&AssumeRolePolicyDocument=' +
      TRUST_ENCODED +
      '&Description=demo+role&Tags.member.1.Key=team&Tags.member.1.Value=a';
    assert.deepEqual(decode(iam, body), {
      operation: 'CreateRole',
      input: {
        Path: '/service-role/',
        RoleName: 'demo',
        AssumeRolePolicyDocument: TRUST,
        Description: 'demo role',
        Tags: [{ Key: 'team', Value: 'a' }],
      },
    });
  });

  test('SDK v3 CreateRole', () => {
    const body = `Action=CreateRole&Version=2010-05-08&RoleName=demo&AssumeRolePolicyDocument=${TRUST_ENCODED}`;
    assert.deepEqual(decode(iam, body).input, { RoleName: 'demo', AssumeRolePolicyDocument: TRUST });
  });

  test('CLI v2 simulate-principal-policy: lists and nested lists', () => {
    const body =
      'Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice' +
      '&ActionNames.member.1=lambda%3AInvokeFunction&ActionNames.member.2=lambda%3AGetFunction' +
      '&ResourceArns.member.1=arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Amy-function' +
      '&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1' +
      '&ContextEntries.member.1.ContextKeyType=ip';
    assert.deepEqual(decode(iam, body), {
      operation: 'SimulatePrincipalPolicy',
      input: {
        PolicySourceArn: 'arn:aws:iam::123456789012:user/alice',
        ActionNames: ['lambda:InvokeFunction', 'lambda:GetFunction'],
        ResourceArns: ['arn:aws:lambda:us-east-2:123456789012:function:my-function'],
        ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.0.0.1'], ContextKeyType: 'ip' }],
      },
    });
  });

  test('SDK v3 SimulateCustomPolicy: a list of policy documents', () => {
    const body =
      'Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22lambda%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D&ActionNames.member.1=lambda%3AInvokeFunction';
    assert.deepEqual(decode(iam, body).input, {
      PolicyInputList: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}'],
      ActionNames: ['lambda:InvokeFunction'],
    });
  });

  test('CLI v2 attach-role-policy, create-user, list-roles', () => {
    assert.deepEqual(
      decode(
        iam,
        'Action=AttachRolePolicy&Version=2010-05-08&RoleName=demo&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Fservice-role%2FAWSLambdaBasicExecutionRole',
      ).input,
      { RoleName: 'demo', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
    );
    assert.deepEqual(decode(iam, 'Action=CreateUser&Version=2010-05-08&UserName=alice'), {
      operation: 'CreateUser',
      input: { UserName: 'alice' },
    });
    assert.deepEqual(decode(iam, 'Action=ListRoles&Version=2010-05-08'), { operation: 'ListRoles', input: {} });
  });

  test('STS get-caller-identity and assume-role (integers)', () => {
    assert.deepEqual(decode(sts, 'Action=GetCallerIdentity&Version=2011-06-15'), {
      operation: 'GetCallerIdentity',
      input: {},
    });
    assert.deepEqual(
      decode(
        sts,
        'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&DurationSeconds=900',
      ).input,
      { RoleArn: 'arn:aws:iam::123456789012:role/demo', RoleSessionName: 's1', DurationSeconds: 900 },
    );
  });

  test('STS PolicyArns.member.N.arn (lower-case arn) and tags', () => {
    const body =
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1' +
      '&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess' +
      '&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp' +
      '&Tags.member.1.Key=k&Tags.member.1.Value=v&TransitiveTagKeys.member.1=k';
    assert.deepEqual(decode(sts, body).input, {
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      RoleSessionName: 's1',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { arn: 'arn:aws:iam::123456789012:policy/p' }],
      Tags: [{ Key: 'k', Value: 'v' }],
      TransitiveTagKeys: ['k'],
    });
  });
});

describe('decodeQueryRequest: rules', () => {
  test('list elements are ordered by number, not by position in the form', () => {
    const body =
      'Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%7D' +
      '&ActionNames.member.10=s3%3Aa10&ActionNames.member.2=s3%3Aa2&ActionNames.member.1=s3%3Aa1';
    assert.deepEqual(decode(iam, body).input.ActionNames, ['s3:a1', 's3:a2', 's3:a10']);
  });

  test('an empty list is sent as `Name=`', () => {
    const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&PolicyArns=';
    assert.deepEqual(decode(sts, body).input.PolicyArns, []);
  });

  test('booleans', () => {
    const body =
      'Action=CreatePolicyVersion&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp&PolicyDocument=%7B%7D&SetAsDefault=true';
    assert.equal(decode(iam, body).input.SetAsDefault, true);
    assert.equal(decode(iam, body.replace('=true', '=false')).input.SetAsDefault, false);
    const err = thrown(() => decode(iam, body.replace('=true', '=yes')));
    assert.equal(err.code, 'MalformedInput');
  });

  test('of a repeated parameter the first wins; unknown parameters are ignored', () => {
    const role = 'arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo';
    const ok = decode(sts, `Action=AssumeRole&Version=2011-06-15&RoleArn=${role}&RoleArn=x&RoleSessionName=s1&Unknown=value`);
    assert.equal(ok.input.RoleArn, 'arn:aws:iam::123456789012:role/demo');
    assert.equal('Unknown' in ok.input, false);
    const bad = thrown(() => decode(sts, `Action=AssumeRole&Version=2011-06-15&RoleArn=not-an-arn&RoleArn=${role}&RoleSessionName=s1`));
    assert.equal(
      bad.message,
      "1 validation error detected: Value 'not-an-arn' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    assert.equal(decode(sts, 'Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15').operation, 'GetCallerIdentity');
  });

  test('integers: +900 and 0900 are 900; other spellings are MalformedInput', () => {
    const base = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&DurationSeconds=';
    assert.equal(decode(sts, `${base}%2B900`).input.DurationSeconds, 900);
    assert.equal(decode(sts, `${base}0900`).input.DurationSeconds, 900);
    const empty = thrown(() => decode(sts, base));
    assert.deepEqual([empty.code, empty.status, empty.message], ['MalformedInput', 400, 'missing value for decimal type']);
    for (const v of ['abc', '900.0', '2147483648', '-2147483649']) {
      const err = thrown(() => decode(sts, base + v));
      assert.deepEqual([err.code, err.status, err.message], ['MalformedInput', 400, ''], v);
    }
    const low = thrown(() => decode(sts, `${base}-2147483648`));
    assert.equal(
      low.message,
      "1 validation error detected: Value '-2147483648' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  test('constraint violations become ValidationError (400, Sender)', () => {
    const err = thrown(() => decode(iam, 'Action=GetRole&Version=2010-05-08&RoleName=a+b'));
    assert.equal(err.code, 'ValidationError');
    assert.equal(err.status, 400);
    assert.equal(
      err.message,
      "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    const missing = thrown(() => decode(iam, 'Action=GetRole&Version=2010-05-08'));
    assert.equal(
      missing.message,
      "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    );
    // validation can be left to the caller
    assert.deepEqual(decodeQueryRequest(iam, new URLSearchParams('Action=GetRole&Version=2010-05-08'), { validate: false }).input, {});
  });

  test('unknown action, missing or wrong version: InvalidAction', () => {
    const cases: [string, string][] = [
      ['Action=NoSuchAction&Version=2011-06-15', 'Could not find operation NoSuchAction for version 2011-06-15'],
      ['Action=GetCallerIdentity', 'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED'],
      ['Action=GetCallerIdentity&Version=', 'Could not find operation GetCallerIdentity for version '],
      ['Action=GetCallerIdentity&Version=2000-01-01', 'Could not find operation GetCallerIdentity for version 2000-01-01'],
      ['Action=&Version=2011-06-15', 'Could not find operation  for version 2011-06-15'],
      ['Action=NoSuchAction&Action=GetCallerIdentity&Version=2011-06-15', 'Could not find operation NoSuchAction for version 2011-06-15'],
      // an IAM action sent to STS
      ['Action=GetRole&Version=2011-06-15&RoleName=x', 'Could not find operation GetRole for version 2011-06-15'],
    ];
    for (const [body, message] of cases) {
      const err = thrown(() => decode(sts, body));
      assert.deepEqual([err.code, err.status, err.fault, err.message], ['InvalidAction', 400, 'Sender', message], body);
    }
  });

  test('no Action at all: a redirect', () => {
    const err = thrown(() => decode(sts, 'Version=2011-06-15'));
    assert.ok(err instanceof QueryRedirect);
    assert.deepEqual(encodeQueryError(sts, err, 'r'), {
      status: 302,
      body: '',
      headers: { Location: 'https://aws.amazon.com/iam' },
    });
    const get = thrown(() =>
      decodeQueryRequest(sts, new URLSearchParams('Version=2011-06-15'), { rawQuery: 'Version=2011-06-15' }),
    );
    assert.equal(encodeQueryError(sts, get, 'r').headers.Location, 'https://aws.amazon.com/iam?Version=2011-06-15');
  });
});

describe('decodeQueryRequest: maps, flattened lists, blobs, timestamps (a small model)', () => {
  const file: ModelFile = {
    metadata: {
      apiVersion: '2020-01-01',
      protocol: 'query',
      endpointPrefix: 'demo',
      serviceId: 'Demo',
      xmlNamespace: 'https://demo.amazonaws.com/doc/2020-01-01/',
    },
    operations: {
      Put: {
        name: 'Put',
        input: { shape: 'PutRequest' },
        output: { shape: 'PutResponse', resultWrapper: 'PutResult' },
      },
    },
    shapes: {
      PutRequest: {
        type: 'structure',
        members: {
          Attributes: { shape: 'AttributeMap' },
          Flat: { shape: 'FlatList' },
          Data: { shape: 'Blob' },
          When: { shape: 'Time' },
          Ratio: { shape: 'Double' },
          Nested: { shape: 'Inner' },
        },
      },
      PutResponse: {
        type: 'structure',
        members: { Attributes: { shape: 'AttributeMap' }, When: { shape: 'Time' }, Data: { shape: 'Blob' }, Flat: { shape: 'FlatList' } },
      },
      Inner: { type: 'structure', members: { Name: { shape: 'Str', locationName: 'name' } } },
      AttributeMap: { type: 'map', key: { shape: 'Str', locationName: 'Name' }, value: { shape: 'Str', locationName: 'Value' } },
      FlatList: { type: 'list', member: { shape: 'Str' }, flattened: true },
      Str: { type: 'string' },
      Blob: { type: 'blob' },
      Time: { type: 'timestamp' },
      Double: { type: 'double' },
    },
  };
  const demo = new ServiceModel('demo', file);

  test('decodes every kind', () => {
    const body =
      'Action=Put&Version=2020-01-01&Attributes.entry.1.Name=a&Attributes.entry.1.Value=1&Attributes.entry.2.Name=b&Attributes.entry.2.Value=2' +
      '&Flat.1=x&Flat.2=y&Data=aGVsbG8%3D&When=2024-01-01T00%3A00%3A00Z&Ratio=0.5&Nested.name=n';
    const { input } = decode(demo, body);
    assert.deepEqual(input.Attributes, { a: '1', b: '2' });
    assert.deepEqual(input.Flat, ['x', 'y']);
    assert.equal(Buffer.from(input.Data as Uint8Array).toString(), 'hello');
    assert.equal((input.When as Date).toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(input.Ratio, 0.5);
    assert.deepEqual(input.Nested, { Name: 'n' });
  });

  test('encodes maps as entry/key/value, flattened lists inline, blobs base64', () => {
    const xml = encodeQueryResponse(
      demo,
      'Put',
      { Attributes: { a: '1' }, When: new Date('2024-01-01T00:00:00.500Z'), Data: Buffer.from('hi'), Flat: ['x', 'y'] },
      'r',
    );
    assert.equal(
      xml,
      [
        '<PutResponse xmlns="https://demo.amazonaws.com/doc/2020-01-01/">',
        '  <PutResult>',
        '    <Attributes>',
        '      <entry>',
        '        <Name>a</Name>',
        '        <Value>1</Value>',
        '      </entry>',
        '    </Attributes>',
        '    <When>2024-01-01T00:00:00Z</When>',
        '    <Data>aGk=</Data>',
        '    <Flat>x</Flat>',
        '    <Flat>y</Flat>',
        '  </PutResult>',
        '  <ResponseMetadata>',
        '    <RequestId>r</RequestId>',
        '  </ResponseMetadata>',
        '</PutResponse>',
        '',
      ].join('\n'),
    );
  });
});

describe('encodeQueryResponse', () => {
  test('CreateRole as documented (§2), with the trust policy URL-encoded', () => {
    const xml = encodeQueryResponse(
      iam,
      'CreateRole',
      {
        Role: {
          Path: '/',
          RoleName: 'demo',
          RoleId: 'AROAEXAMPLEROLEID0001',
          Arn: 'arn:aws:iam::123456789012:role/demo',
          CreateDate: new Date('2024-01-01T00:00:00Z'),
          AssumeRolePolicyDocument: TRUST,
          Ignored: 'not in the model',
        },
      },
      '924147c7-b503-4b2f-8ccb-86cd2eb0f512',
    );
    assert.equal(
      xml,
      `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateRoleResult>
    <Role>
      <Path>/</Path>
      <RoleName>demo</RoleName>
      <RoleId>AROAEXAMPLEROLEID0001</RoleId>
      <Arn>arn:aws:iam::123456789012:role/demo</Arn>
      <CreateDate>2024-01-01T00:00:00Z</CreateDate>
      <AssumeRolePolicyDocument>${TRUST_ENCODED}</AssumeRolePolicyDocument>
    </Role>
  </CreateRoleResult>
  <ResponseMetadata>
    <RequestId>924147c7-b503-4b2f-8ccb-86cd2eb0f512</RequestId>
  </ResponseMetadata>
</CreateRoleResponse>
`,
    );
  });

  test('operations without output: only ResponseMetadata', () => {
    assert.equal(
      encodeQueryResponse(iam, 'DeleteRole', undefined, 'r1'),
      '<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <ResponseMetadata>\n    <RequestId>r1</RequestId>\n  </ResponseMetadata>\n</DeleteRoleResponse>\n',
    );
  });

  test('GetCallerIdentity in the order AWS sends it (Arn, UserId, Account)', () => {
    const xml = encodeQueryResponse(
      sts,
      'GetCallerIdentity',
      { UserId: 'AIDAEXAMPLEUSERID0001', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' },
      '73bbc3e4-e031-4e89-86f8-a4ace3b22974',
    );
    assert.equal(
      xml,
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLEUSERID0001</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>73bbc3e4-e031-4e89-86f8-a4ace3b22974</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`,
    );
  });

  test('AssumeRole: AssumedRoleUser before Credentials, integer and timestamp', () => {
    const xml = encodeQueryResponse(
      sts,
      'AssumeRole',
      {
        Credentials: {
          AccessKeyId: 'ASIATEMPEXAMPLE',
          SecretAccessKey: 'tempsecret',
          SessionToken: 'FQoGZXIvYXdzEXAMPLETOKEN',
          Expiration: '2030-01-01T00:00:00.000Z',
        },
        AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLEROLEID0001:s1', Arn: 'arn:aws:sts::123456789012:assumed-role/demo/s1' },
        PackedPolicySize: 6,
      },
      'd80ebefd-b07f-46b9-b77c-34473aa9eb6a',
    );
    assert.equal(
      xml,
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLEROLEID0001:s1</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIATEMPEXAMPLE</AccessKeyId>
      <SecretAccessKey>tempsecret</SecretAccessKey>
      <SessionToken>FQoGZXIvYXdzEXAMPLETOKEN</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>d80ebefd-b07f-46b9-b77c-34473aa9eb6a</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`,
    );
  });

  test('lists as <member>, empty lists self-closed, booleans, null members omitted', () => {
    const xml = encodeQueryResponse(iam, 'ListRolePolicies', { PolicyNames: ['a', 'b'], IsTruncated: false, Marker: null }, 'r');
    assert.match(xml, /<PolicyNames>\n {6}<member>a<\/member>\n {6}<member>b<\/member>\n {4}<\/PolicyNames>\n {4}<IsTruncated>false<\/IsTruncated>\n {2}<\/ListRolePoliciesResult>/);
    assert.doesNotMatch(xml, /Marker/);
    const empty = encodeQueryResponse(iam, 'ListRoles', { Roles: [], IsTruncated: false }, 'r');
    assert.match(empty, /<ListRolesResult>\n {4}<Roles\/>\n {4}<IsTruncated>false<\/IsTruncated>\n {2}<\/ListRolesResult>/);
    assert.match(encodeQueryResponse(iam, 'ListRoles', undefined, 'r'), /^ {2}<ListRolesResult\/>$/m);
  });

  test('simulation results: nested structures, lists, maps as <entry>', () => {
    const xml = encodeQueryResponse(
      iam,
      'SimulatePrincipalPolicy',
      {
        EvaluationResults: [
          {
            EvalActionName: 'lambda:InvokeFunction',
            EvalResourceName: '*',
            EvalDecision: 'allowed',
            MatchedStatements: [
              { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 40 } },
            ],
            MissingContextValues: [],
            EvalDecisionDetails: { 'IAM Policy': 'allowed' },
          },
        ],
        IsTruncated: false,
      },
      'r',
    );
    assert.match(xml, /<SourcePolicyType>IAM Policy<\/SourcePolicyType>\n {12}<StartPosition>\n {14}<Line>1<\/Line>\n {14}<Column>40<\/Column>/);
    assert.match(xml, /<MissingContextValues\/>/);
    assert.match(xml, /<EvalDecisionDetails>\n {10}<entry>\n {12}<key>IAM Policy<\/key>\n {12}<value>allowed<\/value>\n {10}<\/entry>/);
  });

  test('policy documents: RFC 3986 (space %20, * %2A); other strings XML-escaped', () => {
    const doc = `{"Statement":[{"Sid":"it's (x)!","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"k":"a b&<c>"}}}]}`;
    const xml = encodeQueryResponse(
      iam,
      'GetRolePolicy',
      { RoleName: 'demo', PolicyName: 'a&b<c>', PolicyDocument: JSON.parse(doc) },
      'r',
    );
    assert.match(xml, /<PolicyName>a&amp;b&lt;c&gt;<\/PolicyName>/);
    const encoded = /<PolicyDocument>(.*)<\/PolicyDocument>/.exec(xml)![1]!;
    assert.equal(decodeURIComponent(encoded), doc);
    assert.doesNotMatch(encoded, /[*'()! &<>]/);
    assert.match(encoded, /%2A/);
    assert.equal(rfc3986("a b*'()!~._-"), "a%20b%2A%27%28%29%21~._-");
    assert.equal(escapeXml('a&b<c>"\'\r'), 'a&amp;b&lt;c&gt;"\'&#xD;');
  });

  test('timestamps: Date, ISO string or epoch seconds; whole seconds', () => {
    for (const when of [new Date('2024-05-06T07:08:09.123Z'), '2024-05-06T07:08:09.123Z', 1714979289.123]) {
      const xml = encodeQueryResponse(iam, 'GetUser', { User: { Path: '/', UserName: 'u', UserId: 'AIDA', Arn: 'a', CreateDate: when } }, 'r');
      assert.match(xml, /<CreateDate>2024-05-06T07:08:09Z<\/CreateDate>/);
    }
  });
});

describe('encodeQueryError', () => {
  test('NoSuchEntity exactly as captured', () => {
    const err = iam.error('NoSuchEntity', 'The role with name missing cannot be found.');
    assert.equal(err.status, 404);
    assert.deepEqual(encodeQueryError(iam, err, 'a12546a4-a4aa-4fc4-9206-0b346dd4e7bd'), {
      status: 404,
      headers: {},
      body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>NoSuchEntity</Code>
    <Message>The role with name missing cannot be found.</Message>
  </Error>
  <RequestId>a12546a4-a4aa-4fc4-9206-0b346dd4e7bd</RequestId>
</ErrorResponse>
`,
    });
  });

  test('Receiver faults, escaping, and the model statuses', () => {
    const err = iam.error('ServiceFailure', 'x < y');
    const { status, body } = encodeQueryError(iam, err, 'r');
    assert.equal(status, 500);
    assert.match(body, /<Type>Receiver<\/Type>\n {4}<Code>ServiceFailure<\/Code>\n {4}<Message>x &lt; y<\/Message>/);
    assert.equal(iam.error('EntityAlreadyExists', 'm').status, 409);
    assert.equal(iam.error('EntityAlreadyExistsException', 'm').code, 'EntityAlreadyExists');
    assert.equal(sts.error('RegionDisabledException', 'm').status, 403);
    assert.equal(sts.error('MalformedPolicyDocument', 'm').status, 400);
  });

  test('InvalidAction uses the AWSFault namespace; MalformedInput may have no message', () => {
    const invalid = thrown(() => decode(sts, 'Action=Nope&Version=2011-06-15'));
    const { status, body } = encodeQueryError(sts, invalid, 'r');
    assert.equal(status, 400);
    assert.ok(body.startsWith(`<ErrorResponse xmlns="${AWS_FAULT_NAMESPACE}">`));
    const malformed = thrown(() =>
      decode(sts, 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&DurationSeconds=abc'),
    );
    assert.equal(
      encodeQueryError(sts, malformed, 'r').body,
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>MalformedInput</Code>
  </Error>
  <RequestId>r</RequestId>
</ErrorResponse>
`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Real clients: SDK v3 IAM and STS against a bare node:http server that decodes with the codec
// and answers with the encoder (no SigV4 check), so the SDK's own parsers judge our bytes.

describe('SDK v3 round trip (IAM, STS)', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  const roles = new Map<string, Record<string, unknown>>();
  const seen: { operation: string; input: Record<string, unknown> }[] = [];
  let server: Server;
  let endpoint = '';

  const handlers: Record<string, (input: Record<string, unknown>) => Record<string, unknown> | undefined> = {
    CreateRole(input) {
      const name = input.RoleName as string;
      const role = {
        Path: (input.Path as string | undefined) ?? '/',
        RoleName: name,
        RoleId: 'AROAEXAMPLEROLEID0001',
        Arn: `arn:aws:iam::123456789012:role${(input.Path as string | undefined) ?? '/'}${name}`,
        CreateDate: new Date('2024-01-01T00:00:00Z'),
        AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
        Description: input.Description,
        MaxSessionDuration: 3600,
        Tags: input.Tags,
      };
      roles.set(name, role);
      return { Role: role };
    },
    GetRole(input) {
      const role = roles.get(input.RoleName as string);
      if (!role) throw iam.error('NoSuchEntity', `The role with name ${String(input.RoleName)} cannot be found.`);
      return { Role: role };
    },
    ListRoles: () => ({ Roles: [...roles.values()], IsTruncated: false }),
    DeleteRole(input) {
      roles.delete(input.RoleName as string);
      return undefined;
    },
    GetCallerIdentity: () => ({
      UserId: 'AIDAEXAMPLEUSERID0001',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/alice',
    }),
    AssumeRole: (input) => ({
      Credentials: {
        AccessKeyId: 'ASIATEMPEXAMPLE12345',
        SecretAccessKey: 'tempsecret',
        SessionToken: 'token',
        Expiration: new Date('2030-01-01T00:00:00Z'),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROAEXAMPLEROLEID0001:${String(input.RoleSessionName)}`,
        Arn: `arn:aws:sts::123456789012:assumed-role/demo/${String(input.RoleSessionName)}`,
      },
      PackedPolicySize: (input.PolicyArns as unknown[] | undefined)?.length ?? 0,
    }),
  };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
        const model = scope === 'sts' ? sts : iam;
        const requestId = randomUUID();
        let status = 200;
        let body: string;
        let headers: Record<string, string> = {};
        try {
          const { operation, input } = decodeQueryRequest(model, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
          seen.push({ operation, input });
          const handler = handlers[operation];
          if (!handler) throw new AwsError('InvalidAction', `not here: ${operation}`);
          body = encodeQueryResponse(model, operation, handler(input), requestId);
        } catch (err) {
          const e = err instanceof AwsError ? err : new AwsError('ServiceFailure', String(err), 500);
          ({ status, body, headers } = encodeQueryError(model, e, requestId));
        }
        res.writeHead(status, { 'Content-Type': QUERY_CONTENT_TYPE, 'x-amzn-RequestId': requestId, ...headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const iamClient = () => new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const stsClient = () => new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

  test('CreateRole with tags and a policy document; GetRole; ListRoles', async () => {
    const client = iamClient();
    const created = await client.send(
      new CreateRoleCommand({
        RoleName: 'demo',
        Path: '/service-role/',
        AssumeRolePolicyDocument: TRUST,
        Description: 'demo role & more',
        Tags: [
          { Key: 'team', Value: 'a' },
          { Key: 'cost center', Value: '' },
        ],
      }),
    );
    assert.deepEqual(seen.at(-1)?.input.Tags, [
      { Key: 'team', Value: 'a' },
      { Key: 'cost center', Value: '' },
    ]);
    assert.equal(seen.at(-1)?.input.AssumeRolePolicyDocument, TRUST);
    const role = created.Role!;
    assert.equal(role.RoleName, 'demo');
    assert.equal(role.Arn, 'arn:aws:iam::123456789012:role/service-role/demo');
    assert.equal(role.Path, '/service-role/');
    assert.equal(role.Description, 'demo role & more');
    assert.equal(role.MaxSessionDuration, 3600);
    assert.ok(role.CreateDate instanceof Date);
    assert.equal(role.CreateDate.toISOString(), '2024-01-01T00:00:00.000Z');
    // SDK v3 hands back the URL-encoded document as it is on the wire.
    assert.equal(role.AssumeRolePolicyDocument, TRUST_ENCODED);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), TRUST);
    assert.deepEqual(role.Tags, [
      { Key: 'team', Value: 'a' },
      { Key: 'cost center', Value: '' },
    ]);
    assert.ok(created.$metadata.requestId);

    const got = await client.send(new GetRoleCommand({ RoleName: 'demo' }));
    assert.equal(got.Role?.RoleId, 'AROAEXAMPLEROLEID0001');

    await client.send(new CreateRoleCommand({ RoleName: 'second', AssumeRolePolicyDocument: '{}' }));
    const listed = await client.send(new ListRolesCommand({}));
    assert.deepEqual(listed.Roles?.map((r) => r.RoleName), ['demo', 'second']);
    assert.equal(listed.IsTruncated, false);
    await client.send(new DeleteRoleCommand({ RoleName: 'second' }));
    await client.send(new DeleteRoleCommand({ RoleName: 'demo' }));
    const empty = await client.send(new ListRolesCommand({}));
    assert.deepEqual(empty.Roles ?? [], []);
  });

  test('errors: NoSuchEntityException with message and status; ValidationError', async () => {
    const client = iamClient();
    await assert.rejects(client.send(new GetRoleCommand({ RoleName: 'missing' })), (err: unknown) => {
      assert.ok(err instanceof NoSuchEntityException);
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.message, 'The role with name missing cannot be found.');
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.$fault, 'client');
      return true;
    });
    await assert.rejects(client.send(new GetRoleCommand({ RoleName: 'a b' })), (err: unknown) => {
      assert.ok(err instanceof IAMServiceException);
      assert.equal(err.name, 'ValidationError');
      assert.equal(
        err.message,
        "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      );
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  test('STS GetCallerIdentity and AssumeRole with PolicyArns', async () => {
    const client = stsClient();
    const me = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '123456789012');
    assert.equal(me.Arn, 'arn:aws:iam::123456789012:user/alice');
    assert.equal(me.UserId, 'AIDAEXAMPLEUSERID0001');

    const assumed = await client.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 's1',
        DurationSeconds: 900,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { arn: 'arn:aws:iam::123456789012:policy/p' }],
      }),
    );
    assert.deepEqual(seen.at(-1), {
      operation: 'AssumeRole',
      input: {
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 's1',
        DurationSeconds: 900,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { arn: 'arn:aws:iam::123456789012:policy/p' }],
      },
    });
    assert.equal(assumed.Credentials?.AccessKeyId, 'ASIATEMPEXAMPLE12345');
    assert.ok(assumed.Credentials?.Expiration instanceof Date);
    assert.equal(assumed.Credentials.Expiration.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/demo/s1');
    assert.equal(assumed.PackedPolicySize, 2);

    await assert.rejects(
      client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/demo', RoleSessionName: 'Session1:2' })),
      (err: unknown) => {
        assert.ok(err instanceof STSServiceException);
        assert.equal(err.name, 'ValidationError');
        assert.equal(err.$metadata.httpStatusCode, 400);
        assert.match(err.message, /at 'roleSessionName' failed to satisfy constraint/);
        return true;
      },
    );
  });
});
