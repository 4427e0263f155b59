// The web console's files (src/console, built into dist/console) and, for the browser that
// holds the sign-in token `latchkey serve` printed, the state directory's profiles to sign in
// with. The console itself talks to Latchkey through the public APIs like any client.

import type { FastifyInstance } from 'fastify';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_TOKEN_HEADER, sameSecret } from './localToken.js';

export type ConsoleProfiles = () => Record<string, { accessKeyId: string; secretAccessKey: string }>;

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));
const CONSOLE_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** Console pages may be shown in no frame and run only their own scripts. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Static files, and the profiles for the sign-in token. A function on this machine connects
 * from loopback too, so the address proves nothing: the token does, and only Latchkey's
 * output and its state directory hold it. A page of another site cannot send the header
 * without a CORS preflight, which is never granted; the Host check also keeps a page that
 * rebinds its name to 127.0.0.1 away.
 */
export function serveConsole(app: FastifyInstance, profiles: ConsoleProfiles | undefined, localToken: string | undefined): void {
  app.get('/console', (_request, reply) => reply.redirect('/console/'));
  app.get('/console/profiles.json', (request, reply) => {
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '') && LOOPBACK_HOST.test(request.headers.host ?? '');
    if (!profiles || !localToken || !local || !sameSecret(request.headers[LOCAL_TOKEN_HEADER], localToken)) return reply.status(404).headers(PAGE_HEADERS).send();
    return reply.headers(PAGE_HEADERS).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(profiles()));
  });
  app.get('/console/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'] || 'index.html';
    const type = CONSOLE_TYPES[path.extname(name)];
    if (!/^[\w.-]+$/.test(name) || !type) return reply.status(404).send();
    try {
      return reply.headers(PAGE_HEADERS).header('content-type', type).send(await fs.readFile(path.join(CONSOLE_DIR, name)));
    } catch {
      return reply.status(404).send();
    }
  });
}

