// Latchkey's IAM policy engine: parse, validate, compile, evaluate, explain. Pure: no I/O,
// no imports from the rest of Latchkey.

export { compilePolicy } from './policy.js';
export type { CompiledPolicy, CompiledStatement, CompileOptions, PolicyKind, Effect } from './policy.js';
export { authorize } from './evaluate.js';
export type { AuthorizationRequest, Decision, DecisionKind, PolicySet, PolicyType, StatementReason } from './evaluate.js';
export { accessDeniedMessage, explain, describeStatement } from './explain.js';
export { RequestContext } from './context.js';
export type { ContextInput, ContextValue } from './context.js';
export { principalArn, principalAccount } from './principals.js';
export type { Principal, PrincipalMatch } from './principals.js';
export { MalformedPolicyDocumentError, PolicyMessages } from './errors.js';
export { PolicyCache } from './cache.js';
export { compileGlob } from './glob.js';
export { parseArn } from './arn.js';
