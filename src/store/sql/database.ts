// What the store's SQL runs on: an SQL database reached asynchronously, SQLite (embedded, the
// default) or PostgreSQL (shared by several Latchkey nodes). The store is written once against
// this; the two differ only where their SQL does (`dialect`).
//
// Parameters are named (`@name`, with an object) or positional (`?`, with an array); the
// PostgreSQL side rewrites both to `$n`. Column aliases that are not lower case are quoted
// (`AS "inFlight"`): PostgreSQL folds unquoted names to lower case.

export type Params = Record<string, unknown> | readonly unknown[];

export interface Queries {
  all<R>(sql: string, params?: Params): Promise<R[]>;
  get<R>(sql: string, params?: Params): Promise<R | undefined>;
  /** The first column of the first row. */
  value<V>(sql: string, params?: Params): Promise<V | undefined>;
  /** The number of rows changed. On SqlDatabase itself: one statement, atomic on its own. */
  run(sql: string, params?: Params): Promise<number>;
}

/** What a constraint violation means to the caller (StoreError codes), per transaction. */
export interface ErrorContext {
  /** Message for a PRIMARY KEY / UNIQUE violation (AlreadyExists). */
  exists?: string;
  /** What a FOREIGN KEY violation means here: a missing parent (insert) or a dependant (delete). */
  foreignKey?: 'NotFound' | 'Conflict';
  foreignKeyMessage?: string;
}

export interface SqlDatabase extends Queries {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * One read-write transaction. No other transaction sees its writes before it commits, and
   * none of its reads is stale when it commits (SQLite: one writer at a time; PostgreSQL:
   * SERIALIZABLE, run again on a serialization failure — so `fn` must only touch the database).
   */
  write<T>(fn: (q: Queries) => Promise<T>, ctx?: ErrorContext): Promise<T>;
  /**
   * Several reads that see one consistent state, begun at the first statement: reads answered
   * before it from what the caller remembers (parsed Lambda documents) take no transaction.
   */
  read<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  /**
   * One transaction for schema changes, exclusive among every process using the database
   * (nodes starting together apply each migration once).
   */
  schema<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` (which uses the database as usual) while no other process using this database
   * runs an `exclusive` section: nodes starting together apply the world one after another.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Queries that open what they run on (a transaction) when the first of them is made. */
export function lazyQueries(open: () => Promise<Queries>): Queries {
  return {
    all: async (sql, params) => (await open()).all(sql, params),
    get: async (sql, params) => (await open()).get(sql, params),
    value: async (sql, params) => (await open()).value(sql, params),
    run: async (sql, params) => (await open()).run(sql, params),
  };
}
