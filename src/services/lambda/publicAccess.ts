// Lambda's block public access (PublicPolicyException). AWS's current model says the exception
// comes when "the resource-based policy you tried to add to the Lambda function would grant
// public access to it, and your account's BlockPublicAccess setting prevents public access";
// it is listed on AddPermission, RemovePermission and PutResourcePolicy. No API to read or
// change that setting is published (the 2024 Put/GetPublicAccessBlockConfig were withdrawn),
// so in Latchkey it is an account setting of the world file:
// `accounts.<profile>.lambda.blockPublicAccess` (default off, as for accounts that never set it).
//
// "Public" is what `latchkey access` reports as `public` or `public-url`: anyone, with no
// condition keeping callers in the account or organization (src/iam/findings.ts).

import { AwsError } from '../../aws/errors.js';
import { accessFindings } from '../../iam/findings.js';
import type { LambdaReader } from '../../store/store.js';
import { policyObject, type PolicyDocumentState } from './permissions.js';
import { urlKey, type FunctionUrlDoc } from './functionUrls.js';
import type { FunctionRef } from './resources.js';

export interface LambdaAccountSettings {
  blockPublicAccess: boolean;
}

export const PUBLIC_POLICY_MESSAGE =
  "The resource-based policy you tried to add to the Lambda function would grant public access to it, and your account's BlockPublicAccess setting prevents public access.";

export async function blocksPublicAccess(tx: LambdaReader, accountId: string): Promise<boolean> {
  return (await tx.get<LambdaAccountSettings>('accountSettings', accountId))?.blockPublicAccess === true;
}

/**
 * Throws PublicPolicyException when the account blocks public access and `next` (the policy
 * about to be stored on the function, version or alias `ref`) would make it public.
 */
export async function assertNotPublic(tx: LambdaReader, ref: FunctionRef, next: Pick<PolicyDocumentState, 'statements' | 'head'> | null): Promise<void> {
  if (!next || !(await blocksPublicAccess(tx, ref.accountId))) return;
  const url = await tx.get<FunctionUrlDoc>('url', urlKey(ref.key, ref.qualifier));
  const findings = accessFindings({
    resource: ref.resourceArn,
    policy: policyObject(next),
    // Whether a statement is public does not depend on the organization: only 'public' kinds count.
    zone: { accountId: ref.accountId },
    ...(url ? { functionUrlAuthType: url.AuthType } : {}),
  });
  if (findings.some((f) => f.kind === 'public' || f.kind === 'public-url')) {
    throw new AwsError('PublicPolicyException', PUBLIC_POLICY_MESSAGE, 400);
  }
}
