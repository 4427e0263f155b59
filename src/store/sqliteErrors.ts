// SQLite errors as the store reports them: StoreError codes for conflicts and missing
// parents (services turn those into AWS errors), a plain Error for anything else; and the
// transactions every part of the store runs its statements in.

import Database from 'better-sqlite3';
import { StoreError, type StoreErrorCode } from './store.js';

export interface ErrorContext {
  /** Message for a PRIMARY KEY / UNIQUE violation (AlreadyExists). */
  exists?: string;
  /** What a FOREIGN KEY violation means here: a missing parent (insert) or a dependant (delete). */
  foreignKey?: StoreErrorCode;
  foreignKeyMessage?: string;
}

/** Turns anything thrown inside the store into a StoreError or a plain Error: never an SqliteError. */
export function translate(err: unknown, ctx: ErrorContext): Error {
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

/**
 * A part of the store with its own statements (Logs, SQS): writes run as IMMEDIATE
 * transactions (the write lock taken at BEGIN), multi-statement reads as one deferred
 * transaction (a consistent snapshot); errors come out translated.
 */
export class SqliteSection {
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(db: Database.Database) {
    this.tx = db.transaction((fn: () => unknown) => fn());
  }

  protected write<T>(fn: () => T, ctx: ErrorContext = {}): T {
    try {
      return this.tx.immediate(fn) as T;
    } catch (err) {
      throw translate(err, ctx);
    }
  }

  protected read<T>(fn: () => T): T {
    try {
      return this.tx.deferred(fn) as T;
    } catch (err) {
      throw translate(err, {});
    }
  }
}
