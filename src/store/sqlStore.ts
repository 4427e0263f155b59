// The store, assembled from its domain modules over one SQL database: SQLite in the state
// directory (the default, one node) or PostgreSQL (`--database postgres://…`, any number of
// nodes sharing one world). Every module's SQL runs on both (sql/database.ts).

import fs from 'node:fs';
import path from 'node:path';
import { clusterStore } from './cluster.js';
import { credentialsStore } from './credentials.js';
import { iamEntitiesStore } from './iamEntities.js';
import { LambdaGenerations, lambdaDocumentsStore } from './lambdaDocuments.js';
import { managedPoliciesStore } from './managedPolicies.js';
import { organizationsStore } from './organizations.js';
import { migrate } from './schema.js';
import type { SqlDatabase } from './sql/database.js';
import { PostgresDatabase } from './sql/postgresDatabase.js';
import { SqliteDatabase } from './sql/sqliteDatabase.js';
import { logsStore } from './sqlLogs.js';
import { sqsStore } from './sqlSqs.js';
import type { Store } from './store.js';

/** The SQLite file in a state directory. */
export const DATABASE_FILE = 'latchkey.db';

export interface StoreLocation {
  /** Where the SQLite file lives (and, with a database URL, nothing of the store). */
  stateDir: string;
  /** `postgres://USER:PASS@HOST:PORT/DB`: the shared PostgreSQL instead of SQLite. */
  databaseUrl?: string | undefined;
}

/** Opens (creating if needed) the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  let db: SqlDatabase;
  if (location.databaseUrl) {
    db = await PostgresDatabase.connect(location.databaseUrl);
  } else {
    fs.mkdirSync(location.stateDir, { recursive: true });
    db = SqliteDatabase.open(path.join(location.stateDir, DATABASE_FILE));
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return storeOn(db);
}

/** The store over a database whose schema is up to date. */
export function storeOn(db: SqlDatabase): Store {
  const lambdaGenerations = new LambdaGenerations();
  return {
    ...organizationsStore(db),
    ...iamEntitiesStore(db),
    ...managedPoliciesStore(db),
    ...credentialsStore(db),
    ...lambdaDocumentsStore(db, lambdaGenerations),
    ...clusterStore(db, lambdaGenerations),
    logs: logsStore(db),
    sqs: sqsStore(db),
    close: () => db.close(),
  };
}
