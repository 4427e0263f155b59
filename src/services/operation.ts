// What every service operation is: a decoded input and a caller, a declared authorization,
// and a handler. The pipeline (pipeline.ts) authorizes before it handles; handlers never
// call the policy engine themselves (docs/design.md, principle 2).

import type { ContextInput, CompiledPolicy, PolicyCache } from '../iam/index.js';
import type { Store } from '../store/store.js';
import type { RuntimeManager } from '../runtime/index.js';
import type { Caller } from './caller.js';
import type { LogDelivery } from './lambda/logDelivery.js';

export interface Deps {
  store: Store;
  policies: PolicyCache;
  /** Bumped after every mutation, so caches of derived views know when to refresh. */
  revision: { value: number };
  now(): Date;
  /** Runs functions (Invoke); absent in servers that run none. */
  runtime?: RuntimeManager;
  /** Access keys of execution-role sessions → the function they were issued to (lambda:SourceFunctionArn). */
  functionSessions?: Map<string, string>;
  /** Signs and checks the short-lived download links GetFunction hands out for code. */
  codeLinks?: { sign(sha256: string): string };
  /**
   * Multiplies the lifetime of STS sessions (1 on AWS). Tests set it low to watch
   * credentials expire without waiting the 15-minute minimum.
   */
  sessionTimeScale?: number;
  /** The URL that reaches this server (configured, or where it listens; never a request's Host). */
  publicUrl(): string;
  /** Sends functions' output to CloudWatch Logs as their execution roles (lambda/logDelivery.ts). */
  logDelivery?: LogDelivery;
  /** The pollers of the enabled event source mappings (lambda/sqsPoller.ts); told when a mapping changes. */
  eventSources?: { changed(accountId: string, region: string, uuid: string): void };
}

export interface OperationContext<I = Record<string, unknown>> {
  input: I;
  caller: Caller;
  /** The region from the request's credential scope. */
  region: string;
  requestId: string;
  /** The server's public URL (`http://127.0.0.1:4570`), for URLs pointing back at Latchkey. */
  baseUrl: string;
  deps: Deps;
}

/** One authorization check: the IAM action on a resource, as AWS performs it for the call. */
export interface AuthorizationCheck {
  action: string;
  /** Resource ARN, or `*` for actions without a resource type. */
  resource: string;
  /** The account owning the resource, when the ARN does not say (or `*`). */
  resourceAccount?: string;
  /** Extra condition keys of this action (`iam:PassedToService`, `sts:ExternalId`, …). */
  context?: ContextInput;
  /** The resource-based policy on the resource (trust policy, function policy). */
  resourcePolicy?: CompiledPolicy;
  /**
   * The resource-based policy itself must allow, even in the same account (role trust
   * policies, as IAM requires); an identity-based Allow alone is not enough.
   */
  resourcePolicyMustAllow?: boolean;
}

export type Output = Record<string, unknown> | undefined;

// Each operation names its own input type; the registry holds them side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Operation<I = any> {
  /** Checks to pass before the handler runs; `[]` means the call needs no permission. */
  authorize(ctx: OperationContext<I>): AuthorizationCheck[] | Promise<AuthorizationCheck[]>;
  handle(ctx: OperationContext<I>): Promise<Output>;
}

export type ServiceOperations = Record<string, Operation>;

/** Read-only operations leave the revision alone; every other one bumps it. */
export function isReadOnly(operation: string): boolean {
  return /^(Get|List|Describe|Simulate)/.test(operation);
}
