// IAM managed policies (AWS's and the accounts' own), their versions, and their attachments
// to users, groups and roles in the store. (Being ported from sqlite.ts.)

import type { SqlDatabase } from './sql/database.js';
import type { Store } from './store.js';

export type ManagedPoliciesStore = Pick<
  Store,
  | 'createManagedPolicy' | 'getManagedPolicy' | 'listManagedPolicies' | 'deleteManagedPolicy'
  | 'createPolicyVersion' | 'getPolicyVersion' | 'listPolicyVersions' | 'setDefaultPolicyVersion' | 'deletePolicyVersion'
  | 'attachPolicy' | 'detachPolicy' | 'listAttachedPolicies'
>;

export function managedPoliciesStore(db: SqlDatabase): ManagedPoliciesStore {
  void db;
  throw new Error('managedPoliciesStore: not ported yet');
}
