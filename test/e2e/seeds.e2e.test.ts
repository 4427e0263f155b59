// The seed walkthrough: every `aws lambda …` command of the source documents
// (../shared/seeds/*.txt, four AWS Lambda documentation pages) run with AWS CLI v2
// (/usr/bin/aws; .ci/run installs it) against a started server with the default world, and
// its output compared with what the page shows.
//
// The pages are documentation written by hand. Where an example differs from what AWS really
// returns, the recordings in ../shared/reference/ win (DESIGN.md, "The source documents…"):
// each case below quotes the seed's output verbatim (checked to be in the file), gives the
// expected value explicitly, and lists every correction with the seed line it corrects. Anything
// not named there is compared byte for byte: JSON strings exactly as the CLI prints them.
//
// Each page runs against its own fresh server, in page order (000 and 001 are the same page
// in two formats and grant the same statement id). What the commands need is created first:
// role lambda-exec, function my-function (published version 1, aliases prod and PROD), function
// example, layers xray-sdk-nodejs (version 1) and my-layer (versions 1..3). The SNS topic is
// only an ARN string.
//
// `aws lambda invoke …` commands run like the others (the function exists by then: the
// setup creates it with a handler). A command that fails because of
// Latchkey (not the seed) keeps its expectation and is marked `{ todo: 'Latchkey bug: …' }`.
// The walkthrough ends by printing a summary of the commands found, run and matched.

import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, strToU8 } from 'fflate';
import {
  LambdaClient,
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetLayerVersionPolicyCommand,
  GetPolicyCommand,
  PublishLayerVersionCommand,
  RemovePermissionCommand,
  type LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { sdkConfig, startServer, type RunningServer, LAMBDA_TRUST_POLICY, refusal } from './support.js';

const SEEDS_DIR = fileURLToPath(new URL('../../../../shared/seeds/', import.meta.url));
const AWS_V2 = '/usr/bin/aws';
const OWNER = '123456789012';

/** Stands for a RevisionId in an expected output: a random UUID, checked for its format. */
const REV = '<RevisionId>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// The seed documents and the commands in them

interface SeedFile {
  name: string;
  text: string;
  commands: { line: number; command: string }[];
}

/** Line continuations (`\` then a line break, or `\ ` where the page was flattened to one line) joined, blanks collapsed. */
function normalise(command: string): string {
  return command.replace(/\\\s+/g, ' ').replace(/\s+/g, ' ').trim();
}

function readSeeds(): SeedFile[] {
  return fs
    .readdirSync(SEEDS_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(SEEDS_DIR, name), 'utf8');
      const lines = text.split('\n');
      const commands: SeedFile['commands'] = [];
      for (let i = 0; i < lines.length; i++) {
        if (!/^\s*aws lambda\b/.test(lines[i]!)) continue;
        const start = i;
        let command = lines[i]!;
        while (/\\\s*$/.test(lines[i]!) && i + 1 < lines.length) command += `\n${lines[++i]!}`;
        commands.push({ line: start + 1, command: normalise(command) });
      }
      return { name, text, commands };
    });
}

/** The command's words, as a shell would split these (no quoted blanks occur in the seeds). */
function words(command: string): string[] {
  return command.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
}

function lineOf(text: string, fragment: string): number {
  const at = text.indexOf(fragment);
  return at < 0 ? -1 : text.slice(0, at).split('\n').length;
}

// ---------------------------------------------------------------------------------------------
// The cases: one per seed command, in page order

interface World {
  server: RunningServer;
  dir: string;
  lambda: LambdaClient;
  /** RevisionIds printed by earlier commands of the page. */
  printed: Map<string, string>;
}

interface SeedCase {
  /** The command as the seed writes it (normalised). */
  command: string;
  /** The profile that runs it: the account the page says acts. */
  as: 'owner' | 'partner' | 'outsider';
  /** The seed's output verbatim, when the page shows one (null: it shows none, or an empty block). */
  seed: string | null;
  /** Exactly what the CLI must print; REV stands for a RevisionId. */
  expected: string;
  /** Each difference from the seed, naming the seed line it corrects ({cmd} / {out}: the command's / output's line). */
  corrections: string[];
  /** When the command cannot run as written: the words that run instead (a correction says why). */
  run?: (argv: string[]) => string[];
  /** What the command needs that the page does not create. */
  prepare?: (w: World) => Promise<void>;
  /** Checks after the output matched (e.g. the printed RevisionId against the API's). */
  verify?: (w: World, revisionId: string | undefined) => Promise<void>;
  invoke?: boolean;
  /** Set when Latchkey (not the seed) is wrong: the test stays, marked todo. */
  bug?: string;
}

const json = (value: object) => `${JSON.stringify(value, null, 4)}\n`;

const insertPrincipal = (principal: string) => (argv: string[]) => {
  const at = argv.indexOf('--principal');
  return [...argv.slice(0, at + 1), principal, ...argv.slice(at + 1)];
};

const fromRegion = (region: string) => (argv: string[]) => argv.map((w) => w.replace(`:lambda:${region}:`, ':lambda:us-east-1:'));

async function policyRevision(w: World, functionName: string, qualifier?: string): Promise<string> {
  return (await w.lambda.send(new GetPolicyCommand({ FunctionName: functionName, Qualifier: qualifier }))).RevisionId!;
}

async function layerPolicyRevision(w: World, layer: string, version: number): Promise<string> {
  return (await w.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: layer, VersionNumber: version }))).RevisionId!;
}

// 000 (flattened HTML) and 001 (Markdown) are one page: "Granting Lambda function access to other accounts".
const XACCOUNT_PROD_SEED = '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function"}';
const xaccountProdExpected =
  '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:prod"}\n';
const xaccountProd: SeedCase = {
  command: 'aws lambda add-permission --function-name my-function:prod --statement-id xaccount --action lambda:InvokeFunction --principal 111122223333 --output text',
  as: 'owner',
  seed: XACCOUNT_PROD_SEED,
  expected: xaccountProdExpected,
  corrections: [
    '{out}: "Resource" is the alias ARN …:function:my-function:prod, not the unqualified …:function:my-function the seed prints (lambda-permissions-recorded.md §1.3 row P)',
  ],
  // The statement is in the alias's policy (and the function's own has none).
  verify: async (w) => {
    const { Policy } = await w.lambda.send(new GetPolicyCommand({ FunctionName: 'my-function', Qualifier: 'prod' }));
    assert.equal(`${Policy}\n`, `{"Version":"2012-10-17","Id":"default","Statement":[${xaccountProdExpected.trim()}]}\n`);
    assert.equal((await refusal<LambdaServiceException>(w.lambda.send(new GetPolicyCommand({ FunctionName: 'my-function' })))).name, 'ResourceNotFoundException');
  },
};

const invokeProd = (region: string, as: SeedCase['as'], seed: string, flattened: boolean): SeedCase => ({
  command: `aws lambda invoke --function-name arn:aws:lambda:${region}:123456789012:function:my-function:prod out`,
  as,
  seed,
  expected: json({ StatusCode: 200, ExecutedVersion: '1' }),
  corrections: [
    `{cmd}: the function ARN's region ${region} becomes us-east-1, where the function is (from ${region} AWS answers 404 "Functions from '${region}' are not reachable in this region ('us-east-1')", lambda-permissions-recorded.md §7)`,
    ...(flattened ? ['{out}: the page flattened the CLI\'s indented JSON to one line; the CLI prints it with 4-space indentation'] : []),
  ],
  run: fromRegion(region),
  invoke: true,
});

const page000And001 = (flattened: boolean): SeedCase[] => [
  xaccountProd,
  invokeProd('us-east-2', 'partner', flattened ? '{ "StatusCode": 200, "ExecutedVersion": "1" }' : '{\n    "StatusCode": 200,\n    "ExecutedVersion": "1"\n}', flattened),
];

// 002: "Using resource-based policies for AWS Lambda".
const snsStatement = (sid: string, condition?: object) =>
  JSON.stringify({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`,
    ...(condition ? { Condition: condition } : {}),
  });

const ENGINEERING_ORG = (region: string) =>
  `{"Sid":"engineering-org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:${region}:123456789012:layer:my-layer:3","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-t194hfs8cz"}}}`;

const page002: SeedCase[] = [
  {
    command: 'aws lambda add-permission --function-name my-function --action lambda:InvokeFunction --statement-id sns --principal --output text',
    as: 'owner',
    seed: null,
    expected: `${snsStatement('sns')}\n`,
    corrections: [
      '{cmd}: the principal is blank in the seed ("--principal --output text"); the page grants Amazon SNS, so sns.amazonaws.com',
      '{cmd}: "You should see the following output:" is followed by nothing; expected is the statement AWS returns (lambda-permissions-recorded.md §1.3 row H shape)',
    ],
    run: insertPrincipal('sns.amazonaws.com'),
  },
  {
    command: 'aws lambda add-permission --function-name my-function --action lambda:InvokeFunction --statement-id sns-my-topic --principal --source-arn arn:aws:sns:us-east-2:123456789012:my-topic',
    as: 'owner',
    seed: null,
    expected: json({ Statement: snsStatement('sns-my-topic', { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-2:123456789012:my-topic' } }) }),
    corrections: [
      '{cmd}: the principal is blank in the seed ("--principal --source-arn …"); Amazon SNS, so sns.amazonaws.com',
      '{cmd}: the page shows no output; expected is the CLI\'s default JSON of the statement AWS returns (lambda-permissions-recorded.md §1.3 row M)',
    ],
    run: insertPrincipal('sns.amazonaws.com'),
  },
  {
    command:
      'aws lambda add-permission --function-name my-function --action lambda:InvokeFunction --statement-id s3-account --principal --source-arn arn:aws:s3:::my-bucket-123456 --source-account 123456789012',
    as: 'owner',
    seed: null,
    expected: json({
      Statement:
        '{"Sid":"s3-account","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket-123456"}}}',
    }),
    corrections: [
      '{cmd}: the principal is blank in the seed ("--principal --source-arn arn:aws:s3:::…"); the source is an S3 bucket, so s3.amazonaws.com',
      '{cmd}: the page shows no output; expected is the CLI\'s default JSON of the statement AWS returns (lambda-permissions-recorded.md §1.3 rows A and L: StringEquals before ArnLike)',
    ],
    run: insertPrincipal('s3.amazonaws.com'),
  },
  {
    command: 'aws lambda add-permission --function-name my-function:prod --statement-id xaccount --action lambda:InvokeFunction --principal 210987654321 --output text',
    as: 'owner',
    seed: null,
    expected:
      '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:prod"}\n',
    corrections: [
      '{cmd}: "You should see the following output:" is followed by nothing; expected is the statement of 000/001 for account 210987654321, with the alias ARN as Resource (lambda-permissions-recorded.md §1.3 rows D and P)',
    ],
  },
  invokeProd('us-west-2', 'outsider', '{ "StatusCode": 200, "ExecutedVersion": "1" }', true),
  {
    command: 'aws lambda add-layer-version-permission --layer-name xray-sdk-nodejs --statement-id xaccount --action lambda:GetLayerVersion --principal 210987654321 --version-number 1 --output text',
    as: 'owner',
    seed: 'e210ffdc-e901-43b0-824b-5fcd0dd26d16 {"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-2:123456789012:layer:xray-sdk-nodejs:1"}',
    expected: `${REV}\t{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:xray-sdk-nodejs:1"}\n`,
    corrections: [
      '{out}: the RevisionId e210ffdc-e901-43b0-824b-5fcd0dd26d16 is a random UUID: its format is checked, and that it equals GetLayerVersionPolicy\'s',
      '{out}: --output text separates RevisionId and Statement with a tab; the page shows a space',
      '{out}: region us-east-2 in Resource becomes us-east-1, where the test runs',
    ],
    verify: async (w, rev) => assert.equal(rev, await layerPolicyRevision(w, 'xray-sdk-nodejs', 1)),
  },
  {
    command:
      "aws lambda add-layer-version-permission --layer-name my-layer --statement-id engineering-org --version-number 3 --principal '*' --action lambda:GetLayerVersion --organization-id o-t194hfs8cz --output text",
    as: 'owner',
    seed: `b0cd9796-d4eb-4564-939f-de7fe0b42236 ${ENGINEERING_ORG('us-east-2')}"`,
    expected: `${REV}\t${ENGINEERING_ORG('us-east-1')}\n`,
    corrections: [
      '{out}: the RevisionId b0cd9796-d4eb-4564-939f-de7fe0b42236 is a random UUID: its format is checked, and that it equals GetLayerVersionPolicy\'s',
      '{out}: --output text separates RevisionId and Statement with a tab; the page shows a space',
      '{out}: region us-east-2 in Resource becomes us-east-1',
      '{out}: the stray trailing `"` after the statement is dropped',
    ],
    verify: async (w, rev) => {
      assert.equal(rev, await layerPolicyRevision(w, 'my-layer', 3));
      w.printed.set('my-layer:3', rev!);
    },
  },
  {
    command: 'aws lambda get-policy --function-name my-function --output text',
    as: 'owner',
    seed: '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"sns","Effect":"Allow","Principal":{"Service":""},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:my-function","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-2:123456789012:lambda*"}}}]} 7c681fc9-b791-4e91-acdf-eb847fdaa0f0',
    expected: `{"Version":"2012-10-17","Id":"default","Statement":[${snsStatement('sns', { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-2:123456789012:lambda*' } })}]}\t${REV}\n`,
    corrections: [
      '{out}: the Service principal is blank in the seed ({"Service":""}); sns.amazonaws.com, as granted',
      '{out}: region us-east-2 in Resource becomes us-east-1 (the SourceArn condition is kept verbatim: it is data)',
      '{out}: --output text separates Policy and RevisionId with a tab; the page shows a space',
      '{out}: the RevisionId 7c681fc9-b791-4e91-acdf-eb847fdaa0f0 is a random UUID: its format is checked, and that it equals GetPolicy\'s',
    ],
    // The page's "Cleaning up" example shows my-function holding only an `sns` statement limited
    // to topics arn:aws:sns:us-east-2:123456789012:lambda* — not what the commands above left
    // (sns, sns-my-topic, s3-account). Check those, then put the example's state in place.
    prepare: async (w) => {
      const { Policy } = await w.lambda.send(new GetPolicyCommand({ FunctionName: 'my-function' }));
      assert.deepEqual(
        (JSON.parse(Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid),
        ['sns', 'sns-my-topic', 's3-account'],
      );
      for (const sid of ['sns', 'sns-my-topic', 's3-account']) await w.lambda.send(new RemovePermissionCommand({ FunctionName: 'my-function', StatementId: sid }));
      await w.lambda.send(
        new AddPermissionCommand({
          FunctionName: 'my-function',
          StatementId: 'sns',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          SourceArn: 'arn:aws:sns:us-east-2:123456789012:lambda*',
        }),
      );
    },
    verify: async (w, rev) => assert.equal(rev, await policyRevision(w, 'my-function')),
  },
  {
    command: 'aws lambda get-policy --function-name my-function:PROD',
    as: 'owner',
    seed: null,
    expected: json({
      Policy:
        '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:PROD"}]}',
      RevisionId: REV,
    }),
    corrections: [
      '{cmd}: the page shows no output; expected is the CLI\'s default JSON of GetPolicy for the alias PROD (lambda-permissions-recorded.md §2), its RevisionId a UUID equal to the API\'s',
    ],
    // The alias PROD (created beside prod, as the page's spelling implies) needs a policy for
    // get-policy to show one; it gets the cross-account grant line 56 gave prod.
    prepare: async (w) => {
      await w.lambda.send(
        new AddPermissionCommand({ FunctionName: 'my-function', Qualifier: 'PROD', StatementId: 'xaccount', Action: 'lambda:InvokeFunction', Principal: '210987654321' }),
      );
    },
    verify: async (w, rev) => assert.equal(rev, await policyRevision(w, 'my-function', 'PROD')),
  },
  {
    command: 'aws lambda remove-permission --function-name example --statement-id sns',
    as: 'owner',
    seed: null,
    expected: '',
    corrections: [],
    // Function `example` needs the `sns` statement the command removes.
    prepare: async (w) => {
      await w.lambda.send(new AddPermissionCommand({ FunctionName: 'example', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' }));
    },
    verify: async (w) => {
      const e = await refusal<LambdaServiceException>(w.lambda.send(new GetPolicyCommand({ FunctionName: 'example' })));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.message, 'The resource you requested does not exist.');
    },
  },
  {
    command: 'aws lambda get-layer-version-policy --layer-name my-layer --version-number 3 --output text',
    as: 'owner',
    seed: `b0cd9796-d4eb-4564-939f-de7fe0b42236 ${ENGINEERING_ORG('us-west-2')}"`,
    expected: `{"Version":"2012-10-17","Id":"default","Statement":[${ENGINEERING_ORG('us-east-1')}]}\t${REV}\n`,
    corrections: [
      '{out}: GetLayerVersionPolicy returns the whole policy document {"Version":"2012-10-17","Id":"default","Statement":[…]}, not the bare statement the seed prints (lambda-permissions-recorded.md §4.2)',
      '{out}: --output text prints Policy then RevisionId (keys sorted), tab-separated; the page shows the RevisionId first, space-separated',
      '{out}: the RevisionId b0cd9796-d4eb-4564-939f-de7fe0b42236 is a random UUID: its format is checked, and that it equals the one add-layer-version-permission printed for my-layer:3 and GetLayerVersionPolicy\'s',
      '{out}: region us-west-2 in Resource becomes us-east-1',
      '{out}: the stray trailing `"` after the statement is dropped',
    ],
    verify: async (w, rev) => {
      assert.equal(rev, w.printed.get('my-layer:3'));
      assert.equal(rev, await layerPolicyRevision(w, 'my-layer', 3));
    },
  },
  {
    command: 'aws lambda remove-layer-version-permission --layer-name my-layer --version-number 3 --statement-id engineering-org',
    as: 'owner',
    seed: null,
    expected: '',
    corrections: [],
    verify: async (w) => {
      const e = await refusal<LambdaServiceException>(w.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'my-layer', VersionNumber: 3 })));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.message, 'No policy is associated with the given resource.');
    },
  },
];

const CASES: Record<string, SeedCase[]> = {
  '000_bd4f41cdac8b6191.txt': page000And001(true),
  '001_402f9aa7f9562161.txt': page000And001(false),
  '002_7d673d4fddb4ed8e.txt': page002,
  '003_8bc1bf0d1d9a6daa.txt': [],
};

// ---------------------------------------------------------------------------------------------
// What the commands need

const ZIP = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async (event) => ({ ok: true, event });\n') }));
const LAYER_ZIP = Buffer.from(zipSync({ 'nodejs/node_modules/seed-layer/index.js': strToU8('module.exports = {};\n') }));

async function createWorld(server: RunningServer): Promise<World> {
  const lambda = new LambdaClient(sdkConfig(server, 'owner'));
  await new IAMClient(sdkConfig(server, 'owner')).send(new CreateRoleCommand({ RoleName: 'lambda-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  const role = `arn:aws:iam::${OWNER}:role/lambda-exec`;
  for (const name of ['my-function', 'example']) {
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: ZIP }, Publish: name === 'my-function' }),
    );
  }
  for (const alias of ['prod', 'PROD']) await lambda.send(new CreateAliasCommand({ FunctionName: 'my-function', Name: alias, FunctionVersion: '1' }));
  for (const [layer, versions] of [['xray-sdk-nodejs', 1], ['my-layer', 3]] as const) {
    for (let v = 1; v <= versions; v++) {
      const out = await lambda.send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: LAYER_ZIP }, CompatibleRuntimes: ['nodejs20.x'] }));
      assert.equal(out.Version, v);
    }
  }
  return { server, dir: server.stateDir, lambda, printed: new Map() };
}

// ---------------------------------------------------------------------------------------------
// Running, comparing, counting

function findCliV2(): string | null {
  const r = spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && `${r.stdout}${r.stderr}`.startsWith('aws-cli/2.') ? AWS_V2 : null;
}

type Outcome = 'exact' | 'corrected' | 'failed' | 'not-run';
const outcomes: { file: string; line: number; outcome: Outcome }[] = [];
let ran = 0;

/** Compares byte for byte; REV in `expected` must be a UUID in `actual`, which is returned. */
function compare(actual: string, expected: string): string | undefined {
  if (!expected.includes(REV)) {
    assert.equal(actual, expected);
    return undefined;
  }
  const [head, tail] = expected.split(REV) as [string, string];
  const middle = actual.startsWith(head) && actual.endsWith(tail) && actual.length >= head.length + tail.length ? actual.slice(head.length, actual.length - tail.length) : '';
  if (!UUID.test(middle)) assert.equal(actual, expected, 'output (RevisionId: a UUID)');
  assert.equal(actual, expected.replace(REV, middle));
  return middle;
}

let seeds: SeedFile[] = [];
let seedError: unknown;
try {
  seeds = readSeeds();
} catch (e) {
  seedError = e;
}

const cli = findCliV2();
const missingCli = cli === null;

test('the seed documents are there, and every aws lambda command in them has a case here', () => {
  assert.ifError(seedError);
  assert.deepEqual(seeds.map((s) => s.name), Object.keys(CASES), `seed files in ${SEEDS_DIR}`);
  for (const seed of seeds) {
    const cases = CASES[seed.name]!;
    assert.deepEqual(seed.commands.map((c) => c.command), cases.map((c) => c.command), `commands of ${seed.name}`);
    for (const c of cases) if (c.seed !== null) assert.ok(seed.text.includes(c.seed), `${seed.name} shows ${c.seed}`);
  }
});

if (missingCli && process.env.CI) {
  test('AWS CLI v2 is installed in CI', () => assert.fail(`${AWS_V2} not found; .ci/run must install it`));
} else if (missingCli) {
  console.warn(`\n!!! AWS CLI v2 (${AWS_V2}) not found: the seed walkthrough is SKIPPED (it runs in CI) !!!\n`);
}

for (const seed of seeds) {
  const cases = CASES[seed.name] ?? [];
  const tag = seed.name.slice(0, 3);
  const title = seed.text.split('\n').find((l) => l.trim() !== '')?.replace(/^#\s*/, '').trim() ?? seed.name;

  describe(`seed ${seed.name} — ${title}`, { skip: missingCli ? 'AWS CLI v2 not installed' : false }, () => {
    let world: World | undefined;
    before(async () => {
      if (cases.length === 0) return;
      world = await createWorld(await startServer());
    });
    after(async () => world?.server.stop());

    if (cases.length === 0) test(`${tag}: no aws lambda commands on this page`, () => assert.equal(seed.commands.length, 0));

    cases.forEach((c, i) => {
      const found = seed.commands[i];
      const line = found?.command === c.command ? found.line : -1;
      const outLine = c.seed === null ? line : lineOf(seed.text, c.seed);
      const options = c.bug ? { todo: `Latchkey bug: ${c.bug}` } : {};

      test(`${tag}:${line} ${c.command}`, options, async (t: TestContext) => {
        const record = { file: seed.name, line, outcome: 'not-run' as Outcome };
        outcomes.push(record);
        const w = world!;
        for (const note of c.corrections) t.diagnostic(`corrects ${tag} ${note.replace('{cmd}', `line ${line}`).replace('{out}', `line ${outLine}`)}`);
        await c.prepare?.(w);

        const argv = words(c.command).slice(1); // without `aws`
        const args = c.run ? c.run(argv) : argv;
        ran++;
        record.outcome = 'failed';
        const r = spawnSync(cli!, ['--endpoint-url', w.server.endpoint, ...args], { cwd: w.dir, env: w.server.cliEnv(c.as), encoding: 'utf8' });
        assert.equal(r.status, 0, `aws ${args.join(' ')} as ${c.as} exited ${r.status}:\n${r.stderr}${r.stdout}`);

        const revisionId = compare(r.stdout, c.expected);
        await c.verify?.(w, revisionId);
        record.outcome = c.corrections.length === 0 ? 'exact' : 'corrected';
      });
    });
  });
}

after(() => {
  const count = (o: Outcome) => outcomes.filter((x) => x.outcome === o).length;
  const perFile = seeds.map((s) => `${s.name}: ${s.commands.length}`).join(', ');
  const total = seeds.reduce((n, s) => n + s.commands.length, 0);
  const failed = outcomes.filter((x) => x.outcome === 'failed' || x.outcome === 'not-run').map((x) => `${x.file.slice(0, 3)}:${x.line}`);
  console.log(
    [
      '',
      `Seed walkthrough (${SEEDS_DIR}):`,
      `  seed commands:                        ${total} (${perFile})`,
      `  ran with AWS CLI v2:                  ${ran}${missingCli ? ' (CLI v2 missing)' : ''}`,
      `  matched exactly:                      ${count('exact')}`,
      `  matched after documented correction:  ${count('corrected')}`,
      `  did not match (Latchkey bug, todo):   ${failed.length}${failed.length ? ` (${failed.join(', ')})` : ''}`,
      '',
    ].join('\n'),
  );
});
