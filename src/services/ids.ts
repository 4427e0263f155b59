// Identifiers in AWS's formats: unique ids with their type prefixes (AIDA users, AROA roles,
// AGPA groups, ANPA policies), access keys (AKIA long-term, ASIA temporary), secrets, tokens,
// request ids. Random, from the platform's CSPRNG.

import { randomBytes, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function pickFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AKIA' | 'ASIA';

/** `AIDA` + 17 characters for ids; access key ids are `AKIA`/`ASIA` + 16. */
export function uniqueId(prefix: UniqueIdPrefix): string {
  return prefix + pickFrom(UPPER_ALNUM, prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17);
}

export function secretAccessKey(): string {
  return pickFrom(SECRET_CHARS, 40);
}

export function sessionToken(): string {
  return randomBytes(96).toString('base64');
}

export function requestId(): string {
  return randomUUID();
}

/** Organizations ids: `p-` policies, `ou-xxxx-xxxxxxxx` units, `r-xxxx` roots. */
export function orgId(kind: 'policy' | 'root' | 'ou', rootSuffix = ''): string {
  const lower = '0123456789abcdefghijklmnopqrstuvwxyz';
  if (kind === 'root') return `r-${pickFrom(lower, 4)}`;
  if (kind === 'policy') return `p-${pickFrom(lower, 8)}`;
  return `ou-${rootSuffix}-${pickFrom(lower, 8)}`;
}
