// Compiled policies kept by identity and revision, so a policy is parsed, validated and
// compiled once per revision however many requests read it.

import { compilePolicy, type CompiledPolicy, type CompileOptions } from './policy.js';

export class PolicyCache {
  private readonly entries = new Map<string, { revision: string; policy: CompiledPolicy }>();

  constructor(private readonly limit = 10_000) {}

  /** The compiled policy for (id, revision), compiling `document` on a miss. */
  get(id: string, revision: string, document: string | object, options: Omit<CompileOptions, 'id'>): CompiledPolicy {
    const hit = this.entries.get(id);
    if (hit && hit.revision === revision) return hit.policy;
    const policy = compilePolicy(document, { ...options, id });
    if (!hit && this.entries.size >= this.limit) {
      // Drop the oldest entry; Map keeps insertion order.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(id, { revision, policy });
    return policy;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
