// Who outside an account (or its organization) can reach its functions, versions, aliases,
// layer versions and SQS queues, and how: IAM Access Analyzer's external-access findings,
// computed locally from every Lambda resource-based policy, function URL and queue policy
// (src/iam/findings.ts judges each policy). Served at GET /_latchkey/access and printed by
// `latchkey access`.

import { accessFindings, type Finding } from '../iam/findings.js';
import type { Store } from '../store/store.js';
import type { FunctionUrlDoc } from './lambda/functionUrls.js';
import { policyObject, type PolicyDocumentState } from './lambda/permissions.js';
import { queueArn } from './sqs/resources.js';

export interface ResourceAccess {
  resource: string;
  resourceType: 'function' | 'version' | 'alias' | 'layerVersion' | 'queue';
  accountId: string;
  findings: Finding[];
}

function resourceType(arn: string): ResourceAccess['resourceType'] {
  const parts = arn.split(':');
  if (parts[5] === 'layer') return 'layerVersion';
  const qualifier = parts[7];
  if (qualifier === undefined) return 'function';
  return /^\d+$/.test(qualifier) ? 'version' : 'alias';
}

/**
 * The resource a stored policy belongs to, from its statements: AddPermission writes that ARN;
 * PutResourcePolicy may also write the function's `<arn>:*` (its versions and aliases) or a list.
 */
function policyResource(policy: PolicyDocumentState): string | undefined {
  for (const s of policy.statements) {
    const first = ([] as unknown[]).concat(s.Resource ?? []).find((r): r is string => typeof r === 'string');
    if (first) return first.endsWith(':*') ? first.slice(0, -2) : first;
  }
  return undefined;
}

/** Every Lambda resource with at least one finding, in ARN order. */
export async function accessReport(store: Store): Promise<ResourceAccess[]> {
  const { policies, urls } = await store.lambdaView(async (tx) => ({
    policies: await tx.list<PolicyDocumentState>('policy', 'arn:'),
    urls: await tx.list<FunctionUrlDoc>('url', ''),
  }));
  const urlAuth = new Map(urls.map((u) => [u.FunctionArn, u.AuthType]));
  const zones = new Map<string, { accountId: string; organizationId?: string; organizationAccounts?: string[] }>();
  const zoneOf = async (accountId: string) => {
    let zone = zones.get(accountId);
    if (!zone) {
      const account = await store.getAccount(accountId);
      const organizationId = account?.organizationId ?? undefined;
      const members = organizationId ? (await store.listAccounts()).filter((a) => a.organizationId === organizationId).map((a) => a.accountId) : undefined;
      zone = { accountId, ...(organizationId ? { organizationId, organizationAccounts: members } : {}) };
      zones.set(accountId, zone);
    }
    return zone;
  };
  const report: ResourceAccess[] = [];
  for (const policy of policies) {
    const resource = policyResource(policy);
    if (!resource) continue;
    const accountId = resource.split(':')[4] ?? '';
    const auth = urlAuth.get(resource);
    const findings = accessFindings({
      resource,
      policy: policyObject(policy),
      zone: await zoneOf(accountId),
      ...(auth ? { functionUrlAuthType: auth } : {}),
    });
    if (findings.length > 0) report.push({ resource, resourceType: resourceType(resource), accountId, findings });
  }
  // SQS queue policies are judged the same way (a queue open to anyone, to other accounts, to a service without a source).
  for (const queue of await store.sqs.listAllQueues()) {
    if (!queue.attributes.Policy) continue;
    const resource = queueArn(queue);
    const findings = accessFindings({ resource, policy: queue.attributes.Policy, zone: await zoneOf(queue.accountId) });
    if (findings.length > 0) report.push({ resource, resourceType: 'queue', accountId: queue.accountId, findings });
  }
  return report.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
}

/** The report as a person reads it: one block per resource, one line per finding. */
export function formatAccessReport(report: ResourceAccess[]): string {
  if (report.length === 0) return 'No function, version, alias or layer version can be reached from outside its account or organization.';
  return report
    .map((r) => [`${r.resource} (${r.resourceType})`, ...r.findings.map((f) => `  ${f.kind.padEnd(22)} ${f.principal}: ${f.detail}`)].join('\n'))
    .join('\n\n');
}
