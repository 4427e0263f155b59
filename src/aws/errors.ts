// An error as AWS puts it on the wire: code, HTTP status, message, and whether the caller
// (Sender) or the service (Receiver) is at fault. Protocol codecs serialise it; services and
// the pipeline throw it.

export class AwsError extends Error {
  override readonly name = 'AwsError';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** Sender faults are the caller's; Receiver faults (5xx) are ours. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** Anything unexpected becomes this, with the request id, and is logged (docs/design.md, principle 6). */
export function serviceFailure(code = 'ServiceFailure'): AwsError {
  return new AwsError(code, 'An internal error occurred. Try again later.', 500, 'Receiver');
}
