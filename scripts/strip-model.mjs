#!/usr/bin/env node
// Writes src/aws/models/<service>.json: an AWS service model (botocore's service-2.json) with
// the documentation strings removed (docs/design.md, principle 3). Everything else (operations,
// shapes, constraints, metadata) is kept as published, in the published order.
//
//   node scripts/strip-model.mjs <service> <service-2.json[.gz]> [<service> <file> …]
//   node scripts/strip-model.mjs --defaults <reference-dir>
//       iam, sts and lambda from the reference shelf's models/; organizations, logs and sqs
//       from botocore 1.43.11 ($BOTOCORE_DATA)

import console from 'node:console';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src', 'aws', 'models');

const DROP = new Set(['documentation', 'documentationUrl', 'examples']);

const defaults = (reference) => [
  ['iam', join(reference, 'models', 'iam-2010-05-08.service-2.botocore-1.43.11.json')],
  ['sts', join(reference, 'models', 'sts-2011-06-15.service-2.botocore-1.43.11.json')],
  ['lambda', join(reference, 'models', 'lambda-2015-03-31.service-2.botocore-1.43.11.json')],
  // botocore 1.43.11's own copy (python3 -c 'import botocore, os; print(os.path.dirname(botocore.__file__))').
  ['organizations', join(process.env.BOTOCORE_DATA ?? '', 'organizations', '2016-11-28', 'service-2.json.gz')],
  ['logs', join(process.env.BOTOCORE_DATA ?? '', 'logs', '2014-03-28', 'service-2.json.gz')],
  ['sqs', join(process.env.BOTOCORE_DATA ?? '', 'sqs', '2012-11-05', 'service-2.json.gz')],
];

/** `parent` is the key holding `value`: under `members` the keys are member names, never dropped. */
function strip(value, parent = '') {
  if (Array.isArray(value)) return value.map((item) => strip(item));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    if (parent !== 'members' && DROP.has(key)) continue;
    out[key] = strip(child, key);
  }
  return out;
}

/**
 * Where AWS's answers show the service validating with a newer constraint than the published
 * model, the recording wins (docs/design.md). Lambda now accepts `eusc-` regions and quotes its
 * region patterns as `(eusc-)?[a-z]{2}((-gov)|…` in ValidationException messages (every
 * functionName, resource and layer ARN error in reference/aws-recordings).
 */
const REGION = '[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}';
/**
 * Operations AWS added after the botocore release the reference models come from: the
 * JSON resource policies of 2026 (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy).
 * Routes, members and errors as @aws-sdk/client-lambda 3.1164 has them; lengths and patterns as
 * the API reference states them (docs.aws.amazon.com/lambda/latest/api/API_PutResourcePolicy.html,
 * API_GetResourcePolicy.html, API_DeleteResourcePolicy.html).
 */
function addResourcePolicyOperations(model) {
  const path = '/2026-07-09/resource-policy/{ResourceArn}';
  const errors = (...names) => names.map((shape) => ({ shape }));
  const arn = { shape: 'ResourcePolicyResourceArn', location: 'uri', locationName: 'ResourceArn' };
  Object.assign(model.shapes, {
    ResourcePolicyResourceArn: {
      type: 'string', max: 256, min: 0,
      pattern: String.raw`arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_])+)?`,
    },
    ResourcePolicyDocument: { type: 'string', max: 20480, min: 1, pattern: String.raw`[\s\S]+` },
    ResourcePolicyRevisionId: { type: 'string', max: 36, min: 36, pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' },
    PutResourcePolicyRequest: {
      type: 'structure', required: ['ResourceArn', 'Policy'],
      members: { ResourceArn: arn, Policy: { shape: 'ResourcePolicyDocument' }, RevisionId: { shape: 'ResourcePolicyRevisionId' } },
    },
    PutResourcePolicyResponse: { type: 'structure', members: { Policy: { shape: 'ResourcePolicyDocument' }, RevisionId: { shape: 'ResourcePolicyRevisionId' } } },
    GetResourcePolicyRequest: { type: 'structure', required: ['ResourceArn'], members: { ResourceArn: arn } },
    GetResourcePolicyResponse: { type: 'structure', members: { Policy: { shape: 'ResourcePolicyDocument' }, RevisionId: { shape: 'ResourcePolicyRevisionId' } } },
    DeleteResourcePolicyRequest: {
      type: 'structure', required: ['ResourceArn'],
      members: { ResourceArn: arn, RevisionId: { shape: 'ResourcePolicyRevisionId', location: 'querystring', locationName: 'RevisionId' } },
    },
    PublicPolicyException: {
      type: 'structure', members: { Type: { shape: 'String' }, Message: { shape: 'String' } },
      error: { httpStatusCode: 400, senderFault: true }, exception: true,
    },
  });
  Object.assign(model.operations, {
    PutResourcePolicy: {
      name: 'PutResourcePolicy', http: { method: 'PUT', requestUri: path, responseCode: 200 },
      input: { shape: 'PutResourcePolicyRequest' }, output: { shape: 'PutResourcePolicyResponse' },
      errors: errors('InvalidParameterValueException', 'PolicyLengthExceededException', 'PreconditionFailedException', 'PublicPolicyException',
        'ResourceConflictException', 'ResourceNotFoundException', 'ServiceException', 'TooManyRequestsException'),
    },
    GetResourcePolicy: {
      name: 'GetResourcePolicy', http: { method: 'GET', requestUri: path, responseCode: 200 },
      input: { shape: 'GetResourcePolicyRequest' }, output: { shape: 'GetResourcePolicyResponse' },
      errors: errors('InvalidParameterValueException', 'ResourceNotFoundException', 'ServiceException', 'TooManyRequestsException'),
    },
    DeleteResourcePolicy: {
      name: 'DeleteResourcePolicy', http: { method: 'DELETE', requestUri: path, responseCode: 204 },
      input: { shape: 'DeleteResourcePolicyRequest' },
      errors: errors('InvalidParameterValueException', 'PreconditionFailedException', 'ResourceConflictException', 'ResourceNotFoundException',
        'ServiceException', 'TooManyRequestsException'),
    },
  });
}

const RECORDED_FIXES = {
  lambda(model) {
    addResourcePolicyOperations(model);
    for (const shape of Object.values(model.shapes)) {
      if (typeof shape.pattern === 'string' && shape.pattern.includes(REGION) && !shape.pattern.includes('(eusc-)?')) {
        shape.pattern = shape.pattern.split(REGION).join(`(eusc-)?${REGION}`);
      }
    }
    // Patterns and the runtime enum exactly as AWS quotes them in its 2025-11 errors
    // (test_lambda_api.snapshot.json: tag, layer and ListLayers validation cases).
    model.shapes.TaggableResource.pattern = String.raw`arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)`;
    // …and a layer version ARN of up to 2048 characters in the `layers` list (its only recorded length).
    model.shapes.LayerVersionArn.max = 2048;
    model.shapes.LayerVersionArn.pattern = String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`;
    model.shapes.Runtime.enum = [
      'ruby3.5', 'ruby2.6', 'dotnetcore1.0', 'python3.7', 'nodejs8.10', 'nasa', 'ruby2.7', 'python2.7-greengrass', 'dotnetcore2.0',
      'python3.8', 'java21', 'dotnet6', 'dotnetcore2.1', 'python3.9', 'java11', 'nodejs6.10', 'provided', 'dotnetcore3.1', 'dotnet8',
      'java25', 'java17', 'nodejs', 'nodejs4.3', 'java8.al2', 'go1.x', 'dotnet10', 'nodejs20.x', 'go1.9', 'byol', 'nodejs10.x',
      'provided.al2023', 'nodejs22.x', 'python3.10', 'java8', 'nodejs12.x', 'python3.11', 'nodejs24.x', 'nodejs8.x', 'python3.12',
      'nodejs14.x', 'nodejs8.9', 'nodejs26.x', 'python3.13', 'python3.14', 'nodejs16.x', 'python3.15', 'provided.al2',
      'nodejs4.3-edge', 'nodejs18.x', 'ruby3.2', 'python3.4', 'ruby3.3', 'ruby3.4', 'ruby2.5', 'python3.6', 'python2.7',
    ];
  },
};

function load(file) {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

const args = process.argv.slice(2);
const jobs = args[0] === '--defaults' && args[1] ? defaults(args[1]) : [];
if (jobs.length === 0) {
  if (args.length === 0 || args.length % 2 !== 0 || args[0] === '--defaults') {
    console.error('usage: node scripts/strip-model.mjs <service> <service-2.json[.gz]> … | --defaults <reference-dir> (BOTOCORE_DATA=<botocore>/data)');
    process.exit(2);
  }
  for (let i = 0; i < args.length; i += 2) jobs.push([args[i], args[i + 1]]);
}

mkdirSync(outDir, { recursive: true });
for (const [service, file] of jobs) {
  const model = strip(load(file));
  RECORDED_FIXES[service]?.(model);
  if (!model.metadata || !model.operations || !model.shapes) {
    console.error(`${file}: not a service model`);
    process.exit(1);
  }
  const target = join(outDir, `${service}.json`);
  // One shape or operation per line: small, and diffs stay readable when a model is updated.
  const lines = ['{'];
  const keys = Object.keys(model);
  keys.forEach((key, k) => {
    const comma = k < keys.length - 1 ? ',' : '';
    const value = model[key];
    if ((key === 'operations' || key === 'shapes') && value && typeof value === 'object') {
      lines.push(`${JSON.stringify(key)}:{`);
      const entries = Object.entries(value);
      entries.forEach(([name, item], i) =>
        lines.push(`${JSON.stringify(name)}:${JSON.stringify(item)}${i < entries.length - 1 ? ',' : ''}`),
      );
      lines.push(`}${comma}`);
    } else {
      lines.push(`${JSON.stringify(key)}:${JSON.stringify(value)}${comma}`);
    }
  });
  lines.push('}');
  const text = lines.join('\n') + '\n';
  JSON.parse(text); // guard: the file must stay valid JSON
  writeFileSync(target, text);
  console.log(`${service}: ${Object.keys(model.operations).length} operations, ${Object.keys(model.shapes).length} shapes -> ${target} (${text.length} bytes)`);
}
