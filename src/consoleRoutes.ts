// The web console's files (src/console, built into dist/console) and, for a browser on this
// machine only, the state directory's profiles to sign in with. The console itself talks to
// Latchkey through the public APIs like any client.

import type { FastifyInstance } from 'fastify';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ConsoleProfiles = () => Record<string, { accessKeyId: string; secretAccessKey: string }>;

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));
const CONSOLE_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * Static files only. The profiles are offered only when both ends are this machine (the Host
 * check keeps a page of another site, rebinding its name to 127.0.0.1, from reading them).
 */
export function serveConsole(app: FastifyInstance, profiles: ConsoleProfiles | undefined): void {
  app.get('/console', (_request, reply) => reply.redirect('/console/'));
  app.get('/console/profiles.json', (request, reply) => {
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '') && LOOPBACK_HOST.test(request.headers.host ?? '');
    if (!profiles || !local) return reply.status(404).send();
    return reply.header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(profiles()));
  });
  app.get('/console/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'] || 'index.html';
    const type = CONSOLE_TYPES[path.extname(name)];
    if (!/^[\w.-]+$/.test(name) || !type) return reply.status(404).send();
    try {
      return reply.header('content-type', type).send(await fs.readFile(path.join(CONSOLE_DIR, name)));
    } catch {
      return reply.status(404).send();
    }
  });
}

