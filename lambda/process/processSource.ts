import { type FailureCode, SourceError } from '../core/errors.js';
import type { FetchedBody, FetchOutcome, Item, Settings, Source, SourceReport } from '../core/model.js';
import { mergeItems } from '../merge/merge.js';
import { decodeHtml } from '../parse/decodeHtml.js';
import { discoverFeedUrl } from '../parse/discoverFeedUrl.js';
import type { ParsedSource } from '../parse/parseContext.js';
import { parseSource } from '../parse/parseSource.js';
import { ItemFilter } from './itemFilter.js';
import { keepItems } from './keptItems.js';
import { headlines, unseenItems } from './newItems.js';
import { afterFailure, afterSuccess, trackRedirect } from './sourceHealth.js';
import { type FeedDiscovery, type FreshSourceResult, reportLine, type SourceResult } from './sourceResult.js';
import { lastFetchMsOf, rememberSeen, type SourceState } from './sourceState.js';

/**
 * Turns a fetch outcome into items, a report line and the state to remember. The body is parsed
 * by the source's type, its filter applied, then the per-source cap (so a filter keeps up to
 * `maxItemsPerSource` matching items, not the matches among the first ones). A failing source
 * keeps showing its last good items, so one bad run of a source never empties it from the feed;
 * validators change only with a good response.
 *
 * `discovery`: the outcome is the fetch of a feed found on the source's page (see `follow`).
 */
export function processSource(
  source: Source,
  outcome: FetchOutcome,
  previous: SourceState | undefined,
  settings: Settings,
  now: number,
  discovery?: FeedDiscovery,
): FreshSourceResult {
  const attempt = attemptOf(source, outcome, previous, now, discovery);
  switch (outcome.status) {
    case 'failed':
      return failed(attempt, outcome.failure.code, outcome.failure.message);
    case 'not_modified':
      return unchanged(attempt, outcome.permanentRedirect);
    case 'ok':
      return fetched(attempt, outcome, settings);
  }
}

/** This run's fetch of one source, as every kind of outcome needs it. */
interface Attempt {
  source: Source;
  previous: SourceState | undefined;
  now: number;
  discovery: FeedDiscovery | undefined;
  /** The report line's fetch figures: with a discovered feed, the page's and the feed's together. */
  line: Pick<SourceReport, 'id' | 'url' | 'httpStatus' | 'bytes' | 'durationMs' | 'attempts' | 'discoveredFeed'>;
  lastFetchMs: number | undefined;
}

function attemptOf(
  source: Source,
  outcome: FetchOutcome,
  previous: SourceState | undefined,
  now: number,
  discovery: FeedDiscovery | undefined,
): Attempt {
  const page = discovery?.page ?? { bytes: 0, durationMs: 0, attempts: 0 };
  const line = {
    id: source.id,
    url: source.url,
    httpStatus: outcome.httpStatus ?? null,
    bytes: page.bytes + outcome.bytes,
    durationMs: page.durationMs + outcome.durationMs,
    attempts: page.attempts + outcome.attempts,
    ...(discovery && { discoveredFeed: discovery.feedUrl }),
  };
  // Only a request times a source: one that never went out (deadline, missing secret, failed
  // batch) leaves the last time as it was, so a source never timed is still asked first.
  const lastFetchMs = line.attempts > 0 ? line.durationMs : lastFetchMsOf(previous);
  return { source, previous, now, discovery, line, lastFetchMs };
}

function failed(attempt: Attempt, code: FailureCode, message: string): SourceResult {
  const { previous, line, discovery } = attempt;
  // A fetch our deadline cut short says the source takes at least that long.
  const cutShort = line.attempts > 0 && code === 'deadline';
  const state: SourceState = {
    seenIds: previous?.seenIds ?? [],
    ...previous,
    ...afterFailure(previous, code, attempt.now),
    lastFetchMs: cutShort ? Math.max(lastFetchMsOf(previous) ?? 0, line.durationMs) : attempt.lastFetchMs,
  };
  const error = discovery ? `feed ${discovery.feedUrl} (linked from the page): ${message}` : message;
  return { report: reportLine(line, 'failed', 0, 0, state, { error, errorCode: code }), newItems: [], state };
}

function unchanged(attempt: Attempt, permanentRedirect: string | undefined): SourceResult {
  const { previous } = attempt;
  const state: SourceState = {
    seenIds: previous?.seenIds ?? [],
    ...previous,
    ...afterSuccess(),
    redirect: redirectOf(attempt, permanentRedirect),
    lastFetchMs: attempt.lastFetchMs,
  };
  const shown = previous?.items?.digests.length ?? 0;
  return { report: reportLine(attempt.line, 'not_modified', shown, 0, state), newItems: [], state };
}

/** With a discovered feed, a redirect of the feed is not a move of the source: the page's counts. */
function redirectOf({ previous, discovery }: Attempt, permanentRedirect: string | undefined): SourceState['redirect'] {
  return trackRedirect(previous, discovery ? discovery.page.permanentRedirect : permanentRedirect);
}

function fetched(attempt: Attempt, outcome: FetchedBody, settings: Settings): FreshSourceResult {
  const { source, previous, discovery } = attempt;
  let parsed: ParsedSource;
  let items: Item[];
  try {
    parsed = parseSource(source, outcome, settings, attempt.now);
    const filtered = source.filter ? ItemFilter.from(source.filter).apply(parsed.items, attempt.now) : parsed.items;
    items = mergeItems([filtered], { maxItems: settings.maxItemsPerSource });
  } catch (error) {
    return unreadable(attempt, outcome, error);
  }
  const seenIds = previous?.seenIds ?? [];
  const unseen = unseenItems(items, seenIds);
  const { kept, fresh } = keepItems(source.id, items, previous?.items);
  const channel = parsed.channel ?? {};
  const state: SourceState = {
    items: kept,
    seenIds: rememberSeen(seenIds, items),
    // A discovered feed's validators would be sent to the page next run, whose fetch comes first;
    // a page that happened to match them would answer 304 and hide new items in the feed.
    validators: discovery ? undefined : outcome.validators,
    ...afterSuccess(),
    redirect: redirectOf(attempt, outcome.permanentRedirect),
    lastFetchMs: attempt.lastFetchMs,
    // Kept with the state, so a source that fails later keeps its name in the outputs.
    title: channel.title ?? previous?.title,
    siteUrl: channel.siteUrl ?? previous?.siteUrl,
  };
  const report = reportLine(attempt.line, 'ok', items.length, unseen.length, state);
  return {
    report: {
      ...report,
      ...(parsed.recovered && { recovered: parsed.recovered }),
      ...(parsed.datesDropped > 0 && { datesDropped: parsed.datesDropped }),
    },
    newItems: headlines(unseen),
    state,
    fresh,
  };
}

/**
 * A body the source's reader refused. A feed source whose URL is an HTML page linking to its
 * feed fails this run but says where the feed is (`follow`), so it is fetched in the same run.
 */
function unreadable(attempt: Attempt, outcome: FetchedBody, error: unknown): SourceResult {
  if (!(error instanceof SourceError)) return failed(attempt, 'internal', `parser crashed: ${String(error)}`);
  const mayLinkToFeed = !attempt.discovery && error.code === 'unsupported_format' && attempt.source.type === 'feed';
  const feedUrl = mayLinkToFeed ? linkedFeed(outcome) : undefined;
  if (feedUrl === undefined) return failed(attempt, error.code, error.message);
  const { bytes, durationMs, attempts, permanentRedirect } = outcome;
  return {
    ...failed(attempt, 'unsupported_format', `not a feed: an HTML page that links to the feed ${feedUrl}`),
    follow: { feedUrl, page: { bytes, durationMs, attempts, permanentRedirect } },
  };
}

/** The feed an HTML page links to, unless the link leads back to the page itself. */
function linkedFeed(outcome: FetchedBody): string | undefined {
  const feedUrl = discoverFeedUrl(decodeHtml(outcome.body, outcome.contentType), outcome.finalUrl);
  return feedUrl === outcome.finalUrl ? undefined : feedUrl;
}
