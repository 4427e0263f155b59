// The console's only way into Latchkey: the public AWS APIs through the AWS SDK for
// JavaScript v3, and Latchkey's own read endpoints, every request SigV4-signed in the browser
// with the signed-in identity's keys. There is no private door: the console can do exactly
// what that identity may do.

import { Sha256 } from '@aws-crypto/sha256-js';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  /** From GetCallerIdentity at sign-in. */
  arn: string;
  account: string;
}

const KEY = 'latchkey.session';

/** Kept for this browser tab only; sign-out forgets it. */
export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as Session) : null;
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

const SIGN_IN_TOKEN = 'latchkey.signInToken';

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(SIGN_IN_TOKEN);
}

type Keys = Pick<Session, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;

function config(keys: Keys, region: string) {
  return {
    endpoint: location.origin,
    region,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) },
    maxAttempts: 1,
  };
}

function session(): Session {
  const s = currentSession();
  if (!s) throw new Error('Not signed in');
  return s;
}

export const lambda = () => new LambdaClient(config(session(), session().region));
export const iam = () => new IAMClient(config(session(), session().region));
export const logs = () => new CloudWatchLogsClient(config(session(), session().region));
export const sts = (keys: Keys, region: string) => new STSClient(config(keys, region));

/** GET one of Latchkey's own endpoints, signed for the AWS service whose action authorizes it. */
export async function latchkeyGet<T>(path: string, service: string): Promise<T> {
  const s = session();
  const url = new URL(path, location.origin);
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const signer = new SignatureV4({ credentials: config(s, s.region).credentials, region: s.region, service, sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({ method: 'GET', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname, query, headers: { host: url.host } }),
  );
  const { host: _host, ...headers } = signed.headers;
  const res = await fetch(url, { headers });
  const body = (await res.json()) as T & { __type?: string; message?: string };
  if (!res.ok && body.__type) throw Object.assign(new Error(body.message ?? res.statusText), { name: body.__type });
  return body;
}

/**
 * The sign-in token `latchkey serve` prints in the console's address (`#sign-in=…`): taken
 * off the address bar at once and kept for the tab, like the keys.
 */
export function takeSignInToken(): string | undefined {
  const m = /(?:^#|&)sign-in=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(SIGN_IN_TOKEN, m[1]!);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(SIGN_IN_TOKEN) ?? undefined;
}

/** The state directory's profiles: the server gives them only for the sign-in token it printed. */
export async function localProfiles(): Promise<Record<string, { accessKeyId: string; secretAccessKey: string }>> {
  const token = takeSignInToken();
  if (!token) return {};
  try {
    const res = await fetch('/console/profiles.json', { headers: { 'x-latchkey-local-token': token } });
    return res.ok ? ((await res.json()) as Record<string, { accessKeyId: string; secretAccessKey: string }>) : {};
  } catch {
    return {};
  }
}
