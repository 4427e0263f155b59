// PostgreSQL behind the async SqlDatabase, for several Latchkey nodes sharing one world. A
// bounded pool of connections; write transactions run SERIALIZABLE and are run again (a few
// times, after a short random wait) when PostgreSQL reports a serialization failure or a
// deadlock, so a read-modify-write such as a RevisionId check never loses an update made on
// another node. Read transactions are REPEATABLE READ, READ ONLY: one snapshot.

import pg from 'pg';
import { StoreError } from '../store.js';
import type { ErrorContext, Params, Queries, SqlDatabase } from './database.js';

// BIGINT (timestamps in milliseconds, counts) and NUMERIC (sums) as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

const RETRIES = 8;

/** `@name` and `?` parameters, outside string literals, rewritten to `$n`; cached per SQL text. */
const converted = new Map<string, { text: string; names: string[] | null }>();

export function toPostgres(sql: string): { text: string; names: string[] | null } {
  let hit = converted.get(sql);
  if (hit) return hit;
  const names: string[] = [];
  let positional = 0;
  let named = false;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'") {
      const end = sql.indexOf("'", i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++positional}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      named = true;
      let index = names.indexOf(m[0]);
      if (index < 0) index = names.push(m[0]) - 1;
      out += `$${index + 1}`;
      i += m[0].length;
    } else {
      out += c;
    }
  }
  hit = { text: out, names: named ? names : null };
  converted.set(sql, hit);
  return hit;
}

function values(names: string[] | null, params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (names === null) return [...(params as readonly unknown[])];
  const p = params as Record<string, unknown>;
  return names.map((n) => (p[n] === undefined ? null : p[n]));
}

/** PostgreSQL's SQLSTATEs as the store reports them. */
export function translatePostgresError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === '23505') return new StoreError('AlreadyExists', ctx.exists ?? 'The entity already exists.');
  if (code === '23503') {
    const kind = ctx.foreignKey ?? 'NotFound';
    return new StoreError(kind, ctx.foreignKeyMessage ?? (kind === 'NotFound'
      ? 'A referenced entity does not exist.'
      : 'Cannot delete entity, must remove referenced objects first.'));
  }
  if (typeof code === 'string' && err instanceof Error) return new Error(`Latchkey store failure (${code}: ${err.message})`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

const retryable = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return code === '40001' || code === '40P01';
};

class ClientQueries implements Queries {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  private async query<R>(sql: string, params?: Params): Promise<pg.QueryResult<pg.QueryResultRow & R>> {
    const { text, names } = toPostgres(sql);
    return this.client.query<pg.QueryResultRow & R>(text, values(names, params));
  }

  async all<R>(sql: string, params?: Params): Promise<R[]> {
    return (await this.query<R>(sql, params)).rows;
  }

  async get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return (await this.query<R>(sql, params)).rows[0];
  }

  async value<V>(sql: string, params?: Params): Promise<V | undefined> {
    const row = (await this.query<Record<string, V>>(sql, params)).rows[0];
    return row ? (Object.values(row)[0] as V) : undefined;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly direct: ClientQueries;

  private constructor(readonly pool: pg.Pool) {
    this.direct = new ClientQueries(pool);
  }

  static async connect(url: string, maxConnections = 10): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: maxConnections });
    // A broken idle connection is the pool's to replace, not a reason to crash the node.
    pool.on('error', (e) => console.error('Latchkey: PostgreSQL connection error:', e.message));
    const client = await pool.connect();
    client.release();
    return new PostgresDatabase(pool);
  }

  all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.direct.all<R>(sql, params).catch((e: unknown) => { throw translatePostgresError(e, {}); });
  }

  get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.direct.get<R>(sql, params).catch((e: unknown) => { throw translatePostgresError(e, {}); });
  }

  value<V>(sql: string, params?: Params): Promise<V | undefined> {
    return this.direct.value<V>(sql, params).catch((e: unknown) => { throw translatePostgresError(e, {}); });
  }

  run(sql: string, params?: Params): Promise<number> {
    return this.write((q) => q.run(sql, params));
  }

  async write<T>(fn: (q: Queries) => Promise<T>, ctx: ErrorContext = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transaction('BEGIN ISOLATION LEVEL SERIALIZABLE', fn);
      } catch (e) {
        if (retryable(e) && attempt < RETRIES) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
          continue;
        }
        throw translatePostgresError(e, ctx);
      }
    }
  }

  read<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', fn).catch((e: unknown) => {
      throw translatePostgresError(e, {});
    });
  }

  /**
   * READ COMMITTED under an advisory lock: a node that waited for another's migrations sees
   * them (a SERIALIZABLE snapshot taken before the wait would not).
   */
  schema<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', async (q) => {
      await q.value('SELECT pg_advisory_xact_lock(7270731)');
      return fn(q);
    }).catch((e: unknown) => {
      throw translatePostgresError(e, {});
    });
  }

  private async transaction<T>(begin: string, fn: (q: Queries) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await fn(new ClientQueries(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
