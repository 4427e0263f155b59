// SQLite errors as the store reports them: StoreError codes for conflicts and missing
// parents (services turn those into AWS errors), a plain Error for anything else.

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
