// AWS's answer to a request that fails SigV4 authentication, per protocol family: the error code,
// HTTP status and message text each family puts on the wire. Codecs serialise the AwsError (body key
// casing, x-amzn-ErrorType, <ErrorResponse>); this module only chooses what they say.
//
// Sources, per entry: [confirmed] = a real AWS response quoted in a public report (cited);
// [guess] = not recorded anywhere we could find; chosen by analogy with the same family.
// For IncompleteSignature, MalformedDate, RequestExpired and SignatureMismatch the text depends on the
// request, so verifySigV4() builds it (its `detail`, AWS's wording; sources cited in sigv4.ts) and it is
// used verbatim here.

import { AwsError } from './errors.js';
import { SIGNATURE_MISMATCH_MESSAGE, type AuthFailure } from './sigv4.js';

export type AuthErrorProtocol = 'query' | 'restJson' | 'json';

/** [confirmed] every family: iann0036/iamlive#58 (Lambda), aws-nuke#774 (IAM-style query, Kinesis), moto core/exceptions.py. */
const INVALID_TOKEN = 'The security token included in the request is invalid.';
/**
 * [confirmed] no trailing period: cfn-sphere/cfn-sphere#55 (IAM XML body), pulumi/pulumi-aws#2560 (STS),
 * cloudquery/cq-provider-aws#1171 (Lambda), boto/boto3#1127 (KMS, awsJson).
 */
const EXPIRED_TOKEN = 'The security token included in the request is expired';

interface Entry {
  code: string;
  status: number;
  /** Fixed text; absent → the request-specific `detail` from verifySigV4(). */
  message?: string;
}

const TABLE: Record<AuthErrorProtocol, Record<AuthFailure, Entry>> = {
  // awsQuery (IAM, STS): <ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…
  query: {
    // [confirmed] STS XML body, 403: amzn/selling-partner-api-docs#3081; cert-manager/aws-privateca-issuer#40.
    MissingAuthentication: { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' },
    // [confirmed] code and 400: amazonka#316 (SES, awsQuery); AWS "Common Errors" pages (IAM: 400).
    IncompleteSignature: { code: 'IncompleteSignature', status: 400 },
    // [confirmed] 403: aws-nuke#774, moto; AWS "Common Errors" (InvalidClientTokenId 403).
    UnknownAccessKey: { code: 'InvalidClientTokenId', status: 403, message: INVALID_TOKEN },
    // [confirmed] text: aws/aws-cli#5166 (IAM GetUser); moto SignatureDoesNotMatchError (403).
    SignatureMismatch: { code: 'SignatureDoesNotMatch', status: 403 },
    // [confirmed] code + "… (… - 15 min.)": aws/aws-cli#6676 (STS GetCallerIdentity), devsecops/bootcamp#101 (AssumeRole).
    RequestExpired: { code: 'SignatureDoesNotMatch', status: 403 },
    // [guess for the two token cases] AWS answers a temporary key without its token, or with another one, as an
    // invalid token (the commonest cause of InvalidClientTokenId in public reports; exact case not recorded).
    TokenMissing: { code: 'InvalidClientTokenId', status: 403, message: INVALID_TOKEN },
    TokenMismatch: { code: 'InvalidClientTokenId', status: 403, message: INVALID_TOKEN },
    // [confirmed] 403 + text: cfn-sphere#55 (IAM), pulumi-aws#2560 (STS, StatusCode 403).
    TokenExpired: { code: 'ExpiredToken', status: 403, message: EXPIRED_TOKEN },
    // [guess] AWS's code for an unparseable X-Amz-Date is not recorded; IncompleteSignature like other malformed auth.
    MalformedDate: { code: 'IncompleteSignature', status: 400 },
  },
  // restJson1 (Lambda): x-amzn-ErrorType + {"message": …}
  restJson: {
    // [confirmed] Lambda API, 403, "Missing Authentication Token": brefphp/bref#1250 (…/2015-03-31/functions/…/invocations).
    MissingAuthentication: { code: 'MissingAuthenticationTokenException', status: 403, message: 'Missing Authentication Token' },
    // [guess] code by the Exception-suffix convention of JSON services (iann0036/cloud9-sync#10); 403 from the
    // Lambda API reference "Common Errors" (IncompleteSignature 403).
    IncompleteSignature: { code: 'IncompleteSignatureException', status: 403 },
    // [confirmed] 403: iann0036/iamlive#58 (DeleteFunction), aws/chalice#152; lambda-wire.md §1.4 (68-byte body).
    UnknownAccessKey: { code: 'UnrecognizedClientException', status: 403, message: INVALID_TOKEN },
    // [confirmed] 403, x-amzn-errortype InvalidSignatureException, body {"message": <text>} of 192 bytes = exactly
    // the standard text: erlcloud/erlcloud#690 (Invoke, 2021).
    SignatureMismatch: { code: 'InvalidSignatureException', status: 403 },
    // [confirmed] 403 InvalidSignatureException "Signature expired: …": aws/aws-sdk-go#859 (ListFunctions),
    // serverless/serverless#27, aws/aws-cli#4600. (Those reports show a 5-minute window for Lambda.)
    RequestExpired: { code: 'InvalidSignatureException', status: 403 },
    // [guess] as for awsQuery: a missing or foreign token is an unrecognised client.
    TokenMissing: { code: 'UnrecognizedClientException', status: 403, message: INVALID_TOKEN },
    TokenMismatch: { code: 'UnrecognizedClientException', status: 403, message: INVALID_TOKEN },
    // [confirmed] 403: cloudquery/cq-provider-aws#1171 (Lambda, StatusCode 403), cloud-custodian#9216 (GetFunction).
    TokenExpired: { code: 'ExpiredTokenException', status: 403, message: EXPIRED_TOKEN },
    // [guess]
    MalformedDate: { code: 'IncompleteSignatureException', status: 403 },
  },
  // awsJson1.1 (Organizations): {"__type": …, "message": …}. Organizations itself is not recorded; these are
  // the coral JSON services' answers (Cognito, DynamoDB, Kinesis, KMS), which return 400 for auth failures.
  json: {
    // [guess] code and text by analogy with coral services (STS uses the same text); status 400 like the rest.
    MissingAuthentication: {
      code: 'MissingAuthenticationTokenException',
      status: 400,
      message: 'Request is missing Authentication Token',
    },
    // [confirmed for awsJson] 400 IncompleteSignatureException: iann0036/cloud9-sync#10.
    IncompleteSignature: { code: 'IncompleteSignatureException', status: 400 },
    // [confirmed for awsJson] 400: ArranJacques/laravel-aws-cognito-auth#25 (Cognito), aws-nuke#774 (Kinesis,
    // SageMaker), yegor256/s3auth#244 (DynamoDB).
    UnknownAccessKey: { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN },
    // [confirmed code/text] smithy545/aws-apps-scripts#12; 400 as in aws/aws-sdk-js#254 (statusCode 400).
    SignatureMismatch: { code: 'InvalidSignatureException', status: 400 },
    // [confirmed for awsJson] 400 "- 15 min.": aws/aws-sdk-js#254; remind101/logspout-kinesis#21 (Kinesis, 400).
    RequestExpired: { code: 'InvalidSignatureException', status: 400 },
    // [guess]
    TokenMissing: { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN },
    TokenMismatch: { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN },
    // [confirmed code/text for awsJson] boto/boto3#1127 (KMS); status 400 a guess (STS's model says 400).
    TokenExpired: { code: 'ExpiredTokenException', status: 400, message: EXPIRED_TOKEN },
    // [guess]
    MalformedDate: { code: 'IncompleteSignatureException', status: 400 },
  },
};

/** What the request-specific failures say when the caller has no `detail` to give. */
const FALLBACK: Partial<Record<AuthFailure, string>> = {
  SignatureMismatch: SIGNATURE_MISMATCH_MESSAGE,
  IncompleteSignature: 'The request signature does not conform to AWS standards.',
  MalformedDate: 'The request signature does not conform to AWS standards.',
  RequestExpired: 'Signature expired',
};

/** AWS's error for a failed SigV4 check, in the given protocol family. Always a Sender fault. */
export function authError(failure: AuthFailure, protocol: AuthErrorProtocol, detail: string): AwsError {
  const entry = TABLE[protocol][failure];
  const message = entry.message ?? (detail !== '' ? detail : (FALLBACK[failure] ?? SIGNATURE_MISMATCH_MESSAGE));
  return new AwsError(entry.code, message, entry.status, 'Sender');
}
