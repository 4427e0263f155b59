// What the store's domain modules share: IAM's quotas, the StoreError shorthands, paging by
// sort key, the principal kinds and their tables, and the path-prefix filter.

import type { Queries } from './sql/database.js';
import { StoreError, type Page, type PageRequest, type PrincipalKind, type Tag } from './store.js';

/** IAM's quotas that the store enforces (LimitExceeded). */
export const LIMITS = {
  accessKeysPerUser: 2,
  versionsPerPolicy: 5,
  attachedPoliciesPerPrincipal: 10,
  groupsPerUser: 10,
} as const;

export const DEFAULT_MAX_ITEMS = 100;
/** The account of AWS managed policies. */
export const AWS_ACCOUNT = 'aws';

export const notFound = (message: string) => new StoreError('NotFound', message);
export const conflict = (message: string) => new StoreError('Conflict', message);
export const limitExceeded = (message: string) => new StoreError('LimitExceeded', message);

export const lower = (name: string): string => name.toLowerCase();

export function parseTags(json: string): Tag[] {
  return JSON.parse(json) as Tag[];
}

// ---- Paging --------------------------------------------------------------------------------
// Lists are ordered by the lower-cased name (the UNIQUE index), so a marker is the sort key of
// the last item returned, base64url-encoded. (Text compares byte by byte on both databases:
// PostgreSQL's text columns use the "C" collation, see migrations.ts.)

export const encodeMarker = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export const decodeMarker = (marker: string | undefined): string => (marker ? Buffer.from(marker, 'base64url').toString('utf8') : '');

export function pageLimit(page: PageRequest): number {
  const n = page.maxItems;
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_MAX_ITEMS;
  return Math.max(1, Math.floor(n));
}

/** `rows` holds up to limit + 1: the extra one says there is a next page. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(map), nextMarker: more ? encodeMarker(key(items[items.length - 1]!)) : null };
}

/** Rows whose `col` starts with the `@prefix` parameter (IAM's PathPrefix). */
export const PATH_FILTER = (col: string) => `substr(${col}, 1, length(@prefix)) = @prefix`;

// ---- Principal kinds -----------------------------------------------------------------------

export const KINDS = {
  user: { table: 'iam_users', id: 'user_id', name: 'user_name', label: 'user', quota: 'PoliciesPerUser' },
  group: { table: 'iam_groups', id: 'group_id', name: 'group_name', label: 'group', quota: 'PoliciesPerGroup' },
  role: { table: 'iam_roles', id: 'role_id', name: 'role_name', label: 'role', quota: 'PoliciesPerRole' },
} as const;
export const KIND_NAMES = Object.keys(KINDS) as PrincipalKind[];

// ---- Checks inside a transaction -------------------------------------------------------------

export interface PrincipalRow { id: string; name: string }

const FIND_PRINCIPAL = Object.fromEntries(KIND_NAMES.map((kind) => {
  const k = KINDS[kind];
  return [kind, `SELECT ${k.id} AS id, ${k.name} AS name FROM ${k.table} WHERE account_id = ? AND name_lower = ?`];
})) as Record<PrincipalKind, string>;

/** The user, group or role by name (case-insensitively, as IAM), or IAM's NoSuchEntity text. */
export async function findPrincipal(q: Queries, accountId: string, kind: PrincipalKind, name: string): Promise<PrincipalRow> {
  const row = await q.get<PrincipalRow>(FIND_PRINCIPAL[kind], [accountId, lower(name)]);
  if (!row) throw notFound(`The ${KINDS[kind].label} with name ${name} cannot be found.`);
  return row;
}

export async function requireAccount(q: Queries, accountId: string): Promise<void> {
  if (!(await q.get('SELECT 1 FROM accounts WHERE account_id = ?', [accountId]))) throw notFound(`Account ${accountId} does not exist.`);
}

export const POLICY_OWNER = 'SELECT account_id FROM managed_policies WHERE arn = ?';

/** A managed policy usable in `accountId`: its own or an AWS managed one (to attach, or as a boundary). */
export async function requireUsablePolicy(q: Queries, accountId: string, arn: string): Promise<void> {
  const owner = await q.value<string>(POLICY_OWNER, [arn]);
  if (owner === undefined || (owner !== accountId && owner !== AWS_ACCOUNT)) {
    throw notFound(`Policy ${arn} does not exist or is not attachable.`);
  }
}
