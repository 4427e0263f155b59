// Amazon CloudWatch Logs (awsJson 1.1): log groups, streams and events, every call authorized
// like the others. Lambda writes its functions' output here as their execution roles
// (lambda/logDelivery.ts).

import type { ServiceDefinition } from '../pipeline.js';
import { eventOperations } from './events.js';
import { groupOperations } from './groups.js';
import { streamOperations } from './streams.js';

export const logsService: ServiceDefinition = {
  operations: { ...groupOperations, ...streamOperations, ...eventOperations },
  accessDeniedCode: 'AccessDeniedException',
  changesIdentities: false,
};
