// The IAM service: every operation Latchkey implements, by its AWS name.

import type { ServiceDefinition } from '../pipeline.js';
import { accessKeyOperations } from './accessKeys.js';
import { groupOperations } from './groups.js';
import { inlinePolicyOperations } from './inlinePolicies.js';
import { managedPolicyOperations } from './managedPolicies.js';
import { roleOperations } from './roles.js';
import { simulateOperations } from './simulate.js';
import { userOperations } from './users.js';

export const iamService: ServiceDefinition = {
  operations: {
    ...userOperations,
    ...groupOperations,
    ...roleOperations,
    ...inlinePolicyOperations,
    ...managedPolicyOperations,
    ...accessKeyOperations,
    ...simulateOperations,
  },
  accessDeniedCode: 'AccessDenied',
  changesIdentities: true,
};
