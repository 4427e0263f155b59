// The three "Add permissions" forms of the AWS Lambda console — AWS service, AWS account,
// Function URL — and the AddPermission requests each one becomes; a resource-based policy's
// statements as the console's table shows them; the ARN "Edit policy document" puts the
// policy on. Pure: tested without a browser.

export type PermissionKind = 'service' | 'account' | 'url';

/** The services the console's "AWS service" form offers, with their principals. */
export const SERVICES: { id: string; label: string; principal: string; sourceArnHint?: string }[] = [
  { id: 's3', label: 'S3', principal: 's3.amazonaws.com', sourceArnHint: 'arn:aws:s3:::my-bucket' },
  { id: 'sns', label: 'SNS', principal: 'sns.amazonaws.com', sourceArnHint: 'arn:aws:sns:us-east-1:123456789012:my-topic' },
  { id: 'events', label: 'EventBridge (CloudWatch Events)', principal: 'events.amazonaws.com', sourceArnHint: 'arn:aws:events:us-east-1:123456789012:rule/my-rule' },
  { id: 'apigateway', label: 'API Gateway', principal: 'apigateway.amazonaws.com', sourceArnHint: 'arn:aws:execute-api:us-east-1:123456789012:api-id/*/GET/path' },
  { id: 'logs', label: 'CloudWatch Logs', principal: 'logs.amazonaws.com', sourceArnHint: 'arn:aws:logs:us-east-1:123456789012:log-group:my-group:*' },
  { id: 'alexa', label: 'Alexa Skills Kit', principal: 'alexa-appkit.amazon.com' },
  { id: 'other', label: 'Other', principal: '' },
];

export const ACTIONS = ['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetPolicy', 'lambda:ListAliases', 'lambda:ListVersionsByFunction', 'lambda:*'];

export interface PermissionForm {
  kind: PermissionKind;
  statementId: string;
  /** service: the principal (from the service, or typed for Other); account: an account id or ARN; url: for AWS_IAM only. */
  principal: string;
  action: string;
  sourceArn?: string;
  sourceAccount?: string;
  eventSourceToken?: string;
  principalOrgId?: string;
  /** url only. */
  authType?: 'AWS_IAM' | 'NONE';
}

export interface AddPermissionParameters {
  FunctionName: string;
  Qualifier?: string;
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: 'AWS_IAM' | 'NONE';
  InvokedViaFunctionUrl?: boolean;
}

const trimmed = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** What the console sends for a filled-in form, in order; empty optional fields are left out, as the console does. */
export function addPermissionRequests(functionName: string, qualifier: string | undefined, form: PermissionForm): AddPermissionParameters[] {
  const base = { FunctionName: functionName, ...(qualifier ? { Qualifier: qualifier } : {}), StatementId: form.statementId.trim() };
  const optional = (key: keyof AddPermissionParameters, value: string | undefined) => (trimmed(value) ? { [key]: trimmed(value) } : {});
  switch (form.kind) {
    case 'service':
      return [{
        ...base,
        Action: form.action,
        Principal: form.principal.trim(),
        ...optional('SourceArn', form.sourceArn),
        ...optional('SourceAccount', form.sourceAccount),
        ...optional('EventSourceToken', form.eventSourceToken),
      }];
    case 'account':
      return [{ ...base, Action: form.action, Principal: form.principal.trim(), ...optional('PrincipalOrgID', form.principalOrgId) }];
    case 'url': {
      const authType = form.authType ?? 'AWS_IAM';
      // A NONE URL is open to anyone: the console fixes the principal to "*".
      const Principal = authType === 'NONE' ? '*' : form.principal.trim();
      // Since October 2025 a URL needs InvokeFunction too, limited to calls through the URL
      // (Developer Guide, "Control access to function URLs"); the console adds both statements.
      return [
        { ...base, Action: 'lambda:InvokeFunctionUrl', Principal, FunctionUrlAuthType: authType },
        { ...base, StatementId: `${base.StatementId}-invoke`, Action: 'lambda:InvokeFunction', Principal, InvokedViaFunctionUrl: true },
      ];
    }
  }
}

export interface StatementRow {
  sid: string;
  principal: string;
  conditions: string;
  action: string;
  effect: string;
}

function principalText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p && typeof p === 'object') {
    return Object.entries(p as Record<string, unknown>)
      .map(([type, v]) => `${type}: ${([] as unknown[]).concat(v).join(', ')}`)
      .join('; ');
  }
  return '';
}

function conditionsText(c: unknown): string {
  if (!c || typeof c !== 'object') return '';
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(c as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(keys ?? {})) parts.push(`${operator} ${key} = ${([] as unknown[]).concat(value).join(', ')}`);
  }
  return parts.join('; ');
}

/** The rows of the "Resource-based policy statements" table from GetPolicy's Policy text. */
export function statementRows(policy: string | undefined): StatementRow[] {
  if (!policy) return [];
  const doc = JSON.parse(policy) as { Statement?: Record<string, unknown>[] | Record<string, unknown> };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.map((s) => ({
    sid: String(s.Sid ?? ''),
    principal: principalText(s.Principal),
    conditions: conditionsText(s.Condition),
    action: ([] as unknown[]).concat(s.Action ?? []).join(', '),
    effect: String(s.Effect ?? ''),
  }));
}

/** The policy document as the console's "View policy document" shows it: the same JSON, indented. */
export function policyDocument(policy: string): string {
  return JSON.stringify(JSON.parse(policy), null, 2);
}

/** The ARN PutResourcePolicy takes for the function, version or alias a page shows. */
export function policyResourceArn(functionArn: string, qualifier: string | undefined): string {
  const unqualified = functionArn.split(':').slice(0, 7).join(':');
  return qualifier ? `${unqualified}:${qualifier}` : unqualified;
}

/** The editor's text checked before it is sent: JSON with a Statement, or the reason it is not. */
export function policyEditorError(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `The policy is not valid JSON: ${(e as Error).message}`;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'The policy must be a JSON object.';
  if (!('Statement' in doc)) return 'The policy has no Statement.';
  return undefined;
}

/**
 * What the Lambda console adds when it creates a function URL with auth type NONE ("Lambda
 * automatically creates the resource-based policy for you"): the two statements of the
 * Developer Guide's example, by their names there.
 */
export function publicUrlPermissions(functionName: string, qualifier: string | undefined): AddPermissionParameters[] {
  const base = { FunctionName: functionName, ...(qualifier ? { Qualifier: qualifier } : {}), Principal: '*' };
  return [
    { ...base, StatementId: 'FunctionURLAllowPublicAccess', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' },
    { ...base, StatementId: 'FunctionURLInvokeAllowPublicAccess', Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true },
  ];
}
