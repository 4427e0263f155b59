// Schema migrations, applied in order inside one transaction when a store opens and
// recorded in `schema_migrations (version, applied_at)`. A migration, once released, is
// never edited: changes go into a new one appended to the list.
//
// The SQL is kept portable so that SQLite and PostgreSQL run the same list: TEXT, INTEGER and
// BLOB columns only, JSON kept as TEXT, booleans as INTEGER 0/1, timestamps as ISO-8601 TEXT
// (which sorts correctly) or epoch milliseconds, and tables created before the tables that
// reference them. For PostgreSQL `forDialect` rewrites the types: INTEGER → BIGINT (epoch
// milliseconds outgrow 32 bits), `INTEGER PRIMARY KEY` → BIGSERIAL (the counters SQLite's
// rowid gives), BLOB → BYTEA, TEXT → TEXT COLLATE "C" (byte order, as SQLite compares, so
// paging by name agrees on both). Every statement is a separate string.
//
// Integrity lives in the database, not only in the code above it:
// - IAM names are unique per account case-insensitively: each named table keeps a
//   lower-cased `name_lower` column with UNIQUE (account_id, name_lower), which is also the
//   index behind lookups by name and the name-ordered pagination.
// - Users, groups and roles are keyed by their stable ids (AIDA…, AGPA…, AROA…); the tables
//   that hang off them (memberships, inline policies, attachments, access keys) reference
//   the id, so a rename touches one row and a delete is refused (FOREIGN KEY, no cascade)
//   while anything still hangs off the entity.
// - Attachments and permissions boundaries reference managed_policies (arn), so a policy in
//   use cannot be deleted; policy versions reference their policy.
// - The default version of a managed policy is `managed_policies.default_version_id`, the
//   one source of truth (`isDefault` is derived). The reverse reference to policy_versions
//   would be circular, which PostgreSQL cannot declare inline, so the store enforces it.

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** The bookkeeping table; created before any migration runs. */
export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL
)`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, organizations, IAM entities and policies, credentials',
    statements: [
      // --- Organizations -------------------------------------------------------------
      `CREATE TABLE organizations (
        organization_id TEXT PRIMARY KEY,
        management_account_id TEXT NOT NULL,
        root_id TEXT NOT NULL UNIQUE,
        feature_set TEXT NOT NULL CHECK (feature_set IN ('ALL'))
      )`,
      `CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        organization_id TEXT REFERENCES organizations (organization_id),
        parent_id TEXT,
        joined_at TEXT NOT NULL
      )`,
      `CREATE INDEX accounts_organization ON accounts (organization_id)`,
      `CREATE TABLE organizational_units (
        ou_id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations (organization_id),
        name TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        UNIQUE (parent_id, name)
      )`,
      `CREATE INDEX organizational_units_organization ON organizational_units (organization_id)`,
      `CREATE TABLE org_policies (
        policy_id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations (organization_id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('SERVICE_CONTROL_POLICY')),
        content TEXT NOT NULL,
        aws_managed INTEGER NOT NULL CHECK (aws_managed IN (0, 1)),
        UNIQUE (organization_id, name)
      )`,
      // target_id is a root, an OU or an account: polymorphic, so checked by the store.
      `CREATE TABLE org_policy_targets (
        policy_id TEXT NOT NULL REFERENCES org_policies (policy_id),
        target_id TEXT NOT NULL,
        PRIMARY KEY (policy_id, target_id)
      )`,
      `CREATE INDEX org_policy_targets_target ON org_policy_targets (target_id)`,

      // --- Managed policies ----------------------------------------------------------
      // account_id is 'aws' for AWS managed policies, so it references no account.
      `CREATE TABLE managed_policies (
        arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        policy_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        policy_id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        description TEXT,
        default_version_id TEXT NOT NULL,
        create_date TEXT NOT NULL,
        update_date TEXT NOT NULL,
        tags TEXT NOT NULL,
        UNIQUE (account_id, name_lower)
      )`,
      `CREATE TABLE policy_versions (
        policy_arn TEXT NOT NULL REFERENCES managed_policies (arn),
        version_id TEXT NOT NULL,
        document TEXT NOT NULL,
        create_date TEXT NOT NULL,
        PRIMARY KEY (policy_arn, version_id)
      )`,

      // --- Users, groups, roles ------------------------------------------------------
      `CREATE TABLE iam_users (
        user_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        user_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        path TEXT NOT NULL,
        arn TEXT NOT NULL,
        create_date TEXT NOT NULL,
        permissions_boundary_arn TEXT REFERENCES managed_policies (arn),
        tags TEXT NOT NULL,
        UNIQUE (account_id, name_lower)
      )`,
      `CREATE INDEX iam_users_boundary ON iam_users (permissions_boundary_arn)`,
      `CREATE TABLE iam_groups (
        group_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        group_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        path TEXT NOT NULL,
        arn TEXT NOT NULL,
        create_date TEXT NOT NULL,
        UNIQUE (account_id, name_lower)
      )`,
      `CREATE TABLE iam_roles (
        role_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        role_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        path TEXT NOT NULL,
        arn TEXT NOT NULL,
        create_date TEXT NOT NULL,
        assume_role_policy_document TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        permissions_boundary_arn TEXT REFERENCES managed_policies (arn),
        tags TEXT NOT NULL,
        UNIQUE (account_id, name_lower)
      )`,
      `CREATE INDEX iam_roles_boundary ON iam_roles (permissions_boundary_arn)`,
      `CREATE TABLE iam_group_members (
        group_id TEXT NOT NULL REFERENCES iam_groups (group_id),
        user_id TEXT NOT NULL REFERENCES iam_users (user_id),
        PRIMARY KEY (group_id, user_id)
      )`,
      `CREATE INDEX iam_group_members_user ON iam_group_members (user_id)`,

      // --- Inline policies: one table per principal kind, each referencing its owner ---
      `CREATE TABLE iam_user_inline_policies (
        principal_id TEXT NOT NULL REFERENCES iam_users (user_id),
        policy_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (principal_id, name_lower)
      )`,
      `CREATE TABLE iam_group_inline_policies (
        principal_id TEXT NOT NULL REFERENCES iam_groups (group_id),
        policy_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (principal_id, name_lower)
      )`,
      `CREATE TABLE iam_role_inline_policies (
        principal_id TEXT NOT NULL REFERENCES iam_roles (role_id),
        policy_name TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (principal_id, name_lower)
      )`,

      // --- Managed policy attachments ------------------------------------------------
      `CREATE TABLE iam_user_attached_policies (
        principal_id TEXT NOT NULL REFERENCES iam_users (user_id),
        policy_arn TEXT NOT NULL REFERENCES managed_policies (arn),
        PRIMARY KEY (principal_id, policy_arn)
      )`,
      `CREATE INDEX iam_user_attached_policies_policy ON iam_user_attached_policies (policy_arn)`,
      `CREATE TABLE iam_group_attached_policies (
        principal_id TEXT NOT NULL REFERENCES iam_groups (group_id),
        policy_arn TEXT NOT NULL REFERENCES managed_policies (arn),
        PRIMARY KEY (principal_id, policy_arn)
      )`,
      `CREATE INDEX iam_group_attached_policies_policy ON iam_group_attached_policies (policy_arn)`,
      `CREATE TABLE iam_role_attached_policies (
        principal_id TEXT NOT NULL REFERENCES iam_roles (role_id),
        policy_arn TEXT NOT NULL REFERENCES managed_policies (arn),
        PRIMARY KEY (principal_id, policy_arn)
      )`,
      `CREATE INDEX iam_role_attached_policies_policy ON iam_role_attached_policies (policy_arn)`,

      // --- Credentials ---------------------------------------------------------------
      `CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES iam_users (user_id),
        secret_access_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
        create_date TEXT NOT NULL
      )`,
      `CREATE INDEX access_keys_user ON access_keys (user_id)`,
      `CREATE TABLE sessions (
        access_key_id TEXT PRIMARY KEY,
        secret_access_key TEXT NOT NULL,
        session_token TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        kind TEXT NOT NULL CHECK (kind IN ('AssumedRole', 'SessionToken')),
        role_arn TEXT,
        role_id TEXT,
        session_name TEXT,
        user_name TEXT,
        session_policy TEXT,
        session_policy_arns TEXT NOT NULL,
        source_identity TEXT,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      )`,
      `CREATE INDEX sessions_expires ON sessions (expires_at)`,
    ],
  },
  {
    version: 2,
    name: 'root user access keys',
    statements: [
      // The account root user's access keys (AWS discourages them; test worlds may want one).
      `CREATE TABLE root_access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        secret_access_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
        create_date TEXT NOT NULL
      )`,
      `CREATE INDEX root_access_keys_account ON root_access_keys (account_id)`,
    ],
  },
  {
    version: 3,
    name: 'Lambda resources and code',
    statements: [
      // Lambda's resources (functions, versions, aliases, layers, resource policies) are JSON
      // documents keyed by kind and a key whose prefix groups them (account, region,
      // function), so one function's documents list together in key order.
      `CREATE TABLE lambda_documents (
        kind TEXT NOT NULL,
        doc_key TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (kind, doc_key)
      )`,
      // Deployment packages, content-addressed by SHA-256 (the CodeSha256 AWS reports).
      `CREATE TABLE lambda_code (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content BLOB NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'sessions bound to the user id',
    statements: [
      // A GetSessionToken session belongs to the user who made it (AIDA…), not to a name a
      // new user may take after the old one is deleted.
      `ALTER TABLE sessions ADD COLUMN user_id TEXT`,
    ],
  },
  {
    version: 5,
    name: 'CloudWatch Logs',
    statements: [
      `CREATE TABLE log_groups (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retention_days INTEGER,
        kms_key_id TEXT,
        log_group_class TEXT NOT NULL,
        tags TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
      )`,
      `CREATE TABLE log_streams (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        first_event_ts INTEGER,
        last_event_ts INTEGER,
        last_ingestion INTEGER,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, region, group_name, name),
        FOREIGN KEY (account_id, region, group_name) REFERENCES log_groups (account_id, region, name) ON DELETE CASCADE
      )`,
      // event_id is the rowid: it grows with every insert, so (ts, event_id) orders events
      // with equal timestamps in the order they arrived, and serves as the paging cursor.
      `CREATE TABLE log_events (
        event_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        stream_name TEXT NOT NULL,
        ts INTEGER NOT NULL,
        ingestion INTEGER NOT NULL,
        message TEXT NOT NULL,
        FOREIGN KEY (account_id, region, group_name, stream_name) REFERENCES log_streams (account_id, region, group_name, name) ON DELETE CASCADE
      )`,
      `CREATE INDEX log_events_by_stream ON log_events (account_id, region, group_name, stream_name, ts, event_id)`,
      `CREATE INDEX log_events_by_group ON log_events (account_id, region, group_name, ts, event_id)`,
    ],
  },
  {
    version: 6,
    name: 'SQS',
    statements: [
      `CREATE TABLE sqs_queues (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
      )`,
      // seq orders messages sent in the same millisecond; receipt_handle is the latest one given.
      `CREATE TABLE sqs_messages (
        seq INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        queue_name TEXT NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        md5_body TEXT NOT NULL,
        message_attributes TEXT NOT NULL,
        md5_attributes TEXT,
        sender_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_receive_at INTEGER,
        receipt_handle TEXT,
        FOREIGN KEY (account_id, region, queue_name) REFERENCES sqs_queues (account_id, region, name) ON DELETE CASCADE
      )`,
      `CREATE INDEX sqs_messages_visible ON sqs_messages (account_id, region, queue_name, visible_at, seq)`,
      `CREATE UNIQUE INDEX sqs_messages_receipt ON sqs_messages (receipt_handle)`,
    ],
  },
  {
    version: 7,
    name: 'Cluster: world revision, concurrency slots, leases, decisions',
    statements: [
      // One row: the revision every node's caches are checked against (cluster.ts).
      `CREATE TABLE world_revision (
        id INTEGER NOT NULL PRIMARY KEY,
        revision INTEGER NOT NULL
      )`,
      `INSERT INTO world_revision (id, revision) VALUES (1, 0)`,
      // A running invocation of a function with reserved concurrency, on any node; a slot whose
      // node died frees itself at expires_at (the function's timeout plus a margin).
      `CREATE TABLE concurrency_slots (
        scope TEXT NOT NULL,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (scope, holder)
      )`,
      // Which node runs a background worker (an event source mapping's poller) for now.
      `CREATE TABLE leases (
        name TEXT NOT NULL PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      // Authorization decisions of every node (decisionLog.ts), for explain from any node.
      `CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        record TEXT NOT NULL
      )`,
      `CREATE INDEX decisions_by_request ON decisions (request_id)`,
    ],
  },
  {
    version: 8,
    name: 'Cluster: the Lambda revision',
    statements: [
      // Moved on by every Lambda transaction that writes on PostgreSQL, and read with the world
      // revision: the nodes' parsed Lambda documents are good while it stands (lambdaDocuments.ts).
      `INSERT INTO world_revision (id, revision) VALUES (2, 0)`,
    ],
  },
];

/** A migration statement as the dialect runs it (see the header). */
export function forDialect(sql: string, dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') return sql;
  return sql
    .replace(/\bINTEGER PRIMARY KEY\b/g, 'BIGSERIAL PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
}
