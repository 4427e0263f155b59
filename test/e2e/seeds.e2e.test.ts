// The seed walkthrough: every `aws lambda …` command of the source documents (four AWS Lambda
// documentation pages) run with AWS CLI v2 (/usr/bin/aws; .ci/run installs it) against a
// started server with the default world, and its output compared with what the page shows.
//
// The commands, the output each page shows and the corrections live in
// test/fixtures/seeds.json. The pages are documentation written by hand: where an example
// differs from what AWS really returns, AWS's recorded behaviour wins, and the data file lists
// every correction with the page line it corrects. This file holds what running a command
// needs: who runs it, exactly what the CLI must print, what to prepare and what to check
// after. Anything not corrected is compared byte for byte: JSON strings exactly as the CLI
// prints them. When the pages themselves sit beside the checkout (the team's reference
// shelf), a test also checks the data file against them; nothing depends on that.
//
// Each page runs against its own fresh server, in page order (000 and 001 are the same page
// in two formats and grant the same statement id). What the commands need is created first:
// role lambda-exec, function my-function (published version 1, aliases prod and PROD), function
// example, layers xray-sdk-nodejs (version 1) and my-layer (versions 1..3). The SNS topic is
// only an ARN string.
//
// A command that fails because of Latchkey (not the seed) keeps its expectation and is marked
// `{ todo: 'Latchkey bug: …' }`. The walkthrough ends by printing a summary of the commands
// found, run and matched.

import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
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
import { readFixture } from '../support/fixtures.js';

/**
 * The pages themselves, when LATCHKEY_SEEDS_DIR names the folder that holds them: an optional
 * cross-check of the data file (a clone has only test/fixtures/seeds.json, and needs no more).
 */
const SEEDS_DIR = process.env.LATCHKEY_SEEDS_DIR ? path.resolve(process.env.LATCHKEY_SEEDS_DIR) : undefined;
const AWS_V2 = '/usr/bin/aws';
const OWNER = '123456789012';

/** Stands for a RevisionId in an expected output: a random UUID, checked for its format. */
const REV = '<RevisionId>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// The seed pages and the commands in them

interface SeedCommand {
  line: number;
  command: string;
  /** The output the page shows, verbatim (null: none, or an empty block). */
  shows: string | null;
  /** Each difference from the page: `command: …` or `output: …`, and why. */
  corrections: string[];
}

interface SeedPage {
  file: string;
  title: string;
  commands: SeedCommand[];
}

const PAGES = readFixture<{ pages: SeedPage[] }>('seeds.json').pages;

/** Line continuations (`\` then a line break, or `\ ` where the page was flattened to one line) joined, blanks collapsed. */
function normalise(command: string): string {
  return command.replace(/\\\s+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The `aws lambda` commands of a page's text, with their line numbers. */
function commandsOfPage(text: string): { line: number; command: string }[] {
  const lines = text.split('\n');
  const commands: { line: number; command: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*aws lambda\b/.test(lines[i]!)) continue;
    const start = i;
    let command = lines[i]!;
    while (/\\\s*$/.test(lines[i]!) && i + 1 < lines.length) command += `\n${lines[++i]!}`;
    commands.push({ line: start + 1, command: normalise(command) });
  }
  return commands;
}

/** The command's words, as a shell would split these (no quoted blanks occur in the seeds). */
function words(command: string): string[] {
  return command.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
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
  /** The command as the page writes it (normalised); its line, output and corrections are in seeds.json. */
  command: string;
  /** The profile that runs it: the account the page says acts. */
  as: 'owner' | 'partner' | 'outsider';
  /** Exactly what the CLI must print; REV stands for a RevisionId. */
  expected: string;
  /** When the command cannot run as written: the words that run instead (a `command:` correction says why). */
  run?: (argv: string[]) => string[];
  /** What the command needs that the page does not create. */
  prepare?: (w: World) => Promise<void>;
  /** Checks after the output matched (e.g. the printed RevisionId against the API's). */
  verify?: (w: World, revisionId: string | undefined) => Promise<void>;
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
const xaccountProdExpected =
  '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:prod"}\n';
const xaccountProd: SeedCase = {
  command: 'aws lambda add-permission --function-name my-function:prod --statement-id xaccount --action lambda:InvokeFunction --principal 111122223333 --output text',
  as: 'owner',
  expected: xaccountProdExpected,
  // The statement is in the alias's policy (and the function's own has none).
  verify: async (w) => {
    const { Policy } = await w.lambda.send(new GetPolicyCommand({ FunctionName: 'my-function', Qualifier: 'prod' }));
    assert.equal(`${Policy}\n`, `{"Version":"2012-10-17","Id":"default","Statement":[${xaccountProdExpected.trim()}]}\n`);
    assert.equal((await refusal<LambdaServiceException>(w.lambda.send(new GetPolicyCommand({ FunctionName: 'my-function' })))).name, 'ResourceNotFoundException');
  },
};

const invokeProd = (region: string, as: SeedCase['as']): SeedCase => ({
  command: `aws lambda invoke --function-name arn:aws:lambda:${region}:123456789012:function:my-function:prod out`,
  as,
  expected: json({ StatusCode: 200, ExecutedVersion: '1' }),
  run: fromRegion(region),
});

const page000And001: SeedCase[] = [xaccountProd, invokeProd('us-east-2', 'partner')];

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
    expected: `${snsStatement('sns')}\n`,
    run: insertPrincipal('sns.amazonaws.com'),
  },
  {
    command: 'aws lambda add-permission --function-name my-function --action lambda:InvokeFunction --statement-id sns-my-topic --principal --source-arn arn:aws:sns:us-east-2:123456789012:my-topic',
    as: 'owner',
    expected: json({ Statement: snsStatement('sns-my-topic', { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-2:123456789012:my-topic' } }) }),
    run: insertPrincipal('sns.amazonaws.com'),
  },
  {
    command:
      'aws lambda add-permission --function-name my-function --action lambda:InvokeFunction --statement-id s3-account --principal --source-arn arn:aws:s3:::my-bucket-123456 --source-account 123456789012',
    as: 'owner',
    expected: json({
      Statement:
        '{"Sid":"s3-account","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket-123456"}}}',
    }),
    run: insertPrincipal('s3.amazonaws.com'),
  },
  {
    command: 'aws lambda add-permission --function-name my-function:prod --statement-id xaccount --action lambda:InvokeFunction --principal 210987654321 --output text',
    as: 'owner',
    expected:
      '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:prod"}\n',
  },
  invokeProd('us-west-2', 'outsider'),
  {
    command: 'aws lambda add-layer-version-permission --layer-name xray-sdk-nodejs --statement-id xaccount --action lambda:GetLayerVersion --principal 210987654321 --version-number 1 --output text',
    as: 'owner',
    expected: `${REV}\t{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:xray-sdk-nodejs:1"}\n`,
    verify: async (w, rev) => assert.equal(rev, await layerPolicyRevision(w, 'xray-sdk-nodejs', 1)),
  },
  {
    command:
      "aws lambda add-layer-version-permission --layer-name my-layer --statement-id engineering-org --version-number 3 --principal '*' --action lambda:GetLayerVersion --organization-id o-t194hfs8cz --output text",
    as: 'owner',
    expected: `${REV}\t${ENGINEERING_ORG('us-east-1')}\n`,
    verify: async (w, rev) => {
      assert.equal(rev, await layerPolicyRevision(w, 'my-layer', 3));
      w.printed.set('my-layer:3', rev!);
    },
  },
  {
    command: 'aws lambda get-policy --function-name my-function --output text',
    as: 'owner',
    expected: `{"Version":"2012-10-17","Id":"default","Statement":[${snsStatement('sns', { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-2:123456789012:lambda*' } })}]}\t${REV}\n`,
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
    expected: json({
      Policy:
        '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:my-function:PROD"}]}',
      RevisionId: REV,
    }),
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
    expected: '',
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
    expected: `{"Version":"2012-10-17","Id":"default","Statement":[${ENGINEERING_ORG('us-east-1')}]}\t${REV}\n`,
    verify: async (w, rev) => {
      assert.equal(rev, w.printed.get('my-layer:3'));
      assert.equal(rev, await layerPolicyRevision(w, 'my-layer', 3));
    },
  },
  {
    command: 'aws lambda remove-layer-version-permission --layer-name my-layer --version-number 3 --statement-id engineering-org',
    as: 'owner',
    expected: '',
    verify: async (w) => {
      const e = await refusal<LambdaServiceException>(w.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'my-layer', VersionNumber: 3 })));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.message, 'No policy is associated with the given resource.');
    },
  },
];

const CASES: Record<string, SeedCase[]> = {
  '000_bd4f41cdac8b6191.txt': page000And001,
  '001_402f9aa7f9562161.txt': page000And001,
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

const cli = findCliV2();
const missingCli = cli === null;

test('every aws lambda command of the data file has a case here, in page order', () => {
  assert.deepEqual(PAGES.map((p) => p.file), Object.keys(CASES));
  for (const page of PAGES) assert.deepEqual(page.commands.map((c) => c.command), CASES[page.file]!.map((c) => c.command), `commands of ${page.file}`);
});

// The data file was taken from the pages; where they are at hand, it must still say what they say.
test('the data file agrees with the pages, when LATCHKEY_SEEDS_DIR names them', (t) => {
  const dir = SEEDS_DIR;
  if (!dir || !fs.existsSync(dir)) {
    t.diagnostic(`no pages to compare with (LATCHKEY_SEEDS_DIR=${dir ?? ''}): test/fixtures/seeds.json stands alone`);
    return;
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  assert.deepEqual(files, PAGES.map((p) => p.file));
  for (const page of PAGES) {
    const text: string = fs.readFileSync(path.join(dir, page.file), 'utf8');
    assert.deepEqual(commandsOfPage(text), page.commands.map(({ line, command }) => ({ line, command })), `commands of ${page.file}`);
    for (const c of page.commands) if (c.shows !== null) assert.ok(text.includes(c.shows), `${page.file} shows ${c.shows}`);
  }
});

if (missingCli && process.env.CI) {
  test('AWS CLI v2 is installed in CI', () => assert.fail(`${AWS_V2} not found; .ci/run must install it`));
} else if (missingCli) {
  console.warn(`\n!!! AWS CLI v2 (${AWS_V2}) not found: the seed walkthrough is SKIPPED (it runs in CI) !!!\n`);
}

for (const page of PAGES) {
  const cases = CASES[page.file] ?? [];
  const tag = page.file.slice(0, 3);

  describe(`seed ${page.file} — ${page.title}`, { skip: missingCli ? 'AWS CLI v2 not installed' : false }, () => {
    let world: World | undefined;
    before(async () => {
      if (cases.length === 0) return;
      world = await createWorld(await startServer());
    });
    after(async () => world?.server.stop());

    if (cases.length === 0) test(`${tag}: no aws lambda commands on this page`, () => assert.equal(page.commands.length, 0));

    cases.forEach((c, i) => {
      const seed = page.commands[i]!;
      const options = c.bug ? { todo: `Latchkey bug: ${c.bug}` } : {};

      test(`${tag}:${seed.line} ${c.command}`, options, async (t: TestContext) => {
        const record = { file: page.file, line: seed.line, outcome: 'not-run' as Outcome };
        outcomes.push(record);
        const w = world!;
        for (const note of seed.corrections) t.diagnostic(`corrects ${tag} line ${seed.line}, ${note}`);
        await c.prepare?.(w);

        const argv = words(c.command).slice(1); // without `aws`
        const args = c.run ? c.run(argv) : argv;
        ran++;
        record.outcome = 'failed';
        const r = spawnSync(cli!, ['--endpoint-url', w.server.endpoint, ...args], { cwd: w.dir, env: w.server.cliEnv(c.as), encoding: 'utf8' });
        assert.equal(r.status, 0, `aws ${args.join(' ')} as ${c.as} exited ${r.status}:\n${r.stderr}${r.stdout}`);

        const revisionId = compare(r.stdout, c.expected);
        await c.verify?.(w, revisionId);
        record.outcome = seed.corrections.length === 0 ? 'exact' : 'corrected';
      });
    });
  });
}

after(() => {
  const count = (o: Outcome) => outcomes.filter((x) => x.outcome === o).length;
  const perFile = PAGES.map((p) => `${p.file}: ${p.commands.length}`).join(', ');
  const total = PAGES.reduce((n, p) => n + p.commands.length, 0);
  const failed = outcomes.filter((x) => x.outcome === 'failed' || x.outcome === 'not-run').map((x) => `${x.file.slice(0, 3)}:${x.line}`);
  console.log(
    [
      '',
      'Seed walkthrough (test/fixtures/seeds.json):',
      `  seed commands:                        ${total} (${perFile})`,
      `  ran with AWS CLI v2:                  ${ran}${missingCli ? ' (CLI v2 missing)' : ''}`,
      `  matched exactly:                      ${count('exact')}`,
      `  matched after documented correction:  ${count('corrected')}`,
      `  did not match (Latchkey bug, todo):   ${failed.length}${failed.length ? ` (${failed.join(', ')})` : ''}`,
      '',
    ].join('\n'),
  );
});
