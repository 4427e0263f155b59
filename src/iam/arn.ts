// ARN matching as IAM does it: an ARN has six colon-separated fields (arn, partition,
// service, region, account, resource); the first five are matched one by one and the
// resource field (which may itself hold colons) as one pattern. A wildcard never crosses
// from one of the first five fields into the next.

import { compileGlob, compileGlobPieces, hasWildcard, type Matcher, type PatternPiece } from './glob.js';

export const ARN_FIELDS = 6;

/** Splits at the first five colons. Fewer fields are returned as they are. */
export function splitArn(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < ARN_FIELDS - 1; i++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) break;
    out.push(text.slice(start, colon));
    start = colon + 1;
  }
  out.push(text.slice(start));
  return out;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): ParsedArn | null {
  const f = splitArn(text);
  if (f.length < ARN_FIELDS || f[0] !== 'arn') return null;
  return { partition: f[1]!, service: f[2]!, region: f[3]!, account: f[4]!, resource: f[5]! };
}

/** Pads a short ARN pattern with `*` fields, as IAM expands `arn:aws:s3` to `arn:aws:s3:*:*:*`. */
function padFields(fields: string[]): string[] {
  while (fields.length < ARN_FIELDS) fields.push('*');
  return fields;
}

/** Compiles an ARN pattern whose `*` and `?` are all wildcards. */
export function compileArnPattern(pattern: string): Matcher {
  if (pattern === '*') return () => true;
  const fields = padFields(splitArn(pattern));
  const head = fields.slice(0, ARN_FIELDS - 1);
  if (!head.some(hasWildcard)) {
    // With five literal fields the colons sit at fixed places, so matching the whole
    // string is the same as matching field by field, and cheaper.
    return compileGlob(fields.join(':'));
  }
  return fieldMatcher(fields.map((f) => compileGlob(f)));
}

/** Compiles an ARN pattern built from resolved policy-variable pieces. */
export function compileArnPieces(pieces: readonly PatternPiece[]): Matcher {
  const fields: PatternPiece[][] = [[]];
  for (const piece of pieces) {
    let text = piece.text;
    let colon = text.indexOf(':');
    while (colon >= 0 && fields.length < ARN_FIELDS) {
      fields[fields.length - 1]!.push({ text: text.slice(0, colon), wild: piece.wild });
      fields.push([]);
      text = text.slice(colon + 1);
      colon = text.indexOf(':');
    }
    fields[fields.length - 1]!.push({ text, wild: piece.wild });
  }
  while (fields.length < ARN_FIELDS) fields.push([{ text: '*', wild: true }]);
  return fieldMatcher(fields.map((f) => compileGlobPieces(f)));
}

function fieldMatcher(matchers: Matcher[]): Matcher {
  return (arn) => {
    const fields = splitArn(arn);
    if (fields.length < ARN_FIELDS) return false;
    for (let i = 0; i < ARN_FIELDS; i++) if (!matchers[i]!(fields[i]!)) return false;
    return true;
  };
}
