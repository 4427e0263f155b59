// Long polling without busy waiting: a ReceiveMessage that finds nothing sleeps on its queue
// until a message is sent or made visible (SendMessage, ChangeMessageVisibility to 0) or its
// timer runs out (the wait ends, or a delayed or in-flight message becomes visible).

import type { QueueRef } from '../../store/sqs.js';
import type { Deps } from '../operation.js';

const key = (q: QueueRef) => `${q.accountId}|${q.region}|${q.name}`;

export class QueueSignals {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves when `q` is notified, after `ms`, or when `signal` aborts, whichever comes first. */
  wait(q: QueueRef, ms: number, signal?: AbortSignal): Promise<void> {
    const k = key(q);
    return new Promise((resolve) => {
      let set = this.waiters.get(k);
      if (!set) this.waiters.set(k, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set!.delete(done);
        if (set!.size === 0 && this.waiters.get(k) === set) this.waiters.delete(k);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  notify(q: QueueRef): void {
    for (const wake of [...(this.waiters.get(key(q)) ?? [])]) wake();
  }
}

const perDeps = new WeakMap<Deps, QueueSignals>();

export function queueSignals(deps: Deps): QueueSignals {
  let s = perDeps.get(deps);
  if (!s) perDeps.set(deps, (s = new QueueSignals()));
  return s;
}
