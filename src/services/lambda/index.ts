// AWS Lambda's control plane: functions, versions, aliases, layers, tags and resource-based
// policies, each operation authorized through the one door.

import type { ServiceDefinition } from '../pipeline.js';
import { aliasOperations } from './aliases.js';
import { concurrencyOperations } from './concurrency.js';
import { functionOperations } from './functions.js';
import { functionUrlOperations } from './functionUrls.js';
import { invokeOperations } from './invoke.js';
import { layerOperations } from './layers.js';
import { policyOperations } from './policies.js';
import { eventSourceMappingOperations } from './eventSourceMappings.js';
import { resourcePolicyOperations } from './resourcePolicies.js';
import { tagOperations } from './tags.js';

export const lambdaService: ServiceDefinition = {
  operations: { ...functionOperations, ...aliasOperations, ...layerOperations, ...tagOperations, ...policyOperations, ...eventSourceMappingOperations, ...resourcePolicyOperations, ...invokeOperations, ...concurrencyOperations, ...functionUrlOperations },
  accessDeniedCode: 'AccessDeniedException',
  changesIdentities: false,
};
