// Function specs for runtime tests: a zip built from text files (with Unix modes where given)
// and the FunctionSpec the RuntimeManager takes, with test credentials.

import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import type { FunctionSpec } from '../../src/runtime/index.js';

export const ACCOUNT = '123456789012';

export type Files = Record<string, string | { data: string; mode: number }>;

export function zip(files: Files): Buffer {
  const z: Zippable = {};
  for (const [name, f] of Object.entries(files)) {
    z[name] = typeof f === 'string'
      ? new TextEncoder().encode(f)
      : [new TextEncoder().encode(f.data), { os: 3, attrs: (0o100000 | f.mode) << 16 }];
  }
  return Buffer.from(zipSync(z));
}

/** How many times any spec's code was fetched (the manager should unpack each sha once). */
export const fetches = { code: 0 };

export function fn(name: string, files: Files, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const body = zip(files);
  return {
    functionArn: `arn:aws:lambda:us-east-2:${ACCOUNT}:function:${name}`,
    functionName: name,
    version: '$LATEST',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    memorySize: 128,
    timeout: 3,
    environment: {},
    codeSha256: createHash('sha256').update(body).digest('base64'),
    code: async () => { fetches.code++; return body; },
    layers: [],
    region: 'us-east-2',
    logging: { group: `/aws/lambda/${name}`, format: 'Text' },
    credentials: async () => ({ accessKeyId: 'ASIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret/key', sessionToken: 'token+session' }),
    endpointUrl: 'http://127.0.0.1:4570',
    ...overrides,
  };
}
