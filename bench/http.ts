// The HTTP load generator the server benchmarks share, and moto's server as the peer.
// Requests are signed when they are sent (a `sign` step), as SDK traffic is: a replayed
// signature would let the server's caches answer what a real client makes it compute. The
// signing shares the two cores with the server. It is a plain keep-alive node:http client
// with concurrent loops; a general-purpose tool (autocannon)
// measured moto's development server at 3 requests/s, far below what it really serves.

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawRequest } from '../test/e2e/signing.js';
import { freePort } from '../test/support/net.js';

export interface LoadResult {
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  meanMs: number;
}

function send(agent: http.Agent, url: URL, r: RawRequest, method: string): Promise<number> {
  const { host: _host, ...headers } = r.headers;
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const qs = new URLSearchParams(r.query).toString();
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${r.path}${qs ? `?${qs}` : ''}`, method, headers: { ...headers, 'content-length': String(body.length) }, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

/**
 * One request of a loop: signed once and replayed (`request`), or signed afresh for every send
 * (`sign`), as real clients do; signing happens before the latency clock starts but inside the
 * measured second, on the same two cores as the server.
 */
export type LoadStep = { method: string; request: RawRequest } | { method: string; sign: () => Promise<RawRequest> };

/**
 * Each of `loops` concurrent loops sends its own sequence of requests round and round for
 * `seconds`; only the requests whose index is in `timed` (default: all) are counted.
 */
export async function load(
  endpoint: string,
  sequences: LoadStep[][],
  seconds: number,
  timed?: (index: number) => boolean,
): Promise<LoadResult> {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sequences.length });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    sequences.map(async (sequence) => {
      for (let i = 0; performance.now() < end; i = (i + 1) % sequence.length) {
        const step = sequence[i]!;
        const request = 'sign' in step ? await step.sign() : step.request;
        const t = performance.now();
        const status = await send(agent, url, request, step.method);
        if (timed && !timed(i)) continue;
        if (status < 0) errors++;
        else if (status >= 300) non2xx++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length * 0.5)] ?? NaN;
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return { rps: latencies.length / elapsed, non2xx, errors, p50, p99, meanMs: mean };
}

export async function startMoto(): Promise<{ endpoint: string; child: ChildProcess } | null> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return null;
    try {
      await fetch(`${endpoint}/moto-api/`);
      return { endpoint, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  return null;
}

/** moto accepts any key and does not check signatures by default. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Rounds of the same load: requests per second, lowest, median and highest. */
export interface RoundFigures {
  min: number;
  median: number;
  max: number;
  /** Median of the rounds' p50 latencies, ms. */
  p50: number;
  failed: number;
}

export async function rounds(times: number, run: () => Promise<LoadResult>): Promise<RoundFigures> {
  const results: LoadResult[] = [];
  for (let i = 0; i < times; i++) results.push(await run());
  const rps = results.map((r) => r.rps).sort((a, b) => a - b);
  const p50 = results.map((r) => r.p50).sort((a, b) => a - b);
  const middle = Math.floor(times / 2);
  return { min: rps[0]!, median: rps[middle]!, max: rps[times - 1]!, p50: p50[middle]!, failed: results.reduce((n, r) => n + r.non2xx + r.errors, 0) };
}

export const roundsText = (f: RoundFigures) => `${fmt(f.min)} / ${fmt(f.median)} / ${fmt(f.max)}`;

/**
 * A bare node:http server answering every request with a fixed small JSON body: the floor any
 * HTTP service on this machine stands on, measured with the same client and the same signed
 * requests.
 */
export async function startBareServer(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const body = Buffer.from('{"Policy":"{}","RevisionId":"00000000-0000-0000-0000-000000000000"}');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
