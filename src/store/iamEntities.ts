// IAM users, groups (with memberships), roles and their inline policies in the store.
// (Being ported from sqlite.ts.)

import type { SqlDatabase } from './sql/database.js';
import type { Store } from './store.js';

export type IamEntitiesStore = Pick<
  Store,
  | 'createUser' | 'getUser' | 'listUsers' | 'deleteUser' | 'updateUser'
  | 'createGroup' | 'getGroup' | 'listGroups' | 'deleteGroup' | 'addUserToGroup' | 'removeUserFromGroup' | 'listGroupsForUser' | 'listUsersInGroup'
  | 'createRole' | 'getRole' | 'listRoles' | 'updateRole' | 'deleteRole'
  | 'putInlinePolicy' | 'getInlinePolicy' | 'deleteInlinePolicy' | 'listInlinePolicies'
>;

export function iamEntitiesStore(db: SqlDatabase): IamEntitiesStore {
  void db;
  throw new Error('iamEntitiesStore: not ported yet');
}
