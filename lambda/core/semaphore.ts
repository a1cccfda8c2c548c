/**
 * A counting semaphore whose slots are handed out first come, first served. Unlike p-limit, which
 * frees a slot when a function's promise settles, a slot here is held until `release()` is
 * called, so it can outlive the work that took it (fetchAll keeps a finished body's slot until
 * the caller takes the body).
 */
export class Semaphore {
  readonly #waiting: (() => void)[] = [];
  #free: number;

  /** @param slots how many holders at once, at least 1 */
  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 1) {
      throw new TypeError(`Expected \`slots\` to be an integer of at least 1, got \`${slots}\` (${typeof slots})`);
    }
    this.#free = slots;
  }

  /**
   * Resolves once the caller holds a slot. Rejects with `signal`'s reason if it aborts first; the
   * caller then holds nothing.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(granted), 1);
        reject(signal!.reason);
      };
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(granted);
    });
  }

  /** Runs `work` holding a slot, given back however it ends. */
  async run<Result>(work: () => Promise<Result>): Promise<Result> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Gives a slot back: to the longest waiter, if any. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}
