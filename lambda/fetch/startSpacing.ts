import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps the starts of requests to one origin at least `delayMs` apart (`perHostDelayMs`), so a
 * host with many sources is asked politely rather than in bursts.
 *
 * A first attempt takes a turn *before* it waits for a global request slot: turns are handed out
 * `delayMs` apart, and a request waiting for its turn holds no slot another host could use.
 * Getting the slot can take a while, and retries need no turn, so two starts can still come
 * closer than `delayMs`; the spacing is therefore checked once more right before each start.
 * That second wait is the only one made holding a slot, and it is short and rare.
 */
export class StartSpacing {
  readonly #delayMs: number;
  /** performance.now() of the next free turn, and of the latest start. */
  #nextTurn = Number.NEGATIVE_INFINITY;
  #lastStart = Number.NEGATIVE_INFINITY;

  /** @param delayMs least time between two starts, in ms; 0 = no spacing */
  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /**
   * For a first attempt: waits for a turn, then for `ready` (the global slot), then until the
   * spacing allows, and counts the request as started. Never rejects unless `ready` does: when
   * `signal` aborts the waits end early and the caller is left to notice.
   */
  async first(signal: AbortSignal, ready: () => Promise<void>): Promise<void> {
    if (this.#delayMs === 0) return ready();
    const turn = Math.max(performance.now(), this.#nextTurn);
    this.#nextTurn = turn + this.#delayMs;
    await pause(turn - performance.now(), signal);
    await ready();
    await this.again(signal);
  }

  /** For a retry, which holds its slot already: waits until the spacing allows and counts the start. */
  async again(signal: AbortSignal): Promise<void> {
    if (this.#delayMs === 0) return;
    // Loop: a start made by another request while this one slept moves the earliest time on.
    for (let wait = this.#waitMs(); wait > 0 && !signal.aborted; wait = this.#waitMs()) await pause(wait, signal);
    this.#lastStart = performance.now();
    this.#nextTurn = Math.max(this.#nextTurn, this.#lastStart + this.#delayMs);
  }

  #waitMs(): number {
    return this.#lastStart + this.#delayMs - performance.now();
  }
}

/** Sleeps `ms`, or less if `signal` aborts first. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await sleep(Math.ceil(ms), undefined, { signal }).catch(() => undefined);
}
