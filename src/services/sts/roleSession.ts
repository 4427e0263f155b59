// A new session of an IAM role: what AssumeRole issues, and what Lambda gets for a function's
// execution role. One place makes the keys, so both kinds of session look alike to the pipeline.

import type { RoleRecord, SessionRecord } from '../../store/store.js';
import { secretAccessKey, sessionToken, uniqueId } from '../ids.js';

export interface RoleSessionOptions {
  sessionName: string;
  issuedAt: Date;
  expiresAt: Date;
  sessionPolicy?: string | null;
  sessionPolicyArns?: string[];
  sourceIdentity?: string | null;
}

export function newRoleSession(role: Pick<RoleRecord, 'accountId' | 'arn' | 'roleId'>, o: RoleSessionOptions): SessionRecord {
  return {
    accessKeyId: uniqueId('ASIA'),
    secretAccessKey: secretAccessKey(),
    sessionToken: sessionToken(),
    accountId: role.accountId,
    kind: 'AssumedRole',
    roleArn: role.arn,
    roleId: role.roleId,
    sessionName: o.sessionName,
    userName: null,
    userId: null,
    sessionPolicy: o.sessionPolicy ?? null,
    sessionPolicyArns: o.sessionPolicyArns ?? [],
    sourceIdentity: o.sourceIdentity ?? null,
    issuedAt: o.issuedAt.toISOString(),
    expiresAt: o.expiresAt.toISOString(),
  };
}
