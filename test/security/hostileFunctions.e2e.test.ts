// Hostile functions, through a started server on the machine's own sandbox: each tries one
// way out that a review of Latchkey found (issue "Permissions hold at every local door",
// items 1–7), in Node and in Python, and must come back with nothing — no key, no write
// outside its own /tmp, no foreign event, no signal delivered, no endpoint of its choosing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { zipSync, strToU8, type Zippable } from 'fflate';
import {
  LambdaClient, AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, InvokeCommand, PublishLayerVersionCommand, type Runtime,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { LAMBDA_TRUST_POLICY, sdkConfig, startServer, tempDir, type RunningServer } from '../e2e/support.js';

const OWNER = '123456789012';
const PARTNER = '111122223333';
const DIST_BOOTSTRAP = fileURLToPath(new URL('../../src/runtime/bootstraps/node.js', import.meta.url));

const NODE_PROBE = String.raw`
const fs = require('fs');
const http = require('http');
const attempt = (f) => { try { return 'done: ' + f(); } catch (e) { return 'denied: ' + (e.code || e.name); } };
const request = (port, pathName, { method = 'GET', headers = {}, body, timeout = 1500 } = {}) => new Promise((resolve) => {
  const req = http.request({ host: '127.0.0.1', port, path: pathName, method, headers, timeout }, (res) => {
    let text = '';
    res.on('data', (c) => (text += c));
    res.on('end', () => resolve({ status: res.statusCode, body: text.slice(0, 400) }));
  });
  req.on('timeout', () => { req.destroy(); resolve({ status: 'timeout' }); });
  req.on('error', (e) => resolve({ status: e.code }));
  req.end(body);
});
const listening = () => fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
  .filter((c) => c[3] === '0A' && (c[1] || '').startsWith('0100007F:')).map((c) => parseInt(c[1].split(':')[1], 16));
const pids = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));

exports.handler = async (input) => {
  // A function URL's request carries the probe in its body.
  const event = input.requestContext && input.body ? JSON.parse(input.body) : input;
  const api = new URL(process.env.AWS_ENDPOINT_URL);
  switch (event.probe) {
    case 'doors': return {
      profiles: await request(api.port, '/console/profiles.json'),
      profilesGuessed: await request(api.port, '/console/profiles.json', { headers: { 'x-latchkey-local-token': 'guess' } }),
      emit: await request(api.port, '/_latchkey/emit', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ service: 's3', function: event.victim, bucket: 'b' }) }),
      emitJson: await request(api.port, '/_latchkey/emit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 's3', function: event.victim, bucket: 'b' }) }),
      token: attempt(() => fs.readFileSync(event.stateDir + '/local-token', 'utf8')),
      credentials: attempt(() => fs.readFileSync(event.stateDir + '/credentials', 'utf8')),
    };
    case 'files': return {
      distBootstrap: attempt(() => { fs.appendFileSync(event.distBootstrap, '// owned\n'); return 'written'; }),
      runtimeCopy: attempt(() => { fs.appendFileSync(process.env.LAMBDA_RUNTIME_DIR + '/bootstrap.mjs', '// owned\n'); return 'written'; }),
      passwd: attempt(() => { fs.appendFileSync('/etc/passwd', ''); return 'written'; }),
      hostFile: attempt(() => { fs.writeFileSync(event.hostFile, 'owned'); return 'written'; }),
      signalLatchkey: attempt(() => { process.kill(event.latchkeyPid, 0); return 'reachable'; }),
    };
    case 'steal': {
      const own = process.env.AWS_LAMBDA_RUNTIME_API.split(':')[1];
      const others = listening().filter((p) => String(p) !== own);
      const got = await Promise.all(others.map((p) => request(p, '/2018-06-01/runtime/invocation/next', { timeout: event.holdMs })));
      return Object.fromEntries(others.map((p, i) => [p, got[i]]));
    }
    case 'processes': {
      const found = [];
      for (const pid of pids()) {
        try { if (fs.readFileSync('/proc/' + pid + '/environ', 'utf8').includes(event.secret)) found.push(pid); } catch {}
      }
      return { found, signals: (event.pids || []).map((pid) => attempt(() => { process.kill(pid, 0); return 'reachable'; })) };
    }
    case 'endpoint': return { statusCode: 200, body: process.env.AWS_ENDPOINT_URL };
    case 'echo': return { who: process.env.AWS_LAMBDA_FUNCTION_NAME, event };
  }
};
`;

const PYTHON_PROBE = String.raw`
import json, os, socket, urllib.request, urllib.error

def attempt(f):
    try:
        return 'done: ' + str(f())
    except OSError as e:
        return 'denied: ' + (__import__('errno').errorcode.get(e.errno, 'OSError') if e.errno else type(e).__name__)

def request(port, path, method='GET', headers=None, body=None, timeout=1.5):
    req = urllib.request.Request('http://127.0.0.1:%d%s' % (int(port), path), data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return {'status': r.status, 'body': r.read(400).decode('utf-8', 'replace')}
    except urllib.error.HTTPError as e:
        return {'status': e.code, 'body': e.read(400).decode('utf-8', 'replace')}
    except (socket.timeout, TimeoutError):
        return {'status': 'timeout'}
    except (urllib.error.URLError, OSError) as e:
        return {'status': type(e).__name__}

def listening():
    with open('/proc/net/tcp') as f:
        rows = [l.split() for l in f.read().splitlines()[1:]]
    return [int(c[1].split(':')[1], 16) for c in rows if len(c) > 3 and c[3] == '0A' and c[1].startswith('0100007F:')]

def append(path, text):
    with open(path, 'a') as f:
        f.write(text)
    return 'written'

def read(path):
    with open(path) as f:
        return f.read()

def handler(event, context):
    if 'requestContext' in event and event.get('body'):
        event = json.loads(event['body'])
    api_port = os.environ['AWS_ENDPOINT_URL'].rsplit(':', 1)[1]
    probe = event['probe']
    if probe == 'doors':
        payload = json.dumps({'service': 's3', 'function': event['victim'], 'bucket': 'b'}).encode()
        return {
            'profiles': request(api_port, '/console/profiles.json'),
            'profilesGuessed': request(api_port, '/console/profiles.json', headers={'x-latchkey-local-token': 'guess'}),
            'emit': request(api_port, '/_latchkey/emit', 'POST', {'content-type': 'text/plain'}, payload),
            'emitJson': request(api_port, '/_latchkey/emit', 'POST', {'content-type': 'application/json'}, payload),
            'token': attempt(lambda: read(event['stateDir'] + '/local-token')),
            'credentials': attempt(lambda: read(event['stateDir'] + '/credentials')),
        }
    if probe == 'files':
        return {
            'distBootstrap': attempt(lambda: append(event['distBootstrap'], '# owned\n')),
            'runtimeCopy': attempt(lambda: append(os.environ['LAMBDA_RUNTIME_DIR'] + '/bootstrap.py', '# owned\n')),
            'passwd': attempt(lambda: append('/etc/passwd', '')),
            'hostFile': attempt(lambda: append(event['hostFile'], 'owned')),
            'signalLatchkey': attempt(lambda: os.kill(event['latchkeyPid'], 0) or 'reachable'),
        }
    if probe == 'steal':
        own = os.environ['AWS_LAMBDA_RUNTIME_API'].split(':')[1]
        return {str(p): request(p, '/2018-06-01/runtime/invocation/next', timeout=event['holdMs'] / 1000) for p in listening() if str(p) != own}
    if probe == 'processes':
        found = []
        for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
            try:
                if event['secret'] in read('/proc/%s/environ' % pid):
                    found.append(pid)
            except OSError:
                pass
        return {'found': found, 'signals': [attempt(lambda pid=pid: os.kill(pid, 0) or 'reachable') for pid in event.get('pids', [])]}
    if probe == 'endpoint':
        return {'statusCode': 200, 'body': os.environ['AWS_ENDPOINT_URL']}
    if probe == 'echo':
        return {'who': os.environ['AWS_LAMBDA_FUNCTION_NAME'], 'event': event}
`;

interface Variant {
  name: string;
  runtime: Runtime;
  handler: string;
  files: Zippable;
}

const VARIANTS: Variant[] = [
  { name: 'node', runtime: 'nodejs20.x', handler: 'index.handler', files: { 'index.js': strToU8(NODE_PROBE) } },
  { name: 'python', runtime: 'python3.12', handler: 'probe.handler', files: { 'probe.py': strToU8(PYTHON_PROBE) } },
];

let server: RunningServer;
let hostDir: string;
const lambda = (profile = 'owner') => new LambdaClient(sdkConfig(server, profile));
type Seen = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function invoke(name: string, event: object, profile = 'owner'): Promise<Seen> {
  const out = await lambda(profile).send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  const text = Buffer.from(out.Payload ?? []).toString('utf8');
  assert.equal(out.FunctionError, undefined, text);
  return JSON.parse(text) as Seen;
}

async function createFunction(profile: 'owner' | 'partner', name: string, v: Variant, environment: Record<string, string> = {}) {
  const account = profile === 'owner' ? OWNER : PARTNER;
  await lambda(profile).send(new CreateFunctionCommand({
    FunctionName: name, Runtime: v.runtime, Handler: v.handler, Role: `arn:aws:iam::${account}:role/hostile-exec`, Timeout: 15,
    Code: { ZipFile: zipSync(v.files) }, Environment: { Variables: environment },
  }));
}

/** The host's processes whose environment holds `secret` (the tests run as root, or as Latchkey's user). */
function hostProcessesWith(secret: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(secret);
    } catch {
      return false;
    }
  });
}

before(async () => {
  server = await startServer();
  hostDir = tempDir('latchkey-hostile-');
  fs.chmodSync(hostDir, 0o777);
  for (const profile of ['owner', 'partner'] as const) {
    await new IAMClient(sdkConfig(server, profile)).send(new CreateRoleCommand({ RoleName: 'hostile-exec', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  }
  for (const v of VARIANTS) {
    await createFunction('partner', `attacker-${v.name}`, v);
    await createFunction('owner', `victim-${v.name}`, v, { VICTIM_SECRET: `victim-secret-${v.name}-4c1d` });
  }
});
after(async () => server?.stop());

for (const v of VARIANTS) {
  describe(`hostile ${v.name} function`, () => {
    const attacker = `attacker-${v.name}`;
    const victim = `victim-${v.name}`;

    test('1: the console\'s profiles, the local token, the credentials file and service events stay closed to it', async () => {
      const seen = await invoke(attacker, { probe: 'doors', stateDir: server.stateDir, victim: `arn:aws:lambda:us-east-1:${OWNER}:function:${victim}` }, 'partner');
      for (const door of ['profiles', 'profilesGuessed']) {
        assert.notEqual(seen[door].status, 200, JSON.stringify(seen[door]));
        assert.doesNotMatch(JSON.stringify(seen[door]), /secretAccessKey|AKIA/);
      }
      assert.equal(seen.emit.status, 403, JSON.stringify(seen.emit));
      assert.equal(seen.emitJson.status, 403, JSON.stringify(seen.emitJson));
      assert.match(seen.token, /^denied/);
      assert.match(seen.credentials, /^denied/);
    });

    test('3: Latchkey\'s files, the runtime, /etc and Latchkey\'s process are out of its reach; /tmp is its own', async () => {
      const before = fs.readFileSync(DIST_BOOTSTRAP, 'utf8');
      const hostFile = path.join(hostDir, `${v.name}-owned.txt`);
      const seen = await invoke(attacker, { probe: 'files', distBootstrap: DIST_BOOTSTRAP, hostFile, latchkeyPid: server.process.pid }, 'partner');
      for (const key of ['distBootstrap', 'runtimeCopy', 'passwd', 'signalLatchkey']) assert.match(seen[key], /^denied/, `${key}: ${seen[key]}`);
      // Written, if at all, into its private /tmp: the host's folder of that name is untouched.
      assert.equal(fs.existsSync(hostFile), false);
      assert.equal(fs.readFileSync(DIST_BOOTSTRAP, 'utf8'), before);
      // The victim still starts with an untouched runtime.
      assert.equal((await invoke(victim, { probe: 'echo' })).who, victim);
    });

    test('4: another environment\'s Runtime API refuses it, and the victim\'s event stays the victim\'s', async () => {
      await invoke(victim, { probe: 'echo', n: 0 });   // a warm victim, waiting for its next event
      const stealing = invoke(attacker, { probe: 'steal', holdMs: 4000 }, 'partner');
      await delay(1000);
      const mine = await invoke(victim, { probe: 'echo', n: 1 });
      assert.deepEqual(mine, { who: victim, event: { probe: 'echo', n: 1 } });
      const seen = await stealing;
      const ports = Object.values(seen) as { status: number | string; body?: string }[];
      assert.ok(ports.every((r) => r.status !== 200), JSON.stringify(seen));
      assert.ok(ports.some((r) => r.status === 403 && /own execution environment/.test(r.body ?? '')), `the victim's Runtime API answered: ${JSON.stringify(seen)}`);
    });

    test('6: another function\'s processes: neither their environment (role keys) nor a signal', async () => {
      const secret = `victim-secret-${v.name}-4c1d`;
      await invoke(victim, { probe: 'echo' });
      const pids = hostProcessesWith(secret);
      assert.ok(pids.length > 0, 'the victim runs');
      const seen = await invoke(attacker, { probe: 'processes', secret, pids }, 'partner');
      assert.deepEqual(seen.found, []);
      for (const s of seen.signals) assert.match(s, /^denied: (ESRCH|EPERM)/);
    });
  });
}

test('2: a package whose links point out of it writes nothing outside, in its code or in a layer', async () => {
  const target = path.join(hostDir, 'link-target');
  fs.mkdirSync(target);
  const S_IFLNK = 0o120000;
  const linkTo = (to: string): [Uint8Array, { os: number; attrs: number }] => [strToU8(to), { os: 3, attrs: (S_IFLNK | 0o777) << 16 }];
  const code: Zippable = { 'index.js': strToU8(NODE_PROBE), escape: linkTo(target), 'escape/pwned.txt': strToU8('owned'), up: linkTo('../../../..'), 'up/pwned.txt': strToU8('owned') };
  const layer = await lambda('partner').send(new PublishLayerVersionCommand({
    LayerName: 'hostile-layer', Content: { ZipFile: zipSync({ nodejs: linkTo(target), 'nodejs/pwned-by-layer.txt': strToU8('owned') }) },
  }));
  await lambda('partner').send(new CreateFunctionCommand({
    FunctionName: 'links', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${PARTNER}:role/hostile-exec`,
    Code: { ZipFile: zipSync(code) }, Layers: [layer.LayerVersionArn!],
  }));
  await invoke('links', { probe: 'echo' }, 'partner');
  assert.deepEqual(fs.readdirSync(target), []);
});

test('7: the endpoint a function calls is the server\'s, whatever Host a URL request names', async () => {
  const http = await import('node:http');
  const ask = (urlPath: string, host: string) => new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ probe: 'endpoint' }));
  });
  for (const v of VARIANTS) {
    const name = `victim-${v.name}`;
    const { FunctionUrl } = await lambda().send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }));
    await lambda().send(new AddPermissionCommand({
      FunctionName: name, StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
    }));
    await lambda().send(new AddPermissionCommand({
      FunctionName: name, StatementId: 'public-via-url', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true,
    }));
    const urlId = new URL(FunctionUrl!).hostname.split('.')[0]!;
    for (const host of ['evil.example:8080', 'attacker.test', `127.0.0.1:${server.port}`]) {
      assert.equal(await ask(`/lambda-url/${urlId}/`, host), server.endpoint, `${name}, Host: ${host}`);
    }
    assert.equal(await ask('/', `${urlId}.lambda-url.us-east-1.localhost:9999`), server.endpoint, name);
  }
});
