// SigV4 request authentication, verified the way AWS verifies what the real clients send.
// Spec: reference/lambda-wire.md §0 (traps 1–4) and §2, reference/iam-sts-wire.md §0–§3,
// and the byte-level captures with their verified canonical requests in reference/raw-requests.md.
//
// Why this recomputes the canonical request with node:crypto instead of calling @smithy/signature-v4
// (docs/design.md names it): smithy is a *signer*. It canonicalises every header the request carries except a
// fixed deny-list (user-agent, expect, from, …) and cannot be told "use exactly this SignedHeaders list",
// which is what a verifier must do with whatever list the client chose; its canonical query drops a
// parameter without a value (`?flag`), which AWS and botocore canonicalise as `flag=`; and it hashes through
// async wrappers and clones the request, which costs more than the whole check should at thousands of
// requests per second. The path rule is smithy's `uriEscapePath` (drop empty and `.` segments, resolve `..`,
// then percent-encode the still-encoded wire path once more: `%3A` → `%253A`), and the tests sign fresh
// requests with smithy to show the two agree.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface IncomingSignedRequest {
  method: string;
  /** Still percent-encoded, without the query. */
  rawPath: string;
  /** After '?', may be ''. */
  rawQuery: string;
  /** Lower-case names as node gives them; an array (e.g. from `headersDistinct`) is joined with ','. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SigningCredentials {
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: Date;
}

export type CredentialLookup = (accessKeyId: string) => Promise<SigningCredentials | undefined>;

export type AuthFailure =
  | 'MissingAuthentication'
  | 'IncompleteSignature'
  | 'UnknownAccessKey'
  | 'SignatureMismatch'
  | 'RequestExpired'
  | 'TokenMissing'
  | 'TokenMismatch'
  | 'TokenExpired'
  | 'MalformedDate';

/**
 * `detail`: for IncompleteSignature, MalformedDate, RequestExpired and SignatureMismatch it is the message
 * AWS puts on the wire (it depends on the request: "Signature expired: … (… - 15 min.)"); authError() uses
 * it verbatim. For the other failures AWS's text is fixed per protocol and `detail` is a diagnostic for logs.
 * `service` is the one named in the credential scope, when it could be read (to choose the error protocol).
 */
export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string; signedAt: Date }
  | { ok: false; failure: AuthFailure; detail: string; service?: string };

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Clock skew AWS tolerates for header auth, both directions. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest X-Amz-Expires a presigned request may carry (7 days). */
const MAX_EXPIRES_S = 604800;
/**
 * How long a presigned request lives at most, whatever X-Amz-Expires says. Only S3 honours
 * long presigned URLs; for the services Latchkey serves a presigned request is as fresh as a
 * header-signed one must be. [guess from reports such as aws-sdk-ruby#2887, "a value other
 * than 900 does not work for anything other than S3"; AWS documents no figure]
 */
const MAX_PRESIGNED_LIFETIME_S = 900;

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---------------------------------------------------------------------------------------------
// Parsing

/** What the client claims: everything needed to recompute the signature. */
interface Claim {
  presigned: boolean;
  accessKeyId: string;
  date8: string;
  region: string;
  service: string;
  /** Lower-case, sorted, as they go into the canonical request. */
  signedHeaders: string[];
  signature: string;
  /** The X-Amz-Date value as it goes into the string to sign (basic ISO 8601). */
  amzDate: string;
  signedAt: Date;
  /** X-Amz-Expires in seconds (presigned only). */
  expires?: number;
  securityToken?: string;
  /** Declared payload hash: `x-amz-content-sha256` header, or X-Amz-Content-Sha256 in a presigned query. */
  declaredPayloadHash?: string;
  /** The query split into raw (still-encoded) pairs. */
  query: Array<[string, string]>;
}

type Fail = { ok: false; failure: AuthFailure; detail: string; service?: string };

function fail(failure: AuthFailure, detail: string, service?: string): Fail {
  return service === undefined ? { ok: false, failure, detail } : { ok: false, failure, detail, service };
}

function header(req: IncomingSignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

function splitQuery(rawQuery: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (rawQuery === '') return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

/** The decoded value of the first query parameter named exactly `name` (raw pairs are still encoded). */
function queryParam(query: Array<[string, string]>, name: string): string | undefined {
  for (const [k, v] of query) {
    if (k === name) return safeDecode(v);
  }
  return undefined;
}

function safeDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return Buffer.from(percentDecodeBytes(s)).toString('latin1');
  }
}

const BASIC_ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `YYYYMMDD'T'HHMMSS'Z'`; undefined if it is not one or names no real instant. */
function parseBasicIso(v: string): Date | undefined {
  const m = BASIC_ISO.exec(v);
  if (m === null) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return formatBasicIso(d) === v ? d : undefined;
}

/** `20261122T114346Z`. */
export function formatBasicIso(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function malformedDate(v: string): string {
  // [guess, from memory of AWS responses] the wording AWS uses for an unparseable X-Amz-Date.
  return `Date must be in ISO-8601 'basic format'. Got '${v}'. See http://en.wikipedia.org/wiki/ISO_8601`;
}

interface Scope {
  accessKeyId: string;
  date8: string;
  region: string;
  service: string;
  terminator: string;
}

function parseCredential(credential: string): Scope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) return undefined;
  const [accessKeyId, date8, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date8, region, service, terminator };
}

function malformedCredential(credential: string): string {
  // [recalled AWS wording, unverified]
  return `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`;
}

const HEADER_AUTH_PREFIX = /^AWS4-HMAC-SHA256(?:[\s,]|$)/;

function hasQueryAuth(rawQuery: string): boolean {
  return (
    rawQuery.includes('X-Amz-Algorithm=') || rawQuery.includes('X-Amz-Credential=') || rawQuery.includes('X-Amz-Signature=')
  );
}

function parseClaim(req: IncomingSignedRequest): { ok: true; claim: Claim } | Fail {
  const authorization = header(req, 'authorization');
  const hasHeader = authorization !== undefined && authorization.trim() !== '';
  const queryAuth = hasQueryAuth(req.rawQuery);
  if (!hasHeader && !queryAuth) {
    return fail('MissingAuthentication', 'no Authorization header and no X-Amz-Signature query parameter');
  }
  if (hasHeader && queryAuth) {
    // [S3's wording, reused; unverified for other services]
    return fail(
      'IncompleteSignature',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const query = splitQuery(req.rawQuery);
  return hasHeader ? parseHeaderClaim(req, authorization.trim(), query) : parseQueryClaim(req, query);
}

function parseHeaderClaim(
  req: IncomingSignedRequest,
  authorization: string,
  query: Array<[string, string]>,
): { ok: true; claim: Claim } | Fail {
  const xAmzDate = header(req, 'x-amz-date');
  const dateHeader = xAmzDate === undefined ? header(req, 'date') : undefined;
  const fields = new Map<string, string>();
  if (HEADER_AUTH_PREFIX.test(authorization)) {
    // Components are separated by ", " (every client) or "," or whitespace; AWS tokenises on all of them.
    for (const token of authorization.slice(ALGORITHM.length).split(/[\s,]+/)) {
      if (token === '') continue;
      const eq = token.indexOf('=');
      if (eq < 0) {
        // [confirmed wording: AWS IncompleteSignature(Exception) texts quoted in aws/aws-sdk-go#289,
        // iann0036/cloud9-sync#10]
        return fail(
          'IncompleteSignature',
          `'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
        );
      }
      const key = token.slice(0, eq);
      if (!fields.has(key)) fields.set(key, token.slice(eq + 1));
    }
  }
  // [confirmed wording and order: amazonka#316 (SES), aws-sdk-ruby#317 (CloudFront), aws/chalice#828]
  const missing: string[] = [];
  if (!fields.has('Credential')) missing.push("Authorization header requires 'Credential' parameter.");
  if (!fields.has('Signature')) missing.push("Authorization header requires 'Signature' parameter.");
  if (!fields.has('SignedHeaders')) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (xAmzDate === undefined && dateHeader === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const credential = fields.get('Credential');
  const scope = credential === undefined ? undefined : parseCredential(credential);
  if (missing.length > 0) {
    return fail('IncompleteSignature', `${missing.join(' ')} Authorization=${authorization}`, scope?.service);
  }
  if (scope === undefined) return fail('IncompleteSignature', malformedCredential(credential!));

  const signedHeaders = parseSignedHeaders(fields.get('SignedHeaders')!);
  if (!signedHeaders.includes('host')) {
    // [confirmed wording: aws/aws-sdk-php#2469; the error code is a guess]
    return fail('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", scope.service);
  }

  let amzDate: string;
  let signedAt: Date | undefined;
  if (xAmzDate !== undefined) {
    amzDate = xAmzDate.trim();
    signedAt = parseBasicIso(amzDate);
    if (signedAt === undefined) return fail('MalformedDate', malformedDate(amzDate), scope.service);
  } else {
    // No X-Amz-Date: AWS falls back to the Date header (docs: "Handling dates in Signature Version 4").
    const v = dateHeader!.trim();
    signedAt = parseBasicIso(v);
    if (signedAt === undefined) {
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) return fail('MalformedDate', malformedDate(v), scope.service);
      signedAt = new Date(ms);
    }
    amzDate = formatBasicIso(signedAt);
  }

  const claim: Claim = {
    presigned: false,
    accessKeyId: scope.accessKeyId,
    date8: scope.date8,
    region: scope.region,
    service: scope.service,
    signedHeaders,
    signature: fields.get('Signature')!,
    amzDate,
    signedAt,
    query,
  };
  const token = header(req, 'x-amz-security-token');
  if (token !== undefined) claim.securityToken = token.trim();
  const declared = header(req, 'x-amz-content-sha256');
  if (declared !== undefined) claim.declaredPayloadHash = declared.trim();
  return checkScope(claim, scope.terminator);
}

function parseQueryClaim(req: IncomingSignedRequest, query: Array<[string, string]>): { ok: true; claim: Claim } | Fail {
  const algorithm = queryParam(query, 'X-Amz-Algorithm');
  const credential = queryParam(query, 'X-Amz-Credential');
  const signature = queryParam(query, 'X-Amz-Signature');
  const date = queryParam(query, 'X-Amz-Date');
  const signedHeadersParam = queryParam(query, 'X-Amz-SignedHeaders');
  const scope = credential === undefined ? undefined : parseCredential(credential);
  if (
    algorithm === undefined ||
    credential === undefined ||
    signature === undefined ||
    date === undefined ||
    signedHeadersParam === undefined
  ) {
    // [S3's wording (AuthorizationQueryParametersError), reused; unverified for other services]
    return fail(
      'IncompleteSignature',
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
      scope?.service,
    );
  }
  if (algorithm !== ALGORITHM) {
    // [S3's wording, reused; unverified]
    return fail('IncompleteSignature', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', scope?.service);
  }
  if (scope === undefined) return fail('IncompleteSignature', malformedCredential(credential));
  const signedHeaders = parseSignedHeaders(signedHeadersParam);
  if (!signedHeaders.includes('host')) {
    return fail('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", scope.service);
  }
  const signedAt = parseBasicIso(date);
  if (signedAt === undefined) return fail('MalformedDate', malformedDate(date), scope.service);

  const claim: Claim = {
    presigned: true,
    accessKeyId: scope.accessKeyId,
    date8: scope.date8,
    region: scope.region,
    service: scope.service,
    signedHeaders,
    signature,
    amzDate: date,
    signedAt,
    query,
  };
  const expires = queryParam(query, 'X-Amz-Expires');
  if (expires !== undefined) {
    // [S3's wordings, reused; unverified for other services]
    if (!/^-?\d+$/.test(expires)) return fail('IncompleteSignature', 'X-Amz-Expires should be a number', scope.service);
    const n = Number(expires);
    if (n < 0) return fail('IncompleteSignature', 'X-Amz-Expires must be non-negative', scope.service);
    if (n > MAX_EXPIRES_S) {
      return fail('IncompleteSignature', 'X-Amz-Expires must be less than a week (in seconds) that is 604800', scope.service);
    }
    claim.expires = n;
  }
  const token = queryParam(query, 'X-Amz-Security-Token') ?? header(req, 'x-amz-security-token');
  if (token !== undefined) claim.securityToken = token.trim();
  // smithy hoists the header into the query under its lower-case name.
  const declared = header(req, 'x-amz-content-sha256') ?? queryParam(query, 'X-Amz-Content-Sha256') ?? queryParam(query, 'x-amz-content-sha256');
  if (declared !== undefined) claim.declaredPayloadHash = declared.trim();
  return checkScope(claim, scope.terminator);
}

/**
 * Headers that change what a request means must be covered by its signature: every x-amz-*
 * header it carries (the operation of a JSON protocol is X-Amz-Target; Lambda's invocation
 * type, log type and client context are x-amz-* too). Every AWS client signs each one it sends.
 */
function unsignedAmzHeader(req: IncomingSignedRequest, claim: Claim): string | undefined {
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith('x-amz-') && req.headers[name] !== undefined && !claim.signedHeaders.includes(name)) return name;
  }
  return undefined;
}

const headerTitle = (name: string) => name.split('-').map((w) => (w === 'amz' ? 'Amz' : w.charAt(0).toUpperCase() + w.slice(1))).join('-');

function parseSignedHeaders(v: string): string[] {
  const names = v
    .split(';')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  // Clients send them sorted; sort anyway so the canonical headers and the list agree.
  return names.sort();
}

function checkScope(claim: Claim, terminator: string): { ok: true; claim: Claim } | Fail {
  const httpDate8 = claim.amzDate.slice(0, 8);
  if (claim.date8 !== httpDate8) {
    // [recalled AWS wording, unverified]
    return fail(
      'SignatureMismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claim.date8}' != '${httpDate8}', from '${claim.amzDate}'.`,
      claim.service,
    );
  }
  if (terminator !== TERMINATOR) {
    // [recalled AWS wording, unverified]
    return fail(
      'SignatureMismatch',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
      claim.service,
    );
  }
  return { ok: true, claim };
}

// ---------------------------------------------------------------------------------------------
// Canonical request

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const HEX = '0123456789ABCDEF';

function isUnreservedByte(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x7e // ~
  );
}

/**
 * The bytes a string stands for on the wire. Node decodes the request line and headers as latin1, so a
 * code unit ≤ 0xFF is one byte; anything above (a string built in JS, not read off a socket) is UTF-8.
 */
function pushCharBytes(out: number[], s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c <= 0xff) {
    out.push(c);
    return i + 1;
  }
  const cp = s.codePointAt(i)!;
  for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
  return i + (cp > 0xffff ? 2 : 1);
}

function percentDecodeBytes(s: string): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      i = pushCharBytes(out, s, i);
    }
  }
  return out;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function encodeBytes(bytes: number[]): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreservedByte(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** RFC 3986 encoding of the string's wire bytes, without decoding first (`%` → `%25`). */
function encodeRaw(s: string): string {
  if (UNRESERVED.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) i = pushCharBytes(bytes, s, i);
  return encodeBytes(bytes);
}

/** Percent-decode (a `+` stays a `+`), then RFC 3986-encode: the canonical form of one query key or value. */
function reencode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeBytes(percentDecodeBytes(s));
}

/**
 * CanonicalURI: the raw (still-encoded) wire path, dot- and empty-segment-normalised like botocore and
 * smithy, with every segment RFC 3986-encoded once more (lambda-wire.md trap 1).
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    segments.push(encodeRaw(segment));
  }
  const lead = rawPath.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${lead}${segments.join('/')}${trail}`;
}

/** CanonicalQueryString: each pair decoded then RFC 3986-encoded, sorted by key then value. */
function canonicalQuery(query: Array<[string, string]>, presigned: boolean): string {
  if (query.length === 0) return '';
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of query) {
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([reencode(k), reencode(v)]);
  }
  if (pairs.length > 1) {
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  }
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    if (i > 0) out += '&';
    out += `${pairs[i]![0]}=${pairs[i]![1]}`;
  }
  return out;
}

const WHITESPACE_RUN = /\s+/g;

function canonicalHeaderValue(v: string | undefined): string {
  if (v === undefined) return '';
  return v.trim().replace(WHITESPACE_RUN, ' ');
}

/** Everything of the canonical request except the last line (HashedPayload). */
function canonicalRequestBase(req: IncomingSignedRequest, claim: Claim): string {
  let headers = '';
  for (const name of claim.signedHeaders) headers += `${name}:${canonicalHeaderValue(header(req, name))}\n`;
  return (
    `${req.method}\n${canonicalUri(req.rawPath)}\n${canonicalQuery(claim.query, claim.presigned)}\n` +
    `${headers}\n${claim.signedHeaders.join(';')}\n`
  );
}

function sha256Hex(data: string | Buffer): string {
  const h = createHash('sha256');
  if (typeof data === 'string') {
    // All of the canonical request is ASCII except header values, which node hands over latin1-decoded.
    h.update(data, /[\u0100-\uffff]/.test(data) ? 'utf8' : 'latin1');
  } else {
    h.update(data);
  }
  return h.digest('hex');
}

/**
 * The canonical request the signature of `req` is checked against (with the first payload-hash candidate),
 * or null if the request carries no parsable SigV4 claim. For tests and for explaining a mismatch.
 */
export function canonicalRequest(req: IncomingSignedRequest): string | null {
  const parsed = parseClaim(req);
  if (!parsed.ok) return null;
  return canonicalRequestBase(req, parsed.claim) + payloadCandidates(parsed.claim, () => sha256Hex(req.body))[0]!;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * The HashedPayload value the client signed with: `x-amz-content-sha256` (or, presigned,
 * X-Amz-Content-Sha256) when the request declares one (SDK v3), else sha256(body) (CLI v1/v2,
 * trap 3; botocore and smithy presign non-S3 requests with the body's hash too). A presigned
 * request counts as UNSIGNED-PAYLOAD only when it says so: otherwise a presigned ListUsers
 * could carry a CreateUser in a body the signature never covered.
 */
function payloadCandidates(claim: Claim, bodyHash: () => string): string[] {
  if (claim.declaredPayloadHash !== undefined) return [claim.declaredPayloadHash];
  return [bodyHash()];
}

// ---------------------------------------------------------------------------------------------
// Signing key cache: one HMAC chain per (secret, date, region, service), not per request.

const MAX_CACHED_KEYS = 4096;
const signingKeys = new Map<string, Buffer>();

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function signingKey(secret: string, date8: string, region: string, service: string): Buffer {
  const id = `${date8}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date8), region), service), TERMINATOR);
    if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function sameToken(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

// ---------------------------------------------------------------------------------------------
// Verification

function expiredMessage(signedAt: Date, now: Date, windowMs: number, windowText: string): string {
  // [confirmed format: aws/aws-cli#6676 and devsecops/bootcamp#101 (STS, "- 15 min."), aws/aws-sdk-go#859 and
  // pulumi/pulumi-aws#55 (Lambda, "- 5 min."): "Signature expired: <signed> is now earlier than <now - window>
  // (<now> - <window>)"]
  return `Signature expired: ${formatBasicIso(signedAt)} is now earlier than ${formatBasicIso(new Date(now.getTime() - windowMs))} (${formatBasicIso(now)} - ${windowText})`;
}

function notYetCurrentMessage(signedAt: Date, now: Date): string {
  // [confirmed format: serverless/enterprise#11 ("Signature not yet current: <signed> is still later than
  // <now + window> (<now> + 5 min.)"); the 15-minute figure is the brief's window]
  return `Signature not yet current: ${formatBasicIso(signedAt)} is still later than ${formatBasicIso(new Date(now.getTime() + MAX_SKEW_MS))} (${formatBasicIso(now)} + 15 min.)`;
}

/**
 * Verifies a SigV4-signed request (Authorization header or presigned query) against the secret `lookup`
 * returns for its access key id. `now` defaults to the current time. With `beforeSignature`, stops
 * before the signature itself: every failure it reports does not depend on the body.
 */
export async function verifySigV4(
  req: IncomingSignedRequest,
  lookup: CredentialLookup,
  now: Date = new Date(),
  options: { beforeSignature?: boolean } = {},
): Promise<SigV4Result> {
  const parsed = parseClaim(req);
  if (!parsed.ok) return parsed;
  const claim = parsed.claim;
  const service = claim.service;
  const unsigned = unsignedAmzHeader(req, claim);
  // [guess: the wording of the confirmed 'Host' case, for the header that is not signed]
  if (unsigned !== undefined) return fail('IncompleteSignature', `'${headerTitle(unsigned)}' must be a 'SignedHeader' in the AWS Authorization.`, service);

  // Time: ±15 minutes for header auth; presigned URLs live X-Amz-Expires seconds (15 minutes if absent)
  // and may not be dated more than 15 minutes ahead.
  const age = now.getTime() - claim.signedAt.getTime();
  if (age < -MAX_SKEW_MS) return fail('RequestExpired', notYetCurrentMessage(claim.signedAt, now), service);
  if (claim.presigned) {
    const lifetime = Math.min(claim.expires ?? MAX_PRESIGNED_LIFETIME_S, MAX_PRESIGNED_LIFETIME_S);
    if (age > lifetime * 1000) {
      // [guess: AWS's wording for an expired presigned URL outside S3 is not recorded; same format, window in seconds]
      return fail('RequestExpired', expiredMessage(claim.signedAt, now, lifetime * 1000, `${lifetime} sec.`), service);
    }
  } else if (age > MAX_SKEW_MS) {
    return fail('RequestExpired', expiredMessage(claim.signedAt, now, MAX_SKEW_MS, '15 min.'), service);
  }

  const credentials = await lookup(claim.accessKeyId);
  if (credentials === undefined) return fail('UnknownAccessKey', `unknown access key id ${claim.accessKeyId}`, service);

  if (credentials.sessionToken !== undefined) {
    if (claim.securityToken === undefined) {
      return fail('TokenMissing', `access key ${claim.accessKeyId} is temporary and the request carries no X-Amz-Security-Token`, service);
    }
    if (!sameToken(claim.securityToken, credentials.sessionToken)) {
      return fail('TokenMismatch', `X-Amz-Security-Token does not belong to access key ${claim.accessKeyId}`, service);
    }
  } else if (claim.securityToken !== undefined && claim.securityToken !== '') {
    // A long-term key with a session token: AWS rejects it as an invalid token.
    return fail('TokenMismatch', `access key ${claim.accessKeyId} is long-term but the request carries a session token`, service);
  }
  if (credentials.expiresAt !== undefined && now.getTime() >= credentials.expiresAt.getTime()) {
    return fail('TokenExpired', `the session of access key ${claim.accessKeyId} expired at ${credentials.expiresAt.toISOString()}`, service);
  }
  // Everything up to here holds whatever the body is: a server may check it before reading one.
  if (options.beforeSignature) return { ok: true, accessKeyId: claim.accessKeyId, region: claim.region, service: claim.service, signedAt: claim.signedAt };

  if (!HEX64.test(claim.signature)) return fail('SignatureMismatch', SIGNATURE_MISMATCH_MESSAGE, service);
  const provided = Buffer.from(claim.signature, 'hex');
  const key = signingKey(credentials.secretAccessKey, claim.date8, claim.region, claim.service);
  const stringToSignHead = `${ALGORITHM}\n${claim.amzDate}\n${claim.date8}/${claim.region}/${claim.service}/${TERMINATOR}\n`;
  const base = canonicalRequestBase(req, claim);
  let bodyHash: string | undefined;
  const hashBody = (): string => (bodyHash ??= sha256Hex(req.body));

  let matched: string | undefined;
  for (const payloadHash of payloadCandidates(claim, hashBody)) {
    const expected = createHmac('sha256', key)
      .update(stringToSignHead + sha256Hex(base + payloadHash), 'utf8')
      .digest();
    if (timingSafeEqual(expected, provided)) {
      matched = payloadHash;
      break;
    }
  }
  if (matched === undefined) return fail('SignatureMismatch', SIGNATURE_MISMATCH_MESSAGE, service);

  // The signature covers the declared payload hash; the body must be what it declares.
  if (matched === UNSIGNED_PAYLOAD) {
    // Only a presigned request may leave its payload unsigned, and then it may carry none: the
    // services served here read operations and parameters from bodies.
    if (!claim.presigned || req.body.length > 0) return fail('SignatureMismatch', SIGNATURE_MISMATCH_MESSAGE, service);
  } else if (claim.declaredPayloadHash !== undefined) {
    if (!HEX64.test(matched) || matched.toLowerCase() !== hashBody()) {
      return fail('SignatureMismatch', SIGNATURE_MISMATCH_MESSAGE, service);
    }
  }

  return { ok: true, accessKeyId: claim.accessKeyId, region: claim.region, service: claim.service, signedAt: claim.signedAt };
}

/**
 * The service and region a request is signed for, read from the credential scope without verifying (for
 * routing and for choosing the error protocol).
 */
export function readCredentialScope(req: IncomingSignedRequest): { accessKeyId: string; region: string; service: string } | null {
  let credential: string | undefined;
  const authorization = header(req, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '') {
    const m = /Credential=([^,\s]*)/.exec(authorization);
    credential = m?.[1];
  } else if (req.rawQuery.includes('X-Amz-Credential=')) {
    credential = queryParam(splitQuery(req.rawQuery), 'X-Amz-Credential');
  }
  if (credential === undefined) return null;
  const scope = parseCredential(credential);
  return scope === undefined ? null : { accessKeyId: scope.accessKeyId, region: scope.region, service: scope.service };
}
