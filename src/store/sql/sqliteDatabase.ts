// SQLite behind the async SqlDatabase: one file, `<stateDir>/latchkey.db`, opened twice with
// better-sqlite3. The writer connection runs every transaction, one at a time (a Mutex, since a
// transaction's statements are awaited one by one and nothing else may slip in between); the
// reader connection answers single statements at once, outside any transaction (in WAL mode
// each sees the last commit), so the hot path — a credential lookup — never waits.
//
// WAL + synchronous=NORMAL: a commit is in the WAL file before the call returns, so an
// acknowledged write survives a crash of the process (kill -9); only an OS crash can drop the
// latest commits (never corrupt the database).

import Database from 'better-sqlite3';
import { StoreError } from '../store.js';
import { lazyQueries, type ErrorContext, type Params, type Queries, type SqlDatabase } from './database.js';
import { Mutex } from './mutex.js';

type Statement = Database.Statement;

/** better-sqlite3 takes no booleans or undefined: 1/0 and NULL, as the schema stores them. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function args(params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(bindable);
  return [Object.fromEntries(Object.entries(params).map(([k, v]) => [k, bindable(v)]))];
}

/** Turns anything thrown inside the store into a StoreError or a plain Error: never an SqliteError. */
function translateSqliteError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof StoreError) return err;
  if (err instanceof Database.SqliteError) {
    switch (err.code) {
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      case 'SQLITE_CONSTRAINT_UNIQUE':
        return new StoreError('AlreadyExists', ctx.exists ?? 'The entity already exists.');
      case 'SQLITE_CONSTRAINT_FOREIGNKEY': {
        const code = ctx.foreignKey ?? 'NotFound';
        return new StoreError(code, ctx.foreignKeyMessage ?? (code === 'NotFound'
          ? 'A referenced entity does not exist.'
          : 'Cannot delete entity, must remove referenced objects first.'));
      }
      default:
        return new Error(`Latchkey store failure (${err.code})`, { cause: err });
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}

class ConnectionQueries implements Queries {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  async all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.statement(sql).all(...args(params)) as R[];
  }

  async get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.statement(sql).get(...args(params)) as R | undefined;
  }

  async value<V>(sql: string, params?: Params): Promise<V | undefined> {
    return this.statement(sql).pluck().get(...args(params)) as V | undefined;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return this.statement(sql).run(...args(params)).changes;
  }
}

function open(file: string): Database.Database {
  const db = new Database(file);
  // Wait for a competing writer (another process on the same state dir) instead of failing.
  db.pragma('busy_timeout = 5000');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') {
    db.close();
    throw new Error(`Latchkey store: cannot enable WAL (journal_mode=${String(mode)})`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly lock = new Mutex();
  private readonly writerQueries: ConnectionQueries;
  private readonly readerQueries: ConnectionQueries;

  private constructor(private readonly writer: Database.Database, private readonly reader: Database.Database) {
    this.writerQueries = new ConnectionQueries(writer);
    this.readerQueries = new ConnectionQueries(reader);
  }

  static open(file: string): SqliteDatabase {
    const writer = open(file);
    try {
      return new SqliteDatabase(writer, open(file));
    } catch (e) {
      writer.close();
      throw e;
    }
  }

  all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.guard(() => this.readerQueries.all<R>(sql, params));
  }

  get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.guard(() => this.readerQueries.get<R>(sql, params));
  }

  value<V>(sql: string, params?: Params): Promise<V | undefined> {
    return this.guard(() => this.readerQueries.value<V>(sql, params));
  }

  run(sql: string, params?: Params): Promise<number> {
    return this.write((q) => q.run(sql, params));
  }

  /** BEGIN IMMEDIATE takes SQLite's write lock, which other processes wait for (busy_timeout). */
  write<T>(fn: (q: Queries) => Promise<T>, ctx: ErrorContext = {}): Promise<T> {
    return this.lock.run(async () => {
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writerQueries);
        this.writer.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw translateSqliteError(e, ctx);
      }
    });
  }

  /**
   * On the writer connection, among the transactions, begun at the first statement: a read the
   * parsed Lambda documents answer from memory (lambdaDocuments.ts) waits for no transaction.
   */
  async read<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    let release: (() => void) | undefined;
    let began: Promise<Queries> | undefined;
    const open = () => (began ??= new Promise<Queries>((ready, failed) => {
      void this.lock.run(() => new Promise<void>((done) => {
        release = done;
        try {
          this.writer.exec('BEGIN');
          ready(this.writerQueries);
        } catch (e) {
          failed(e);
        }
      }));
    }));
    try {
      const result = await fn(lazyQueries(open));
      if (began) {
        await began;
        this.writer.exec('COMMIT');
      }
      return result;
    } catch (e) {
      // Once the transaction is under way (or failed to begin), it ends here.
      await began?.catch(() => undefined);
      if (release && this.writer.inTransaction) this.writer.exec('ROLLBACK');
      throw translateSqliteError(e, {});
    } finally {
      release?.();
    }
  }

  schema<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    return this.write(fn);
  }

  /** One process per state directory: nothing to exclude. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translateSqliteError(e, {});
    }
  }

  async close(): Promise<void> {
    await this.lock.run(async () => {
      this.reader.close();
      this.writer.close();
    });
  }
}
