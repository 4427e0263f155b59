// Unpacking deployment packages and layers: fflate for the data, our own read of the
// central directory for the Unix modes (fflate does not expose them), so that an
// executable `bootstrap` stays executable and symlinks survive.
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Unix modes by entry name, read from the zip's central directory (0 when absent). */
export function unixModes(zip: Uint8Array): Map<string, number> {
  const modes = new Map<string, number>();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // End of central directory: signature 0x06054b50, within the last 65 KB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return modes;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const utf8 = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  for (let n = 0; n < count && offset + 46 <= zip.length; n++) {
    if (view.getUint32(offset, true) !== 0x02014b50) break;
    const madeBy = view.getUint16(offset + 4, true) >> 8;
    const flags = view.getUint16(offset + 8, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const external = view.getUint32(offset + 38, true);
    const nameBytes = zip.subarray(offset + 46, offset + 46 + nameLength);
    const name = (flags & 0x800 ? utf8 : latin1).decode(nameBytes);
    // 3 = Unix, 19 = macOS: the high 16 bits carry st_mode.
    if (madeBy === 3 || madeBy === 19) modes.set(name, external >>> 16);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

function safeTarget(root: string, name: string): string | undefined {
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || normalized.split('/').includes('..')) return undefined;
  const target = path.resolve(root, normalized);
  if (target !== root && !target.startsWith(root + path.sep)) return undefined;
  return target;
}

/** Extracts a zip into `dir` (created if needed); later calls overwrite earlier files, as layers do. */
export async function extractZip(zip: Uint8Array, dir: string): Promise<void> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const entries = unzipSync(zip);
  const modes = unixModes(zip);
  for (const [name, data] of Object.entries(entries)) {
    const target = safeTarget(root, name);
    if (!target) continue;
    if (name.endsWith('/')) {
      await fs.mkdir(target, { recursive: true });
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const mode = modes.get(name) ?? 0;
    await fs.rm(target, { force: true });
    if ((mode & S_IFMT) === S_IFLNK) {
      await fs.symlink(Buffer.from(data).toString('utf8'), target);
      continue;
    }
    await fs.writeFile(target, data);
    const perms = mode & 0o777;
    // Readable by everyone, executable by everyone when the owner may execute: AWS unpacks code
    // 0644 / 0755, and a sandboxed function runs as a user other than the unpacker.
    await fs.chmod(target, perms & 0o100 ? 0o755 : 0o644);
  }
}
