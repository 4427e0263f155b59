// The request context: the condition keys and values of one request. Key names are
// case-insensitive in IAM, so they are lower-cased once here and never again per statement.

export type ContextValue = string | readonly string[];
export type ContextInput = Record<string, string | number | boolean | readonly string[] | undefined>;

export class RequestContext {
  private readonly values = new Map<string, ContextValue>();

  constructor(entries: ContextInput = {}) {
    for (const key of Object.keys(entries)) {
      const value = entries[key];
      if (value === undefined) continue;
      this.values.set(key.toLowerCase(), Array.isArray(value) ? value : String(value));
    }
  }

  /** Reads a key; `lowerKey` must already be lower-cased. */
  get(lowerKey: string): ContextValue | undefined {
    return this.values.get(lowerKey);
  }
}
