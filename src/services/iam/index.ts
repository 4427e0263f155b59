// The IAM service: every operation Latchkey implements, by its AWS name.

import { AwsError } from '../../aws/errors.js';
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
  // GetSessionToken credentials may call IAM only with MFA (which Latchkey's users never
  // have); AWS answers with this recorded text (aws/aws-cli#8918: no final period).
  refuses: (caller) =>
    caller.session?.kind === 'SessionToken' ? new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid', 403) : undefined,
};
