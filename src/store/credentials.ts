// Credentials in the store: users' access keys, root access keys, and STS sessions, with the
// one-lookup getCredentials SigV4 verification uses on every request. (Being ported from sqlite.ts.)

import type { SqlDatabase } from './sql/database.js';
import type { Store } from './store.js';

export type CredentialsStore = Pick<
  Store,
  | 'createAccessKey' | 'getCredentials' | 'createRootAccessKey' | 'listRootAccessKeys' | 'listAccessKeys' | 'updateAccessKey' | 'deleteAccessKey'
  | 'putSession' | 'deleteExpiredSessions'
>;

export function credentialsStore(db: SqlDatabase): CredentialsStore {
  void db;
  throw new Error('credentialsStore: not ported yet');
}
