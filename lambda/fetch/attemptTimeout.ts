/** The clock is read once per tick: a twentieth of the timeout. */
const TICKS_PER_TIMEOUT = 20;
/** A gap between ticks longer than this many ticks is the event loop having been blocked. */
const MAX_TICKS_PER_GAP = 2;

export interface AttemptTimeout {
  /** Aborts, with a TimeoutError, once the attempt has had its time. */
  readonly signal: AbortSignal;
  /** Stops the clock; call it when the attempt is over, however it ended. */
  clear(): void;
  /** Stops counting until resume(): for waits of our own making, not the server's. */
  pause(): void;
  resume(): void;
}

/**
 * A time limit for one attempt that does not count time the event loop was blocked, in the
 * spirit of undici's own timers. While the loop is blocked (the pipeline parsing another
 * source's big body, say) a response that has arrived waits unread in its socket; a plain
 * clock-based limit would then fail it as timed out the moment the loop is free, though the
 * server was not slow. Here time is summed tick by tick and a gap between ticks counts for at
 * most two ticks (10 % of the limit), however long the loop was blocked. The run's deadline stays
 * a wall-clock limit, so blocked time still cannot stretch a run.
 */
export function attemptTimeout(timeoutMs: number): AttemptTimeout {
  const controller = new AbortController();
  const tickMs = timeoutMs / TICKS_PER_TIMEOUT;
  let spent = 0;
  let lastTick = performance.now();
  let paused = false;
  const timer = setInterval(() => {
    const now = performance.now();
    if (!paused) spent += Math.min(now - lastTick, MAX_TICKS_PER_GAP * tickMs);
    lastTick = now;
    if (spent < timeoutMs) return;
    clearInterval(timer);
    controller.abort(new DOMException(`no complete response within ${timeoutMs} ms`, 'TimeoutError'));
  }, tickMs);
  // A request in flight keeps the process alive; a forgotten limit must not.
  timer.unref();
  return {
    signal: controller.signal,
    clear: () => clearInterval(timer),
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      lastTick = performance.now();
    },
  };
}
