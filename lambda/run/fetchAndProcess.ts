import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FetchOutcome, Settings, Source } from '../core/model.js';
import { fetchAll } from '../fetch/fetchAll.js';
import { unfetched } from '../fetch/fetchSource.js';
import type { HttpClient } from '../fetch/httpClient.js';
import type { FeedDiscovery, FreshSourceResult, SourceResult } from '../process/sourceResult.js';
import { lastFetchMsOf, type SourceState } from '../process/sourceState.js';
import { processStage } from './laterStages.js';
import { resolveHeaders } from './resolveHeaders.js';
import { NO_SECRET_STORE, type SecretCache } from './secretCache.js';

export interface FetchAndProcessOptions {
  settings: Settings;
  /** What earlier runs remembered, by source id. */
  previous: Readonly<Record<string, SourceState>>;
  /** Epoch ms by which fetching must be over. */
  deadline: number;
  /** Ignore remembered validators: refetch everything. */
  force: boolean;
  /** The pipeline's one client: its connections and network policy. */
  client: HttpClient;
  secrets?: SecretCache;
  now: () => number;
  /**
   * Takes each source's fresh items off its result, to storage or away; resolves when the caller
   * may go on. Only the result it returns is held, so a run holds no source's items for long.
   */
  keep: (settled: FreshSourceResult) => Promise<SourceResult>;
  onSettled?: (source: Source, result: SourceResult) => void;
}

/**
 * Fetches sources and turns each outcome into items and a report line, parsing each body as it
 * arrives while others still download. Through the pipeline's one HTTP client; secrets read once.
 * A source whose page links to its feed is followed once, in a second round through the same
 * client and limits.
 */
export async function fetchAndProcess(
  sources: readonly Source[],
  options: FetchAndProcessOptions,
): Promise<Map<string, SourceResult>> {
  const { settings, previous, now } = options;
  const settled = new Map<string, SourceResult>();
  const settle = async (source: Source, outcome: FetchOutcome, discovery?: FeedDiscovery) => {
    const { processSource } = await processStage();
    const result = await options.keep(processSource(source, outcome, previous[source.id], settings, now(), discovery));
    settled.set(source.id, result);
    options.onSettled?.(source, result);
    return result;
  };

  const { headers, failures } = await resolveHeaders(sources, options.secrets ?? NO_SECRET_STORE);
  for (const source of sources) {
    const failure = failures.get(source.id);
    if (failure) await settle(source, unfetched(failure));
  }

  const { client } = options;
  const follows = new Map<string, { source: Source; discovery: FeedDiscovery }>();
  const firstRound = fetchAll(
    client,
    longestFirst(
      sources.filter((source) => !failures.has(source.id)),
      previous,
    ),
    {
      settings,
      deadline: options.deadline,
      validators: (id) => (options.force ? undefined : previous[id]?.validators),
      headers: (id) => headers.get(id),
    },
  );
  for await (const { source, outcome } of firstRound) {
    // Parsing is synchronous CPU work. Taking this result freed a slot; one macrotask turn lets
    // the next request go out and arrived bytes be read before we parse, or a burst of results
    // would be parsed back to back while the network sits idle (BENCHMARKS.md, "Does parsing
    // block the event loop enough to delay fetching?").
    await yieldToEventLoop();
    const result = await settle(source, outcome);
    if (result.follow) follows.set(source.id, { source, discovery: result.follow });
  }
  if (follows.size === 0) return settled;

  // The feed a page announced, fetched once with the page's own id, so limits and the deadline
  // apply as to any source. Credentials go only to the page's own origin.
  const hops = [...follows.values()].map(({ source, discovery }) => ({ ...source, url: discovery.feedUrl }));
  const sameOrigin = (id: string) => {
    const { source, discovery } = follows.get(id)!;
    return new URL(discovery.feedUrl).origin === new URL(source.url).origin ? headers.get(id) : undefined;
  };
  for await (const { source: hop, outcome } of fetchAll(client, hops, {
    settings,
    deadline: options.deadline,
    headers: sameOrigin,
  })) {
    const { source, discovery } = follows.get(hop.id)!;
    await yieldToEventLoop();
    await settle(source, outcome, discovery);
  }
  return settled;
}

/**
 * The sources in the order to ask them: the slowest last time first, and sources never timed
 * before all others; the sources file's order among equals. With fewer slots than sources, a slow
 * source asked last would run on alone after the rest; with a slot for each, the slowest is asked
 * before time goes into starting the others (bench scenario 1).
 */
export function longestFirst(sources: readonly Source[], previous: Readonly<Record<string, SourceState>>): Source[] {
  return sources
    .map((source, order) => ({ source, order, ms: lastFetchMsOf(previous[source.id]) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => (a.ms === b.ms ? a.order - b.order : b.ms - a.ms))
    .map(({ source }) => source);
}
