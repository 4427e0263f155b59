// The error a policy document gets when IAM (or Lambda) refuses it. `message` is AWS's
// wording for MalformedPolicyDocument, so services can put it on the wire unchanged.

export class MalformedPolicyDocumentError extends Error {
  override readonly name = 'MalformedPolicyDocument';
  readonly code = 'MalformedPolicyDocument';

  constructor(message: string) {
    super(message);
  }
}

/** AWS's messages, in one place so tests and services refer to the same text. */
export const PolicyMessages = {
  syntax: 'Syntax errors in policy.',
  legacyParsing: 'The policy failed legacy parsing',
  versionTooOld: 'Policy document must be version 2012-10-17 or greater.',
  duplicateSid: 'Statement IDs (SID) in a single policy must be unique.',
  missingActions: 'Policy statement must contain actions.',
  missingResources: 'Policy statement must contain resources.',
  actionNeedsVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  actionOneColon: 'Actions/Condition can contain only one colon.',
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  resourceNotArn: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  partitionInvalid: (partition: string, expanded: string) =>
    `Partition "${partition}" is not valid for resource "${expanded}".`,
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
  iamRegion: (resource: string) => `IAM resource ${resource} cannot contain region information.`,
  s3Region: (resource: string) => `Resource ${resource} can not contain region information.`,
  iamPath:
    'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.',
  principalNotAllowed: 'Policy document should not specify a principal.',
  principalRequired: 'Missing required field Principal.',
  trustResourceProhibited: 'Has prohibited field Resource.',
  invalidPrincipal: (type: string, value: string) => `Invalid principal in policy: "${type}":"${value}"`,
} as const;
