// What Latchkey keeps: the world's accounts and organization, IAM entities and policies,
// credentials, Lambda documents and code, logs and queues. Services talk to this interface
// only; one implementation (sqlStore.ts) runs it on SQLite or on PostgreSQL, so methods are
// async and each mutation is one transaction inside the store. Names follow IAM's: userName, roleId, policyArn, …
//
// Conflicts and missing parents are reported with StoreError codes, never with SQL errors,
// so services can turn them into AWS errors (EntityAlreadyExists, NoSuchEntity, …).

import type { LogsStore } from './logs.js';
import type { SqsStore } from './sqs.js';

export type Tag = { Key: string; Value: string };

export interface AccountRecord {
  accountId: string;
  name: string;
  email: string;
  /** The organization the account belongs to, or null. */
  organizationId: string | null;
  /** Root or OU id the account sits under, when in an organization. */
  parentId: string | null;
  joinedAt: string;
}

export interface OrganizationRecord {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  featureSet: 'ALL';
}

export interface OrganizationalUnitRecord {
  ouId: string;
  organizationId: string;
  name: string;
  parentId: string;
}

export interface OrgPolicyRecord {
  policyId: string;
  organizationId: string;
  name: string;
  description: string;
  type: 'SERVICE_CONTROL_POLICY';
  content: string;
  awsManaged: boolean;
}

export type PrincipalKind = 'user' | 'group' | 'role';

export interface UserRecord {
  accountId: string;
  userName: string;
  userId: string;
  path: string;
  arn: string;
  createDate: string;
  permissionsBoundaryArn: string | null;
  tags: Tag[];
}

export interface GroupRecord {
  accountId: string;
  groupName: string;
  groupId: string;
  path: string;
  arn: string;
  createDate: string;
}

export interface RoleRecord {
  accountId: string;
  roleName: string;
  roleId: string;
  path: string;
  arn: string;
  createDate: string;
  assumeRolePolicyDocument: string;
  description: string | null;
  maxSessionDuration: number;
  permissionsBoundaryArn: string | null;
  tags: Tag[];
}

export interface InlinePolicyRecord {
  accountId: string;
  principalKind: PrincipalKind;
  principalName: string;
  policyName: string;
  document: string;
}

export interface ManagedPolicyRecord {
  arn: string;
  /** 'aws' for AWS managed policies. */
  accountId: string;
  policyName: string;
  policyId: string;
  path: string;
  description: string | null;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  /** Derived: how many users, groups and roles it is attached to. */
  attachmentCount: number;
  /** Derived: how many users and roles use it as their permissions boundary. */
  boundaryUsageCount: number;
  tags: Tag[];
}

export interface PolicyVersionRecord {
  policyArn: string;
  versionId: string;
  document: string;
  isDefault: boolean;
  createDate: string;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** An access key of an account's root user. */
export interface RootAccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** What an access key id stands for: a user's key, the root user's key, or an STS session. */
export type Credentials = { accessKey: AccessKeyRecord } | { rootKey: RootAccessKeyRecord } | { session: SessionRecord };

/** Temporary credentials from STS. */
export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  kind: 'AssumedRole' | 'SessionToken';
  /** AssumedRole: the role; SessionToken: null. */
  roleArn: string | null;
  roleId: string | null;
  /** AssumedRole: the session name; SessionToken: null. */
  sessionName: string | null;
  /** SessionToken: the IAM user whose long-term key made it; AssumedRole: null. */
  userName: string | null;
  /** SessionToken: that user's id (AIDA…): a later user of the same name is someone else. */
  userId: string | null;
  /** Session policy JSON passed to AssumeRole, or null. */
  sessionPolicy: string | null;
  /** Managed policy ARNs passed as session policies. */
  sessionPolicyArns: string[];
  sourceIdentity: string | null;
  issuedAt: string;
  expiresAt: string;
}

export type StoreErrorCode = 'AlreadyExists' | 'NotFound' | 'Conflict' | 'LimitExceeded';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `marker` for the next page. */
  nextMarker: string | null;
}

export interface PageRequest {
  marker?: string;
  maxItems?: number;
  pathPrefix?: string;
}

/** The kinds of Lambda documents. */
/** `retiredLayerVersion`: a deleted layer version, kept for the functions that already use it. */
export type LambdaKind = 'function' | 'version' | 'alias' | 'policy' | 'layerVersion' | 'retiredLayerVersion' | 'url' | 'urlId' | 'accountSettings' | 'eventSourceMapping';

/**
 * Reads and writes inside one database transaction. The whole read-modify-write (RevisionId
 * checks included) is isolated from every other transaction, on every node: SQLite runs one
 * write transaction at a time; PostgreSQL runs it SERIALIZABLE and runs the callback again when
 * another node's commit got in the way. So a callback must only read and write through `tx`
 * (it may run more than once) and must await every call.
 */
export interface LambdaTransaction {
  get<T>(kind: LambdaKind, key: string): Promise<T | null>;
  /** Whether a document exists, without reading it. */
  has(kind: LambdaKind, key: string): Promise<boolean>;
  put(kind: LambdaKind, key: string, document: unknown): Promise<void>;
  delete(kind: LambdaKind, key: string): Promise<boolean>;
  /** Documents whose key starts with `prefix`, in key order. */
  list<T>(kind: LambdaKind, prefix: string): Promise<T[]>;
}

/** The reading half of a transaction. */
export type LambdaReader = Pick<LambdaTransaction, 'get' | 'has' | 'list'>;

/**
 * What several Latchkey nodes on one database coordinate through (cluster.ts). On SQLite there
 * is one node, and the same rows serve it.
 */
export interface ClusterStore {
  /** Which database the store runs on: 'sqlite' (one node) or 'postgres' (any number). */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * The world's revision: it grows with every change to identities, keys, sessions and SCPs on
   * any node, so caches keyed by it (credentials, callers, compiled policies) stay correct.
   */
  worldRevision(): Promise<number>;
  /** Moves the revision on; returns the new value. */
  bumpWorldRevision(): Promise<number>;
  /**
   * Takes one of `limit` concurrency slots of `scope` (a function ARN) for `holder` until
   * `expiresAt` (epoch ms), counting every node's live slots; false when all are taken.
   */
  acquireConcurrency(scope: string, holder: string, limit: number, now: number, expiresAt: number): Promise<boolean>;
  releaseConcurrency(scope: string, holder: string): Promise<void>;
  /**
   * Takes or renews the lease on `name` (an event source mapping) for `owner` until
   * `expiresAt`, when it is free, expired or already `owner`'s; false when another node holds it.
   */
  acquireLease(name: string, owner: string, now: number, expiresAt: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /** Appends authorization decisions (JSON records) of this node to the shared decision log. */
  recordDecisions(records: { requestId: string; record: string }[]): Promise<void>;
  /** Every node's decisions of one request, oldest first. */
  findDecisions(requestId: string): Promise<string[]>;
  /** The newest `limit` decisions of every node, oldest first. */
  recentDecisions(limit: number): Promise<string[]>;
  /** Runs `fn` while no other node runs one (applying the world at start-up). */
  alone<T>(fn: () => Promise<T>): Promise<T>;
}

export interface LambdaStore {
  /** The documents lambdaGet and lambdaView return are frozen (shared between requests): copy to change. */
  lambdaGet<T>(kind: LambdaKind, key: string): Promise<T | null>;
  /** Key-ordered page of the documents whose key starts with `prefix`; `marker` is the last key seen. */
  lambdaList<T>(kind: LambdaKind, prefix: string, page: { marker?: string; maxItems?: number }): Promise<{ items: T[]; nextMarker: string | null }>;
  /** Runs `change` in one transaction; what it throws rolls everything back and is rethrown. */
  lambdaTransact<T>(change: (tx: LambdaTransaction) => Promise<T>): Promise<T>;
  /** Several reads that see one consistent state, without taking the write lock. */
  lambdaView<T>(read: (tx: LambdaReader) => Promise<T>): Promise<T>;
  /** Stores a deployment package (idempotent per SHA-256). */
  putCode(sha256: string, content: Buffer): Promise<void>;
  getCode(sha256: string): Promise<Buffer | null>;
}

export interface Store extends LambdaStore, ClusterStore {
  close(): Promise<void>;

  /** CloudWatch Logs: log groups, streams and events (logs.ts). */
  readonly logs: LogsStore;
  /** SQS: queues and their messages (sqs.ts). */
  readonly sqs: SqsStore;

  // Accounts and organizations (world bootstrap and Organizations API)
  putAccount(a: AccountRecord): Promise<void>;
  getAccount(accountId: string): Promise<AccountRecord | null>;
  listAccounts(): Promise<AccountRecord[]>;
  putOrganization(o: OrganizationRecord): Promise<void>;
  getOrganization(organizationId: string): Promise<OrganizationRecord | null>;
  putOrganizationalUnit(ou: OrganizationalUnitRecord): Promise<void>;
  listOrganizationalUnits(organizationId: string): Promise<OrganizationalUnitRecord[]>;
  putOrgPolicy(p: OrgPolicyRecord): Promise<void>;
  getOrgPolicy(policyId: string): Promise<OrgPolicyRecord | null>;
  listOrgPolicies(organizationId: string): Promise<OrgPolicyRecord[]>;
  /** Idempotent. */
  attachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  /** NotFound when not attached. */
  detachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  /** Policies attached directly to a root, OU or account. */
  listOrgPoliciesForTarget(targetId: string): Promise<OrgPolicyRecord[]>;
  listTargetsForOrgPolicy(policyId: string): Promise<string[]>;

  // Users, groups, roles
  /** AlreadyExists when the name is taken in the account (case-insensitively, as IAM). */
  createUser(u: UserRecord): Promise<void>;
  getUser(accountId: string, userName: string): Promise<UserRecord | null>;
  /** Ordered by name (case-insensitively); `pathPrefix` filters. The same for groups, roles and managed policies. */
  listUsers(accountId: string, page: PageRequest): Promise<Page<UserRecord>>;
  /** Conflict when the user still has keys, policies, attachments or group memberships. */
  deleteUser(accountId: string, userName: string): Promise<void>;
  /**
   * Finds the user by `userId` in `accountId` (so it can rename) and replaces name, path, ARN,
   * boundary and tags. NotFound when missing; AlreadyExists when the new name is taken.
   */
  updateUser(u: UserRecord): Promise<void>;

  createGroup(g: GroupRecord): Promise<void>;
  getGroup(accountId: string, groupName: string): Promise<GroupRecord | null>;
  listGroups(accountId: string, page: PageRequest): Promise<Page<GroupRecord>>;
  deleteGroup(accountId: string, groupName: string): Promise<void>;
  /** Idempotent; NotFound when user or group is missing. */
  addUserToGroup(accountId: string, groupName: string, userName: string): Promise<void>;
  /** NotFound when the user or group is missing or the user is not a member. */
  removeUserFromGroup(accountId: string, groupName: string, userName: string): Promise<void>;
  /** This and listUsersInGroup: NotFound when the user (group) is missing. */
  listGroupsForUser(accountId: string, userName: string): Promise<GroupRecord[]>;
  listUsersInGroup(accountId: string, groupName: string): Promise<UserRecord[]>;

  createRole(r: RoleRecord): Promise<void>;
  getRole(accountId: string, roleName: string): Promise<RoleRecord | null>;
  listRoles(accountId: string, page: PageRequest): Promise<Page<RoleRecord>>;
  /** Finds the role by `roleId` in `accountId`, like updateUser. */
  updateRole(r: RoleRecord): Promise<void>;
  deleteRole(accountId: string, roleName: string): Promise<void>;

  // Inline policies: put replaces; NotFound when the principal is missing.
  putInlinePolicy(p: InlinePolicyRecord): Promise<void>;
  getInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<InlinePolicyRecord | null>;
  deleteInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<void>;
  listInlinePolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<InlinePolicyRecord[]>;

  // Managed policies: create inserts the policy and version v1 (default) together.
  createManagedPolicy(p: Omit<ManagedPolicyRecord, 'attachmentCount' | 'boundaryUsageCount'>, firstVersion: PolicyVersionRecord): Promise<void>;
  /**
   * `viewerAccountId` scopes the derived counts of an AWS managed policy to that account, as
   * IAM reports them (without it they count every account). listManagedPolicies and
   * listAttachedPolicies scope them to their accountId.
   */
  getManagedPolicy(arn: string, viewerAccountId?: string): Promise<ManagedPolicyRecord | null>;
  /** scope: 'AWS' (accountId 'aws'), 'Local' (the account's own) or 'All'. */
  listManagedPolicies(accountId: string, scope: 'All' | 'AWS' | 'Local', onlyAttached: boolean, page: PageRequest): Promise<Page<ManagedPolicyRecord>>;
  /** Conflict while attached anywhere or used as a boundary, or while it has non-default versions. */
  deleteManagedPolicy(arn: string): Promise<void>;
  /** LimitExceeded past 5 versions; setAsDefault moves the default inside the same transaction. */
  createPolicyVersion(v: PolicyVersionRecord, setAsDefault: boolean): Promise<void>;
  getPolicyVersion(arn: string, versionId: string): Promise<PolicyVersionRecord | null>;
  /** Newest first; NotFound when the policy is missing. */
  listPolicyVersions(arn: string): Promise<PolicyVersionRecord[]>;
  setDefaultPolicyVersion(arn: string, versionId: string): Promise<void>;
  /** Conflict when it is the default version. */
  deletePolicyVersion(arn: string, versionId: string): Promise<void>;

  /**
   * Idempotent; NotFound when the principal or policy is missing or the policy belongs to
   * another account; LimitExceeded past 10 attached policies (IAM's default quota).
   */
  attachPolicy(accountId: string, kind: PrincipalKind, principalName: string, policyArn: string): Promise<void>;
  /** NotFound when not attached. */
  detachPolicy(accountId: string, kind: PrincipalKind, principalName: string, policyArn: string): Promise<void>;
  /** NotFound when the principal is missing. */
  listAttachedPolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<ManagedPolicyRecord[]>;

  // Credentials
  /** LimitExceeded beyond 2 keys per user. */
  createAccessKey(k: AccessKeyRecord): Promise<void>;
  /** The key for SigV4: long-term key or session. One lookup on the hot path. */
  getCredentials(accessKeyId: string): Promise<Credentials | null>;
  /** NotFound when the account is missing; AlreadyExists when the id is taken. */
  createRootAccessKey(k: RootAccessKeyRecord): Promise<void>;
  listRootAccessKeys(accountId: string): Promise<RootAccessKeyRecord[]>;
  /** This and the two below: NotFound when the user (or that user's key) is missing. */
  listAccessKeys(accountId: string, userName: string): Promise<AccessKeyRecord[]>;
  updateAccessKey(accountId: string, userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  deleteAccessKey(accountId: string, userName: string, accessKeyId: string): Promise<void>;
  /** AlreadyExists when the access key id is taken (by a session or a long-term key). */
  putSession(s: SessionRecord): Promise<void>;
  /** Removes sessions that expired before `now` (ISO); returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;
}
