// Service events: Latchkey delivers an event to a function as an AWS service would — the
// service's principal (`s3.amazonaws.com`, …), aws:SourceArn and aws:SourceAccount of the
// emitting resource, the payload in that service's shape — and only the function's
// resource-based policy can let it in (lambda-authz.md §2, seed 003). Denied deliveries are
// recorded in the decision log with the reason. Served at POST /_latchkey/emit and by
// `latchkey emit`.

import { randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { ContextInput } from '../../iam/index.js';
import type { DecisionLog } from '../decisionLog.js';
import { describeDecision } from '../explainDecision.js';
import { resourcePolicy } from '../lambda/access.js';
import { invocationTarget, invokeLater, invokeNow, prepareInvocation } from '../lambda/invoke.js';
import { resolveQualifier } from '../lambda/permissions.js';
import { functionRef } from '../lambda/resources.js';
import type { Deps } from '../operation.js';
import { authorizeWithoutIdentity, type RequestMeta } from '../pipeline.js';
import {
  alexaSkillEvent, apiGatewayProxyEvent, cloudWatchLogsEvent, eventBridgeEvent, s3ObjectCreatedEvent, snsNotificationEvent, type EventEnv,
} from './shapes.js';

export const EMITTING_SERVICES = ['s3', 'sns', 'events', 'apigateway', 'logs', 'alexa'] as const;
export type EmittingService = (typeof EMITTING_SERVICES)[number];

export interface EmitRequest {
  service: EmittingService;
  /** Name, partial or full ARN, optionally qualified. */
  function: string;
  /** The function's account when `function` is a bare name (default: the source account). */
  account?: string;
  region?: string;
  /** The account that owns the emitting resource (S3: the bucket owner; others: from their ARN by default). */
  sourceAccount?: string;
  // s3
  bucket?: string;
  key?: string;
  // sns
  topicArn?: string;
  message?: string;
  subject?: string;
  // events
  rule?: string;
  source?: string;
  detailType?: string;
  detail?: unknown;
  // apigateway
  apiId?: string;
  stage?: string;
  method?: string;
  path?: string;
  body?: string;
  // logs
  logGroup?: string;
  messages?: string[];
  // alexa
  skillId?: string;
}

export interface EmitResult {
  requestId: string;
  service: EmittingService;
  principal: string;
  function: string;
  sourceArn?: string;
  sourceAccount?: string;
  delivered: boolean;
  /** Asynchronous services (S3, SNS, EventBridge, CloudWatch Logs) queue the event; the others wait for the result. */
  invocationType: 'Event' | 'RequestResponse';
  /** Why it was refused, in words (`latchkey explain` prints the same). */
  reason?: string;
  /** RequestResponse only: the function's result. */
  payload?: unknown;
  functionError?: string;
}

const ACCOUNT = /^\d{12}$/;
const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

function required<T>(value: T | undefined | '', name: string): T {
  if (value === undefined || value === '') throw new AwsError('InvalidParameterValueException', `${name} is required for this service.`, 400);
  return value;
}

interface Delivery {
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
  context: ContextInput;
  event: object;
  invocationType: 'Event' | 'RequestResponse';
}

/** Who delivers, from which resource, with what payload: each service as it really does it. */
function delivery(req: EmitRequest, region: string, env: EventEnv, functionAccount: string): Delivery {
  const source = (sourceArn: string, sourceAccount: string) => ({
    sourceArn,
    sourceAccount,
    context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount } as ContextInput,
  });
  switch (req.service) {
    case 's3': {
      // A bucket ARN names no account: the owner comes from S3 itself (the confused deputy of seed 002).
      const bucket = required(req.bucket, 'bucket');
      const owner = req.sourceAccount ?? functionAccount;
      return {
        principal: 's3.amazonaws.com',
        ...source(`arn:aws:s3:::${bucket}`, owner),
        event: s3ObjectCreatedEvent(env, { bucket, key: req.key ?? 'object.txt', sourceAccount: owner }),
        invocationType: 'Event',
      };
    }
    case 'sns': {
      const topicArn = required(req.topicArn, 'topicArn');
      return {
        principal: 'sns.amazonaws.com',
        ...source(topicArn, req.sourceAccount ?? accountOfArn(topicArn)),
        event: snsNotificationEvent(env, { topicArn, message: req.message ?? '', ...(req.subject ? { subject: req.subject } : {}) }),
        invocationType: 'Event',
      };
    }
    case 'events': {
      const account = req.sourceAccount ?? functionAccount;
      const ruleArn = (req.rule ?? 'default-rule').startsWith('arn:') ? req.rule! : `arn:aws:events:${region}:${account}:rule/${req.rule ?? 'default-rule'}`;
      return {
        principal: 'events.amazonaws.com',
        ...source(ruleArn, accountOfArn(ruleArn)),
        event: eventBridgeEvent(env, { account: accountOfArn(ruleArn), source: req.source ?? 'latchkey.emit', detailType: req.detailType ?? 'Latchkey Event', detail: req.detail ?? {} }),
        invocationType: 'Event',
      };
    }
    case 'apigateway': {
      const account = req.sourceAccount ?? functionAccount;
      const apiId = req.apiId ?? 'latchkeyapi';
      const stage = req.stage ?? 'prod';
      const method = (req.method ?? 'GET').toUpperCase();
      const path = req.path ?? '/';
      return {
        principal: 'apigateway.amazonaws.com',
        ...source(`arn:aws:execute-api:${region}:${account}:${apiId}/${stage}/${method}${path}`, account),
        event: apiGatewayProxyEvent(env, { account, apiId, stage, method, path, ...(req.body !== undefined ? { body: req.body } : {}) }),
        invocationType: 'RequestResponse',
      };
    }
    case 'logs': {
      const account = req.sourceAccount ?? functionAccount;
      const logGroup = req.logGroup ?? '/aws/latchkey/emit';
      return {
        principal: `logs.${region}.amazonaws.com`,
        ...source(`arn:aws:logs:${region}:${account}:log-group:${logGroup}:*`, account),
        event: cloudWatchLogsEvent(env, { account, logGroup, messages: req.messages ?? (req.message !== undefined ? [req.message] : ['hello']) }),
        invocationType: 'Event',
      };
    }
    case 'alexa': {
      // Alexa names the skill with lambda:EventSourceToken, not a source ARN.
      const skillId = required(req.skillId, 'skillId');
      return {
        principal: 'alexa-appkit.amazon.com',
        context: { 'lambda:EventSourceToken': skillId },
        event: alexaSkillEvent(env, { skillId }),
        invocationType: 'RequestResponse',
      };
    }
  }
}

export async function emitEvent(deps: Deps & { decisions: DecisionLog }, req: EmitRequest, meta: Omit<RequestMeta, 'region'>): Promise<EmitResult> {
  if (!EMITTING_SERVICES.includes(req.service)) {
    throw new AwsError('InvalidParameterValueException', `service must be one of ${EMITTING_SERVICES.join(', ')}.`, 400);
  }
  const named = required(req.function, 'function');
  const region = req.region ?? /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):/.exec(named)?.[1] ?? 'us-east-1';
  const defaultAccount = req.account ?? req.sourceAccount ?? (req.topicArn ? accountOfArn(req.topicArn) : undefined);
  if (!/:/.test(named) && !(defaultAccount && ACCOUNT.test(defaultAccount))) {
    throw new AwsError('InvalidParameterValueException', 'Name the function by ARN, or give its account.', 400);
  }
  const resolved = resolveQualifier(named, undefined, region, defaultAccount ?? '');
  const ref = functionRef(resolved.accountId, region, resolved.functionName, resolved.qualifier);
  const env: EventEnv = { region, now: deps.now(), id: randomUUID };
  const d = delivery(req, region, env, ref.accountId);
  // A function that is not there: said as Lambda says it, before any policy is looked at.
  await invocationTarget(deps, ref, deps.now().getTime());
  const policy = await resourcePolicy(deps, ref.resourceArn);
  const decided = authorizeWithoutIdentity(
    deps,
    { type: 'Service', service: d.principal },
    {
      action: 'lambda:InvokeFunction',
      resource: ref.resourceArn,
      resourceAccount: ref.accountId,
      // What AWS sets when a service calls with its own principal (global condition keys reference).
      context: { ...d.context, 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': d.principal },
      ...(policy ? { resourcePolicy: policy } : {}),
    },
    { ...meta, region, via: 'event' },
  );
  const result: EmitResult = {
    requestId: meta.requestId,
    service: req.service,
    principal: d.principal,
    function: ref.resourceArn,
    ...(d.sourceArn ? { sourceArn: d.sourceArn } : {}),
    ...(d.sourceAccount ? { sourceAccount: d.sourceAccount } : {}),
    delivered: false,
    invocationType: d.invocationType,
  };
  if (decided.decision !== 'Allow') return { ...result, reason: describeDecision(decided) };
  const inv = await prepareInvocation({ deps, region, baseUrl: meta.baseUrl }, ref);
  const payload = Buffer.from(JSON.stringify(d.event));
  if (d.invocationType === 'Event') {
    invokeLater(inv, { payload, requestId: meta.requestId });
    return { ...result, delivered: true };
  }
  const out = await invokeNow(inv, { payload, requestId: meta.requestId });
  let parsed: unknown = out.payload.toString('utf8');
  try {
    parsed = JSON.parse(String(parsed));
  } catch {
    // not JSON: keep the text
  }
  return { ...result, delivered: true, payload: parsed, ...(out.functionError ? { functionError: out.functionError } : {}) };
}
