import pLimit, { type LimitFunction } from 'p-limit';
import type { FetchOutcome, Settings, Source, Validators } from '../model.js';
import { fetchSource, type FetchSourceOptions } from './fetchSource.js';
import type { HttpClient } from './httpClient.js';

export interface FetchAllOptions {
  settings: Pick<Settings, 'concurrency' | 'perHostConcurrency'> & FetchSourceOptions['settings'];
  /** Epoch ms: sources not started by then are skipped, fetches still running are aborted. */
  deadline: number;
  /** The validators remembered for a source, sent as a conditional GET. */
  validators?: (id: string) => Validators | undefined;
}

export interface FetchResult {
  source: Source;
  outcome: FetchOutcome;
}

/** setTimeout fires at once for delays above 2^31 − 1 ms (~24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Fetches every source with bounded concurrency, in total and per origin, and yields each result
 * as soon as it completes, so the caller parses one body while others are still downloading.
 * Yields exactly one result per source and never throws. Fetches keep going while the caller's
 * loop body runs; only the deadline stops them.
 */
export async function* fetchAll(
  client: HttpClient,
  sources: readonly Source[],
  options: FetchAllOptions,
): AsyncGenerator<FetchResult, void, undefined> {
  const { settings, deadline } = options;
  const run = new AbortController();
  const timer = setTimeout(() => run.abort(), Math.min(Math.max(0, deadline - Date.now()), MAX_TIMER_DELAY_MS));
  timer.unref();

  const globalLimit = pLimit(settings.concurrency);
  const originLimits = new Map<string, LimitFunction>();
  const originLimit = (url: string): LimitFunction => {
    const origin = URL.canParse(url) ? new URL(url).origin : url;
    let limit = originLimits.get(origin);
    if (!limit) originLimits.set(origin, (limit = pLimit(settings.perHostConcurrency)));
    return limit;
  };

  const fetchOne = (source: Source): Promise<FetchOutcome> => {
    if (run.signal.aborted || Date.now() >= deadline) return Promise.resolve(notStarted());
    const validators = options.validators?.(source.id);
    return fetchSource(client, source, { settings, validators, signal: run.signal, deadline });
  };

  const finished: FetchResult[] = [];
  let wake: (() => void) | undefined;
  for (const source of sources) {
    // Origin slot first: a task holding a global slot while it queues for a busy origin would
    // keep that slot from every other host.
    originLimit(source.url)(() => globalLimit(() => fetchOne(source)))
      .catch((error: unknown) => internalFailure(error))
      .then((outcome) => {
        finished.push({ source, outcome });
        wake?.();
      });
  }

  try {
    for (let yielded = 0; yielded < sources.length; yielded += 1) {
      while (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      yield finished.shift()!;
    }
  } finally {
    clearTimeout(timer);
    run.abort();
  }
}

function notStarted(): FetchOutcome {
  const failure = { code: 'deadline', message: "not started: the run's time budget ran out" } as const;
  return { status: 'failed', failure, bytes: 0, durationMs: 0, attempts: 0 };
}

function internalFailure(error: unknown): FetchOutcome {
  const message = `unexpected error while fetching: ${error instanceof Error ? error.message : String(error)}`;
  return { status: 'failed', failure: { code: 'internal', message }, bytes: 0, durationMs: 0, attempts: 0 };
}
