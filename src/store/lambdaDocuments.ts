// Lambda's documents (functions, versions, aliases, policies, layer versions, URLs, mappings,
// account settings) and deployment packages in the store. Documents are JSON kept under
// (kind, key); a service's read-modify-write runs as one database transaction through
// lambdaTransact, so a RevisionId check and the write it guards can never be split by
// another request, on this node or any other.

import type { Queries, SqlDatabase } from './sql/database.js';
import type { LambdaKind, LambdaReader, LambdaStore, LambdaTransaction } from './store.js';

/**
 * The smallest string greater than every string starting with `prefix`: prefix scans use the
 * half-open range [prefix, prefixEnd), which both databases answer from the primary key.
 */
const prefixEnd = (prefix: string): string => prefix + '\uffff';

const GET = 'SELECT document FROM lambda_documents WHERE kind = ? AND doc_key = ?';
const HAS = 'SELECT 1 FROM lambda_documents WHERE kind = ? AND doc_key = ?';
const PUT =
  'INSERT INTO lambda_documents (kind, doc_key, document) VALUES (?, ?, ?) ON CONFLICT (kind, doc_key) DO UPDATE SET document = excluded.document';
const DELETE = 'DELETE FROM lambda_documents WHERE kind = ? AND doc_key = ?';
const LIST = 'SELECT document FROM lambda_documents WHERE kind = ? AND doc_key >= ? AND doc_key < ? ORDER BY doc_key';
const PAGE = 'SELECT doc_key, document FROM lambda_documents WHERE kind = ? AND doc_key >= ? AND doc_key < ? AND doc_key > ? ORDER BY doc_key LIMIT ?';

/** Freezes a parsed document all the way down: readers share it, so none may change it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The row of world_revision that every writing Lambda transaction moves on, on PostgreSQL. */
export const LAMBDA_REVISION_ID = 2;
const BUMP_LAMBDA_REVISION = `UPDATE world_revision SET revision = revision + 1 WHERE id = ${LAMBDA_REVISION_ID}`;

/**
 * How far the read path's parsed documents can be trusted: `generation` moves on after every
 * Lambda transaction of this node, and, on PostgreSQL, whenever a revision read (cluster.ts,
 * once per request) shows that some node has committed one since.
 */
export class LambdaGenerations {
  generation = 0;
  private lambdaRevision?: number;

  committed(): void {
    this.generation++;
  }

  observe(lambdaRevision: number): void {
    if (lambdaRevision === this.lambdaRevision) return;
    this.lambdaRevision = lambdaRevision;
    this.generation++;
  }
}

/**
 * Parsed documents of the read path, by kind and key, with the text they were parsed from. A
 * document read in the current generation is answered from memory; an older one is read again,
 * and parsed again only if its text changed (for a 100-statement policy the parse is most of a
 * GetPolicy's work). On SQLite this process is the only writer; on PostgreSQL the revision read
 * that starts every request keeps the generation honest across nodes. The documents are frozen;
 * transactions parse their own copies.
 */
class ParsedDocuments {
  private readonly entries = new Map<string, { text: string | undefined; doc: unknown; generation: number }>();

  constructor(private readonly generations: LambdaGenerations) {}

  async get<T>(q: Queries, kind: LambdaKind, key: string): Promise<T | null> {
    const id = `${kind}\u0000${key}`;
    const hit = this.entries.get(id);
    if (hit && hit.generation === this.generations.generation) return hit.doc as T | null;
    // Taken before the read: a commit during it leaves the entry stale-marked, never stale-trusted.
    const generation = this.generations.generation;
    const text = await q.value<string>(GET, [kind, key]);
    if (hit && hit.text === text) {
      hit.generation = generation;
      return hit.doc as T | null;
    }
    const doc = text === undefined ? null : deepFreeze(JSON.parse(text) as T);
    if (this.entries.size >= PARSED_MAX) this.entries.clear();
    this.entries.set(id, { text, doc, generation });
    return doc;
  }
}

const PARSED_MAX = 10_000;

/** `wrote`: set when the transaction changes a document. */
function transactionOn(q: Queries, parsed?: ParsedDocuments, wrote?: { any: boolean }): LambdaTransaction {
  return {
    async get<T>(kind: LambdaKind, key: string) {
      if (parsed) return parsed.get<T>(q, kind, key);
      const doc = await q.value<string>(GET, [kind, key]);
      return doc === undefined ? null : (JSON.parse(doc) as T);
    },
    async has(kind, key) {
      if (parsed) return (await parsed.get(q, kind, key)) !== null;
      return (await q.value(HAS, [kind, key])) !== undefined;
    },
    async put(kind, key, document) {
      if (wrote) wrote.any = true;
      await q.run(PUT, [kind, key, JSON.stringify(document)]);
    },
    async delete(kind, key) {
      if (wrote) wrote.any = true;
      return (await q.run(DELETE, [kind, key])) > 0;
    },
    async list<T>(kind: LambdaKind, prefix: string) {
      return (await q.all<{ document: string }>(LIST, [kind, prefix, prefixEnd(prefix)])).map((r) => JSON.parse(r.document) as T);
    },
  };
}

export function lambdaDocumentsStore(db: SqlDatabase, generations: LambdaGenerations): LambdaStore {
  // Single reads go straight to the database (autocommit): the hot path of GetPolicy and Invoke.
  const parsed = new ParsedDocuments(generations);
  const direct = transactionOn(db, parsed);
  return {
    lambdaGet: (kind, key) => direct.get(kind, key),

    async lambdaList<T>(kind: LambdaKind, prefix: string, page: { marker?: string; maxItems?: number }) {
      const limit = page.maxItems ?? 50;
      const rows = await db.all<{ doc_key: string; document: string }>(PAGE, [kind, prefix, prefixEnd(prefix), page.marker ?? '', limit + 1]);
      const items = rows.slice(0, limit).map((r) => JSON.parse(r.document) as T);
      return { items, nextMarker: rows.length > limit ? rows[limit - 1]!.doc_key : null };
    },

    lambdaTransact: <T>(change: (tx: LambdaTransaction) => Promise<T>) =>
      db.write(async (q) => {
        const wrote = { any: false };
        const result = await change(transactionOn(q, undefined, wrote));
        // In the same transaction: no node can see the change and not the new revision. (Writing
        // transactions meet on this row: PostgreSQL lets one through at a time, and db.write runs
        // the others again.)
        if (wrote.any && db.dialect === 'postgres') await q.run(BUMP_LAMBDA_REVISION);
        return result;
      }).finally(() => {
        // After the commit (or the rollback): what the read path remembers may be older now.
        generations.committed();
      }),

    lambdaView: <T>(read: (tx: LambdaReader) => Promise<T>) => db.read((q) => read(transactionOn(q, parsed))),

    async putCode(sha256, content) {
      await db.run('INSERT INTO lambda_code (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING', [sha256, content.length, content]);
    },

    async getCode(sha256) {
      return (await db.value<Buffer>('SELECT content FROM lambda_code WHERE sha256 = ?', [sha256])) ?? null;
    },
  };
}
