// What keeps a function away from Latchkey, from other functions and from the host. AWS runs
// each execution environment in its own microVM, as an unprivileged user, with its own /tmp;
// Latchkey gets as close as the host allows, chosen once when the runtime starts:
//
//   isolated   Latchkey is root and mount namespaces work. Each environment gets its own user
//              id (never Latchkey's, never shared), its own PID namespace (it sees and signals
//              only its own processes) and its own mount namespace, in which: the state
//              directory, the world file and Latchkey's home are covered; every other
//              function's code is absent; its own code and layers and the runtime are
//              read-only; /tmp, /dev/shm and /var/tmp are private to it.
//   user       Latchkey is root but namespaces fail (e.g. a container without CAP_SYS_ADMIN).
//              Each environment still gets its own user id, so Latchkey's 0700 state
//              directory, Latchkey's and other environments' processes are out of its reach;
//              but /tmp is shared and other functions' code is readable.
//   namespace  Latchkey is not root and user namespaces work: the mount and PID namespaces of
//              `isolated`, but the function's user is Latchkey's own, mapped; so every mount
//              it sees is made read-only (but its private /tmp), and every capability is
//              dropped so that it cannot lift a cover.
//   none       Nothing works: functions run as Latchkey's user. Said loudly at start-up, and
//              functions of only one account may run unless --unsafe-shared-sandbox is given.
// Environment variables are never inherited in any mode (launch.ts builds them from scratch).
import { execFile } from 'node:child_process';
import { constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LaunchPlan } from './environment.js';

export type SandboxMode = 'isolated' | 'user' | 'namespace' | 'none';
export const SANDBOX_MODES: readonly SandboxMode[] = ['isolated', 'user', 'namespace', 'none'];

export interface Sandbox {
  readonly mode: SandboxMode;
  /** One line for Latchkey's start-up output. */
  readonly description: string;
  /** Whether functions of different accounts are kept from each other (false only in `none`). */
  readonly isolatesAccounts: boolean;
  /** The user id an environment runs as, when the mode gives each its own (else undefined). */
  uidFor(layout: FunctionLayout): number | undefined;
  /** The launch with its confinement applied. */
  confine(plan: LaunchPlan, layout: FunctionLayout): LaunchPlan;
}

export interface SandboxOptions {
  /** Paths functions must not read: the state directory, the world file (those that exist). */
  hide: string[];
  /** Paths function processes of any runtime must reach (runtimeNeeds): the `user` mode checks other users can. */
  needs: string[];
  /** Forces a mode (tests, LATCHKEY_SANDBOX); by default the strongest the host allows. */
  mode?: SandboxMode;
}

/** Where an environment's files are: the runtime's work directory, and inside it this function's code and layers. */
export interface FunctionLayout {
  workDir: string;
  taskRoot: string;
  optDir: string;
  /** An empty directory of this environment under workDir, used while rearranging the mounts. */
  stageDir: string;
  /** A number no other environment of this runtime ever had: the environment's own user id comes from it. */
  serial: number;
  /** What this environment's process must reach (runtimeNeeds for its runtime): shown where covered. */
  needs: string[];
}

/**
 * Environments' user ids: far above the ids Linux distributions hand out (users from 1000,
 * subordinate ids from 100000 in blocks of 65536), so that none belongs to a real account.
 */
export const ENVIRONMENT_UID_BASE = 3_000_000;
/** The environment user's name, as on Lambda. */
const SANDBOX_USER = 'sbx_user1051';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** Every directory on the way to `p` is searchable by others and `p` itself readable. */
export function reachableByOthers(p: string): boolean {
  try {
    let dir = path.resolve(p);
    if ((statSync(dir).mode & constants.S_IROTH) === 0) return false;
    for (dir = path.dirname(dir); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & constants.S_IXOTH) === 0) return false;
      if (path.dirname(dir) === dir) return true;
    }
  } catch {
    return false;
  }
}

interface Cover {
  path: string;
  /** hidden: empty and unreadable; open: empty, so revealed paths can be put back inside; private: a writable tmpfs of its own. */
  kind: 'hidden' | 'open' | 'private';
  size?: string;
}

/**
 * The shell script run inside the new namespaces, as root there (real root in `isolated`, the
 * mapped root of a user namespace in `namespace`). It binds what the function needs (its code
 * and layers, the runtime, the language) into a staging tmpfs (held as the working directory,
 * so it stays reachable by relative paths once covered), lays the covers, puts those paths back
 * read-only at their own places, then drops to the environment's user with no capabilities and
 * execs the runtime.
 */
export function namespaceScript(o: {
  stage: string;
  /** Paths to show read-only where they are covered; `dir`: a directory (else a file). */
  reveal: { path: string; dir: boolean }[];
  covers: Cover[];
  readOnlyEverything: boolean;
  uid?: number;
  /** The working directory the runtime starts in (its code). */
  cwd?: string;
}): string {
  // Few processes: each `mount` or `mkdir` is one exec, and they add up in every cold start.
  const kept = o.reveal.map((r, i) => ({ ...r, name: `r${i}` }));
  const q = (paths: string[]) => paths.map(quote).join(' ');
  const lines = [
    `mount -t tmpfs -o size=64k,mode=700 latchkey-stage ${quote(o.stage)} && cd ${quote(o.stage)} || exit 126`,
  ];
  const keptDirs = kept.filter((k) => k.dir).map((k) => k.name);
  if (keptDirs.length) lines.push(`mkdir ${keptDirs.join(' ')} || exit 126`);
  for (const k of kept) lines.push(`${k.dir ? '' : `: > ${k.name} && `}mount --bind ${quote(k.path)} ${k.name} || exit 126`);
  for (const c of o.covers) {
    if (c.kind === 'hidden') {
      lines.push(`if [ -d ${quote(c.path)} ]; then mount -t tmpfs -o size=4k,mode=000 latchkey-hidden ${quote(c.path)}; else mount --bind /dev/null ${quote(c.path)}; fi || exit 126`);
    } else {
      const mode = c.kind === 'open' ? '755' : '1777';
      lines.push(`mount -t tmpfs -o size=${c.size ?? '16k'},mode=${mode} latchkey-${c.kind} ${quote(c.path)} || exit 126`);
    }
  }
  // Put back, read-only, at their own paths (now inside the covers): first every mount point at once.
  const points = [...new Set(kept.map((k) => (k.dir ? k.path : path.dirname(k.path))))];
  if (points.length) lines.push(`mkdir -p ${q(points)} || exit 126`);
  for (const k of kept) lines.push(`${k.dir ? '' : `: > ${quote(k.path)} && `}mount -c --bind -o ro ${k.name} ${quote(k.path)} || exit 126`);
  if (o.uid !== undefined) {
    // The environment's user has a name and a home, as Lambda's sbx_user1051 has (os.homedir()
    // and the SDKs' config lookup fail for a user the system does not know).
    for (const [file, entry] of [['passwd', `${SANDBOX_USER}:x:${o.uid}:${o.uid}::/home/${SANDBOX_USER}:/sbin/nologin`], ['group', `${SANDBOX_USER}:x:${o.uid}:`]]) {
      lines.push(`{ while IFS= read -r l; do printf '%s\\n' "$l"; done < /etc/${file}; printf '%s\\n' '${entry}'; } > ${file} && mount --bind ${file} /etc/${file} || exit 126`);
    }
  }
  if (o.readOnlyEverything) {
    // The function's user owns Latchkey's files here: nothing it sees may be writable but its
    // private directories. (Device nodes stay usable on a read-only mount.)
    const writable = o.covers.filter((c) => c.kind === 'private').map((c) => quote(c.path));
    lines.push(
      'for mp in $(cut -d" " -f5 /proc/self/mountinfo); do',
      `  case "$mp" in /proc|/proc/*|${writable.join('|')}) continue;; esac`,
      '  mount -o remount,bind,ro "$mp" 2>/dev/null',
      'done',
    );
  }
  lines.push(`cd ${quote(o.cwd ?? '/')} || exit 126`);
  const user = o.uid === undefined ? '' : `--reuid=${o.uid} --regid=${o.uid} --clear-groups `;
  lines.push(`exec setpriv ${user}--no-new-privs --bounding-set=-all --inh-caps=-all -- "$@"`);
  return lines.join('\n');
}

function unshareArgs(mode: 'isolated' | 'namespace'): string[] {
  return [
    ...(mode === 'namespace' ? ['--user', '--map-root-user'] : []),
    '--mount', '--propagation', 'private', '--pid', '--fork', '--mount-proc', '--kill-child',
  ];
}

/** Tries the whole namespace launch once, covering a scratch directory and dropping to an environment user. */
function namespacesWork(mode: 'isolated' | 'namespace'): Promise<boolean> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-probe-'));
  const script = namespaceScript({
    stage: dir, reveal: [], covers: [{ path: '/tmp', kind: 'private' }], readOnlyEverything: mode === 'namespace',
    ...(mode === 'isolated' ? { uid: ENVIRONMENT_UID_BASE } : {}),
  });
  return new Promise((resolve) => {
    execFile('unshare', [...unshareArgs(mode), '--', '/bin/sh', '-c', script, 'latchkey-sandbox', '/bin/sh', '-c', 'exit 0'], { timeout: 5_000 }, (err) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(!err);
    });
  });
}

/** Paths the function must not see, and where its private directories go. */
function coversFor(hide: string[], workDir: string): Cover[] {
  const home = os.homedir();
  const covers: Cover[] = hide.map((p) => ({ path: p, kind: 'hidden' }));
  // Latchkey's home (its ~/.aws, keys, shell history): only what the function needs comes back.
  if (home && home !== '/') covers.push({ path: home, kind: 'open', size: '1m' });
  // Every function's code and layers; this one's come back read-only.
  if (!isUnder(workDir, '/tmp')) covers.push({ path: workDir, kind: 'open', size: '1m' });
  covers.push({ path: '/tmp', kind: 'private', size: '512m' });
  for (const p of ['/dev/shm', '/var/tmp']) if (existsSync(p)) covers.push({ path: p, kind: 'private', size: '64m' });
  // A cover laid under one laid before is never seen, and its mount point may be gone.
  return covers.filter((c, i) => !covers.slice(0, i).some((earlier) => earlier.kind !== 'hidden' && isUnder(c.path, earlier.path) && c.path !== earlier.path))
    .filter((c) => existsSync(c.path));
}

export async function chooseSandbox(options: SandboxOptions): Promise<Sandbox> {
  const hide = options.hide.map((p) => path.resolve(p)).filter((p) => existsSync(p));
  const needs = options.needs.map((p) => path.resolve(p));
  const isRoot = process.getuid?.() === 0;
  let mode = options.mode;
  if (!mode) {
    if (isRoot) mode = (await namespacesWork('isolated')) ? 'isolated' : 'user';
    else mode = (await namespacesWork('namespace')) ? 'namespace' : 'none';
  }
  if ((mode === 'isolated' || mode === 'user') && !isRoot) throw new Error(`the ${mode} sandbox needs Latchkey to run as root`);
  const uidFor = (layout: FunctionLayout) => (mode === 'isolated' || mode === 'user' ? ENVIRONMENT_UID_BASE + layout.serial : undefined);

  if (mode === 'user') {
    const unreachable = needs.find((p) => !reachableByOthers(p));
    return {
      mode,
      isolatesAccounts: true,
      description: 'functions run as users of their own (no namespaces on this host: /tmp is shared and functions can read each other\'s code)'
        + (unreachable ? `; WARNING: ${unreachable} is not readable by other users, so functions that need it will not start` : ''),
      uidFor,
      // No /etc/passwd entry can be given to the user here, so it gets a HOME (its /tmp).
      confine: (plan, layout) => ({ ...plan, uid: uidFor(layout)!, gid: uidFor(layout)!, env: { ...plan.env, HOME: '/tmp' } }),
    };
  }
  if (mode === 'isolated' || mode === 'namespace') {
    const shown = [...hide, os.homedir()].join(', ');
    return {
      mode,
      isolatesAccounts: true,
      description: mode === 'isolated'
        ? `functions run as users of their own in their own mount and PID namespaces, with a private /tmp, their own code read-only and neither other functions' code nor ${shown}`
        : `functions run in their own mount and PID namespaces (as Latchkey's user, mapped, on read-only mounts), with a private /tmp, their own code read-only and neither other functions' code nor ${shown}`,
      uidFor,
      confine: (plan, layout) => {
        const covers = coversFor(hide, layout.workDir);
        // Needed paths under a cover come back (once: not inside another that comes back); others
        // are there already. The function's own code and layers come back too.
        const covered = [...layout.needs, layout.taskRoot, layout.optDir].map((p) => path.resolve(p))
          .filter((n) => covers.some((c) => c.kind !== 'hidden' && isUnder(n, c.path)) && existsSync(n));
        const reveal = covered
          .filter((n, i) => !covered.some((m, j) => j !== i && isUnder(n, m) && (n !== m || j < i)))
          .map((p) => ({ path: p, dir: statSync(p).isDirectory() }));
        const uid = uidFor(layout);
        const script = namespaceScript({
          stage: layout.stageDir, reveal, covers, cwd: layout.taskRoot,
          readOnlyEverything: mode === 'namespace', ...(uid !== undefined ? { uid } : {}),
        });
        return { ...plan, command: 'unshare', args: [...unshareArgs(mode), '--', '/bin/sh', '-c', script, 'latchkey-sandbox', plan.command, ...plan.args] };
      },
    };
  }
  return {
    mode,
    isolatesAccounts: false,
    description: `WARNING: functions run as Latchkey's own user and could read ${hide.join(', ') || 'its files'} (${options.mode ? 'sandbox disabled' : 'neither root nor user namespaces (unshare, setpriv) are available on this host'}); functions of only one account will run unless --unsafe-shared-sandbox is given`,
    uidFor,
    confine: (plan) => plan,
  };
}
