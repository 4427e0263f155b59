// Raw requests signed as the SDK signs them (SigV4 via @smithy/signature-v4), for tests that
// need to tamper with a request or send what no SDK would.

import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { Profile } from './support.js';

export interface Credentials extends Profile {
  sessionToken?: string;
}

export interface RawRequest {
  headers: Record<string, string>;
  body: string | Buffer;
  path: string;
  query: Record<string, string>;
}

export async function signRequest(
  endpoint: string,
  opts: {
    credentials: Credentials;
    body: string | Buffer;
    method?: string;
    service?: string;
    region?: string;
    path?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    at?: Date;
  },
): Promise<RawRequest> {
  const url = new URL(endpoint);
  const request = new HttpRequest({
    method: opts.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: opts.path ?? '/',
    query: opts.query ?? {},
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers, host: url.host },
    body: opts.body,
  });
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'iam',
    sha256: Sha256,
  });
  const s = await signer.sign(request, opts.at ? { signingDate: opts.at } : {});
  return { headers: s.headers as Record<string, string>, body: opts.body, path: opts.path ?? '/', query: opts.query ?? {} };
}

export async function sendRaw(endpoint: string, r: RawRequest) {
  const qs = new URLSearchParams(r.query).toString();
  const { host: _host, ...headers } = r.headers;
  const res = await fetch(`${endpoint}${r.path}${qs ? `?${qs}` : ''}`, { method: 'POST', headers, body: typeof r.body === 'string' ? r.body : new Uint8Array(r.body) });
  const text = await res.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? (/"__type":"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] as string | undefined);
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? /"[Mm]essage":"([^"]*)"/.exec(text)?.[1];
  return { status: res.status, code, message, text };
}
