// What keeps a function away from Latchkey's own files. AWS runs function code as an
// unprivileged sandbox user that sees nothing of the service around it; Latchkey gets as close
// as the host allows, chosen once when the runtime starts:
//   user       Latchkey runs as root and nobody can reach the runtime's files: functions run as
//              nobody (65534); the state directory is 0700, so they cannot open it.
//   namespace  Otherwise, where util-linux `unshare` and `setpriv` work: functions start in their
//              own user and mount namespace in which each hidden path is covered by an empty,
//              unreadable tmpfs (a file by /dev/null), and so is the runtime's work directory
//              but for the function's own code and layers, put back read-only; then every
//              capability is dropped, so the function cannot unmount the covers. Processes
//              outside the namespace (Latchkey's /proc/<pid>/environ) are out of reach for a
//              capability-less process too.
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
  confine(plan: LaunchPlan, layout: FunctionLayout): LaunchPlan;
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

/** Where an environment's files are: the runtime's work directory, and inside it this function's code and layers. */
export interface FunctionLayout {
  workDir: string;
  taskRoot: string;
  optDir: string;
  /** An empty directory of this environment under workDir, used while rearranging the mounts. */
  stageDir: string;
}

/**
 * The mount script run inside the new namespace: cover each hidden path; then cover the whole
 * work directory (every function's code and layers) and put back only this function's code
 * and layers, read-only, at their usual paths; then drop every capability and exec the runtime.
 * Putting them back goes through a small staging tmpfs held as the working directory, since the
 * originals cannot be named once the work directory is covered.
 */
const COVER_AND_EXEC = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  '  if [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=000 latchkey-hidden "$1" || exit 126;',
  '  else mount --bind /dev/null "$1" || exit 126; fi',
  '  shift; n=$((n - 1))',
  'done',
  'if [ "$1" = layout ]; then',
  '  work=$2; task=$3; opt=$4; stage=$5; shift 5',
  '  mount -t tmpfs -o size=16k,mode=700 latchkey-stage "$stage" && mkdir "$stage/task" "$stage/opt" || exit 126',
  '  mount --bind "$task" "$stage/task" && mount --bind "$opt" "$stage/opt" && cd "$stage" || exit 126',
  '  mount -t tmpfs -o size=16k,mode=755 latchkey-work "$work" && mkdir -p "$task" "$opt" || exit 126',
  // -c: the sources are relative to the (now hidden) stage; canonicalised, they would name the new tmpfs.
  '  mount -c --bind task "$task" && mount -c -o remount,bind,ro "$task" || exit 126',
  '  mount -c --bind opt "$opt" && mount -c -o remount,bind,ro "$opt" && cd "$task" || exit 126',
  'else shift; fi',
  'exec setpriv --bounding-set -all --inh-caps -all -- "$@"',
].join('\n');

const namespaceLaunch = (hide: string[], layout: FunctionLayout | undefined, command: string, args: string[]) => ({
  command: 'unshare',
  args: [
    '--user', '--map-root-user', '--mount', '--', '/bin/sh', '-c', COVER_AND_EXEC, 'latchkey-sandbox', String(hide.length), ...hide,
    ...(layout ? ['layout', layout.workDir, layout.taskRoot, layout.optDir, layout.stageDir] : ['-']),
    command, ...args,
  ],
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
  const probe = namespaceLaunch([dir], undefined, '/bin/sh', ['-c', 'exit 0']);
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
      description: `functions run in their own mount namespace, seeing their own code read-only and neither other functions' code nor ${hide.join(', ')}`,
      confine: (plan, layout) => ({ ...plan, ...namespaceLaunch(hide, layout, plan.command, plan.args) }),
    };
  }
  return {
    mode,
    description: `WARNING: functions run as Latchkey's own user and could read ${hide.join(', ')} (${why || 'sandbox disabled'})`,
    confine: (plan) => plan,
  };
}
