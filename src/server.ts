// The composition root of the HTTP side: one port for every service. A request is
// authenticated (SigV4; the credential scope names the service and region), decoded by its
// service's protocol codec, authorized and handled by the pipeline, and encoded back.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AwsError, serviceFailure } from './aws/errors.js';
import { authError } from './aws/authErrors.js';
import { readCredentialScope, verifySigV4, type IncomingSignedRequest, type SigningCredentials } from './aws/sigv4.js';
import { loadServiceModel } from './aws/model.js';
import { PolicyCache } from './iam/index.js';
import type { Store } from './store/store.js';
import type { RuntimeManager } from './runtime/index.js';
import { cachedCaller } from './services/caller.js';
import { execute, syncWorldRevision } from './services/pipeline.js';
import { DecisionLog } from './services/decisionLog.js';
import type { Deps } from './services/operation.js';
import { requestId as newRequestId } from './services/ids.js';
import { iamService } from './services/iam/index.js';
import { stsService } from './services/sts/index.js';
import { organizationsService } from './services/organizations/index.js';
import { lambdaService } from './services/lambda/index.js';
import { logsService } from './services/logs/index.js';
import { sqsService } from './services/sqs/index.js';
import { LogDelivery } from './services/lambda/logDelivery.js';
import { EventSourcePollers } from './services/lambda/sqsPoller.js';
import { CODE_PATH, CodeLinks } from './services/lambda/codeLinks.js';
import { invokeFunctionUrl, matchFunctionUrl, PATH_FORM_HEADERS } from './services/lambda/urlInvoke.js';
import { LATCHKEY_PATH, registerLatchkeyEndpoints } from './latchkeyEndpoints.js';
import { serveConsole, type ConsoleProfiles } from './consoleRoutes.js';
import { listeningUrl, signedRequestOf } from './httpRequest.js';
import { jsonEndpoint, queryEndpoint, restJsonEndpoint, sqsEndpoints, unservedEndpoint, type Encoded, type Endpoint } from './endpoints.js';

/** Requests larger than this are refused before they are read (Lambda's 6 MB payload fits). */
const BODY_LIMIT = 7 * 1024 * 1024;

export interface ServerOptions {
  store: Store;
  /** Runs functions for Invoke; without it Invoke answers that this server runs none. */
  runtime?: RuntimeManager;
  now?: () => Date;
  logger?: boolean;
  sessionTimeScale?: number;
  /** Where decisions are appended as JSON lines (the state directory's decisions.log); memory only without. */
  decisionLogFile?: string;
  /** The state directory's profiles, offered to the console that holds the local token. */
  consoleProfiles?: ConsoleProfiles;
  /**
   * The state directory's local token (localToken.ts): the console's profile sign-in and
   * service events need it. Without it neither is served.
   */
  localToken?: string;
  /**
   * The URL clients and functions use to reach this server (`--public-url`): in
   * AWS_ENDPOINT_URL, code links and function URLs. By default the address it listens on.
   */
  publicUrl?: string;
}

export interface LatchkeyServer {
  app: FastifyInstance;
  deps: Deps & { decisions: DecisionLog };
}

export function createServer(options: ServerOptions): LatchkeyServer {
  const now = options.now ?? (() => new Date());
  // Called only once the server listens, when `app` below exists; asked on every request, so kept.
  let listening: string | undefined;
  const publicUrl = () => options.publicUrl ?? (listening ??= listeningUrl(app.server.address()));
  const deps = {
    publicUrl,
    store: options.store,
    policies: new PolicyCache(),
    revision: { value: 0 },
    now,
    decisions: new DecisionLog(10_000, options.decisionLogFile ? { file: options.decisionLogFile } : undefined, options.store.dialect === 'postgres' ? options.store : undefined),
    codeLinks: new CodeLinks(now),
    functionSessions: new Map<string, string>(),
    ...(options.runtime ? { runtime: options.runtime } : {}),
    ...(options.sessionTimeScale ? { sessionTimeScale: options.sessionTimeScale } : {}),
    logDelivery: undefined as LogDelivery | undefined,
    eventSources: undefined as EventSourcePollers | undefined,
  };
  deps.logDelivery = new LogDelivery(deps);
  const eventSources = new EventSourcePollers(deps);
  deps.eventSources = eventSources;
  const endpoints: Record<string, Endpoint> = {
    iam: queryEndpoint(loadServiceModel('iam'), iamService),
    sts: queryEndpoint(loadServiceModel('sts'), stsService),
    organizations: jsonEndpoint(loadServiceModel('organizations'), organizationsService),
    lambda: restJsonEndpoint(loadServiceModel('lambda'), lambdaService),
    logs: jsonEndpoint(loadServiceModel('logs'), logsService),
  };
  const sqs = sqsEndpoints(loadServiceModel('sqs'), loadServiceModel('sqs-query'), sqsService);
  // The service name comes from the request: only the table's own keys count (`constructor` is no service).
  const endpointFor = (req: IncomingSignedRequest): Endpoint => {
    const service = serviceOf(req);
    // SDKs send SQS as JSON (with X-Amz-Target), older CLIs as awsQuery forms.
    if (service === 'sqs') return req.headers['x-amz-target'] !== undefined ? sqs.json : sqs.query;
    return Object.hasOwn(endpoints, service) ? endpoints[service]! : unservedEndpoint(service, req, [...Object.keys(endpoints), 'sqs']);
  };

  /** Sends what a codec encoded, with the request id AWS clients look for (as bytes: a string would get `; charset=utf-8` appended to its type). */
  const sendEncoded = (reply: FastifyReply, e: Encoded, requestId: string) =>
    reply
      .status(e.status)
      .headers({ ...e.headers, ...(e.contentType ? { 'content-type': e.contentType } : {}), 'x-amzn-requestid': requestId })
      .send(typeof e.body === 'string' ? Buffer.from(e.body) : e.body);

  // What fails before the handler (a body over the limit, a broken URL or request) still gets
  // an error in the shape of the door it came to — a function URL, Latchkey's own endpoints,
  // or the AWS service it was signed for — and the server carries on.
  const edgeError = (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const requestId = newRequestId();
    const status = error.statusCode ?? 500;
    const tooLarge = status === 413;
    if (!tooLarge && status >= 500) console.error(`request ${requestId} failed:`, error);
    const rawPath = (request.raw.url ?? '/').split('?')[0]!;
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) =>
      reply.status(code).headers({ 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...headers }).send(Buffer.from(JSON.stringify(body)));
    if (matchFunctionUrl(request.headers.host, rawPath)) {
      // AWS's texts for these are not recorded; the payload limit is Invoke's.
      if (tooLarge) return json(413, { Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }, { 'x-amzn-ErrorType': 'RequestEntityTooLargeException' });
      return status < 500 ? json(400, { Message: 'Bad Request' }) : json(500, { Message: 'Internal Server Error' });
    }
    if (rawPath.startsWith(LATCHKEY_PATH)) {
      if (tooLarge) return json(413, { code: 'RequestEntityTooLargeException', message: `Request must be smaller than ${BODY_LIMIT} bytes.` });
      return status < 500 ? json(400, { code: 'SerializationException', message: error.message }) : json(500, { code: 'ServiceException', message: 'Latchkey failed to answer.' });
    }
    const signed = { method: request.method, rawPath, rawQuery: '', headers: request.headers, body: Buffer.alloc(0) };
    const endpoint = endpointFor(signed);
    const err = tooLarge
      ? new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${BODY_LIMIT} bytes.`, 413)
      : status < 500
        ? new AwsError(endpoint.protocol === 'query' ? 'MalformedInput' : 'SerializationException', error.message, 400)
        : serviceFailure(endpoint.protocol === 'query' ? 'ServiceFailure' : 'ServiceException');
    return sendEncoded(reply, endpoint.encodeError(err, requestId), requestId);
  };
  // frameworkErrors: a URL Fastify cannot decode is reported before any route runs.
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT, frameworkErrors: edgeError });
  // Every body is kept as raw bytes: SigV4 hashes them, and each codec parses its own format.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Every request first brings the revisions up to date with the other nodes' (once per
  // request, signed or not: a function URL's own reads need it too). What this node remembers
  // — keys, callers, compiled policies, parsed Lambda documents — is then good for the request.
  app.addHook('onRequest', async () => {
    await syncWorldRevision(deps);
  });

  // The secret behind a key changes only through IAM writes (which bump the revision); STS
  // creates new keys rather than changing old ones. So lookups are kept per revision.
  const known = new Map<string, { revision: number; credentials: SigningCredentials | undefined }>();
  const lookup = async (accessKeyId: string): Promise<SigningCredentials | undefined> => {
    const hit = known.get(accessKeyId);
    if (hit && hit.revision === deps.revision.value) return hit.credentials;
    const revision = deps.revision.value;
    const credentials = await lookupUncached(accessKeyId);
    // Unknown keys are not remembered: a flood of made-up ids must not grow the map.
    if (credentials) {
      if (known.size > 10_000) known.clear();
      known.set(accessKeyId, { revision, credentials });
    }
    return credentials;
  };
  const lookupUncached = async (accessKeyId: string): Promise<SigningCredentials | undefined> => {
    const found = await deps.store.getCredentials(accessKeyId);
    if (!found) return undefined;
    if ('accessKey' in found) {
      return found.accessKey.status === 'Active' ? { secretAccessKey: found.accessKey.secretAccessKey } : undefined;
    }
    if ('rootKey' in found) {
      return found.rootKey.status === 'Active' ? { secretAccessKey: found.rootKey.secretAccessKey } : undefined;
    }
    const s = found.session;
    return { secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken, expiresAt: new Date(s.expiresAt) };
  };

  // Before a body is read: a request to the AWS APIs that is not signed, or signed with a key
  // Latchkey does not know (or any other failure that does not depend on the body), is answered
  // at once, so that no one without a key can make the server hold megabytes per request.
  app.addHook('onRequest', async (request, reply) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    // No body, or one over the limit (refused with 413 before it is read, below): nothing to protect.
    if ((request.headers['transfer-encoding'] === undefined && !(declared > 0)) || declared > BODY_LIMIT) return;
    const rawPath = (request.raw.url ?? '/').split('?')[0]!;
    if (rawPath.startsWith(LATCHKEY_PATH) || rawPath.startsWith('/console') || rawPath.startsWith(CODE_PATH)) return;
    if (matchFunctionUrl(request.headers.host, rawPath)) return;
    const signed = { ...signedRequestOf(request), body: Buffer.alloc(0) };
    const auth = await verifySigV4(signed, lookup, deps.now(), { beforeSignature: true });
    if (auth.ok) return;
    const endpoint = endpointFor(signed);
    const requestId = newRequestId();
    reply.header('connection', 'close');
    return sendEncoded(reply, endpoint.encodeError(authError(auth.failure, endpoint.protocol, auth.detail), requestId), requestId);
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const requestId = newRequestId();
    const signed = signedRequestOf(request);
    const url = matchFunctionUrl(request.headers.host, signed.rawPath);
    if (url) {
      const meta = { region: '', requestId, sourceIp: request.ip, secureTransport: request.protocol === 'https', baseUrl: publicUrl() };
      try {
        const r = await invokeFunctionUrl(deps, lookup, { urlId: url.urlId, path: url.path, signed, sourceIp: request.ip, meta });
        return reply.status(r.statusCode).headers({ ...r.headers, 'x-amzn-requestid': requestId, ...(url.pathForm ? PATH_FORM_HEADERS : {}) }).send(r.body);
      } catch (e) {
        console.error(`function URL request ${requestId} failed:`, e);
        return reply.status(500).headers({ 'content-type': 'application/json', 'x-amzn-requestid': requestId }).send(Buffer.from('{"Message":"Internal Server Error"}'));
      }
    }
    const endpoint = endpointFor(signed);
    const send = (e: Encoded) => sendEncoded(reply, e, requestId);
    try {
      const auth = await verifySigV4(signed, lookup, deps.now());
      if (!auth.ok) throw authError(auth.failure, endpoint.protocol, auth.detail);
      const { operation, input } = endpoint.decode(signed);
      const caller = await cachedCaller(deps, auth.accessKeyId);
      const output = await execute(deps, endpoint.definition, operation, input, caller, {
        region: auth.region,
        requestId,
        sourceIp: request.ip,
        secureTransport: request.protocol === 'https',
        baseUrl: publicUrl(),
      });
      return send(endpoint.encode(operation, output, requestId));
    } catch (e) {
      if (e instanceof AwsError) return send(endpoint.encodeError(e, requestId));
      request.log.error(e);
      console.error(`request ${requestId} failed:`, e);
      return send(endpoint.encodeError(serviceFailure(endpoint.protocol === 'query' ? 'ServiceFailure' : 'ServiceException'), requestId));
    }
  };

  // Download links handed out by GetFunction / GetLayerVersion (the link's signature is the
  // authorization, as with the presigned S3 URLs AWS returns).
  app.get(`${CODE_PATH}*`, async (request, reply) => {
    const { rawPath, rawQuery } = signedRequestOf(request);
    const sha = deps.codeLinks.verify(rawPath, new URLSearchParams(rawQuery));
    const code = sha ? await deps.store.getCode(sha) : null;
    if (!code) return reply.status(403).header('content-type', 'application/xml').send('<Error><Code>AccessDenied</Code><Message>Request has expired or is not valid</Message></Error>');
    return reply.header('content-type', 'application/zip').send(code);
  });
  registerLatchkeyEndpoints(app, deps, lookup, options.localToken);
  serveConsole(app, options.consoleProfiles, options.localToken);
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH'], url: '/*', handler: handle });

  app.setErrorHandler(edgeError);
  // Mappings outlive restarts: their pollers start once the server listens (functions need its URL).
  app.addHook('onListen', async () => {
    void eventSources.resumeAll().catch((e: unknown) => console.error('Latchkey: resuming event source mappings failed:', e));
  });
  // Lines still gathering for CloudWatch Logs are stored before the server stops listening
  // (their delivery names the server's URL, which a closed server no longer has).
  app.addHook('preClose', async () => deps.logDelivery?.drain());
  app.addHook('onClose', async () => eventSources.close());
  return { app, deps };
}

/** The service a request is for: from its credential scope, or, unsigned, from its shape. */
function serviceOf(req: IncomingSignedRequest): string {
  const scope = readCredentialScope(req);
  if (scope) return scope.service;
  if (req.headers['x-amz-target']) return 'organizations';
  if (/^\/20\d\d-\d\d-\d\d\//.test(req.rawPath)) return 'lambda';
  const params = new URLSearchParams(req.body.length > 0 ? req.body.toString('utf8') : req.rawQuery);
  return params.get('Version') === '2010-05-08' ? 'iam' : 'sts';
}
