import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DecisionLog, decisionSeenBy, readDecisions, type DecisionRecord } from '../../src/services/decisionLog.js';
import { describeDecision } from '../../src/services/explainDecision.js';

const entry = (n: number) => ({ requestId: String(n) }) as DecisionRecord;

test('the decision log keeps the most recent entries, oldest first', () => {
  const log = new DecisionLog(3);
  assert.deepEqual(log.recent(), []);
  for (let i = 1; i <= 5; i++) log.record(entry(i));
  assert.deepEqual(log.recent().map((e) => e.requestId), ['3', '4', '5']);
  assert.deepEqual(log.recent(2).map((e) => e.requestId), ['4', '5']);
});

const denied = (requestId: string, extra: Partial<DecisionRecord> = {}): DecisionRecord => ({
  at: '2026-11-22T12:00:00.000Z',
  requestId,
  caller: 'arn:aws:iam::111122223333:user/admin',
  callerAccount: '111122223333',
  action: 'lambda:InvokeFunction',
  resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  resourceAccount: '123456789012',
  decision: 'ImplicitDeny',
  explanation: { decision: 'ImplicitDeny', reasons: [], missing: 'resource' },
  ...extra,
});

test('decisions go to the file one line each, rotate by size, and are found again by request id', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-decisions-'));
  try {
    const file = path.join(dir, 'decisions.log');
    const log = new DecisionLog(10, { file, maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 30; i++) {
      log.record(denied(`req-${i}`));
      log.flush();
    }
    assert.ok(fs.existsSync(`${file}.1`) && fs.existsSync(`${file}.2`), 'rotated into .1 and .2');
    assert.ok(!fs.existsSync(`${file}.3`), 'only two rotated files are kept');
    for (const f of [file, `${file}.1`, `${file}.2`]) assert.ok(fs.statSync(f).size <= 2000 + 400);
    assert.equal(readDecisions(file, 'req-29').length, 1);
    assert.equal(readDecisions(file, 'req-29')[0]!.resource, 'arn:aws:lambda:us-east-1:123456789012:function:f');
    assert.equal(readDecisions(file, 'req-0').length, 0, 'the oldest rotated away');
    assert.deepEqual(log.find('req-29').map((r) => r.requestId), ['req-29']);
    fs.appendFileSync(file, '{"requestId":"req-torn"');
    assert.deepEqual(readDecisions(file, 'req-torn'), [], 'a torn last line is skipped');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an explanation names the missing side, across accounts and for services', () => {
  const cross = describeDecision(denied('a'));
  assert.match(cross, /DENIED: nothing in the resource-based policy allows it/);
  assert.match(cross, /The caller's account \(111122223333\) is not the resource's \(123456789012\)/);
  const service = describeDecision(denied('b', { caller: 's3.amazonaws.com', callerAccount: undefined, via: 'event', context: { 'aws:SourceAccount': '210987654321' } }));
  assert.match(service, /service event b/);
  assert.match(service, /with aws:SourceAccount = 210987654321/);
  assert.match(service, /only the resource-based policy can allow it/);
  const explicit = describeDecision(denied('c', {
    decision: 'ExplicitDeny',
    explanation: { decision: 'ExplicitDeny', deniedBy: 'scp', reasons: [{ policyId: 'p-1', policyType: 'scp', statement: 0, sid: 'NoLambda', effect: 'Deny' }] },
  }));
  assert.match(explicit, /DENIED explicitly by the service control policies/);
  assert.match(explicit, /Sid "NoLambda"/);
});

test('each account sees its own policies by name, and of the other side\'s only their kind and effect', () => {
  const record = denied('cross', {
    decision: 'Allow',
    explanation: {
      decision: 'Allow',
      reasons: [
        { policyId: 'arn:aws:iam::111122223333:policy/partner-secret-plan', policyType: 'identity', statement: 2, sid: 'PartnerInternalSid', effect: 'Allow' },
        { policyId: 'arn:aws:lambda:us-east-1:123456789012:function:f', policyType: 'resource', statement: 0, sid: 'OwnerGrantToPartner', effect: 'Allow', principalMatch: 'account' },
      ],
    },
  });
  const byCaller = decisionSeenBy(record, '111122223333');
  const byOwner = decisionSeenBy(record, '123456789012');
  const text = (r: DecisionRecord) => describeDecision(r) + JSON.stringify(r);
  assert.match(text(byCaller), /PartnerInternalSid/);
  assert.doesNotMatch(text(byCaller), /OwnerGrantToPartner|function:f statement/);
  assert.match(text(byOwner), /OwnerGrantToPartner/);
  assert.doesNotMatch(text(byOwner), /PartnerInternalSid|partner-secret-plan/);
  assert.match(describeDecision(byOwner), /Allow by identity-based policy a policy of account 111122223333/);
});
