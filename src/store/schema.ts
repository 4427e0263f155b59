// Brings a database's schema up to date: the migrations not yet recorded in
// schema_migrations, in order, in one exclusive transaction (nodes starting together on one
// PostgreSQL apply each migration once).

import { forDialect, migrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.js';
import type { SqlDatabase } from './sql/database.js';

export async function migrate(db: SqlDatabase): Promise<void> {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) throw new Error('Latchkey store: migrations must have increasing versions');
  }
  const known = migrations.at(-1)?.version ?? 0;
  await db.schema(async (q) => {
    await q.run(forDialect(SCHEMA_MIGRATIONS_TABLE, db.dialect));
    const applied = new Set((await q.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new Error(`Latchkey store: the database has schema version ${newest}, newer than this Latchkey knows (${known})`);
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements) await q.run(forDialect(sql, db.dialect));
      await q.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, new Date().toISOString()]);
    }
  });
}
