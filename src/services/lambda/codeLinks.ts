// GetFunction's Code.Location and GetLayerVersion's Content.Location: on AWS, presigned S3
// URLs valid for ten minutes; here, links to Latchkey itself, signed with a key that lives as
// long as the server process. A link is only handed out by an operation that was authorized
// (GetFunction, GetLayerVersion), like a presigned URL.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const LIFETIME_SECONDS = 600;
export const CODE_PATH = '/latchkey/code/';

export class CodeLinks {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => Date) {}

  private signature(hex: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${hex}.${expires}`).digest('hex');
  }

  /** The path and query of a download link for the package with this CodeSha256 (base64). */
  sign(sha256: string): string {
    const hex = Buffer.from(sha256, 'base64').toString('hex');
    const expires = Math.floor(this.now().getTime() / 1000) + LIFETIME_SECONDS;
    return `${CODE_PATH}${hex}?Expires=${expires}&Signature=${this.signature(hex, expires)}`;
  }

  /** The CodeSha256 (base64) a valid, unexpired link names, or null. */
  verify(path: string, query: URLSearchParams): string | null {
    if (!path.startsWith(CODE_PATH)) return null;
    const hex = path.slice(CODE_PATH.length);
    const expires = Number(query.get('Expires'));
    const given = query.get('Signature') ?? '';
    if (!/^[0-9a-f]{64}$/.test(hex) || !Number.isInteger(expires) || expires < this.now().getTime() / 1000) return null;
    const wanted = Buffer.from(this.signature(hex, expires));
    const got = Buffer.from(given);
    if (got.length !== wanted.length || !timingSafeEqual(got, wanted)) return null;
    return Buffer.from(hex, 'hex').toString('base64');
  }
}
