// SQS and the SQS event source mapping:
// - SendMessage and ReceiveMessage requests per second (awsJson 1.0, as the SDKs send them,
//   every request signed on its own), Latchkey beside moto's server and a bare node:http
//   server, three rounds each;
// - end to end: from SendMessage to the function's start, through a mapping's long-polling
//   poller (target p50 <= 50 ms);
// - idle: the server's CPU while an enabled mapping waits on an empty queue (target: near zero,
//   no busy polling).

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { zipSync, strToU8 } from 'fflate';
import { SQSClient, CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LambdaClient, CreateEventSourceMappingCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { IAMClient, AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startServer, type Profile, LAMBDA_TRUST_POLICY } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { fmt, load, MOTO_CREDENTIALS, rounds, roundsText, startBareServer, startMoto, type LoadStep, type RoundFigures } from './http.js';

const CONNECTIONS = 8;
const ROUNDS = 3;
const ACCOUNT = '123456789012';
const E2E_MESSAGES = 40;
const IDLE_SECONDS = 10;

function sqsStep(endpoint: string, credentials: Profile, operation: string, input: Record<string, unknown>): LoadStep {
  return {
    method: 'POST',
    sign: () => signRequest(endpoint, {
      credentials, method: 'POST', path: '/', body: JSON.stringify(input), service: 'sqs',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
    }),
  };
}

async function measure(endpoint: string, credentials: Profile, queueUrls: { send: string; receive: string }, seconds: number) {
  const send = Array.from({ length: CONNECTIONS }, () => [sqsStep(endpoint, credentials, 'SendMessage', { QueueUrl: queueUrls.send, MessageBody: 'benchmark message' })]);
  const receive = Array.from({ length: CONNECTIONS }, () => [sqsStep(endpoint, credentials, 'ReceiveMessage', { QueueUrl: queueUrls.receive, MaxNumberOfMessages: 1 })]);
  await load(endpoint, send, 0.5);
  return {
    send: await rounds(ROUNDS, () => load(endpoint, send, seconds)),
    receive: await rounds(ROUNDS, () => load(endpoint, receive, seconds)),
  };
}

async function queues(endpoint: string, credentials: Profile) {
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const send = (await client.send(new CreateQueueCommand({ QueueName: 'bench-send' }))).QueueUrl!;
  // Visibility 0: every receive finds a message again, so the figure is receives, not an emptying queue.
  const receive = (await client.send(new CreateQueueCommand({ QueueName: 'bench-receive', Attributes: { VisibilityTimeout: '0' } }))).QueueUrl!;
  for (let i = 0; i < 50; i++) await client.send(new SendMessageCommand({ QueueUrl: receive, MessageBody: `m${i}` }));
  return { send, receive };
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function sqsBench(seconds: number): Promise<void> {
  const latchkey = await startServer();
  const bare = await startBareServer();
  const moto = await startMoto();
  try {
    const owner = latchkey.profiles.owner!;
    const l = await measure(latchkey.endpoint, owner, await queues(latchkey.endpoint, owner), seconds);
    let m: { send: RoundFigures; receive: RoundFigures } | undefined;
    if (moto) m = await measure(moto.endpoint, MOTO_CREDENTIALS, await queues(moto.endpoint, MOTO_CREDENTIALS), seconds);
    const floor = await measure(bare.endpoint, owner, { send: 'x', receive: 'x' }, seconds);

    // End to end through a mapping: the function logs how long after the send it started.
    const config = { endpoint: latchkey.endpoint, region: 'us-east-1', credentials: owner, maxAttempts: 1 };
    const iam = new IAMClient(config);
    await iam.send(new CreateRoleCommand({ RoleName: 'bench-consumer', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
    for (const p of ['AWSLambdaBasicExecutionRole', 'AWSLambdaSQSQueueExecutionRole']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'bench-consumer', PolicyArn: `arn:aws:iam::aws:policy/service-role/${p}` }));
    }
    const lambda = new LambdaClient(config);
    const handler = "exports.handler = async (e) => { for (const r of e.Records) console.log('latency=' + (Date.now() - Number(r.body))); };\n";
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'bench-consumer', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${ACCOUNT}:role/bench-consumer`,
      Code: { ZipFile: zipSync({ 'index.js': strToU8(handler) }) },
    }));
    const sqs = new SQSClient(config);
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench-e2e' }))).QueueUrl!;
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'bench-consumer', EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:bench-e2e`, BatchSize: 1 }));
    await delay(1000);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: String(Date.now()) })); // warm the function
    await delay(1000);
    for (let i = 0; i < E2E_MESSAGES; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: String(Date.now()) }));
      await delay(100);
    }
    const logs = new CloudWatchLogsClient(config);
    let latencies: number[] = [];
    for (let i = 0; i < 50 && latencies.length < E2E_MESSAGES + 1; i++) {
      await delay(200);
      const events = (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/bench-consumer', filterPattern: 'latency' }))).events ?? [];
      latencies = events.map((e) => Number(/latency=(\d+)/.exec(e.message ?? '')?.[1])).filter((n) => Number.isFinite(n));
    }
    const measured = latencies.slice(1).sort((a, b) => a - b);
    const pct = (q: number) => measured[Math.min(measured.length - 1, Math.floor(measured.length * q))] ?? NaN;

    // Idle: the server's CPU over IDLE_SECONDS with the mapping waiting on the empty queue.
    await delay(1000);
    const pid = latchkey.process.pid!;
    const before = cpuSeconds(pid);
    await delay(IDLE_SECONDS * 1000);
    const idleCpu = (cpuSeconds(pid) - before) / IDLE_SECONDS;

    console.log(`\nSQS (awsJson 1.0), ${CONNECTIONS} keep-alive connections, every request signed, ${ROUNDS} rounds of ${seconds} s, requests/s lowest / median / highest:`);
    console.log('| | Latchkey | moto server | bare node:http | Latchkey / moto (medians) | Latchkey failed |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const row = (name: string, a: RoundFigures, b: RoundFigures | undefined, f: RoundFigures) =>
      console.log(`| ${name} | ${roundsText(a)} | ${b ? roundsText(b) : 'n/a'} | ${roundsText(f)} | ${b ? `${(a.median / b.median).toFixed(1)}x` : 'n/a'} | ${a.failed} |`);
    row('SendMessage', l.send, m?.send, floor.send);
    row('ReceiveMessage', l.receive, m?.receive, floor.receive);
    const verdict = pct(0.5) <= 50 ? 'met' : `MISSED by ${(pct(0.5) - 50).toFixed(0)} ms`;
    console.log(`SendMessage to the function's start through a mapping, ${measured.length} messages 100 ms apart: p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${measured.at(-1)} ms (target p50 <= 50 ms: ${verdict}).`);
    console.log(`Idle, one enabled mapping on an empty queue: the server used ${(idleCpu * 100).toFixed(2)}% of a core over ${IDLE_SECONDS} s (${fmt(idleCpu * 1000)} ms CPU per second).`);
  } finally {
    moto?.child.kill();
    await bare.close();
    await latchkey.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await sqsBench(Number(process.env.BENCH_HTTP_SECONDS ?? 3));
}
