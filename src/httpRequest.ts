// What the HTTP edge reads off a request, shared by the AWS endpoints and Latchkey's own.

import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { IncomingSignedRequest } from './aws/sigv4.js';

/** The request as SigV4 sees it: raw path and query exactly as sent, the body as bytes. */
export function signedRequestOf(request: FastifyRequest): IncomingSignedRequest {
  const rawUrl = request.raw.url ?? '/';
  const q = rawUrl.indexOf('?');
  return {
    method: request.method,
    rawPath: q < 0 ? rawUrl : rawUrl.slice(0, q),
    rawQuery: q < 0 ? '' : rawUrl.slice(q + 1),
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  };
}

/**
 * The URL of a server listening at `address` (Node's server.address()): a wildcard address
 * means this machine. Never taken from a request: a Host header is the client's to choose.
 */
export function listeningUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
