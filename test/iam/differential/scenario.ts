// A neutral description of one authorization question, shared by the differential test,
// the benchmarks and both engines' adapters. Plain JSON so a failing case can be printed
// and replayed as it is.

export type JsonPolicy = Record<string, unknown>;

export interface NamedPolicy {
  name: string;
  document: JsonPolicy;
}

export type ScenarioPrincipal =
  | { type: 'User'; arn: string; accountId: string }
  | { type: 'AssumedRole'; arn: string; roleArn: string; accountId: string }
  | { type: 'Account'; accountId: string }
  | { type: 'Service'; service: string }
  | { type: 'Anonymous' };

export interface Scenario {
  principal: ScenarioPrincipal;
  action: string;
  resource: { arn: string; accountId: string };
  /** Condition context keys as the request carries them; arrays are multi-valued keys. */
  context: Record<string, string | string[]>;
  identityPolicies: NamedPolicy[];
  resourcePolicy?: JsonPolicy;
  permissionsBoundary?: NamedPolicy;
  /** Session policy of an assumed-role principal. */
  sessionPolicy?: NamedPolicy;
  /** Organization path of the principal's account, root first; each level's SCPs. */
  scps?: { level: string; policies: NamedPolicy[] }[];
}

export type ScenarioDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
