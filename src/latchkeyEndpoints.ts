// Latchkey's own endpoints under /_latchkey (no AWS API has a path starting with `_`): what
// the `latchkey` commands and the console use besides the AWS APIs. Emitting a service event
// acts as an AWS service: no AWS identity may do that, so it takes the local token of the
// state directory (which `latchkey emit` reads, and which neither functions nor web pages
// can), sent as JSON (which a page of another site cannot send without a CORS preflight,
// never granted). Findings and decisions say who can do what,
// so they need a SigV4 signature, are authorized as the AWS actions that read the same facts
// (Access Analyzer's findings, CloudTrail's events), and show only what concerns the caller's
// own account.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwsError } from './aws/errors.js';
import { authError } from './aws/authErrors.js';
import { verifySigV4, type CredentialLookup } from './aws/sigv4.js';
import { signedRequestOf } from './httpRequest.js';
import { LOCAL_TOKEN_HEADER, sameSecret } from './localToken.js';
import { accessReport } from './services/accessReport.js';
import { cachedCaller, type Caller } from './services/caller.js';
import { decisionSeenBy, type DecisionLog, type DecisionRecord } from './services/decisionLog.js';
import { emitEvent, type EmitRequest } from './services/events/emit.js';
import { describeDecision } from './services/explainDecision.js';
import { requestId as newRequestId } from './services/ids.js';
import type { Deps } from './services/operation.js';
import { authorizeChecks } from './services/pipeline.js';

export const LATCHKEY_PATH = '/_latchkey';

/** Answers JSON with the request id AWS clients look for. */
const jsonSender = (reply: FastifyReply, requestId: string) => (status: number, body: unknown) =>
  reply.status(status).headers({ 'content-type': 'application/json', 'x-amzn-requestid': requestId }).send(Buffer.from(JSON.stringify(body)));

/** A decision as the caller's account may see it, with its text. */
const shown = (record: DecisionRecord, accountId: string) => {
  const seen = decisionSeenBy(record, accountId);
  return { ...seen, text: describeDecision(seen) };
};

/** A decision concerns an account when its caller or its resource belongs to it. */
const concerns = (accountId: string) => (r: DecisionRecord) => r.callerAccount === accountId || r.resourceAccount === accountId;

export function registerLatchkeyEndpoints(app: FastifyInstance, deps: Deps & { decisions: DecisionLog }, lookup: CredentialLookup, localToken: string | undefined): void {
  app.post(`${LATCHKEY_PATH}/emit`, async (request, reply) => {
    const requestId = newRequestId();
    const send = jsonSender(reply, requestId);
    if (!localToken || !sameSecret(request.headers[LOCAL_TOKEN_HEADER], localToken)) {
      return send(403, { code: 'AccessDeniedException', message: `Emitting events needs the local token of Latchkey's state directory (header ${LOCAL_TOKEN_HEADER}); use latchkey emit --state-dir DIR.` });
    }
    if (!/^application\/json\s*(;|$)/i.test(String(request.headers['content-type'] ?? ''))) {
      return send(415, { code: 'UnsupportedMediaTypeException', message: 'The body must be application/json.' });
    }
    let input: EmitRequest;
    try {
      input = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '') as EmitRequest;
      if (!input || typeof input !== 'object') throw new Error('not an object');
    } catch {
      return send(400, { code: 'SerializationException', message: 'The body must be a JSON object (see `latchkey emit --help`).' });
    }
    try {
      const result = await emitEvent(deps, input, { requestId, sourceIp: request.ip, secureTransport: request.protocol === 'https', baseUrl: deps.publicUrl() });
      return send(result.delivered ? 200 : 403, result);
    } catch (e) {
      if (e instanceof AwsError) return send(e.status, { code: e.code, message: e.message });
      console.error(`emit ${requestId} failed:`, e);
      return send(500, { code: 'ServiceException', message: 'Latchkey failed to deliver the event.' });
    }
  });
  const ownEndpoint = (action: string, answer: (caller: Caller, request: FastifyRequest) => Promise<{ status?: number; body: unknown }>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const requestId = newRequestId();
      const send = jsonSender(reply, requestId);
      const signed = signedRequestOf(request);
      try {
        const auth = await verifySigV4(signed, lookup, deps.now());
        if (!auth.ok) throw authError(auth.failure, 'restJson', auth.detail);
        const caller = await cachedCaller(deps, auth.accessKeyId);
        const meta = { region: auth.region, requestId, sourceIp: request.ip, secureTransport: request.protocol === 'https', baseUrl: deps.publicUrl() };
        await authorizeChecks(deps, 'AccessDeniedException', caller, [{ action, resource: '*' }], meta);
        const out = await answer(caller, request);
        return send(out.status ?? 200, out.body);
      } catch (e) {
        if (e instanceof AwsError) return send(e.status, { __type: e.code, message: e.message });
        console.error(`${signed.rawPath} ${requestId} failed:`, e);
        return send(500, { __type: 'ServiceException', message: 'Latchkey failed to answer.' });
      }
    };
  app.get(`${LATCHKEY_PATH}/access`, ownEndpoint('access-analyzer:ListFindings', async (caller) => ({
    body: { resources: (await accessReport(deps.store)).filter((r) => r.accountId === caller.accountId) },
  })));
  app.get(`${LATCHKEY_PATH}/decisions`, ownEndpoint('cloudtrail:LookupEvents', async (caller, request) => {
    const q = request.query as Record<string, string | undefined>;
    const has = (value: string, wanted: string | undefined) => !wanted || value.toLowerCase().includes(wanted.toLowerCase());
    const limit = Math.min(Math.max(Number(q.limit) || 200, 1), 1000);
    const records = (await deps.decisions.recentAnywhere(10_000))
      .filter(concerns(caller.accountId))
      .filter((r) => has(r.caller, q.principal) && has(r.action, q.action) && (!q.decision || r.decision === q.decision))
      .slice(-limit)
      .reverse();
    return { body: { decisions: records.map((r) => shown(r, caller.accountId)) } };
  }));
  app.get(`${LATCHKEY_PATH}/decisions/:requestId`, ownEndpoint('cloudtrail:LookupEvents', async (caller, request) => {
    const { requestId } = request.params as { requestId: string };
    const records = (await deps.decisions.findAnywhere(requestId)).filter(concerns(caller.accountId));
    return { status: records.length ? 200 : 404, body: { requestId, decisions: records.map((r) => shown(r, caller.accountId)) } };
  }));
}
