// STS: GetCallerIdentity, AssumeRole, GetSessionToken.
//
// AssumeRole evaluates the role's trust policy as the resource-based policy of the request,
// and the trust policy must allow explicitly even in the same account (IAM's exception to
// the same-account OR rule, iam-evaluation.md §3).

import { AwsError } from '../../aws/errors.js';
import type { Tag } from '../../store/store.js';
import { secretAccessKey, sessionToken, uniqueId } from '../ids.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { validatePolicyDocument, requestTagContext, isoDate } from '../iam/common.js';
import { newRoleSession } from './roleSession.js';
import type { ServiceDefinition } from '../pipeline.js';
import { parseArn } from '../../iam/index.js';

type AssumeRoleInput = {
  RoleArn: string;
  RoleSessionName: string;
  Policy?: string;
  PolicyArns?: { arn: string }[];
  DurationSeconds?: number;
  ExternalId?: string;
  Tags?: Tag[];
  SourceIdentity?: string;
};

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role(\/(?:[^/]+\/)*)?([\w+=,.@-]+)$/;
const PACKED_POLICY_LIMIT = 2048;
/** Chained role sessions (a role session assuming a role) last one hour at most. */
const CHAINED_SESSION_LIMIT = 3600;

async function findRole(ctx: OperationContext<AssumeRoleInput>) {
  const m = ROLE_ARN.exec(ctx.input.RoleArn);
  if (!m) throw new AwsError('ValidationError', `${ctx.input.RoleArn} is invalid`, 400);
  const role = await ctx.deps.store.getRole(m[1]!, m[3]!);
  return role && role.arn === ctx.input.RoleArn ? role : null;
}

/**
 * The source identity of the new session: the one the caller's session carries (it persists
 * through role chaining and cannot be changed), else the one asked for.
 */
function sourceIdentityOf(ctx: OperationContext<AssumeRoleInput>): string | null {
  const carried = ctx.caller.session?.sourceIdentity ?? null;
  const asked = ctx.input.SourceIdentity ?? null;
  if (carried !== null && asked !== null && asked !== carried) {
    // [guess: AWS documents that the value cannot be changed, not the error it answers]
    throw new AwsError('ValidationError', `SourceIdentity cannot be changed during the role session: it is ${carried}`, 400);
  }
  return carried ?? asked;
}

function credentialsShape(s: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAt: string }) {
  return {
    AccessKeyId: s.accessKeyId,
    SecretAccessKey: s.secretAccessKey,
    SessionToken: s.sessionToken,
    Expiration: isoDate(s.expiresAt),
  };
}

const operations: ServiceOperations = {
  // Always allowed, even under an explicit deny (AWS documents this).
  GetCallerIdentity: {
    authorize: () => [],
    async handle(ctx) {
      return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
    },
  },

  AssumeRole: {
    async authorize(ctx: OperationContext<AssumeRoleInput>) {
      const { input } = ctx;
      const role = await findRole(ctx);
      const sourceIdentity = sourceIdentityOf(ctx);
      const context = {
        'sts:RoleSessionName': input.RoleSessionName,
        ...(input.ExternalId !== undefined ? { 'sts:ExternalId': input.ExternalId } : {}),
        ...(sourceIdentity !== null ? { 'sts:SourceIdentity': sourceIdentity } : {}),
        ...requestTagContext(input.Tags ?? []),
      };
      const onTheRole = (action: string) => ({
        action,
        resource: input.RoleArn,
        resourceAccount: parseArn(input.RoleArn)?.account ?? ctx.caller.accountId,
        context,
        // A role that does not exist has no trust policy, so nobody may assume it; AWS
        // answers AccessDenied, not NoSuchEntity, so as not to reveal which roles exist.
        ...(role
          ? {
              resourcePolicy: ctx.deps.policies.get(`trust/${role.arn}`, role.assumeRolePolicyDocument, role.assumeRolePolicyDocument, {
                kind: 'trust',
              }),
            }
          : {}),
        resourcePolicyMustAllow: true,
      });
      // A source identity, given or carried over from the caller's session, must be allowed
      // by the caller's policies and the role's trust policy alike.
      return [onTheRole('sts:AssumeRole'), ...(sourceIdentity !== null ? [onTheRole('sts:SetSourceIdentity')] : [])];
    },
    async handle(ctx: OperationContext<AssumeRoleInput>) {
      const { input, deps, caller } = ctx;
      const role = await findRole(ctx);
      if (!role) throw new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403);
      const chained = caller.role !== undefined;
      const maximum = chained ? Math.min(CHAINED_SESSION_LIMIT, role.maxSessionDuration) : role.maxSessionDuration;
      const duration = input.DurationSeconds ?? 3600;
      if (duration > maximum) {
        throw new AwsError(
          'ValidationError',
          chained
            ? `The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.`
            : `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
          400,
        );
      }
      let packedSize: number | undefined;
      if (input.Policy !== undefined) {
        validatePolicyDocument(input.Policy, 'session');
        packedSize = Math.ceil((input.Policy.replace(/\s/g, '').length * 100) / PACKED_POLICY_LIMIT);
        if (packedSize > 100) {
          throw new AwsError('PackedPolicyTooLarge', `Packed policy consumes ${packedSize}% of allotted space, please use smaller policy for this request.`, 400);
        }
      }
      for (const { arn } of input.PolicyArns ?? []) {
        if (!(await deps.store.getManagedPolicy(arn))) {
          throw new AwsError('InvalidParameterValue', `The policy ${arn} does not exist or is not attachable.`, 400);
        }
      }
      const now = deps.now();
      const session = newRoleSession(role, {
        sessionName: input.RoleSessionName,
        sessionPolicy: input.Policy ?? null,
        sessionPolicyArns: (input.PolicyArns ?? []).map((p) => p.arn),
        sourceIdentity: sourceIdentityOf(ctx),
        issuedAt: now,
        expiresAt: new Date(now.getTime() + duration * 1000 * (deps.sessionTimeScale ?? 1)),
      });
      await deps.store.putSession(session);
      return {
        Credentials: credentialsShape(session),
        AssumedRoleUser: {
          AssumedRoleId: `${role.roleId}:${input.RoleSessionName}`,
          Arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${input.RoleSessionName}`,
        },
        ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
        ...(session.sourceIdentity !== null ? { SourceIdentity: session.sourceIdentity } : {}),
      };
    },
  },

  // No permission governs GetSessionToken; only long-term user keys may call it.
  GetSessionToken: {
    authorize: () => [],
    async handle(ctx: OperationContext<{ DurationSeconds?: number }>) {
      const { caller, deps, input } = ctx;
      if (caller.session || !caller.user) {
        throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      }
      const duration = input.DurationSeconds ?? 43200;
      const now = deps.now();
      const session = {
        accessKeyId: uniqueId('ASIA'),
        secretAccessKey: secretAccessKey(),
        sessionToken: sessionToken(),
        accountId: caller.accountId,
        kind: 'SessionToken' as const,
        roleArn: null,
        roleId: null,
        sessionName: null,
        userName: caller.user.userName,
        userId: caller.user.userId,
        sessionPolicy: null,
        sessionPolicyArns: [],
        sourceIdentity: null,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + duration * 1000 * (deps.sessionTimeScale ?? 1)).toISOString(),
      };
      await deps.store.putSession(session);
      return { Credentials: credentialsShape(session) };
    },
  },
};

export const stsService: ServiceDefinition = { operations, accessDeniedCode: 'AccessDenied', changesIdentities: false };
