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

/**
 * Parsed documents of the read path, by kind and key, with the text they were parsed from.
 * On PostgreSQL the text is still read on every call (another node may have changed it) and
 * only the parse is skipped when it is the same text — for a 100-statement policy that is most
 * of a GetPolicy's work. On SQLite this process is the only writer, so a document read since
 * the last Lambda transaction committed (`generation`) is answered from memory. The documents
 * are frozen; transactions parse their own copies.
 */
class ParsedDocuments {
  private readonly entries = new Map<string, { text: string | undefined; doc: unknown; generation: number }>();
  /** Moves on after every committed Lambda transaction. */
  generation = 0;

  constructor(private readonly onlyWriter: boolean) {}

  async get<T>(q: Queries, kind: LambdaKind, key: string): Promise<T | null> {
    const id = `${kind}\u0000${key}`;
    const hit = this.entries.get(id);
    if (this.onlyWriter && hit && hit.generation === this.generation) return hit.doc as T | null;
    // Taken before the read: a commit during it leaves the entry stale-marked, never stale-trusted.
    const generation = this.generation;
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

function transactionOn(q: Queries, parsed?: ParsedDocuments): LambdaTransaction {
  return {
    async get<T>(kind: LambdaKind, key: string) {
      if (parsed) return parsed.get<T>(q, kind, key);
      const doc = await q.value<string>(GET, [kind, key]);
      return doc === undefined ? null : (JSON.parse(doc) as T);
    },
    async has(kind, key) {
      return (await q.value(HAS, [kind, key])) !== undefined;
    },
    async put(kind, key, document) {
      await q.run(PUT, [kind, key, JSON.stringify(document)]);
    },
    async delete(kind, key) {
      return (await q.run(DELETE, [kind, key])) > 0;
    },
    async list<T>(kind: LambdaKind, prefix: string) {
      return (await q.all<{ document: string }>(LIST, [kind, prefix, prefixEnd(prefix)])).map((r) => JSON.parse(r.document) as T);
    },
  };
}

export function lambdaDocumentsStore(db: SqlDatabase): LambdaStore {
  // Single reads go straight to the database (autocommit): the hot path of GetPolicy and Invoke.
  const parsed = new ParsedDocuments(db.dialect === 'sqlite');
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
      db.write((q) => change(transactionOn(q))).finally(() => {
        // After the commit (or the rollback): what the read path remembers may be older now.
        parsed.generation++;
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
