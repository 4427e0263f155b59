#!/usr/bin/env node
// Writes the recorded material the tests replay into test/fixtures/, from the team's reference
// shelf (a folder holding `raw-requests.md` and `aws-recordings/`). The tests read only the
// files written here, so a clone of the repository tests itself; run this again only when the
// reference shelf gains new recordings.
//
//   node scripts/extract-fixtures.mjs <reference-dir>
//
// It writes:
// - test/fixtures/raw-requests.json: every captured request (title, the raw HTTP text, and the
//   canonical request that verified, where recorded) from raw-requests.md;
// - test/fixtures/aws-recordings/lambda-universe.json: the recorded AWS tests the conformance
//   suite counts (see UNIVERSE_SELECTORS), keyed as in their snapshot files;
// - test/fixtures/aws-recordings/errors-index.tsv: the errors index rows of those tests;
// - test/fixtures/aws-recordings/s3-notifications.json: the recorded S3 notification events.

import console from 'node:console';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'fixtures');

const reference = process.argv[2];
if (!reference) {
  console.error('usage: node scripts/extract-fixtures.mjs <reference-dir>');
  process.exit(2);
}
const recordings = join(reference, 'aws-recordings');
const readJson = (file) => JSON.parse(readFileSync(join(recordings, file), 'utf8'));

function write(relative, text) {
  const target = join(out, relative);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`${relative}: ${text.length} bytes`);
}

// ---------------------------------------------------------------------------------------------
// Raw requests: `### title` sections holding "Raw request as received:" and, where the capture
// recorded it, "Canonical request that verified:", each followed by a fenced block.

function fence(section, after, lang) {
  const at = section.indexOf(after);
  if (at < 0) return undefined;
  const open = section.indexOf('```' + lang + '\n', at);
  if (open < 0) return undefined;
  const start = open + 3 + lang.length + 1;
  const close = section.indexOf('\n```\n', start - 1);
  return section.slice(start, close);
}

const captures = [];
for (const section of readFileSync(join(reference, 'raw-requests.md'), 'utf8').split(/\n(?=### )/)) {
  const raw = fence(section, 'Raw request as received:', 'http');
  if (raw === undefined) continue;
  const capture = { title: section.slice(4, section.indexOf('\n')), raw };
  const canonical = fence(section, 'Canonical request that verified:', '');
  if (canonical !== undefined) capture.canonical = canonical;
  captures.push(capture);
}
write('raw-requests.json', JSON.stringify(captures, null, 1) + '\n');

// ---------------------------------------------------------------------------------------------
// The conformance universe: every recorded test that exercises the APIs under test: the
// resource policy operations of functions and layer versions, and the function, version,
// alias, layer and tag operations that set them up. Everything else in the snapshot files
// (event source mappings, provisioned concurrency, code signing, SnapStart, images, logging
// config, size limits, …) is about other APIs. Whether an entry is replayed, and why not, is
// decided by test/conformance/cases.ts.

const UNIVERSE_SELECTORS = [
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

const universe = {};
// The extracted file (both eras, test_lambda.py, CloudFormation, Logs, S3) is all in.
Object.assign(universe, readJson('extracted_permission_related_snapshots.json'));
for (const [key, entry] of Object.entries(readJson('test_lambda_api.snapshot.json'))) {
  if (UNIVERSE_SELECTORS.some((s) => s.test(key)) && !(key in universe)) universe[key] = entry;
}
// The runtime tests record one SNS add-permission statement.
for (const [key, entry] of Object.entries(readJson('test_lambda_runtimes.snapshot.json'))) {
  if (JSON.stringify(entry).includes('"Statement"') && !(key in universe)) universe[key] = entry;
}
write('aws-recordings/lambda-universe.json', JSON.stringify(universe, null, 1) + '\n');

// Errors index rows (file, test, match, code, message, status, body keys) of the universe's tests.
const tests = new Set(Object.keys(universe).map((k) => k.slice(k.indexOf('.py::') + 5)));
const [header, ...rows] = readFileSync(join(recordings, 'errors_index_HEAD.tsv'), 'utf8').split('\n');
write('aws-recordings/errors-index.tsv', [header, ...rows.filter((r) => tests.has(r.split('\t')[1]))].join('\n') + '\n');

// The S3 notification tests that stored the events Lambda received.
const s3 = readJson('s3_test_s3_notifications_lambda.snapshot.json');
const s3Kept = Object.fromEntries(Object.entries(s3).filter(([k]) => /_via_dynamodb$/.test(k)));
write('aws-recordings/s3-notifications.json', JSON.stringify(s3Kept, null, 1) + '\n');
