// What the HTTP edge reads off a request, shared by the AWS endpoints and Latchkey's own.

import type { FastifyRequest } from 'fastify';
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
 * Latchkey's own address as the client reached it, for URLs that point back (code links,
 * AWS_ENDPOINT_URL, function URLs). A function URL's host is not an endpoint for the APIs, so
 * its subdomain is dropped.
 */
export function baseUrlOf(request: FastifyRequest): string {
  const host = (request.headers.host ?? request.hostname).replace(/^[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.(localhost|on\.aws)/i, '127.0.0.1');
  return `${request.protocol}://${host}`;
}

