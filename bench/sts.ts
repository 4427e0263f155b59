// `sts get-caller-identity` requests per second over HTTP with full SigV4 verification:
// Latchkey's server beside moto's (`python3 -m moto.server`) on the same machine, in one
// run, with the same load generator and the same request. The request is signed once and
// replayed: each server still verifies (or, for moto, parses) every copy, and the load
// generator does not spend the second core on signing. The generator is a plain keep-alive
// node:http client with 16 concurrent loops; a general-purpose tool (autocannon) measured
// moto's development server at 3 requests/s, far below what it really serves, so it is
// not used.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { startServer, type Profile } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const CONNECTIONS = 16;

async function signedHeaders(endpoint: string, credentials: Profile): Promise<Record<string, string>> {
  const signed = await signRequest(endpoint, {
    credentials,
    body: BODY,
    service: 'sts',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  return signed.headers;
}

async function load(endpoint: string, headers: Record<string, string>, seconds: number) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { host: _host, ...signed } = headers;
  const send = { ...signed, 'content-length': String(Buffer.byteLength(BODY)) };
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: send, agent }, (res) => {
        if ((res.statusCode ?? 0) >= 300) non2xx++;
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(BODY);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
  return { rps: latencies.length / elapsed, non2xx, errors, p99: Math.round(p99 * 10) / 10 };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<{ endpoint: string; child: ChildProcess } | null> {
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

export async function stsBench(seconds: number): Promise<void> {
  const latchkey = await startServer();
  let moto: Awaited<ReturnType<typeof startMoto>> = null;
  try {
    const headers = await signedHeaders(latchkey.endpoint, latchkey.profiles.owner!);
    await load(latchkey.endpoint, headers, 1); // warm-up
    const l = await load(latchkey.endpoint, headers, seconds);
    moto = await startMoto();
    let m: Awaited<ReturnType<typeof load>> | null = null;
    if (moto) {
      // moto accepts any key and does not check signatures by default; the request is the same.
      const motoHeaders = await signedHeaders(moto.endpoint, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
      await load(moto.endpoint, motoHeaders, 1);
      m = await load(moto.endpoint, motoHeaders, seconds);
    }
    console.log(`\nsts get-caller-identity over HTTP, ${CONNECTIONS} keep-alive connections, ${seconds} s each, one run:`);
    console.log('| server | requests/s | p99 latency (ms) | non-2xx | errors |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| Latchkey (SigV4 verified) | ${Math.round(l.rps).toLocaleString('en-US')} | ${l.p99} | ${l.non2xx} | ${l.errors} |`);
    if (m) console.log(`| moto server (no signature check) | ${Math.round(m.rps).toLocaleString('en-US')} | ${m.p99} | ${m.non2xx} | ${m.errors} |`);
    else console.log('| moto server | not started (python3 -m moto.server unavailable) | | | |');
    const target = l.rps >= 5000 ? 'met' : `MISSED by ${((1 - l.rps / 5000) * 100).toFixed(0)}%`;
    console.log(`Latchkey / moto: ${m ? `${(l.rps / m.rps).toFixed(1)}x` : 'n/a'} (target >= 10x); Latchkey target 5,000 requests/s: ${target}.`);
    if (l.non2xx > 0) console.log(`WARNING: ${l.non2xx} non-2xx answers from Latchkey: the figure is not valid.`);
  } finally {
    moto?.child.kill();
    await latchkey.stop();
  }
}
