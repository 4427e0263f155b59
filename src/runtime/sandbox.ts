// What keeps a function away from Latchkey's own files. AWS runs function code as an
// unprivileged sandbox user that sees nothing of the service around it; Latchkey gets as close
// as the host allows, chosen once when the runtime starts:
//   user       Latchkey runs as root and nobody can reach the runtime's files: functions run as
//              nobody (65534); the state directory is 0700, so they cannot open it.
//   namespace  Otherwise, where util-linux `unshare` and `setpriv` work: functions start in their
//              own user and mount namespace in which each hidden path is covered by an empty,
//              unreadable tmpfs (a file by /dev/null); then every capability is dropped, so the
//              function cannot unmount the cover. Processes outside the namespace (Latchkey's
//              /proc/<pid>/environ) are out of reach for a capability-less process too.
//   none       Neither is possible: functions run as Latchkey's user. Said loudly at start-up.
// Environment variables are never inherited in any mode (launch.ts builds them from scratch).
import { execFile } from 'node:child_process';
import { constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LaunchPlan } from './environment.js';

export type SandboxMode = 'user' | 'namespace' | 'none';

export interface Sandbox {
  readonly mode: SandboxMode;
  /** One line for Latchkey's start-up output. */
  readonly description: string;
  /** The launch with its confinement applied. */
  confine(plan: LaunchPlan): LaunchPlan;
}

export interface SandboxOptions {
  /** Paths functions must not read: the state directory, the world file, ~/.aws (those that exist). */
  hide: string[];
  /** Files the function process must reach to start at all (the language binary, bootstraps, the SDK). */
  needs: string[];
  /** Forces a mode (tests); by default the strongest the host allows. */
  mode?: SandboxMode;
}

const NOBODY = 65534;

/** The mount script run inside the new namespace: cover each hidden path, then exec the runtime. */
const COVER_AND_EXEC = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  '  if [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=000 latchkey-hidden "$1" || exit 126;',
  '  else mount --bind /dev/null "$1" || exit 126; fi',
  '  shift; n=$((n - 1))',
  'done',
  'exec setpriv --bounding-set -all --inh-caps -all -- "$@"',
].join('\n');

const namespaceLaunch = (hide: string[], command: string, args: string[]) => ({
  command: 'unshare',
  args: ['--user', '--map-root-user', '--mount', '--', '/bin/sh', '-c', COVER_AND_EXEC, 'latchkey-sandbox', String(hide.length), ...hide, command, ...args],
});

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

/** Tries the whole namespace launch once, covering a scratch directory. */
function namespacesWork(): Promise<boolean> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-probe-'));
  const probe = namespaceLaunch([dir], '/bin/sh', ['-c', 'exit 0']);
  return new Promise((resolve) => {
    execFile(probe.command, probe.args, { timeout: 5_000 }, (err) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(!err);
    });
  });
}

export async function chooseSandbox(options: SandboxOptions): Promise<Sandbox> {
  const hide = options.hide.map((p) => path.resolve(p)).filter((p) => existsSync(p));
  const isRoot = process.getuid?.() === 0;
  let mode = options.mode;
  let why = '';
  if (!mode) {
    const unreachable = isRoot ? options.needs.find((p) => !reachableByOthers(p)) : undefined;
    if (isRoot && !unreachable) mode = 'user';
    else if (await namespacesWork()) mode = 'namespace';
    else {
      mode = 'none';
      why = `user namespaces (unshare, setpriv) are not available on this host${unreachable ? `, and nobody cannot read ${unreachable}` : ''}`;
    }
  }
  if (mode === 'user') {
    return {
      mode,
      description: 'functions run as user nobody (65534); the state directory is private to Latchkey',
      confine: (plan) => ({ ...plan, uid: NOBODY, gid: NOBODY }),
    };
  }
  if (mode === 'namespace') {
    return {
      mode,
      description: `functions run in their own mount namespace without ${hide.join(', ')}`,
      confine: (plan) => ({ ...plan, ...namespaceLaunch(hide, plan.command, plan.args) }),
    };
  }
  return {
    mode,
    description: `WARNING: functions run as Latchkey's own user and could read ${hide.join(', ')} (${why || 'sandbox disabled'})`,
    confine: (plan) => plan,
  };
}
