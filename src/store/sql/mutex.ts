// One at a time, in arrival order: what SQLite's single writer connection needs when a
// transaction's statements are awaited one by one.

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    // The next one waits for this one to settle, whatever its outcome.
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}
