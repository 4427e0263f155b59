// CloudWatch Logs resources: the ARNs the API shows and the ARNs IAM authorizes on, paging
// tokens, and the errors the service answers with.
//
// IAM (Service Authorization Reference, CloudWatch Logs): log-group
// `arn:aws:logs:<region>:<account>:log-group:<name>` and log-stream
// `…:log-group:<name>:log-stream:<stream>`. Policies in the wild, AWS's own examples for
// Lambda included, grant `…:log-group:<name>:*` for both group and stream actions, so group
// actions are authorized on `…:log-group:<name>:*` (the `arn` DescribeLogGroups shows), which
// that form and `…:log-group:*` both match.

import { AwsError } from '../../aws/errors.js';
import type { LogGroupRef } from '../../store/logs.js';
import type { OperationContext } from '../operation.js';

export const groupRef = (ctx: OperationContext<unknown>, name: string): LogGroupRef => ({ accountId: ctx.caller.accountId, region: ctx.region, name });

/** The `arn` of DescribeLogGroups (with `:*`), which group actions are authorized on. */
export const groupArn = (g: LogGroupRef) => `arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.name}:*`;
/** The `logGroupArn` of DescribeLogGroups (without `:*`). */
export const groupArnBare = (g: LogGroupRef) => `arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.name}`;
export const streamArn = (g: LogGroupRef, stream: string) => `arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.name}:log-stream:${stream}`;

/** The IAM check of a `logs:` action on a group or one of its streams. */
export function logsCheck(action: string, g: LogGroupRef, stream?: string) {
  return [{ action: `logs:${action}`, resource: stream === undefined ? groupArn(g) : streamArn(g, stream), resourceAccount: g.accountId }];
}

export const LogsErrors = {
  groupNotFound: () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400),
  streamNotFound: () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.', 400),
  groupExists: () => new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists', 400),
  streamExists: () => new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400),
  invalid: (message: string) => new AwsError('InvalidParameterException', message, 400),
};

/** Opaque paging tokens: the cursor, base64url, so a client cannot mistake it for a name. */
export const encodeToken = (cursor: string) => Buffer.from(cursor, 'utf8').toString('base64url');
export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (encodeToken(text) !== token) throw LogsErrors.invalid('The specified nextToken is invalid.');
  return text;
}
