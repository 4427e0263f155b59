// IPv4 and IPv6 addresses and CIDR ranges for IpAddress / NotIpAddress. IPv4 fits in a
// number; IPv6 needs a bigint.

export interface Ip {
  v6: boolean;
  value: number | bigint;
}

export interface Cidr extends Ip {
  prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): number | null {
  const m = V4.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

function parseV6(text: string): bigint | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  let groups: string[];
  const double = text.indexOf('::');
  if (double >= 0) {
    if (text.indexOf('::', double + 1) >= 0) return null;
    const left = text.slice(0, double) ? text.slice(0, double).split(':') : [];
    const right = text.slice(double + 2) ? text.slice(double + 2).split(':') : [];
    const tailWords = right.length > 0 && right[right.length - 1]!.includes('.') ? 1 : 0;
    const missing = 8 - (left.length + right.length + tailWords);
    if (missing < 1) return null;
    groups = [...left, ...new Array<string>(missing).fill('0'), ...right];
  } else {
    groups = text.split(':');
  }
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = groups[groups.length - 1]!;
  if (last.includes('.')) {
    const v4 = parseV4(last);
    if (v4 === null) return null;
    groups.splice(groups.length - 1, 1, (v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
  }
  if (groups.length !== 8) return null;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(text: string): Ip | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = text.includes(':') ? parseV6(text) : null;
  return v6 === null ? null : { v6: true, value: v6 };
}

/** A CIDR range; a bare address is a /32 (IPv4) or /128 (IPv6). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = ip.v6 ? 128 : 32;
  if (slash < 0) return { ...ip, prefix: bits };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return null;
  return { ...ip, prefix: Number(p) };
}

export function cidrContains(range: Cidr, ip: Ip): boolean {
  if (range.v6 !== ip.v6) return false;
  if (range.prefix === 0) return true;
  if (!ip.v6) {
    return ((ip.value as number) ^ (range.value as number)) >>> (32 - range.prefix) === 0;
  }
  return ((ip.value as bigint) ^ (range.value as bigint)) >> BigInt(128 - range.prefix) === 0n;
}
