// One execution environment: a child process running a runtime client, and the Runtime API
// (2018-06-01) it talks to, served on its own 127.0.0.1 port to that process only.
import { StringDecoder } from 'node:string_decoder';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CHANNEL_FD, encodeFrame, FrameReader, type Frame } from './channel.js';
import { holdsSocket, loopbackClientSocket, peakMemoryMb, processTree } from './processes.js';

/** 6 MiB + 100 bytes, as the RIE accepts. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
/** How often an environment's peak memory is read again (maxMemoryMb). */
const MEMORY_READ_MS = 200;
/** Lambda's init phase limit. */
const INIT_LIMIT_MS = 10_000;
/**
 * Output the runtime wrote before its Runtime API call must reach the invocation's log. For a
 * runtime that does not say how much it wrote (OUTPUT_FENCE_HEADER below: any `provided`
 * bootstrap), we read until a poll phase brings nothing new (two event-loop turns), for at most
 * LOG_SETTLE_MAX_MS. (A fixed 3 ms wait was most of a warm invoke's latency, and still lost the
 * end of large logs under load.)
 */
const LOG_SETTLE_MAX_MS = 20;
const twoTurns = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
/**
 * Even output written synchronously before the Runtime API call can be read after it (the
 * call may come over a kept-alive connection that is read first). Our bootstraps therefore say
 * how many bytes they have written to stdout and stderr so far in this header of their
 * /response and /error calls, and the log of the invocation waits for that many, for at most
 * OUTPUT_FENCE_MAX_MS. Runtimes that do not send it get the poll-phase rule above.
 */
export const OUTPUT_FENCE_HEADER = 'latchkey-output-bytes';
const OUTPUT_FENCE_MAX_MS = 2_000;
const ACCEPTED = { status: 202, body: { status: 'OK' } };

export interface Invocation {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  clientContext?: string;   // decoded JSON text
  traceId: string;
  timeoutMs: number;
  version: string;
  memorySize: number;
  /** The version's ARN, as JSON system records name it. */
  functionArn: string;
  /** Set when the function logs JSON: Lambda's own records are JSON too, those below this level dropped. */
  systemLogLevel?: string;
}

export type Outcome =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer }
  | { kind: 'initError'; body: Buffer }
  | { kind: 'timeout' }
  | { kind: 'exit'; reason: string }
  | { kind: 'undelivered' };

/** One line of an invocation's log, with the wall-clock time it was written (CloudWatch Logs' events). */
export interface LogLine {
  timestamp: number;
  message: string;
}

export interface RunResult {
  outcome: Outcome;
  log: string;
  /** The same log, a line per event, as Lambda sends it to CloudWatch Logs. */
  lines: LogLine[];
  durationMs: number;
}

export interface LaunchPlan {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Run as this user and group instead of Latchkey's (sandbox.ts). */
  uid?: number;
  gid?: number;
  /**
   * The user every process of this environment runs as, when no other process has it
   * (sandbox.ts): the Runtime API then knows its client by the connection's owner alone.
   */
  ownUid?: number;
  /** The runtime client speaks the private channel on CHANNEL_FD (channel.ts): Latchkey's own bootstraps. */
  channel?: boolean;
}

export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'finishing' | 'dead';

interface Current {
  inv: Invocation;
  delivered: boolean;
  /** A result (or an end) is in: no second one is taken. */
  done: boolean;
  /** The log is cut: output arriving later belongs to no invocation. Set once the output has settled, after `done`. */
  logClosed?: boolean;
  cold: boolean;
  preLog: Buffer[];
  log: Buffer[];
  /** Date.now() when each chunk of preLog / log arrived. */
  preLogAt: number[];
  logAt: number[];
  deliveredAt: number;
  /** Date.now() at delivery: the START line's time. */
  startedAt: number;
  timer?: NodeJS.Timeout;
  resolve: (result: RunResult) => void;
}

/** Where the runtime waits for its next invocation: a held `GET /runtime/invocation/next`, or the channel. */
type NextWaiter = http.ServerResponse | 'channel';

/** A result from the runtime, as a Runtime API POST or a channel frame brings it. */
interface RuntimePost {
  kind: 'response' | 'error' | 'initError';
  requestId?: string;
  body: Buffer;
  /** Longer than MAX_RESPONSE_BYTES: `body` holds none of it. */
  tooLarge: boolean;
  errorType?: string;
  /** The bytes the runtime says it has written to stdout and stderr (OUTPUT_FENCE_HEADER). */
  written?: { out: number; err: number };
}

export class Environment {
  state: EnvironmentState = 'starting';
  /** Taken by the manager for an invocation that has not reached run() yet. */
  claimed = false;
  /** The CloudWatch Logs stream this environment writes to (`YYYY/MM/DD/[version]<id>`), as its AWS_LAMBDA_LOG_STREAM_NAME says. */
  logStream = '';
  /** Stop instead of going idle after the current invocation (reset()). */
  retired = false;
  served = 0;
  private child?: ChildProcess;
  private server?: http.Server;
  private channel?: Socket;
  private pendingNext?: NextWaiter;
  private current?: Current;
  private spawnedAt = 0;
  /** Bytes received so far from stdout and from stderr: for OUTPUT_FENCE_HEADER, and without it the log settles once a poll phase adds none. */
  private readonly received = { out: 0, err: 0 };
  /** Woken whenever output arrives. */
  private outputWaiters: (() => void)[] = [];
  private initDurationMs?: number;
  private idleTimer?: NodeJS.Timeout;
  /** Connections the Runtime API has checked come from this environment's own processes. */
  private readonly ownConnections = new WeakSet<Socket>();
  private ownUid?: number;
  /** This environment's processes, once known (for the peak memory of REPORT lines). */
  private pids?: number[];
  private memory?: { mb: number; at: number };

  constructor(
    readonly id: string,
    readonly key: string,
    readonly version: string,
    private readonly hooks: {
      onChange: (env: Environment) => void;
      onLog?: (text: string) => void;
      idleTimeoutMs: number;
    },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the Runtime API server and the process; `plan` receives the API's host:port. */
  async start(plan: (runtimeApi: string) => LaunchPlan): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const launch = plan(`127.0.0.1:${port}`);
    if (this.state === 'dead') return;
    if (launch.ownUid !== undefined) this.ownUid = launch.ownUid;
    this.spawnedAt = performance.now();
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: launch.channel ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      detached: true,   // own process group: killed as a whole, deaf to the terminal's signals
      ...(launch.uid !== undefined ? { uid: launch.uid } : {}),
      ...(launch.gid !== undefined ? { gid: launch.gid } : {}),
    });
    this.child = child;
    const onData = (stream: 'out' | 'err') => (chunk: Buffer) => {
      this.received[stream] += chunk.length;
      this.output(chunk);
      this.wakeOutputWaiters();
    };
    child.stdout?.on('data', onData('out'));
    child.stderr?.on('data', onData('err'));
    if (launch.channel) this.openChannel(child.stdio[CHANNEL_FD] as Socket);
    child.on('error', (err) => this.exited(`Runtime exited with error: ${err.message}`));
    child.on('close', (code, signal) => {
      if (signal) this.exited(`Runtime exited with error: signal: ${signal === 'SIGKILL' ? 'killed' : signal}`);
      else if (code) this.exited(`Runtime exited with error: exit status ${code}`);
      else this.exited('Runtime exited without providing a reason');
    });
  }

  private wakeOutputWaiters(): void {
    const waiters = this.outputWaiters;
    this.outputWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Until as many bytes as the runtime says it wrote have come in (or the process is gone, or time is up). */
  private async outputReceived(written: { out: number; err: number }): Promise<void> {
    const deadline = performance.now() + OUTPUT_FENCE_MAX_MS;
    while ((this.received.out < written.out || this.received.err < written.err) && this.state !== 'dead' && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - performance.now()));
        this.outputWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Runs one invocation: delivered on the runtime's next `GET /runtime/invocation/next`. */
  run(inv: Invocation): Promise<RunResult> {
    this.claimed = false;
    this.clearIdleTimer();
    return new Promise((resolve) => {
      if (this.state === 'dead') {
        resolve({ outcome: this.served > 0 ? { kind: 'undelivered' } : { kind: 'exit', reason: 'Runtime exited without providing a reason' }, log: '', lines: [], durationMs: 0 });
        return;
      }
      const current: Current = {
        inv, delivered: false, done: false, cold: this.served === 0, preLog: [], log: [], preLogAt: [], logAt: [], deliveredAt: 0, startedAt: Date.now(), resolve,
      };
      this.current = current;
      this.state = 'busy';
      current.timer = setTimeout(() => this.timedOut(current), INIT_LIMIT_MS + (current.cold ? 0 : inv.timeoutMs));
      const next = this.pendingNext;
      if (next) {
        this.pendingNext = undefined;
        this.deliver(next, current);
      }
    });
  }

  /** Kills the process and closes the Runtime API. */
  stop(): void {
    this.clearIdleTimer();
    const wasDead = this.state === 'dead';
    this.state = 'dead';
    this.wakeOutputWaiters();
    this.kill();
    this.channel?.destroy();
    if (this.server) {
      this.server.closeAllConnections();
      this.server.close();
    }
    const current = this.current;
    if (current && !current.done) void this.settle(current, { kind: 'exit', reason: 'Runtime exited with error: signal: killed' });
    if (!wasDead) this.hooks.onChange(this);
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try { this.child.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private output(chunk: Buffer): void {
    const current = this.current;
    if (current && !current.logClosed) {
      (current.delivered ? current.log : current.preLog).push(chunk);
      (current.delivered ? current.logAt : current.preLogAt).push(Date.now());
    }
    this.hooks.onLog?.(chunk.toString('utf8'));
  }

  private exited(reason: string): void {
    if (this.state === 'dead' && !this.current) return;
    const current = this.current;
    this.state = 'dead';
    this.wakeOutputWaiters();
    this.pendingNext = undefined;
    if (this.server) {
      this.server.closeAllConnections();
      this.server.close();
    }
    if (current && !current.done) {
      // A warm environment that died before taking the event (e.g. exit 129 right after
      // posting an error): the invocation never ran and can go to a fresh environment.
      const outcome: Outcome = !current.delivered && !current.cold ? { kind: 'undelivered' } : { kind: 'exit', reason };
      void this.settle(current, outcome, true);
    }
    this.hooks.onChange(this);
  }

  private timedOut(current: Current): void {
    if (current.done) return;
    this.state = 'dead';
    this.wakeOutputWaiters();
    this.kill();
    void this.settle(current, { kind: 'timeout' }, true);
  }

  private deliver(to: NextWaiter, current: Current): void {
    const { inv } = current;
    clearTimeout(current.timer);
    current.delivered = true;
    current.deliveredAt = performance.now();
    current.startedAt = Date.now();
    const deadlineMs = Date.now() + inv.timeoutMs;
    if (to === 'channel') {
      this.sendFrame({
        type: 'invocation', requestId: inv.requestId, deadlineMs, invokedFunctionArn: inv.invokedFunctionArn, traceId: inv.traceId,
        ...(inv.clientContext ? { clientContext: inv.clientContext } : {}),
      }, inv.payload);
    } else {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': inv.requestId,
        'Lambda-Runtime-Deadline-Ms': String(deadlineMs),
        'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn,
        'Lambda-Runtime-Trace-Id': inv.traceId,
        'Content-Length': String(inv.payload.length),
      };
      if (inv.clientContext) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
      to.writeHead(200, headers);
      to.end(inv.payload);
    }
    current.timer = setTimeout(() => this.timedOut(current), inv.timeoutMs);
  }

  private async settle(current: Current, outcome: Outcome, processGone = false, written?: { out: number; err: number }): Promise<void> {
    if (current.done) return;
    current.done = true;
    clearTimeout(current.timer);
    const end = performance.now();
    const durationMs = current.delivered ? end - current.deliveredAt : 0;
    const maxMemory = this.maxMemoryMb();
    if (written) await this.outputReceived(written);
    else if (!processGone) {
      const deadline = performance.now() + LOG_SETTLE_MAX_MS;
      const total = () => this.received.out + this.received.err;
      let seen;
      do {
        seen = total();
        await twoTurns();
      } while (total() !== seen && performance.now() < deadline);
    }
    current.logClosed = true;
    if (this.current === current) this.current = undefined;
    this.served++;
    const { log, lines } = this.formatLog(current, outcome, durationMs, maxMemory);
    if (outcome.kind === 'initError' || outcome.kind === 'timeout') this.stop();
    if (this.state !== 'dead') {
      if (this.retired) this.stop();
      else if (this.pendingNext) this.becomeIdle();
      else this.state = 'finishing';
    }
    current.resolve({ outcome, log, lines, durationMs });
    this.hooks.onChange(this);
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => this.stop(), this.hooks.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /**
   * The environment's peak memory (VmHWM, which only grows), read from /proc at most every
   * MEMORY_READ_MS: reading it on every invoke was a file read per warm invoke. A REPORT line may
   * so show the peak of up to that long ago.
   */
  private maxMemoryMb(): number {
    const pid = this.child?.pid;
    if (pid === undefined) return 0;
    const now = performance.now();
    if (this.memory && now - this.memory.at < MEMORY_READ_MS) return this.memory.mb;
    try {
      this.pids ??= processTree(pid);
      this.memory = { mb: peakMemoryMb(this.pids), at: now };
      return this.memory.mb;
    } catch {
      return 0;
    }
  }

  /**
   * Whether a Runtime API connection comes from this environment: the client end of the
   * loopback connection belongs to the environment's own user, or, where functions share a
   * user, is held open by one of the environment's processes. Any other process of the host
   * (another function reading the ports in /proc/net/tcp) is refused.
   */
  private fromThisEnvironment(socket: Socket): boolean {
    if (this.ownConnections.has(socket)) return true;
    const pid = this.child?.pid;
    const serverPort = (this.server?.address() as AddressInfo | null)?.port;
    if (pid === undefined || serverPort === undefined || socket.remotePort === undefined || socket.remoteAddress !== '127.0.0.1') return false;
    let own = false;
    try {
      const peer = loopbackClientSocket(socket.remotePort, serverPort);
      if (peer && this.ownUid !== undefined) own = peer.uid === this.ownUid;
      else if (peer) own = holdsSocket((this.pids = processTree(pid)), peer.inode);
    } catch {
      own = false;
    }
    if (own) this.ownConnections.add(socket);
    return own;
  }

  private formatLog(current: Current, outcome: Outcome, durationMs: number, maxMemory: number): { log: string; lines: LogLine[] } {
    const { inv } = current;
    const id = inv.requestId;
    const now = Date.now();
    const initDuration = current.cold ? this.initDurationMs : undefined;
    const problem: string[] = [];
    if (outcome.kind === 'timeout') problem.push(`${new Date(now).toISOString()} ${id} Task timed out after ${(inv.timeoutMs / 1000).toFixed(2)} seconds`);
    if (outcome.kind === 'exit') problem.push(`RequestId: ${id} Error: ${outcome.reason}`);
    let start: string[];
    let closing: string[];
    if (inv.systemLogLevel !== undefined) {
      ({ start, closing } = jsonSystemRecords(inv, outcome, { startedAt: current.startedAt, now, durationMs, maxMemory, initDuration }));
      closing = [...problem, ...closing];
    } else {
      start = [`START RequestId: ${id} Version: ${inv.version}`];
      let report = `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t`
        + `Memory Size: ${inv.memorySize} MB\tMax Memory Used: ${maxMemory} MB`;
      if (initDuration !== undefined) report += `\tInit Duration: ${initDuration.toFixed(2)} ms`;
      if (outcome.kind === 'timeout') report += '\tStatus: timeout';
      closing = [...problem, `END RequestId: ${id}`, `${report}\t`];
    }

    const lines = [
      ...linesOf(current.preLog, current.preLogAt),
      ...start.map((message) => ({ timestamp: current.startedAt, message })),
      ...linesOf(current.log, current.logAt),
      ...closing.map((message) => ({ timestamp: now, message })),
    ];
    // The tail (X-Amz-Log-Result) keeps the output byte for byte, blank lines included.
    let text = `${Buffer.concat(current.preLog).toString('utf8')}${start.map((l) => `${l}\n`).join('')}${Buffer.concat(current.log).toString('utf8')}`;
    if (text !== '' && !text.endsWith('\n')) text += '\n';
    return { log: text + closing.map((l) => `${l}\n`).join(''), lines };
  }

  // ---- Runtime API
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0] ?? '';
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    if (!this.fromThisEnvironment(req.socket)) {
      req.resume();
      res.setHeader('Connection', 'close');
      reply(403, { errorMessage: 'This Runtime API serves its own execution environment only', errorType: 'Forbidden' });
      return;
    }
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      req.resume();
      this.next(res);
      return;
    }
    const invocation = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const initError = url === '/2018-06-01/runtime/init/error';
    if (req.method !== 'POST' || (!invocation && !initError)) {
      req.resume();
      reply(404, { errorMessage: 'Not Found', errorType: 'NotFound' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_RESPONSE_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const errorType = req.headers['lambda-runtime-function-error-type'];
      const fence = /^(\d+) (\d+)$/.exec(String(req.headers[OUTPUT_FENCE_HEADER] ?? ''));
      const answer = this.posted({
        kind: invocation ? (invocation[2] as 'response' | 'error') : 'initError',
        ...(invocation ? { requestId: invocation[1] } : {}),
        body: Buffer.concat(chunks),
        tooLarge,
        ...(typeof errorType === 'string' ? { errorType } : {}),
        ...(fence ? { written: { out: Number(fence[1]), err: Number(fence[2]) } } : {}),
      });
      reply(answer.status, answer.body);
    });
  }

  /** Takes a result from the runtime, as the Runtime API would: what it answers, and what follows. */
  private posted(post: RuntimePost): { status: number; body: unknown } {
    const current = this.current;
    const errorBody = () => post.body.length ? post.body
      : Buffer.from(JSON.stringify({ errorMessage: 'Unknown application error occurred', errorType: post.errorType ?? 'Unhandled' }));
    if (post.kind === 'initError') {
      if (current && !current.done && !current.delivered && current.cold) {
        void this.settle(current, { kind: 'initError', body: errorBody() });
      } else if (!current && this.served === 0) {
        // After the answer has gone out.
        queueMicrotask(() => this.stop());
      } else {
        return { status: 403, body: { errorType: 'InvalidStateTransition', errorMessage: 'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed' } };
      }
      return ACCEPTED;
    }
    if (!current || current.done || !current.delivered || current.inv.requestId !== post.requestId) {
      return { status: 400, body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' } };
    }
    if (post.tooLarge) {
      const message = `Response payload size exceeded maximum allowed payload size (6291556 bytes).`;
      void this.settle(current, { kind: 'error', body: Buffer.from(JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: message })) });
      return { status: 413, body: { errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' } };
    }
    void this.settle(current, post.kind === 'response' ? { kind: 'response', body: post.body } : { kind: 'error', body: errorBody() }, false, post.written);
    return ACCEPTED;
  }

  // ---- the private channel (channel.ts)
  private openChannel(socket: Socket): void {
    this.channel = socket;
    const reader = new FrameReader(MAX_RESPONSE_BYTES, (frame) => this.frame(frame), () => this.stop());
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    // The process's end is reported by the child; a channel error only means it is going.
    socket.on('error', () => undefined);
  }

  private sendFrame(head: Record<string, unknown>, body?: Buffer): void {
    const socket = this.channel;
    if (!socket || socket.destroyed) return;
    const [start, rest] = encodeFrame(head, body);
    socket.cork();
    socket.write(start);
    if (rest.length) socket.write(rest);
    socket.uncork();
  }

  private frame({ head, body, tooLarge }: Frame): void {
    const type = head.type;
    if (type === 'next') return this.next('channel');
    if (type !== 'response' && type !== 'error' && type !== 'initError') return this.stop();
    const output = head.output;
    const written = Array.isArray(output) && typeof output[0] === 'number' && typeof output[1] === 'number' ? { out: output[0], err: output[1] } : undefined;
    this.posted({
      kind: type,
      ...(typeof head.requestId === 'string' ? { requestId: head.requestId } : {}),
      body,
      tooLarge,
      ...(typeof head.errorType === 'string' ? { errorType: head.errorType } : {}),
      ...(written ? { written } : {}),
    });
  }

  private next(res: NextWaiter): void {
    if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.spawnedAt;
    if (this.state === 'dead') {
      if (res === 'channel') return;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errorMessage: 'Internal Server Error', errorType: 'InternalServerError' }));
      return;
    }
    const current = this.current;
    if (current && !current.delivered && !current.done) {
      this.deliver(res, current);
      return;
    }
    this.pendingNext = res;
    if (res !== 'channel') {
      res.on('close', () => {
        if (this.pendingNext === res) this.pendingNext = undefined;
      });
    }
    if (!current && (this.state === 'finishing' || this.state === 'starting')) {
      if (this.retired) {
        this.stop();
        return;
      }
      this.becomeIdle();
      this.hooks.onChange(this);
    }
  }
}

/** The lines of a stream of chunks, each stamped with the arrival of the chunk it starts in; blank lines are dropped. */
export function linesOf(chunks: Buffer[], times: number[]): LogLine[] {
  const out: LogLine[] = [];
  // A character split between two chunks is joined again, not replaced.
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let startedAt = 0;
  chunks.forEach((chunk, i) => {
    const parts = decoder.write(chunk).split('\n');
    parts.forEach((part, j) => {
      if (partial === '' && part !== '') startedAt = times[i] ?? Date.now();
      partial += part;
      if (j < parts.length - 1) {
        // The runtimes fold a message's own newlines to \r so it stays one line; CloudWatch shows them as newlines again.
        if (partial !== '') out.push({ timestamp: startedAt, message: partial.replace(/\r/g, '\n') });
        partial = '';
      }
    });
  });
  partial += decoder.end();
  if (partial !== '') out.push({ timestamp: startedAt || Date.now(), message: partial.replace(/\r/g, '\n') });
  return out;
}

const SYSTEM_LEVELS = ['DEBUG', 'INFO', 'WARN'];

/**
 * Lambda's own records for a function that logs JSON (LoggingConfig.LogFormat JSON): the
 * Telemetry API's `platform.start` and `platform.report` (INFO) and `platform.runtimeDone`
 * (DEBUG), each kept when SystemLogLevel lets its level through.
 */
function jsonSystemRecords(
  inv: Invocation,
  outcome: Outcome,
  t: { startedAt: number; now: number; durationMs: number; maxMemory: number; initDuration: number | undefined },
): { start: string[]; closing: string[] } {
  const lowest = Math.max(0, SYSTEM_LEVELS.indexOf((inv.systemLogLevel ?? 'INFO').toUpperCase()));
  const keep = (level: string) => SYSTEM_LEVELS.indexOf(level) >= lowest;
  const status = outcome.kind === 'response' ? 'success' : outcome.kind === 'timeout' ? 'timeout' : 'error';
  const record = (at: number, type: string, body: Record<string, unknown>) => JSON.stringify({ time: new Date(at).toISOString(), type, record: body });
  const metrics: Record<string, number> = {
    durationMs: Number(t.durationMs.toFixed(3)),
    billedDurationMs: Math.max(1, Math.ceil(t.durationMs)),
    memorySizeMB: inv.memorySize,
    maxMemoryUsedMB: t.maxMemory,
  };
  if (t.initDuration !== undefined) metrics.initDurationMs = Number(t.initDuration.toFixed(3));
  const start = keep('INFO') ? [record(t.startedAt, 'platform.start', { requestId: inv.requestId, functionArn: inv.functionArn, version: inv.version })] : [];
  const closing = [
    ...(keep('DEBUG') ? [record(t.now, 'platform.runtimeDone', { requestId: inv.requestId, status, metrics: { durationMs: metrics.durationMs } })] : []),
    ...(keep('INFO') ? [record(t.now, 'platform.report', { requestId: inv.requestId, metrics, status })] : []),
  ];
  return { start, closing };
}
