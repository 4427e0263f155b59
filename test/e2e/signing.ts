// Raw requests signed as the SDK signs them (SigV4 via @smithy/signature-v4), for tests that
// need to tamper with a request or send what no SDK would.

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import type { Profile } from './support.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 (HMAC-SHA256 with a secret) on node:crypto, in the shape the SDK's signer takes: a benchmark signs every request. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

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
    sha256: NodeSha256,
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
