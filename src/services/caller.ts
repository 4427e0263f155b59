// Who is calling: the identity behind a verified access key, in the shapes AWS uses for it
// (GetCallerIdentity, aws:* principal condition keys, the engine's Principal).

import type { ContextInput, Principal } from '../iam/index.js';
import type { AccountRecord, RoleRecord, SessionRecord, Store, UserRecord } from '../store/store.js';
import { AwsError } from '../aws/errors.js';

export interface Caller {
  accountId: string;
  principal: Principal;
  /** As GetCallerIdentity prints it. */
  arn: string;
  /** aws:userid: AIDA… for users, AROA…:session for role sessions. */
  userId: string;
  accessKeyId: string;
  user?: UserRecord;
  role?: RoleRecord;
  session?: SessionRecord;
  account: AccountRecord | null;
}

const callers = new WeakMap<object, Map<string, { revision: number; caller: Caller }>>();

/**
 * resolveCaller, kept per access key until the world changes (`revision`): the identity
 * behind a key changes only through IAM and Organizations writes.
 */
export async function cachedCaller(deps: { store: Store; revision: { value: number } }, accessKeyId: string): Promise<Caller> {
  let perDeps = callers.get(deps);
  if (!perDeps) callers.set(deps, (perDeps = new Map()));
  const hit = perDeps.get(accessKeyId);
  if (hit && hit.revision === deps.revision.value) return hit.caller;
  const revision = deps.revision.value;
  const caller = await resolveCaller(deps.store, accessKeyId);
  if (perDeps.size > 10_000) perDeps.clear();
  perDeps.set(accessKeyId, { revision, caller });
  return caller;
}

export async function resolveCaller(store: Store, accessKeyId: string): Promise<Caller> {
  const found = await store.getCredentials(accessKeyId);
  if (!found) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  if ('accessKey' in found) {
    const { accountId, userName } = found.accessKey;
    const user = await store.getUser(accountId, userName);
    if (!user) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return userCaller(user, accessKeyId, await store.getAccount(accountId));
  }
  if ('rootKey' in found) {
    const { accountId } = found.rootKey;
    const arn = `arn:aws:iam::${accountId}:root`;
    return {
      accountId,
      principal: { type: 'Account', accountId },
      arn,
      userId: accountId,
      accessKeyId,
      account: await store.getAccount(accountId),
    };
  }
  const session = found.session;
  const account = await store.getAccount(session.accountId);
  if (session.kind === 'SessionToken') {
    const user = await store.getUser(session.accountId, session.userName ?? '');
    // The user who made the session, not another one created later under the same name.
    if (!user || user.userId !== session.userId) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { ...userCaller(user, accessKeyId, account), session };
  }
  const role = await store.getRole(session.accountId, roleNameOf(session.roleArn ?? ''));
  // A session outlives nothing: if its role is gone, its credentials are too.
  if (!role || role.roleId !== session.roleId) {
    throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  const arn = `arn:aws:sts::${session.accountId}:assumed-role/${role.roleName}/${session.sessionName}`;
  return {
    accountId: session.accountId,
    principal: { type: 'AssumedRole', arn, roleArn: role.arn, accountId: session.accountId },
    arn,
    userId: `${role.roleId}:${session.sessionName}`,
    accessKeyId,
    role,
    session,
    account,
  };
}

function userCaller(user: UserRecord, accessKeyId: string, account: AccountRecord | null): Caller {
  return {
    accountId: user.accountId,
    principal: { type: 'User', arn: user.arn, accountId: user.accountId },
    arn: user.arn,
    userId: user.userId,
    accessKeyId,
    user,
    account,
  };
}

export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** The principal's condition keys (aws:PrincipalArn, aws:userid, tags, org, …). */
export function principalContext(caller: Caller, orgPaths: string[]): ContextInput {
  const keys: ContextInput = {
    'aws:PrincipalArn': caller.role ? caller.role.arn : caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': caller.role ? 'AssumedRole' : caller.user ? 'User' : 'Account',
    'aws:userid': caller.userId,
    'aws:MultiFactorAuthPresent': 'false',
    'aws:PrincipalIsAWSService': 'false',
    // No Latchkey service calls another on a caller's behalf (AWS's Forward Access Sessions), so
    // aws:CalledVia never appears and aws:ViaAWSService is always false.
    'aws:ViaAWSService': 'false',
  };
  if (caller.user && !caller.role) keys['aws:username'] = caller.user.userName;
  if (caller.account?.organizationId) {
    keys['aws:PrincipalOrgID'] = caller.account.organizationId;
    keys['aws:PrincipalOrgPaths'] = orgPaths;
  }
  if (caller.session) keys['aws:TokenIssueTime'] = caller.session.issuedAt;
  if (caller.session?.sourceIdentity) keys['aws:SourceIdentity'] = caller.session.sourceIdentity;
  for (const tag of caller.role?.tags ?? caller.user?.tags ?? []) keys[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
  return keys;
}
