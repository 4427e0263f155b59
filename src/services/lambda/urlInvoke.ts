// Requests to function URLs: `http://<url-id>.lambda-url.<region>.localhost:<port>/…` or, with
// no DNS needed, `http://<host>:<port>/lambda-url/<url-id>/…`. Authorized as AWS does today:
// since October 2025 a URL request needs both `lambda:InvokeFunctionUrl` and
// `lambda:InvokeFunction`, the second with `lambda:InvokedViaFunctionUrl` true in the request
// context (the grace period for older URLs ended 2026-11-01; Developer Guide, "Control access
// to function URLs"). AuthType NONE: the resource policy must let anyone do both; AWS_IAM: a
// SigV4 signature (service `lambda`) and the usual identity/resource evaluation of both. The
// function receives the payload format 2.0 event and its result becomes the HTTP response
// (events/functionUrlPayload.ts). Denials carry the recorded 403 body.

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from '../../aws/errors.js';
import { verifySigV4, type IncomingSignedRequest, type SigningCredentials } from '../../aws/sigv4.js';
import { cachedCaller } from '../caller.js';
import type { DecisionLog } from '../decisionLog.js';
import {
  functionUrlErrorResponse, functionUrlEvent, functionUrlForbiddenResponse, functionUrlResponse, functionUrlUnknownUrlResponse, type FunctionUrlHttpResponse,
} from '../events/functionUrlPayload.js';
import type { Deps } from '../operation.js';
import { authorizeChecks, authorizeWithoutIdentity, type RequestMeta } from '../pipeline.js';
import { resourcePolicy } from './access.js';
import { findUrlById } from './functionUrls.js';
import { invokeNow, prepareInvocation } from './invoke.js';
import { functionRef } from './resources.js';

const HOST_FORM = /^([a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.(?:localhost|on\.aws)(?::\d+)?$/i;
const PATH_FORM = /^\/lambda-url\/([a-z0-9]{32})(\/.*)?$/i;

/**
 * The URL id and the path the function sees, when a request is for a function URL. `pathForm`:
 * it came to the server's own address, the console's origin (see PATH_FORM_HEADERS).
 */
export function matchFunctionUrl(host: string | undefined, rawPath: string): { urlId: string; path: string; pathForm: boolean } | undefined {
  const byHost = host ? HOST_FORM.exec(host) : null;
  if (byHost) return { urlId: byHost[1]!.toLowerCase(), path: rawPath, pathForm: false };
  const byPath = PATH_FORM.exec(rawPath);
  if (byPath) return { urlId: byPath[1]!.toLowerCase(), path: byPath[2] ?? '/', pathForm: true };
  return undefined;
}

/**
 * Added to answers of the path form: a function's page there would be same-origin with the
 * console (its sign-in token and keys in sessionStorage, its requests). `sandbox` makes a
 * browser give the page an origin of its own, so it can read nothing of the console's. The
 * host form (`<id>.lambda-url.<region>.localhost`) is an origin of its own already and is
 * answered as AWS answers.
 */
export const PATH_FORM_HEADERS = { 'content-security-policy': 'sandbox allow-scripts allow-forms allow-popups' };

export interface UrlRequest {
  urlId: string;
  /** The path after the URL's root, as the function sees it. */
  path: string;
  signed: IncomingSignedRequest;
  sourceIp: string;
  meta: RequestMeta;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export async function invokeFunctionUrl(
  deps: Deps & { decisions: DecisionLog },
  lookup: (accessKeyId: string) => Promise<SigningCredentials | undefined>,
  req: UrlRequest,
): Promise<FunctionUrlHttpResponse> {
  const doc = await deps.store.lambdaView(async (tx) => findUrlById(tx, req.urlId));
  if (!doc) return functionUrlUnknownUrlResponse();
  const ref = functionRef(doc.accountId, doc.region, doc.functionName, doc.qualifier);
  const policy = await resourcePolicy(deps, ref.resourceArn);
  const target = { resource: ref.resourceArn, resourceAccount: ref.accountId, ...(policy ? { resourcePolicy: policy } : {}) };
  const checks = [
    { action: 'lambda:InvokeFunctionUrl', context: { 'lambda:FunctionUrlAuthType': doc.AuthType }, ...target },
    { action: 'lambda:InvokeFunction', context: { 'lambda:InvokedViaFunctionUrl': 'true' }, ...target },
  ];
  const meta = { ...req.meta, region: doc.region, via: 'url' as const };
  let caller;
  if (doc.AuthType === 'NONE') {
    // Both are decided and logged, so the decision log shows which permission is missing.
    const decisions = checks.map((check) => authorizeWithoutIdentity(deps, { type: 'Anonymous' }, check, meta).decision);
    if (decisions.some((d) => d !== 'Allow')) return functionUrlForbiddenResponse();
  } else {
    const auth = await verifySigV4(req.signed, lookup, deps.now());
    if (!auth.ok || auth.service !== 'lambda') return functionUrlForbiddenResponse();
    caller = await cachedCaller(deps, auth.accessKeyId);
    try {
      await authorizeChecks(deps, 'AccessDeniedException', caller, checks, meta);
    } catch (e) {
      if (e instanceof AwsError && e.status === 403) return functionUrlForbiddenResponse();
      throw e;
    }
  }

  let inv;
  try {
    inv = await prepareInvocation({ deps, region: doc.region, baseUrl: req.meta.baseUrl }, ref);
  } catch (e) {
    // The alias behind an alias URL was deleted: the URL stays and answers 403 (recorded).
    if (e instanceof AwsError && e.status === 404) return functionUrlForbiddenResponse();
    throw e;
  }
  const signed = req.signed;
  const event = functionUrlEvent(
    { region: doc.region, now: deps.now(), id: randomUUID },
    {
      method: signed.method,
      rawPath: req.path,
      rawQueryString: signed.rawQuery,
      headers: signed.headers as Record<string, string | string[]>,
      body: signed.body,
      sourceIp: req.sourceIp,
      ...(header(signed.headers, 'user-agent') ? { userAgent: header(signed.headers, 'user-agent')! } : {}),
      urlId: doc.urlId,
      accountId: doc.accountId,
      authType: doc.AuthType,
      ...(caller
        ? { caller: { accessKey: caller.accessKeyId, accountId: caller.accountId, callerId: caller.userId, userArn: caller.arn, userId: caller.userId } }
        : {}),
    },
  );
  try {
    const result = await invokeNow(inv, { payload: Buffer.from(JSON.stringify(event)), requestId: req.meta.requestId });
    if (result.functionError) return functionUrlErrorResponse();
    return functionUrlResponse(result.payload);
  } catch (e) {
    // Throttled: AWS's text is not recorded; this mirrors Invoke's.
    if (e instanceof AwsError && e.code === 'TooManyRequestsException') {
      return { statusCode: 429, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' }, body: Buffer.from('{"Message":"Rate Exceeded."}') };
    }
    throw e;
  }
}
