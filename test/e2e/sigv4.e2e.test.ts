// SigV4 against a started server: requests signed as the SDK signs them, then tampered with
// one way at a time. Each must be refused with AWS's error and must not run: the probe
// operation (CreateUser) would leave a user behind if it did.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, GetUserCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { sdkConfig, startServer, type RunningServer } from './support.js';
import { sendRaw, signRequest, type RawRequest } from './signing.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => server?.stop());

const signed = (opts: Omit<Parameters<typeof signRequest>[1], 'body'> & { body: string }) => signRequest(server.endpoint, opts) as Promise<RawRequest & { body: string }>;
const send = (r: RawRequest) => sendRaw(server.endpoint, r);

const owner = () => server.profiles.owner!;
/** SDK v3's signer for the owner, and a request to the server to give it (headers besides host, a query, a body). */
const signer = (service: string) => new SignatureV4({ credentials: owner(), region: 'us-east-1', service, sha256: Sha256 });
function requestTo(r: { method: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }): HttpRequest {
  const url = new URL(server.endpoint);
  return new HttpRequest({ protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', ...r, headers: { host: url.host, ...r.headers } });
}
let probe = 0;
const createUserBody = () => `Action=CreateUser&Version=2010-05-08&UserName=probe-${++probe}`;

async function userExists(name: string): Promise<boolean> {
  try {
    await new IAMClient(sdkConfig(server, 'owner')).send(new GetUserCommand({ UserName: name }));
    return true;
  } catch {
    return false;
  }
}

async function refused(r: Awaited<ReturnType<typeof signed>>, code: string) {
  const res = await send(r);
  assert.equal(res.code, code, res.text);
  assert.equal(res.status, 403, res.text);
  const name = /UserName=([^&]+)/.exec(r.body)?.[1];
  if (name) assert.equal(await userExists(name), false, 'a refused request must not run');
  return res;
}

describe('SigV4 at the server', () => {
  test('a correctly signed request runs', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody() });
    const res = await send(r);
    assert.equal(res.status, 200, res.text);
    assert.equal(await userExists(`probe-${probe}`), true);
  });

  test('tampered signature', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody() });
    r.headers.authorization = r.headers.authorization!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('tampered body', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody() });
    r.body = r.body.replace(/probe-\d+/, 'probe-tampered');
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('tampered query', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody(), query: { a: 'b' } });
    r.query = { a: 'c' };
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('tampered signed header', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody() });
    r.headers['content-type'] = 'application/x-www-form-urlencoded; charset=latin1';
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('tampered path', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody(), path: '/' });
    r.path = '/other';
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('signed for one region, scope claims another', async () => {
    const r = await signed({ credentials: owner(), body: createUserBody(), region: 'us-west-2' });
    r.headers.authorization = r.headers.authorization!.replace('/us-west-2/', '/us-east-1/');
    await refused(r, 'SignatureDoesNotMatch');
  });

  test('signed too long ago, and too far ahead', async () => {
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      const r = await signed({ credentials: owner(), body: createUserBody(), at: new Date(Date.now() + offset) });
      const res = await refused(r, 'SignatureDoesNotMatch');
      assert.match(res.message ?? '', /Signature (expired|not yet current)/);
    }
  });

  test('unknown access key', async () => {
    const r = await signed({ credentials: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'x'.repeat(40) }, body: createUserBody() });
    const res = await refused(r, 'InvalidClientTokenId');
    assert.equal(res.message, 'The security token included in the request is invalid.');
  });

  test('no authentication at all', async () => {
    const res = await send({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: createUserBody(), path: '/', query: {} });
    assert.equal(res.status, 403, res.text);
    assert.ok(res.code === 'MissingAuthenticationToken' || res.code === 'IncompleteSignature', res.text);
  });

  test('a session key without its token, and with a wrong token', async () => {
    const iam = new IAMClient(sdkConfig(server, 'owner'));
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'sigv4-probe', AssumeRolePolicyDocument: trust }));
    const { Credentials } = await new STSClient(sdkConfig(server, 'owner')).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/sigv4-probe', RoleSessionName: 'pp' }),
    );
    const base = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey! };
    const without = await send(await signed({ credentials: base, body: createUserBody() }));
    assert.equal(without.status, 403, without.text);
    const wrong = await send(await signed({ credentials: { ...base, sessionToken: 'not-the-token' }, body: createUserBody() }));
    assert.equal(wrong.status, 403, wrong.text);
    assert.equal(wrong.code, 'InvalidClientTokenId', wrong.text);
  });
});

describe('what must be signed', () => {
  test('an unsigned X-Amz-Target cannot switch a JSON operation', async () => {
    // Signed with the target left out of SignedHeaders, then the target added: a read turned into a write.
    const request = requestTo({
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Content":"{}","Description":"d","Name":"probe-scp","Type":"SERVICE_CONTROL_POLICY"}',
    });
    const s = await signer('organizations').sign(request);
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: { ...(s.headers as Record<string, string>), 'x-amz-target': 'AWSOrganizationsV20161128.CreatePolicy' },
      body: request.body as string,
    });
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(body.__type, /IncompleteSignature/);
    assert.equal(body.message, "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.");
  });

  test('a presigned ListUsers cannot carry a CreateUser in its body', async () => {
    const p = await signer('iam').presign(requestTo({ method: 'GET', query: { Action: 'ListUsers', Version: '2010-05-08' } }), { expiresIn: 300 });
    const query = new URLSearchParams(p.query as Record<string, string>);
    assert.equal((await fetch(`${server.endpoint}/?${query}`)).status, 200, 'as presigned, it works');
    const name = `probe-presigned-${Date.now()}`;
    const res = await fetch(`${server.endpoint}/?${query}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=CreateUser&Version=2010-05-08&UserName=${name}`,
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(await userExists(name), false);
  });

  test('service names from the request are only looked up, never run: constructor, __proto__, toString', async () => {
    for (const service of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await signed({ credentials: owner(), body: createUserBody(), service });
      const res = await send(r);
      // A service Latchkey does not serve: said in words, nothing looked up on an object's prototype.
      assert.equal(res.status, 501, `${service}: ${res.status} ${res.text}`);
      assert.ok(res.text.includes(`Latchkey does not serve the ${service} service`), res.text);
      const unknown = await signed({ credentials: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'x'.repeat(40) }, body: createUserBody(), service });
      assert.ok((await send(unknown)).status < 500, service);
    }
    assert.equal(await userExists(`probe-${probe}`), false);
  });
});

describe('presigned query authentication', () => {
  async function presigned(expiresIn: number, at?: Date) {
    const request = requestTo({ method: 'GET', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
    const p = await signer('sts').presign(request, { expiresIn, ...(at ? { signingDate: at } : {}) });
    return fetch(`${server.endpoint}/?${new URLSearchParams(p.query as Record<string, string>)}`);
  }

  test('a presigned URL works', async () => {
    const res = await presigned(300);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<Arn>arn:aws:iam::123456789012:user\/admin<\/Arn>/);
  });

  test('an expired presigned URL is refused', async () => {
    const res = await presigned(60, new Date(Date.now() - 10 * 60_000));
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
  });

  test('a week-long X-Amz-Expires buys no more than 15 minutes', async () => {
    assert.equal((await presigned(7 * 24 * 3600, new Date(Date.now() - 14 * 60_000))).status, 200);
    const res = await presigned(7 * 24 * 3600, new Date(Date.now() - 16 * 60_000));
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Message>Signature expired: .* - 900 sec\.\)<\/Message>/);
  });
});
