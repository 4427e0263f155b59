// What Latchkey nodes sharing one database coordinate through: the world revision (caches),
// concurrency slots (reserved concurrency counted across nodes), leases (one node runs
// each event source mapping's poller) and the shared decision log. Slots and leases expire, so a node that dies holding
// them (kill -9, a lost machine) frees them at `expires_at` without anyone cleaning up.

import { LAMBDA_REVISION_ID, type LambdaGenerations } from './lambdaDocuments.js';
import type { SqlDatabase } from './sql/database.js';
import type { ClusterStore } from './store.js';

/** How many decisions the shared log keeps (the newest). */
const DECISIONS_KEPT = 1_000_000;

/**
 * One read of `read` shared by every caller that arrives while none has started yet: a read
 * already under way when a caller arrives may have been answered before the caller's
 * predecessor's commit, so the caller waits for the next one, which starts as soon as the
 * current one ends and serves everyone who came meanwhile. Under load that is one round trip
 * to PostgreSQL per round trip, not one per request, and no caller gets a value older than
 * its arrival.
 */
export function coalesced<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const start = () => {
    const p = read().finally(() => {
      if (current === p) current = null;
    });
    current = p;
    return p;
  };
  return () => {
    if (!current) return start();
    next ??= current.then(() => undefined, () => undefined).then(() => {
      next = null;
      return start();
    });
    return next;
  };
}

export function clusterStore(db: SqlDatabase, lambda: LambdaGenerations): ClusterStore {
  // The Lambda revision comes with it: the parsed Lambda documents hold while it stands (on
  // SQLite, where this process is the only writer, it never moves).
  const readRevisions = async () => {
    let world = 0;
    for (const row of await db.all<{ id: number; revision: number }>('SELECT id, revision FROM world_revision')) {
      if (Number(row.id) === LAMBDA_REVISION_ID) lambda.observe(Number(row.revision));
      else world = Number(row.revision);
    }
    return world;
  };
  return {
    dialect: db.dialect,

    // On SQLite a read costs microseconds; over the network the reads of concurrent requests are shared.
    worldRevision: db.dialect === 'postgres' ? coalesced(readRevisions) : readRevisions,

    async bumpWorldRevision() {
      return db.write(async (q) => Number(await q.value<number>('UPDATE world_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision')));
    },

    async acquireConcurrency(scope, holder, limit, now, expiresAt) {
      return db.write(async (q) => {
        await q.run('DELETE FROM concurrency_slots WHERE scope = ? AND expires_at <= ?', [scope, now]);
        const taken = Number(await q.value<number>('SELECT count(*) FROM concurrency_slots WHERE scope = ?', [scope]));
        if (taken >= limit) return false;
        await q.run('INSERT INTO concurrency_slots (scope, holder, expires_at) VALUES (?, ?, ?)', [scope, holder, expiresAt]);
        return true;
      });
    },

    async releaseConcurrency(scope, holder) {
      await db.run('DELETE FROM concurrency_slots WHERE scope = ? AND holder = ?', [scope, holder]);
    },

    async acquireLease(name, owner, now, expiresAt) {
      const changed = await db.run(
        `INSERT INTO leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE leases.owner = excluded.owner OR leases.expires_at <= @now`,
        { name, owner, expiresAt, now },
      );
      return changed > 0;
    },

    async releaseLease(name, owner) {
      await db.run('DELETE FROM leases WHERE name = ? AND owner = ?', [name, owner]);
    },

    async recordDecisions(records) {
      if (records.length === 0) return;
      const values = records.map(() => '(?, ?)').join(', ');
      await db.run(`INSERT INTO decisions (request_id, record) VALUES ${values}`, records.flatMap((r) => [r.requestId, r.record]));
      // A bounded log: the oldest go once it holds more than DECISIONS_KEPT (checked now and then).
      if (Math.random() < 0.01) await db.run('DELETE FROM decisions WHERE seq <= (SELECT max(seq) FROM decisions) - ?', [DECISIONS_KEPT]);
    },

    async findDecisions(requestId) {
      return (await db.all<{ record: string }>('SELECT record FROM decisions WHERE request_id = ? ORDER BY seq', [requestId])).map((r) => r.record);
    },

    async recentDecisions(limit) {
      const rows = await db.all<{ record: string }>('SELECT record FROM decisions ORDER BY seq DESC LIMIT ?', [limit]);
      return rows.map((r) => r.record).reverse();
    },

    alone: (fn) => db.exclusive(fn),
  };
}
