// Unpacking hostile deployment packages and layers (src/runtime/zip.ts): nothing may be written,
// changed or deleted outside the directory, through a link of the package or of an earlier
// layer; links that stay inside the package are kept, as Lambda keeps them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8, type Zippable } from 'fflate';
import { extractZip } from '../../src/runtime/zip.js';

const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

type Entry = { file: string; mode?: number } | { link: string } | { device: true };

/** A zip as `zip -y` writes it: Unix modes in the external attributes, links as their target text. */
function pack(entries: [string, Entry][]): Uint8Array {
  const z: Zippable = {};
  for (const [name, e] of entries) {
    if ('file' in e) z[name] = [strToU8(e.file), { os: 3, attrs: (S_IFREG | (e.mode ?? 0o644)) << 16 }];
    else if ('link' in e) z[name] = [strToU8(e.link), { os: 3, attrs: (S_IFLNK | 0o777) << 16 }];
    else z[name] = [strToU8(''), { os: 3, attrs: (S_IFCHR | 0o666) << 16 }];
  }
  return zipSync(z);
}

let scratch: string;
let outside: string;
let root: string;
before(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-zip-'));
  outside = path.join(scratch, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'victim.txt'), 'untouched');
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const fresh = () => {
  root = fs.mkdtempSync(path.join(scratch, 'code-'));
  return root;
};
const outsideIntact = () => {
  assert.deepEqual(fs.readdirSync(outside), ['victim.txt']);
  assert.equal(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'untouched');
};

test('a link to a directory outside, then a file "through" it: the link is dropped and nothing is written outside', async () => {
  const dir = fresh();
  await extractZip(pack([
    ['escape', { link: outside }],
    ['escape/pwned.txt', { file: 'owned' }],
    ['up', { link: '../outside' }],
    ['up/victim.txt', { file: 'overwritten' }],
    ['index.js', { file: 'exports.handler = async () => 1;' }],
  ]), dir);
  outsideIntact();
  assert.equal(fs.readFileSync(path.join(dir, 'index.js'), 'utf8'), 'exports.handler = async () => 1;');
  // The entries under the refused links became real directories of the package, inside it.
  assert.equal(fs.lstatSync(path.join(dir, 'escape')).isDirectory(), true);
  assert.equal(fs.readFileSync(path.join(dir, 'up', 'victim.txt'), 'utf8'), 'overwritten');
});

test('absolute, "..", drive and NUL names are skipped', async () => {
  const dir = fresh();
  await extractZip(pack([
    [path.join(outside, 'abs.txt'), { file: 'x' }],
    ['../outside/dots.txt', { file: 'x' }],
    ['a/../../outside/dots2.txt', { file: 'x' }],
    ['C:/outside/drive.txt', { file: 'x' }],
    ['ok.txt', { file: 'fine' }],
  ]), dir);
  outsideIntact();
  assert.deepEqual(fs.readdirSync(dir), ['ok.txt']);
});

test('links inside the package are kept (node_modules/.bin style, same-directory library links)', async () => {
  const dir = fresh();
  await extractZip(pack([
    ['node_modules/typescript/bin/tsc', { file: '#!/usr/bin/env node\n', mode: 0o755 }],
    ['node_modules/.bin/tsc', { link: '../typescript/bin/tsc' }],
    ['lib/libfoo.so.1', { file: 'ELF' }],
    ['lib/libfoo.so', { link: 'libfoo.so.1' }],
    ['etc', { link: '/etc' }],
  ]), dir);
  assert.equal(fs.readlinkSync(path.join(dir, 'node_modules/.bin/tsc')), '../typescript/bin/tsc');
  assert.equal(fs.readFileSync(path.join(dir, 'lib/libfoo.so'), 'utf8'), 'ELF');
  assert.equal(fs.statSync(path.join(dir, 'node_modules/typescript/bin/tsc')).mode & 0o777, 0o755);
  assert.equal(fs.existsSync(path.join(dir, 'etc')), false, 'an absolute link is not kept');
});

test('a link made by one layer is never written through by the next', async () => {
  const dir = fresh();
  // Layer 1 holds an inside link; layer 2 tries to replace it with an escaping one and write through both.
  await extractZip(pack([['real/f.txt', { file: 'layer 1' }], ['via', { link: 'real' }]]), dir);
  await extractZip(pack([['via/f.txt', { file: 'layer 2 through the link' }], ['esc', { link: '../../outside' }]]), dir);
  await extractZip(pack([['esc/victim.txt', { file: 'layer 3' }]]), dir);
  outsideIntact();
  assert.equal(fs.readFileSync(path.join(dir, 'real/f.txt'), 'utf8'), 'layer 1', 'layer 2 did not write through layer 1\'s link');
  assert.equal(fs.lstatSync(path.join(dir, 'esc')).isDirectory(), true);
});

test('a file entry where a link already stands replaces the link, it does not write to its target', async () => {
  const dir = fresh();
  const target = path.join(outside, 'victim.txt');
  // Planted as if by an earlier, older unpacker: a link to the victim.
  fs.symlinkSync(target, path.join(dir, 'handler.js'));
  await extractZip(pack([['handler.js', { file: 'new code' }]]), dir);
  outsideIntact();
  assert.equal(fs.lstatSync(path.join(dir, 'handler.js')).isSymbolicLink(), false);
  assert.equal(fs.readFileSync(path.join(dir, 'handler.js'), 'utf8'), 'new code');
});

test('device entries are skipped', async () => {
  const dir = fresh();
  await extractZip(pack([['dev-null', { device: true }], ['a.txt', { file: 'a' }]]), dir);
  assert.deepEqual(fs.readdirSync(dir), ['a.txt']);
});
