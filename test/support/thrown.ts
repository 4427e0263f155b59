// The AwsError a call throws: the codec tests check each error's code, status and message.

import assert from 'node:assert/strict';
import { AwsError } from '../../src/aws/errors.js';

export function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}
