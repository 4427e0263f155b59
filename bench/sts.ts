// `sts get-caller-identity` requests per second over HTTP with full SigV4 verification:
// Latchkey's server beside moto's on the same machine, in one run, with the same load
// generator and the same request (bench/http.ts).

import { startServer, type Profile } from '../test/e2e/support.js';
import { signRequest } from '../test/e2e/signing.js';
import { fmt, load, MOTO_CREDENTIALS, startMoto, type LoadStep } from './http.js';

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const CONNECTIONS = 16;

/** Every request signed when it is sent, as SDK traffic is. */
async function requests(endpoint: string, credentials: Profile): Promise<LoadStep[][]> {
  const sign = () => signRequest(endpoint, {
    credentials,
    body: BODY,
    service: 'sts',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  return Array.from({ length: CONNECTIONS }, () => [{ method: 'POST', sign }]);
}

export async function stsBench(seconds: number): Promise<void> {
  const latchkey = await startServer();
  const moto = await startMoto();
  try {
    const ours = await requests(latchkey.endpoint, latchkey.profiles.owner!);
    await load(latchkey.endpoint, ours, 1); // warm-up
    const l = await load(latchkey.endpoint, ours, seconds);
    let m = null;
    if (moto) {
      const theirs = await requests(moto.endpoint, MOTO_CREDENTIALS);
      await load(moto.endpoint, theirs, 1);
      m = await load(moto.endpoint, theirs, seconds);
    }
    console.log(`\nsts get-caller-identity over HTTP, ${CONNECTIONS} keep-alive connections, ${seconds} s each, one run:`);
    console.log('| server | requests/s | p99 latency (ms) | non-2xx | errors |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| Latchkey (SigV4 verified) | ${fmt(l.rps)} | ${l.p99.toFixed(1)} | ${l.non2xx} | ${l.errors} |`);
    if (m) console.log(`| moto server (no signature check) | ${fmt(m.rps)} | ${m.p99.toFixed(1)} | ${m.non2xx} | ${m.errors} |`);
    else console.log('| moto server | not started (python3 -m moto.server unavailable) | | | |');
    const target = l.rps >= 5000 ? 'met' : `MISSED by ${((1 - l.rps / 5000) * 100).toFixed(0)}%`;
    console.log(`Latchkey / moto: ${m ? `${(l.rps / m.rps).toFixed(1)}x` : 'n/a'} (target >= 10x); Latchkey target 5,000 requests/s: ${target}.`);
    if (l.non2xx > 0) console.log(`WARNING: ${l.non2xx} non-2xx answers from Latchkey: the figure is not valid.`);
  } finally {
    moto?.child.kill();
    await latchkey.stop();
  }
}
