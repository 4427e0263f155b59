// The AWS recordings this suite replays: LocalStack's snapshot files, recorded against real
// AWS, kept in test/fixtures/aws-recordings (origin and licence: test/fixtures/README.md).
//
// An entry is one recorded test: `content` maps each match key (the name the test gave one
// response) to the response botocore saw, with LocalStack's placeholders in it. The
// *universe* is every recorded test that exercises the APIs under test here (the fixture holds
// exactly those; scripts/extract-fixtures.mjs says which). Whether a universe entry is
// replayed, and why not, is decided by cases.ts.

import fs from 'node:fs';
import path from 'node:path';
import { fixturePath, REPO_ROOT } from '../support/fixtures.js';

export { REPO_ROOT };
const RECORDINGS_DIR = fixturePath('aws-recordings');

/** When AWS behaviour was recorded: the current snapshot (HEAD) or the one before the 2025-11-25 re-recording. */
export type Era = 'HEAD' | 'PRE-2025-11-25';

export interface Recording {
  /** `<file>::<Class>::<test>[param]`, e.g. `lambda_/test_lambda_api.py::TestLambdaPermissions::test_permission_exceptions`. */
  id: string;
  era: Era;
  recordedDate: string;
  /** match key → recorded response (parsed JSON strings, placeholders, sorted top-level keys). */
  content: Record<string, unknown>;
}

/** `HEAD…::tests/aws/services/lambda_/x.py::C::t` or `tests/aws/lambda_/x.py::C::t` → `lambda_/x.py::C::t`. */
function normalizeId(key: string): { id: string; era: Era } {
  const [label, rest] = key.includes('::tests/') ? [key.slice(0, key.indexOf('::tests/')), key.slice(key.indexOf('::tests/') + 2)] : ['HEAD', key];
  const era: Era = label.startsWith('PRE') ? 'PRE-2025-11-25' : 'HEAD';
  // One entry was recorded when the tests lived in tests/aws/lambda_ (2023); keep it apart.
  return { id: rest.replace(/^tests\/aws\/services\//, '').replace(/^tests\/aws\//, 'old-path:'), era };
}

interface RawEntry {
  'recorded-date': string;
  'recorded-content': Record<string, unknown>;
}

function readJson(file: string): Record<string, RawEntry> {
  return JSON.parse(fs.readFileSync(path.join(RECORDINGS_DIR, file), 'utf8')) as Record<string, RawEntry>;
}

let cache: Recording[] | undefined;

/** Every recording of the universe, current and pre-2025-11-25 eras, one per test. */
export function universe(): Recording[] {
  if (cache) return cache;
  const byKey = new Map<string, Recording>();
  for (const [key, raw] of Object.entries(readJson('lambda-universe.json'))) {
    const { id, era } = normalizeId(key);
    const k = `${era}|${id}`;
    if (!byKey.has(k)) byKey.set(k, { id, era, recordedDate: raw['recorded-date'], content: raw['recorded-content'] });
  }
  cache = [...byKey.values()];
  return cache;
}

/** The current (HEAD) recording of a test, e.g. `recording('lambda_/test_lambda_api.py::TestLambdaPermissions::test_permission_exceptions')`. */
export function recording(id: string, era: Era = 'HEAD'): Recording {
  const found = universe().find((r) => r.id === id && r.era === era);
  if (!found) throw new Error(`no ${era} recording ${id}`);
  return found;
}

/** The recorded response of one match key; `at` descends into it (e.g. `CreateFunctionResponse` of the create fixture). */
export function recorded(id: string, match: string, at?: string): unknown {
  const content = recording(id).content;
  if (!(match in content)) throw new Error(`${id} has no match key ${match}`);
  let value = content[match];
  if (at) value = (value as Record<string, unknown>)[at];
  return value;
}

/** One row of test/fixtures/aws-recordings/errors-index.tsv: an error AWS returned, as indexed from the current snapshots. */
export interface IndexedError {
  id: string;
  match: string;
  code: string;
  /** null where the snapshot has null (the index writes Python's `None`). */
  message: string | null;
  status: number;
  bodyKeys: string[];
}

const INDEXED_FILES: Record<string, string> = {
  'test_lambda_api.snapshot.json': 'lambda_/test_lambda_api.py',
  'test_lambda.snapshot.json': 'lambda_/test_lambda.py',
};

/** Every recorded error of the current snapshots (rows split over several lines are left out). */
export function indexedErrors(): IndexedError[] {
  const rows = fs.readFileSync(path.join(RECORDINGS_DIR, 'errors-index.tsv'), 'utf8').split('\n').slice(1);
  const out: IndexedError[] = [];
  for (const row of rows) {
    const cols = row.split('\t');
    const file = INDEXED_FILES[cols[0] ?? ''];
    if (cols.length !== 7 || !file) continue;
    const [, test, match, code, message, status, keys] = cols as [string, string, string, string, string, string, string];
    out.push({ id: `${file}::${test}`, match, code, message: message === 'None' ? null : message, status: Number(status), bodyKeys: keys ? keys.split(',') : [] });
  }
  return out;
}
