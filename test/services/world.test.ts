// The world file: examples/world.json (the README's schema example) applies, and applying
// it again changes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/sqlStore.js';
import { applyWorld, DEFAULT_WORLD, profileFiles, type WorldFile } from '../../src/services/world/world.js';
import type { Store } from '../../src/store/store.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/world.json', import.meta.url));

async function snapshot(store: Store, world: WorldFile) {
  const out: Record<string, unknown> = { accounts: await store.listAccounts() };
  for (const a of Object.values(world.accounts)) {
    const users = (await store.listUsers(a.id, {})).items;
    out[a.id] = {
      users,
      roles: (await store.listRoles(a.id, {})).items,
      groups: (await store.listGroups(a.id, {})).items,
      policies: (await store.listManagedPolicies(a.id, 'All', false, {})).items,
      keys: await Promise.all(users.map((u) => store.listAccessKeys(a.id, u.userName))),
      attached: await Promise.all(users.map((u) => store.listAttachedPolicies(a.id, 'user', u.userName))),
    };
  }
  if (world.organization) out.scps = await store.listOrgPolicies(world.organization.id);
  return out;
}

for (const [name, load] of [
  ['examples/world.json', () => JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as WorldFile],
  ['the default world', () => DEFAULT_WORLD],
] as const) {
  test(`${name} applies, and applying it twice changes nothing`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-world-'));
    const store = await openStore({ stateDir: dir });
    try {
      const world = load();
      await applyWorld(store, world);
      const first = await snapshot(store, world);
      await applyWorld(store, world);
      assert.deepEqual(await snapshot(store, world), first);
      const files = await profileFiles(store, world, 'http://127.0.0.1:4570');
      for (const profile of Object.keys(world.accounts)) {
        assert.match(files.credentials, new RegExp(`\\[${profile}\\]`));
        assert.match(files.config, new RegExp(`\\[profile ${profile}\\]\nregion = us-east-1\nendpoint_url = http://127\\.0\\.0\\.1:4570\n`));
      }
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the default world has the role profile partner-ops: the partner acting in the owner account through a role', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-world-'));
  const store = await openStore({ stateDir: dir });
  try {
    await applyWorld(store, DEFAULT_WORLD);
    const { config, credentials } = await profileFiles(store, DEFAULT_WORLD, 'http://127.0.0.1:5000');
    assert.match(
      config,
      /\[profile partner-ops\]\nrole_arn = arn:aws:iam::123456789012:role\/partner-ops\nsource_profile = partner\nregion = us-east-1\nendpoint_url = http:\/\/127\.0\.0\.1:5000\n/,
    );
    assert.doesNotMatch(credentials, /partner-ops/);
    assert.ok(await store.getRole('123456789012', 'partner-ops'));
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a role profile must name a profile of the world and a role ARN', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-world-'));
  const store = await openStore({ stateDir: dir });
  const accounts = { a: { id: '123456789012' } };
  try {
    await assert.rejects(applyWorld(store, { accounts, roleProfiles: { ops: { roleArn: 'arn:aws:iam::123456789012:role/x', sourceProfile: 'b' } } }), /roleProfiles\.ops\.sourceProfile/);
    await assert.rejects(applyWorld(store, { accounts, roleProfiles: { ops: { roleArn: 'role/x', sourceProfile: 'a' } } }), /roleProfiles\.ops\.roleArn/);
    await assert.rejects(applyWorld(store, { accounts, roleProfiles: { a: { roleArn: 'arn:aws:iam::123456789012:role/x', sourceProfile: 'a' } } }), /roleProfiles\.a has the name/);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a world naming an undeclared policy is refused with its path', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-world-'));
  const store = await openStore({ stateDir: dir });
  try {
    await assert.rejects(
      applyWorld(store, { accounts: { a: { id: '123456789012', users: { u: { managedPolicies: ['missing'] } } } } }),
      /accounts\.a refers to policy missing/,
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
