// No lost writes: the server is killed with SIGKILL in the middle of a loop of writes;
// after a restart every acknowledged write is there and the database is intact. And 50
// parallel clients creating users and attaching policies lose nothing and duplicate nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  IAMClient,
  CreateUserCommand,
  ListUsersCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  ListAttachedUserPoliciesCommand,
  type User,
} from '@aws-sdk/client-iam';
import { sdkConfig, startServer, tempDir } from './support.js';
import { POSTGRES_ENV } from '../support/postgres.js';

async function allUsers(iam: IAMClient): Promise<User[]> {
  const users: User[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListUsersCommand({ Marker, MaxItems: 100 }));
    users.push(...(page.Users ?? []));
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return users;
}

test('every acknowledged write survives kill -9', async () => {
  const stateDir = tempDir();
  const first = await startServer({ stateDir });
  const iam = new IAMClient(sdkConfig(first, 'owner'));
  const acknowledged: string[] = [];
  let stop = false;
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        await iam.send(new CreateUserCommand({ UserName: `durable-${i}` }));
        acknowledged.push(`durable-${i}`);
      } catch {
        return; // the server is gone
      }
    }
  })();
  while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 10));
  await first.kill();
  stop = true;
  await writer;

  const second = await startServer({ stateDir });
  try {
    assert.equal(second.profiles.owner!.accessKeyId, first.profiles.owner!.accessKeyId, 'the profiles survive a restart');
    const names = new Set((await allUsers(new IAMClient(sdkConfig(second, 'owner')))).map((u) => u.UserName));
    const lost = acknowledged.filter((n) => !names.has(n));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged users lost`);
  } finally {
    await second.stop();
  }
  // The SQLite file is intact (with --postgres the store is not in the state directory: PostgreSQL's own recovery is its business).
  if (process.env[POSTGRES_ENV]) return;
  const db = new Database(path.join(stateDir, 'latchkey.db'), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});

test('50 parallel clients: no lost or duplicated records, no 500s', async () => {
  const server = await startServer();
  try {
    const statuses: number[] = [];
    const clients = Array.from({ length: 50 }, () => new IAMClient(sdkConfig(server, 'owner')));
    await Promise.all(
      clients.map(async (iam, i) => {
        try {
          await iam.send(new CreateUserCommand({ UserName: `parallel-${i}` }));
          const { Policy } = await iam.send(
            new CreatePolicyCommand({
              PolicyName: `parallel-policy-${i}`,
              PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }] }),
            }),
          );
          await iam.send(new AttachUserPolicyCommand({ UserName: `parallel-${i}`, PolicyArn: Policy!.Arn! }));
          await iam.send(new AttachUserPolicyCommand({ UserName: `parallel-${i}`, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
        } catch (e) {
          statuses.push((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
          throw e;
        }
      }),
    );
    assert.deepEqual(statuses, []);

    // The same name from 10 clients at once: one wins, the rest get EntityAlreadyExists.
    const results = await Promise.allSettled(clients.slice(0, 10).map((iam) => iam.send(new CreateUserCommand({ UserName: 'contested' }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'EntityAlreadyExistsException');
    }

    const iam = clients[0]!;
    const users = (await allUsers(iam)).filter((u) => u.UserName!.startsWith('parallel-'));
    assert.equal(users.length, 50);
    assert.equal(new Set(users.map((u) => u.UserName)).size, 50);
    for (let i = 0; i < 50; i += 7) {
      const { AttachedPolicies } = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: `parallel-${i}` }));
      assert.deepEqual(AttachedPolicies!.map((p) => p.PolicyName).sort(), [`parallel-policy-${i}`, 'ReadOnlyAccess'].sort());
    }
  } finally {
    await server.stop();
  }
});
