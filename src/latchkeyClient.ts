// How the `latchkey` commands call a running server's own endpoints (`/_latchkey/…`): signed
// with SigV4 like any AWS request, with a profile of the server's generated credentials file,
// so what they show is what that identity may see.

import fs from 'node:fs';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ProfileCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Every profile with keys in an AWS shared credentials file (the state directory's `credentials`). */
export function readProfiles(file: string): Record<string, ProfileCredentials> {
  const profiles: Record<string, Partial<ProfileCredentials>> = {};
  let current: Partial<ProfileCredentials> | undefined;
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    const section = /^\[(.+)\]$/.exec(line);
    if (section) profiles[section[1]!] = current = {};
    const kv = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (!kv || !current) continue;
    if (kv[1] === 'aws_access_key_id') current.accessKeyId = kv[2]!;
    if (kv[1] === 'aws_secret_access_key') current.secretAccessKey = kv[2]!;
  }
  return Object.fromEntries(Object.entries(profiles).filter((e): e is [string, ProfileCredentials] => !!e[1].accessKeyId && !!e[1].secretAccessKey));
}

export function readProfile(file: string, profile: string): ProfileCredentials {
  const found = readProfiles(file)[profile];
  if (!found) throw new Error(`no profile [${profile}] with keys in ${file}`);
  return found;
}

/** The credentials file a command uses: AWS_SHARED_CREDENTIALS_FILE, else the state directory's. */
export function credentialsFile(stateDir: string): string {
  return process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(path.resolve(stateDir), 'credentials');
}

/** The file in the state directory that holds the URL a running server listens on. */
export const ENDPOINT_FILE = 'endpoint';

/** The URL of the server running on a state directory, as it wrote it at start-up. */
export function serverEndpoint(stateDir: string): string {
  const file = path.join(path.resolve(stateDir), ENDPOINT_FILE);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no Latchkey server is running on ${stateDir} (${file} is missing): start one with latchkey serve --state-dir ${stateDir}, or give --endpoint`);
  }
}

/** fetch, with a failure to connect reported as one line naming the URL tried. */
export async function fetchLatchkey(url: URL | string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach Latchkey at ${String(url)}: ${cause?.code ?? cause?.message ?? String(e)}`);
  }
}

/** GET a Latchkey endpoint, signed for `service` (the AWS service whose action authorizes it). */
export async function signedGet(endpoint: string, pathname: string, credentials: ProfileCredentials, service: string): Promise<Response> {
  const url = new URL(pathname, endpoint);
  const request = new HttpRequest({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host },
  });
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service, sha256: Sha256 });
  const signed = await signer.sign(request);
  const { host: _host, ...headers } = signed.headers;
  return fetchLatchkey(url, { headers });
}
