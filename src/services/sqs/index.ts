// Amazon SQS, served in both protocols clients use: awsJson 1.0 (current SDKs) and awsQuery
// (AWS CLI v2 before 2.15), with the same operations behind them. Every call is authorized on
// the queue's ARN with the queue's Policy as its resource-based policy.

import type { ServiceDefinition } from '../pipeline.js';
import { messageOperations } from './messages.js';
import { queueOperations } from './queues.js';

export const sqsService: ServiceDefinition = {
  operations: { ...queueOperations, ...messageOperations },
  accessDeniedCode: 'AccessDenied',
  changesIdentities: false,
};
