import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { messageOf } from '../core/errors.js';
import type { FetchOutcome, Settings, Source, Validators } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import { type FetchSourceOptions, fetchSource, unfetched } from './fetchSource.js';
import type { HttpClient } from './httpClient.js';
import { StartSpacing } from './startSpacing.js';

export interface FetchAllOptions {
  settings: Pick<Settings, 'concurrency' | 'perHostConcurrency' | 'perHostDelayMs'> & FetchSourceOptions['settings'];
  /** Epoch ms: sources not started by then are skipped, fetches still running are aborted. */
  deadline: number;
  /** The validators remembered for a source, sent as a conditional GET. */
  validators?: (id: string) => Validators | undefined;
  /** A source's own request headers, secrets already resolved. */
  headers?: (id: string) => Record<string, string> | undefined;
}

export interface FetchResult {
  source: Source;
  outcome: FetchOutcome;
}

/** What fetchAll keeps per origin (scheme + host + port). */
interface Origin {
  slots: Semaphore;
  spacing: StartSpacing;
}

/**
 * Bodies in memory at once, downloaded or being read, the one the caller works on included. The
 * caller parses one at a time, so a few ready are enough to keep it busy; the other responses wait
 * in their sockets, where TCP holds them back, rather than in memory. A body per request in flight
 * let peak memory grow with concurrency (BENCHMARKS.md, scenario 4 and its notes).
 */
const BODIES_IN_MEMORY = 4;

/** setTimeout fires at once for delays above 2^31 − 1 ms (~24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Fetches every source with bounded concurrency, in total and per origin, and yields each result
 * as soon as it completes, so the caller parses one body while others are still downloading.
 * Yields exactly one result per source and never throws. Only the deadline stops fetches.
 *
 * Requests in flight never exceed `concurrency`, in total and per origin. Bodies in memory never
 * exceed BODIES_IN_MEMORY, however slow the caller and however high `concurrency`: a response is
 * read only once a body slot is free, which it keeps until the caller comes back for the next
 * result. Peak memory is therefore about BODIES_IN_MEMORY × maxBytes of bodies, not
 * concurrency × maxBytes nor sources × maxBytes; a slow caller holds back reading, not asking.
 */
export async function* fetchAll(
  client: HttpClient,
  sources: readonly Source[],
  options: FetchAllOptions,
): AsyncGenerator<FetchResult, void, undefined> {
  const run = abortAt(options.deadline);
  const limits: Limits = {
    client,
    options,
    signal: run.signal,
    requests: new Semaphore(options.settings.concurrency),
    bodies: new Semaphore(BODIES_IN_MEMORY),
    originOf: perOrigin(options.settings),
  };
  const arrivals = new Arrivals<FetchResult>();
  startOnePerTurn(sources, (source) =>
    fetchOne(source, limits)
      .catch((error: unknown) => internalFailure(error))
      .then((outcome) => arrivals.push({ source, outcome })),
  );
  try {
    for (let yielded = 0; yielded < sources.length; yielded += 1) {
      const result = await arrivals.next();
      yield result;
      // The caller is back for the next result, so it is done with this one's body.
      if (result.outcome.status === 'ok') limits.bodies.release();
    }
  } finally {
    run.stop();
  }
}

/** What bounds every fetch of one fetchAll call. */
interface Limits {
  client: HttpClient;
  options: FetchAllOptions;
  /** Aborts at the deadline, or when the caller stops early. */
  signal: AbortSignal;
  requests: Semaphore;
  bodies: Semaphore;
  originOf: (url: string) => Origin;
}

/** A successful outcome still holds its body slot, which fetchAll releases once the caller is done with it. */
async function fetchOne(
  source: Source,
  { client, options, signal, requests, bodies, originOf }: Limits,
): Promise<FetchOutcome> {
  const { settings, deadline } = options;
  const origin = originOf(source.url);
  // Origin slot first: a task holding a global slot while it queues for a busy origin would
  // keep that slot from every other host.
  await origin.slots.acquire();
  try {
    await origin.spacing.first(signal, () => requests.acquire());
    try {
      if (signal.aborted || Date.now() >= deadline) return notStarted();
      return await fetchSource(client, source, {
        settings,
        validators: options.validators?.(source.id),
        headers: options.headers?.(source.id),
        signal,
        deadline,
        beforeRetry: () => origin.spacing.again(signal),
        bodySlot: bodies,
      });
    } finally {
      requests.release();
    }
  } finally {
    origin.slots.release();
  }
}

/** Aborts at `deadline`, or at stop(), whichever comes first. */
function abortAt(deadline: number): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.min(Math.max(0, deadline - Date.now()), MAX_TIMER_DELAY_MS));
  timer.unref();
  return {
    signal: controller.signal,
    stop: () => {
      clearTimeout(timer);
      controller.abort();
    },
  };
}

/** The slots and spacing of each origin, made when the origin is first asked for. */
function perOrigin(settings: FetchAllOptions['settings']): (url: string) => Origin {
  const origins = new Map<string, Origin>();
  return (url) => {
    const key = URL.canParse(url) ? new URL(url).origin : url;
    let origin = origins.get(key);
    if (!origin) {
      origin = {
        slots: new Semaphore(settings.perHostConcurrency),
        spacing: new StartSpacing(settings.perHostDelayMs),
      };
      origins.set(key, origin);
    }
    return origin;
  };
}

/**
 * One start per event-loop turn. Started all at once, every request would wait for the last one
 * to be set up before any socket could send (each connects and writes in a later turn), so the
 * first sources, which are the slowest (see longestFirst), would gain nothing by it.
 */
function startOnePerTurn(sources: readonly Source[], start: (source: Source) => Promise<void>): void {
  void (async () => {
    for (const source of sources) {
      void start(source);
      await yieldToEventLoop();
    }
  })();
}

/** Results in the order they arrive; next() waits when none is there yet. */
class Arrivals<T> {
  private readonly arrived: T[] = [];
  private wake: (() => void) | undefined;

  push(result: T): void {
    this.arrived.push(result);
    this.wake?.();
  }

  async next(): Promise<T> {
    while (this.arrived.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.arrived.shift()!;
  }
}

function notStarted(): FetchOutcome {
  return unfetched({ code: 'deadline', message: "not started: the run's time budget ran out" });
}

function internalFailure(error: unknown): FetchOutcome {
  return unfetched({ code: 'internal', message: `unexpected error while fetching: ${messageOf(error)}` });
}
