// The execution role's credentials, as Lambda hands them to a function: an STS session of
// the role named after the function, admitted by the role's trust policy as the service
// principal lambda.amazonaws.com would be, and renewed before it expires. Calls made with
// them carry lambda:SourceFunctionArn (remembered per access key, see pipeline.ts).

import { authorize, RequestContext } from '../../iam/index.js';
import { AwsError } from '../../aws/errors.js';
import { newRoleSession } from '../sts/roleSession.js';
import type { Deps } from '../operation.js';

const SESSION_SECONDS = 3600;
const RENEW_BEFORE_MS = 5 * 60_000;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/;

interface Issued {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
}

const issued = new WeakMap<Deps, Map<string, Issued>>();

export async function executionRoleCredentials(deps: Deps, roleArn: unknown, functionName: string, functionArn: string) {
  let perDeps = issued.get(deps);
  if (!perDeps) issued.set(deps, (perDeps = new Map()));
  const cacheKey = `${roleArn}|${functionArn}`;
  const now = deps.now().getTime();
  const hit = perDeps.get(cacheKey);
  if (hit && hit.expiresAt - RENEW_BEFORE_MS > now) return hit;

  const m = ROLE_ARN.exec(String(roleArn));
  const role = m ? await deps.store.getRole(m[1]!, m[2]!) : null;
  if (!role || role.arn !== roleArn) throw new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.', 400);
  const trust = deps.policies.get(`trust/${role.arn}`, role.assumeRolePolicyDocument, role.assumeRolePolicyDocument, { kind: 'trust' });
  const decision = authorize(
    {
      principal: { type: 'Service', service: 'lambda.amazonaws.com' },
      action: 'sts:AssumeRole',
      resource: role.arn,
      context: new RequestContext({ 'aws:SourceArn': functionArn, 'aws:SourceAccount': role.accountId, 'aws:PrincipalServiceName': 'lambda.amazonaws.com' }),
    },
    { resource: trust },
  );
  if (decision.decision !== 'Allow') {
    throw new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.', 400);
  }
  const session = newRoleSession(role, {
    sessionName: functionName,
    issuedAt: new Date(now),
    expiresAt: new Date(now + SESSION_SECONDS * 1000),
  });
  await deps.store.putSession(session);
  deps.functionSessions?.set(session.accessKeyId, functionArn);
  const credentials = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiresAt: now + SESSION_SECONDS * 1000 };
  perDeps.set(cacheKey, credentials);
  return credentials;
}
