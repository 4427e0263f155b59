// Checks Lambda makes before (or instead of) model validation, with AWS's own texts: the
// runtime list is the service's current one, not the published model's enum, and an
// unknown runtime is an InvalidParameterValueException (recorded).

import { AwsError } from '../../aws/errors.js';
import type { ValidationStyle } from '../../aws/validate.js';

/** The runtimes AWS listed in its recorded error (2025-11), in AWS's order. */
export const CURRENT_RUNTIMES = [
  'nodejs20.x', 'python3.14', 'provided.al2023', 'python3.12', 'python3.13', 'nodejs24.x', 'nodejs22.x', 'java25',
  'python3.10', 'python3.11', 'java21', 'ruby3.3', 'ruby3.4', 'ruby3.2', 'python3.8', 'python3.9', 'java17',
  'nodejs16.x', 'dotnet10', 'dotnet8', 'java11', 'dotnet6', 'nodejs18.x', 'provided.al2', 'java8.al2',
];

const RUNTIME_OPERATIONS = new Set(['CreateFunction', 'UpdateFunctionConfiguration']);

/**
 * How Lambda's ValidationExceptions read: lists reported whole (`Value '[X86_64]' at
 * 'architectures' failed to satisfy constraint: Member must satisfy constraint: [...]`); a
 * layer's compatible runtimes may name any runtime Lambda knows, deprecated ones included, but
 * the error quotes only the current ones, bare (all recorded: `Value '[invalidruntime]' at
 * 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set:
 * [nodejs20.x, …]`).
 */
export const LAMBDA_VALIDATION: ValidationStyle = {
  wholeLists: true,
  serviceChecks: {
    compatibleRuntimes: (_value, passesModel) => (passesModel ? undefined : `Member must satisfy enum value set: [${CURRENT_RUNTIMES.join(', ')}]`),
  },
};

/**
 * Runs Lambda's own checks and returns what is left for the model's constraint validation
 * (the input without the members checked here).
 */
export function lambdaInputChecks(operation: string, input: Record<string, unknown>): Record<string, unknown> {
  if (!RUNTIME_OPERATIONS.has(operation) || input.Runtime === undefined) return input;
  const runtime = String(input.Runtime);
  if (!CURRENT_RUNTIMES.includes(runtime) && !runtime.startsWith('arn:')) {
    throw new AwsError(
      'InvalidParameterValueException',
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${CURRENT_RUNTIMES.join(', ')}] or be a valid ARN`,
      400,
    );
  }
  const { Runtime: _runtime, ...rest } = input;
  return rest;
}
