// Formats and fakes several event shapes share: the EventEnv every builder takes, AWS's time
// formats, ids, deterministic stand-ins for values only AWS can make.
//
// Pure and deterministic: every clock reading and random id comes from the EventEnv, so a test
// that fixes `now` and `id` gets the same bytes every time. Values AWS derives from secrets or
// infrastructure Latchkey does not have are well-formed fakes derived from the inputs.

import { createHash } from 'node:crypto';

export interface EventEnv {
  region: string;
  now: Date;
  /** A fresh UUID (v4 text form) on every call. */
  id: () => string;
}

/** `2019-01-02T12:45:07.123Z` — S3 eventTime, SNS Timestamp. */
export function isoMillis(d: Date): string {
  return d.toISOString();
}

/** `2019-01-02T12:45:07Z` — EventBridge time, Alexa timestamp (whole seconds). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000` — the access-log time API Gateway and function URLs put in requestContext. */
export function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** 32 lower-case hex digits taken from a fresh env id (a UUID without its dashes). */
export function freshHex(env: EventEnv): string {
  const hex = env.id().replace(/-/g, '').toLowerCase();
  // An injected id that is not a UUID still has to yield hex of the usual length.
  return /^[0-9a-f]{32}$/.test(hex) ? hex : digest(hex).slice(0, 32);
}

export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Deterministic pseudo-random bytes of any length, for fakes that must look like real material. */
export function fakeBytes(length: number, ...seed: string[]): Buffer {
  const chunks: Buffer[] = [];
  let counter = 0;
  while (chunks.length * 32 < length) chunks.push(createHash('sha256').update(`${counter++}\u0000${seed.join('\u0000')}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

export function fakeAlnum(length: number, alphabet: string, ...seed: string[]): string {
  return [...fakeBytes(length, ...seed)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `Root=1-<epoch seconds hex>-<24 hex>`, the X-Ray trace header AWS front ends add. */
export function traceHeader(env: EventEnv): string {
  const seconds = Math.floor(env.now.getTime() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${freshHex(env).slice(0, 24)}`;
}

export function regionOfArn(arn: string, fallback: string): string {
  const region = arn.split(':')[3];
  return region ? region : fallback;
}
