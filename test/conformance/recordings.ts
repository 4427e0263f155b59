// The AWS recordings this suite replays: LocalStack's snapshot files, recorded against real
// AWS, read from ../shared/reference/aws-recordings (or $LATCHKEY_RECORDINGS).
//
// An entry is one recorded test: `content` maps each match key (the name the test gave one
// response) to the response botocore saw, with LocalStack's placeholders in it. The
// *universe* is every recorded test that exercises the APIs under test here: the resource
// policy operations of functions and layer versions, and the function, version, alias, layer
// and tag operations that set them up. Whether a universe entry is replayed, and why not,
// is decided by cases.ts.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, seen from test/conformance (source) or dist/test/conformance (built). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = repoRoot();
export const RECORDINGS_DIR = process.env.LATCHKEY_RECORDINGS ?? path.resolve(REPO_ROOT, '../shared/reference/aws-recordings');

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

/**
 * Test classes and tests whose subject is an API under test. Everything else in the snapshot
 * files (event source mappings, URLs configs, provisioned concurrency, code signing, SnapStart, images,
 * logging config, size limits, …) is about other APIs and outside this suite.
 */
const UNIVERSE_SELECTORS: RegExp[] = [
  /::TestLambdaPermissions::/,
  /::TestLambdaRevisions::/,
  /::TestLambdaVersions::/,
  /::TestLambdaAlias::/,
  /::TestLambdaTag::/,
  /::TestLambdaTags::/,
  /::TestLambdaLayer::/,
  /::TestLambdaReservedConcurrency::/,
  /::TestLambdaFunction::test_(function_lifecycle|redundant_updates|ops_with_arn_qualifier_mismatch|ops_on_nonexisting_version|delete_on_nonexisting_version|ops_on_nonexisting_fn|get_function_wrong_region|function_arns|function_name_and_qualifier_validation|create_lambda_exceptions|update_lambda_exceptions|lambda_code_location_zipfile|lambda_code_location_s3|lambda_code_location_s3_errors|invalid_invoke|lambda_concurrent_code_updates|lambda_concurrent_config_updates)\b/,
];

/** Snapshot files outside test_lambda_api whose permission-related entries belong to the universe. */
const OTHER_FILES_WITH_STATEMENTS = ['test_lambda_runtimes.snapshot.json'];

let cache: Recording[] | undefined;

/**
 * Every recording of the universe: all entries of the extracted permission-related file
 * (current and pre-2025-11-25 eras, test_lambda.py, CloudFormation, Logs, S3), the entries of
 * test_lambda_api.snapshot.json selected above, and the SNS statement of the runtime tests.
 */
export function universe(): Recording[] {
  if (cache) return cache;
  const byKey = new Map<string, Recording>();
  const add = (key: string, raw: RawEntry) => {
    const { id, era } = normalizeId(key);
    const k = `${era}|${id}`;
    if (!byKey.has(k)) byKey.set(k, { id, era, recordedDate: raw['recorded-date'], content: raw['recorded-content'] });
  };
  for (const [key, raw] of Object.entries(readJson('extracted_permission_related_snapshots.json'))) add(key, raw);
  for (const [key, raw] of Object.entries(readJson('test_lambda_api.snapshot.json'))) {
    if (UNIVERSE_SELECTORS.some((s) => s.test(key))) add(key, raw);
  }
  for (const file of OTHER_FILES_WITH_STATEMENTS) {
    for (const [key, raw] of Object.entries(readJson(file))) {
      if (JSON.stringify(raw).includes('"Statement"')) add(key, raw);
    }
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

/** One row of errors_index_HEAD.tsv: an error AWS returned, as indexed from the current snapshots. */
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
  const rows = fs.readFileSync(path.join(RECORDINGS_DIR, 'errors_index_HEAD.tsv'), 'utf8').split('\n').slice(1);
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
