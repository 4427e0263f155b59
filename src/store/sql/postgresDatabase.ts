// PostgreSQL behind the async SqlDatabase, for several Latchkey nodes sharing one world. A
// bounded pool of connections; write transactions run SERIALIZABLE and are run again (up to
// 20 times, after a growing random wait) when PostgreSQL reports a serialization failure or a
// deadlock, so a read-modify-write such as a RevisionId check never loses an update made on
// another node. Read transactions are REPEATABLE READ, READ ONLY: one snapshot.

import pg from 'pg';
import { StoreError } from '../store.js';
import { lazyQueries, type ErrorContext, type Params, type Queries, type SqlDatabase } from './database.js';

// BIGINT (timestamps in milliseconds, counts) and NUMERIC (sums) as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

// Contended rows (a queue many pollers receive from, a policy many nodes add to) can fail
// several attempts in a row; a random, growing wait (up to 128 ms) spreads the retries out.
const RETRIES = 20;

/**
 * `@name` and `?` parameters, outside string literals, rewritten to `$n`; cached per SQL text,
 * with the name of its prepared statement (each connection of the pool parses and plans a
 * statement once). SQL built per call (multi-row inserts of varying size) stops being named
 * past PREPARED_MAX texts, so no connection collects prepared statements without bound.
 */
const converted = new Map<string, { text: string; names: string[] | null; statement: string | undefined }>();
const PREPARED_MAX = 500;

function toPostgres(sql: string): { text: string; names: string[] | null; statement: string | undefined } {
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
  hit = { text: out, names: named ? names : null, statement: converted.size < PREPARED_MAX ? `latchkey_${converted.size}` : undefined };
  if (converted.size < PREPARED_MAX * 4) converted.set(sql, hit);
  return hit;
}

function values(names: string[] | null, params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (names === null) return [...(params as readonly unknown[])];
  const p = params as Record<string, unknown>;
  return names.map((n) => (p[n] === undefined ? null : p[n]));
}

/**
 * PostgreSQL's SQLSTATEs as the store reports them. Anything else thrown inside a transaction
 * (a StoreError, the AwsError a Lambda callback throws) passes through unchanged.
 */
function translatePostgresError(err: unknown, ctx: ErrorContext): Error {
  if (!(err instanceof pg.DatabaseError)) return err instanceof Error ? err : new Error(String(err));
  if (err.code === '23505') return new StoreError('AlreadyExists', ctx.exists ?? 'The entity already exists.');
  if (err.code === '23503') {
    const kind = ctx.foreignKey ?? 'NotFound';
    return new StoreError(kind, ctx.foreignKeyMessage ?? (kind === 'NotFound'
      ? 'A referenced entity does not exist.'
      : 'Cannot delete entity, must remove referenced objects first.'));
  }
  return new Error(`Latchkey store failure (${err.code}: ${err.message})`, { cause: err });
}

const retryable = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return code === '40001' || code === '40P01';
};

class ClientQueries implements Queries {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  private async query<R>(sql: string, params?: Params): Promise<pg.QueryResult<pg.QueryResultRow & R>> {
    const { text, names, statement } = toPostgres(sql);
    return this.client.query<pg.QueryResultRow & R>({ name: statement, text, values: values(names, params) });
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
    // A database that does not answer at all (a host gone from the network) fails requests
    // after 5 s instead of holding them until the client gives up.
    const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5000 });
    // A broken idle connection is the pool's to replace, not a reason to crash the node.
    pool.on('error', (e) => console.error('Latchkey: PostgreSQL connection error:', e.message));
    const client = await pool.connect();
    client.release();
    return new PostgresDatabase(pool);
  }

  all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.guard(this.direct.all<R>(sql, params));
  }

  get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.guard(this.direct.get<R>(sql, params));
  }

  value<V>(sql: string, params?: Params): Promise<V | undefined> {
    return this.guard(this.direct.value<V>(sql, params));
  }

  /**
   * One statement on its own (autocommit): atomic, and under READ COMMITTED an UPDATE or an
   * INSERT … ON CONFLICT re-checks its WHERE against the newest row, so nothing is lost. One
   * round trip, where a transaction takes three.
   */
  run(sql: string, params?: Params): Promise<number> {
    return this.guard(this.direct.run(sql, params));
  }

  /** A statement outside any transaction fails with the store's errors, never pg's. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      throw translatePostgresError(e, {});
    });
  }

  async write<T>(fn: (q: Queries) => Promise<T>, ctx: ErrorContext = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transaction('BEGIN ISOLATION LEVEL SERIALIZABLE', fn);
      } catch (e) {
        if (retryable(e) && attempt < RETRIES) {
          await new Promise((r) => setTimeout(r, Math.random() * 2 ** Math.min(attempt, 7)));
          continue;
        }
        throw translatePostgresError(e, ctx);
      }
    }
  }

  /**
   * A read-only snapshot, begun at its first statement: a read that the parsed Lambda documents
   * answer from memory (lambdaDocuments.ts) takes no connection and no round trip at all.
   */
  async read<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    const held: { client?: pg.PoolClient } = {};
    let opened: Promise<ClientQueries> | undefined;
    const open = () => (opened ??= (async () => {
      const client = (held.client = await this.pool.connect());
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return new ClientQueries(client);
    })());
    try {
      const result = await fn(lazyQueries(open));
      if (opened) {
        await opened;
        await held.client?.query('COMMIT');
      }
      return result;
    } catch (e) {
      // A connection still being opened is released too, not left to the pool.
      await opened?.catch(() => undefined);
      await held.client?.query('ROLLBACK').catch(() => undefined);
      throw translatePostgresError(e, {});
    } finally {
      held.client?.release();
    }
  }

  /**
   * READ COMMITTED under an advisory lock: a node that waited for another's migrations sees
   * them (a SERIALIZABLE snapshot taken before the wait would not).
   */
  schema<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    return this.guard(this.transaction('BEGIN', async (q) => {
      await q.value('SELECT pg_advisory_xact_lock(7270731)');
      return fn(q);
    }));
  }

  /** A session-level advisory lock, held on a connection of its own while `fn` runs. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7270732)');
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(7270732)');
      }
    } finally {
      client.release();
    }
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
