// The state directory's local token: a random secret `latchkey serve` makes at each start and
// keeps in `<state-dir>/local-token` (0600). It stands for "someone who can read Latchkey's
// state directory or its output" — the operator — and opens the doors no AWS identity may
// use: the console's sign-in with the generated profiles, and emitting service events.
// Functions cannot read the state directory, and web pages cannot read either.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LOCAL_TOKEN_FILE = 'local-token';
/** The header that carries it. */
export const LOCAL_TOKEN_HEADER = 'x-latchkey-local-token';

/** A new token, written to the state directory. */
export function newLocalToken(stateDir: string): string {
  const token = randomBytes(32).toString('base64url');
  const file = path.join(stateDir, LOCAL_TOKEN_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** The token of the server running on a state directory (undefined when none runs there, or the file is not readable). */
export function readLocalToken(stateDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(path.resolve(stateDir), LOCAL_TOKEN_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Compares a presented token with the real one in constant time. */
export function sameSecret(given: unknown, token: string): boolean {
  return typeof given === 'string' && given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
}
