// What IAM's operations share: ARNs, AWS's error texts, policy-document validation through
// the engine, and turning store errors into IAM errors.

import { compilePolicy, MalformedPolicyDocumentError, type CompiledPolicy, type PolicyKind } from '../../iam/index.js';
import { AwsError } from '../../aws/errors.js';
import { StoreError, type PrincipalKind, type Tag } from '../../store/store.js';
import type { Deps } from '../operation.js';

export type EntityKind = 'user' | 'group' | 'role' | 'policy' | 'instance-profile';

export function iamArn(accountId: string, kind: EntityKind, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

const ENTITY_WORD: Record<PrincipalKind | 'policy', string> = { user: 'user', group: 'group', role: 'role', policy: 'policy' };

export const IamErrors = {
  noSuchEntity: (kind: PrincipalKind, name: string) =>
    new AwsError('NoSuchEntity', `The ${ENTITY_WORD[kind]} with name ${name} cannot be found.`, 404),
  noSuchPolicy: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404),
  notAttachable: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404),
  noSuchInlinePolicy: (kind: PrincipalKind, policyName: string) =>
    new AwsError('NoSuchEntity', `The ${ENTITY_WORD[kind]} policy with name ${policyName} cannot be found.`, 404),
  alreadyExists: (kind: PrincipalKind, name: string) => {
    const word = kind[0]!.toUpperCase() + kind.slice(1);
    return new AwsError('EntityAlreadyExists', `${word} with name ${name} already exists.`, 409);
  },
  policyExists: (name: string) =>
    new AwsError('EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`, 409),
  deleteConflict: (message = 'Cannot delete entity, must remove referenced objects first.') =>
    new AwsError('DeleteConflict', message, 409),
  invalidArn: () => new AwsError('InvalidInput', 'Invalid ARN:  Could not be parsed!', 400),
};

/** Quota on policy size, counted as IAM does: characters other than whitespace. */
export const POLICY_SIZE_QUOTA = { managed: 6144, user: 2048, group: 5120, role: 10240 } as const;

export function checkPolicySize(document: string, quota: number): void {
  if (document.replace(/\s/g, '').length > quota) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for PolicySize: ${quota}`, 409);
  }
}

/** Validates a policy document with the engine; MalformedPolicyDocument with AWS's text when invalid. */
export function validatePolicyDocument(document: string, kind: PolicyKind, requireVersion2012 = false): CompiledPolicy {
  try {
    return compilePolicy(document, { kind, requireVersion2012, skipActionCatalogue: true });
  } catch (e) {
    if (e instanceof MalformedPolicyDocumentError) throw new AwsError('MalformedPolicyDocument', e.message, 400);
    throw e;
  }
}

/** Runs a store call, turning StoreError into the IAM error the caller gives for each code. */
export async function storeCall<T>(
  call: () => Promise<T>,
  errors: Partial<Record<StoreError['code'], () => AwsError>>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof StoreError) {
      const mapped = errors[e.code];
      if (mapped) throw mapped();
      if (e.code === 'LimitExceeded') throw new AwsError('LimitExceeded', e.message, 409);
      if (e.code === 'Conflict') throw IamErrors.deleteConflict();
      if (e.code === 'NotFound') throw new AwsError('NoSuchEntity', e.message, 404);
      if (e.code === 'AlreadyExists') throw new AwsError('EntityAlreadyExists', e.message, 409);
    }
    throw e;
  }
}

/** A user, group or role by name, or null. */
export async function findPrincipal(deps: Deps, accountId: string, kind: PrincipalKind, name: string) {
  const { store } = deps;
  return kind === 'user' ? store.getUser(accountId, name) : kind === 'group' ? store.getGroup(accountId, name) : store.getRole(accountId, name);
}

/** The stored name of a user, group or role (IAM names match without regard to case). */
export async function requirePrincipal(deps: Deps, accountId: string, kind: PrincipalKind, name: string): Promise<string> {
  const entity = await findPrincipal(deps, accountId, kind, name);
  if (!entity) throw IamErrors.noSuchEntity(kind, name);
  return 'userName' in entity ? entity.userName : 'groupName' in entity ? entity.groupName : entity.roleName;
}

/** The ARN of a user, group or role for authorization: with its path when it exists. */
export async function principalArnFor(deps: Deps, accountId: string, kind: PrincipalKind, name: string): Promise<string> {
  const entity = await findPrincipal(deps, accountId, kind, name);
  return entity ? entity.arn : iamArn(accountId, kind, '/', name);
}

/** The request's tags; keys are case-insensitive, so two that differ only in case are refused (IAM's text). */
export function tagsOf(input: { Tags?: Tag[] }): Tag[] {
  const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
  if (new Set(tags.map((t) => t.Key.toLowerCase())).size !== tags.length) {
    throw new AwsError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', 400);
  }
  return tags;
}

/** One page of a List*Tags answer (MaxItems, 100 by default; Marker). */
export function tagPage(tags: Tag[], input: { Marker?: string; MaxItems?: number }) {
  const page = paginate(tags, input.Marker, input.MaxItems);
  return { Tags: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

/** aws:RequestTag/* and aws:TagKeys for a request that carries tags. */
export function requestTagContext(tags: Tag[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
}

export function isoDate(d: string | Date): string {
  return (typeof d === 'string' ? new Date(d) : d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- Added for groups, roles, policies, access keys and simulation ----------------------

/** IAM's inline-policy quota: all inline policies of one user, group or role together. */
export const INLINE_POLICY_QUOTA: Record<PrincipalKind, number> = { user: 2048, group: 5120, role: 10240 };

/** The aggregate inline-policy size check, with AWS's text (`Maximum policy size of 2048 bytes exceeded for user alice`). */
export function checkInlinePolicySize(kind: PrincipalKind, principalName: string, documents: string[]): void {
  const quota = INLINE_POLICY_QUOTA[kind];
  const size = documents.reduce((n, d) => n + d.replace(/\s/g, '').length, 0);
  if (size > quota) {
    throw new AwsError('LimitExceeded', `Maximum policy size of ${quota} bytes exceeded for ${ENTITY_WORD[kind]} ${principalName}`, 409);
  }
}

/** A role's trust policy quota (IAM's default ACLSizePerRole). */
export const TRUST_POLICY_QUOTA = 2048;

export function checkTrustPolicySize(document: string): void {
  if (document.replace(/\s/g, '').length > TRUST_POLICY_QUOTA) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`, 409);
  }
}

/** The members IAM's list operations share. */
export interface ListPage<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** Pages an in-memory list with IAM's Marker / MaxItems (default 100); the marker is opaque. */
export function paginate<T>(all: T[], marker: string | undefined, maxItems: number | undefined): ListPage<T> {
  let start = 0;
  if (marker) {
    const n = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0 || n > all.length) throw new AwsError('InvalidInput', 'Invalid Marker.', 400);
    start = n;
  }
  const limit = maxItems && maxItems > 0 ? maxItems : 100;
  const items = all.slice(start, start + limit);
  const next = start + items.length;
  return next < all.length
    ? { items, IsTruncated: true, Marker: Buffer.from(String(next), 'utf8').toString('base64url') }
    : { items, IsTruncated: false };
}

/** The store's page request from IAM's PathPrefix / Marker / MaxItems. */
export function pageRequest(input: { PathPrefix?: string; Marker?: string; MaxItems?: number }): {
  pathPrefix?: string;
  marker?: string;
  maxItems?: number;
} {
  return {
    ...(input.PathPrefix ? { pathPrefix: input.PathPrefix } : {}),
    ...(input.Marker ? { marker: input.Marker } : {}),
    ...(input.MaxItems ? { maxItems: input.MaxItems } : {}),
  };
}

/** A policy ARN IAM can parse (`arn:<partition>:iam::<account|aws>:policy/…`); InvalidInput otherwise. */
export function requireParsablePolicyArn(arn: string): { accountId: string } {
  const m = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/\S*$/.exec(arn);
  if (!m) throw IamErrors.invalidArn();
  return { accountId: m[1]! };
}
