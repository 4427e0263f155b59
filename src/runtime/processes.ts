// What the kernel says about an environment's processes and sockets (Linux /proc): which
// processes descend from its launcher, and who holds the other end of a loopback TCP
// connection. The Runtime API uses it to serve only its own environment.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `pid` and every process descending from it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid);
    if (list) list.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface LoopbackSocket {
  inode: number;
  uid: number;
}

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
const LOOPBACK = '0100007F';

/** The client socket of a 127.0.0.1 connection from `clientPort` to `serverPort`, as /proc/net/tcp lists it. */
export function loopbackClientSocket(clientPort: number, serverPort: number): LoopbackSocket | undefined {
  const local = `${LOOPBACK}:${hexPort(clientPort)}`;
  const remote = `${LOOPBACK}:${hexPort(serverPort)}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const cols = line.trim().split(/\s+/);
    if (cols[1] === local && cols[2] === remote) return { uid: Number(cols[7]), inode: Number(cols[9]) };
  }
  return undefined;
}

/** Whether one of `pids` has the socket open. */
export function holdsSocket(pids: number[], inode: number): boolean {
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/** The highest resident set size (VmHWM) of any process of the tree, in MB. */
export function peakMemoryMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (hwm) kb = Math.max(kb, Number(hwm));
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}
