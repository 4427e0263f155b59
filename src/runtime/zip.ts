// Unpacking deployment packages and layers: fflate for the data, our own read of the
// central directory for the Unix modes (fflate does not expose them), so that an
// executable `bootstrap` stays executable and symlinks inside the package survive. The
// package is hostile input: see SafeWriter.
import { constants } from 'node:fs';
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

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** The entry's path as parts under the root, or undefined when it would leave it (absolute, `..`, NUL). */
function entryParts(name: string): string[] | undefined {
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || normalized.includes('\0') || /^[A-Za-z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts;
}

/**
 * Writes a deployment package or layer into a directory without ever following a link: every
 * directory on an entry's way must be a real directory (made here or found as one), files are
 * created afresh with O_NOFOLLOW, and symlinks are made last. A link is kept, as Lambda keeps
 * them, only when its target is relative and stays inside the root (seen from where the link
 * is); devices, FIFOs and sockets are skipped. So a package cannot make Latchkey write or
 * delete anything outside the directory, and a later entry or layer never writes through an
 * earlier link.
 */
class SafeWriter {
  /** Directories known to be real ones, made or checked already. */
  private readonly real = new Set<string>();

  constructor(private readonly root: string) {
    this.real.add(root);
  }

  /** The directory `parts` names, made where missing; undefined when a link or a file is in the way. */
  async directory(parts: string[]): Promise<string | undefined> {
    let dir = this.root;
    for (const part of parts) {
      dir = path.join(dir, part);
      if (this.real.has(dir)) continue;
      const st = await fs.lstat(dir).catch(() => undefined);
      if (!st) await fs.mkdir(dir, { mode: 0o755 });
      else if (!st.isDirectory()) return undefined;
      this.real.add(dir);
    }
    return dir;
  }

  /**
   * Where an entry goes, with whatever an earlier entry or layer left there removed (a file or
   * a link: unlinked, never followed); undefined when a directory or a link is in the way.
   */
  private async freshPlace(parts: string[]): Promise<string | undefined> {
    const dir = await this.directory(parts.slice(0, -1));
    if (!dir) return undefined;
    const at = path.join(dir, parts[parts.length - 1]!);
    const st = await fs.lstat(at).catch(() => undefined);
    if (st?.isDirectory()) return undefined;
    if (st) await fs.unlink(at);
    return at;
  }

  async file(parts: string[], data: Uint8Array, executable: boolean): Promise<void> {
    const target = await this.freshPlace(parts);
    if (!target) return;
    // Readable by everyone, executable by everyone when the owner may execute: AWS unpacks
    // code 0644 / 0755, and a sandboxed function runs as a user other than the unpacker.
    const handle = await fs.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, executable ? 0o755 : 0o644);
    try {
      await handle.writeFile(data);
      await handle.chmod(executable ? 0o755 : 0o644);
    } finally {
      await handle.close();
    }
  }

  async symlink(parts: string[], linkTarget: string): Promise<void> {
    if (linkTarget.startsWith('/') || linkTarget.includes('\0') || linkTarget === '') return;
    const resolved = path.resolve(this.root, ...parts.slice(0, -1), linkTarget);
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) return;
    const at = await this.freshPlace(parts);
    if (at) await fs.symlink(linkTarget, at);
  }
}

/** Extracts a zip into `dir` (created if needed); later calls overwrite earlier files, as layers do. */
export async function extractZip(zip: Uint8Array, dir: string): Promise<void> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true, mode: 0o755 });
  const entries = unzipSync(zip);
  const modes = unixModes(zip);
  const writer = new SafeWriter(root);
  const links: [string[], string][] = [];
  for (const [name, data] of Object.entries(entries)) {
    const parts = entryParts(name);
    if (!parts) continue;
    const mode = modes.get(name) ?? 0;
    const type = mode & S_IFMT;
    if (name.endsWith('/') || type === S_IFDIR) await writer.directory(parts);
    else if (type === S_IFLNK) links.push([parts, Buffer.from(data).toString('utf8')]);
    else if (type === 0 || type === S_IFREG) await writer.file(parts, data, (mode & 0o100) !== 0);
    // Devices, FIFOs and sockets have no place in a package.
  }
  for (const [parts, target] of links) await writer.symlink(parts, target);
}
