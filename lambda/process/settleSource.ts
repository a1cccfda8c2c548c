import { type FailureCode, SourceError } from '../core/errors.js';
import {
  type FetchOutcome,
  type Item,
  MAX_NEW_ITEMS_LISTED,
  type Settings,
  type Source,
  type SourceReport,
} from '../core/model.js';
import { ownedString } from '../core/ownedString.js';
import { mergeItems } from '../merge/merge.js';
import { decodeHtml } from '../parse/decodeHtml.js';
import { discoverFeedUrl } from '../parse/discoverFeedUrl.js';
import type { FeedChannel } from '../parse/normalizeFeed.js';
import { parseHtmlSource } from '../parse/parseHtmlSource.js';
import { type JsonMapping, parseJsonSource } from '../parse/parseJsonSource.js';
import { type ParsedSource, parseSource } from '../parse/parseSource.js';
import { ItemFilter } from './itemFilter.js';
import { type FreshItems, keepItems } from './keptItems.js';
import { afterFailure, afterSuccess, movedTo, trackRedirect } from './sourceHealth.js';
import { lastFetchMsOf, rememberSeen, type SourceState } from './sourceState.js';

/**
 * What one source contributes to the run once its fetch outcome is understood. Its items are not
 * here but in storage, named by `state.items`: a run holds only their digests, whatever their size.
 */
export interface SettledSource {
  report: SourceReport;
  /** The newest items not seen before, as headlines (no content): as many as the notification lists. */
  newItems: Item[];
  /** What to remember about the source for the next run, the items it shows in the outputs included. */
  state: SourceState;
  /**
   * Set when a feed source's URL answered with an HTML page that links to its feed: fetch
   * `follow.feedUrl` once and settle again, passing `follow` back. Until then this result is a
   * failure whose message names the feed URL.
   */
  follow?: FeedDiscovery;
}

/** A settled source with the items it fetched this run: they are stored before state names them. */
export interface FreshSource extends SettledSource {
  fresh?: FreshItems;
}

/** A feed URL found on a source's page, and what fetching the page cost. */
export interface FeedDiscovery {
  feedUrl: string;
  /** The page's fetch, counted in the report line together with the feed's. */
  page: { bytes: number; durationMs: number; attempts: number; permanentRedirect?: string };
}

/**
 * Turns a fetch outcome into items, a report line and the state to remember. The body is parsed
 * by the source's type, its filter applied, then the per-source cap (so a filter keeps up to
 * `maxItemsPerSource` matching items, not the matches among the first ones). A failing source
 * keeps showing its last good items, so one bad run of a source never empties it from the feed;
 * validators change only with a good response.
 *
 * `discovery`: the outcome is the fetch of a feed found on the source's page (see `follow`).
 */
export function settleSource(
  source: Source,
  outcome: FetchOutcome,
  previous: SourceState | undefined,
  settings: Settings,
  now: number,
  discovery?: FeedDiscovery,
): FreshSource {
  const kept = previous?.items;
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
  const fromFeed = (message: string) =>
    discovery ? `feed ${discovery.feedUrl} (linked from the page): ${message}` : message;
  // Only a request times a source: one that never went out (deadline, missing secret, failed
  // batch) leaves the last time as it was, so a source never timed is still asked first.
  const asked = line.attempts > 0;
  const lastFetchMs = asked ? line.durationMs : lastFetchMsOf(previous);
  const fail = (code: FailureCode, message: string): SettledSource => {
    // A fetch our deadline cut short says the source takes at least that long.
    const timed = asked && code === 'deadline' ? Math.max(lastFetchMsOf(previous) ?? 0, line.durationMs) : lastFetchMs;
    const state: SourceState = {
      seenIds: previous?.seenIds ?? [],
      ...previous,
      ...afterFailure(previous, code, now),
      lastFetchMs: timed,
    };
    return {
      report: reportLine(line, 'failed', 0, 0, state, { error: fromFeed(message), errorCode: code }),
      newItems: [],
      state,
    };
  };

  if (outcome.status === 'failed') return fail(outcome.failure.code, outcome.failure.message);

  // With a discovered feed, a redirect of the feed is not a move of the source: the page's counts.
  const redirect = trackRedirect(previous, discovery ? discovery.page.permanentRedirect : outcome.permanentRedirect);
  if (outcome.status === 'not_modified') {
    const state: SourceState = {
      seenIds: previous?.seenIds ?? [],
      ...previous,
      ...afterSuccess(),
      redirect,
      lastFetchMs,
    };
    return { report: reportLine(line, 'not_modified', kept?.digests.length ?? 0, 0, state), newItems: [], state };
  }

  let items: Item[];
  let recovered: string | undefined;
  let channel: FeedChannel;
  try {
    const parsed = parseByType(source, outcome, settings);
    recovered = parsed.recovered;
    channel = parsed.channel ?? {};
    const filtered = source.filter ? ItemFilter.from(source.filter).apply(parsed.items, now) : parsed.items;
    items = mergeItems([filtered], { maxItems: settings.maxItemsPerSource });
  } catch (error) {
    if (!(error instanceof SourceError)) return fail('internal', `parser crashed: ${String(error)}`);
    const feedUrl =
      discovery || error.code !== 'unsupported_format' || source.type !== 'feed' ? undefined : linkedFeed(outcome);
    if (feedUrl === undefined) return fail(error.code, error.message);
    const { bytes, durationMs, attempts, permanentRedirect } = outcome;
    return {
      ...fail('unsupported_format', `not a feed: an HTML page that links to the feed ${feedUrl}`),
      follow: { feedUrl, page: { bytes, durationMs, attempts, permanentRedirect } },
    };
  }
  const seen = new Set(previous?.seenIds);
  const unseen = items.filter((item) => !seen.has(item.id));
  // Items are newest first: the run's newest new items are among each source's newest.
  const newItems = unseen.slice(0, MAX_NEW_ITEMS_LISTED).map(headline);
  const { kept: stored, fresh } = keepItems(source.id, items, kept);
  const state: SourceState = {
    items: stored,
    seenIds: rememberSeen(previous?.seenIds ?? [], items),
    // A discovered feed's validators would be sent to the page next run, whose fetch comes first;
    // a page that happened to match them would answer 304 and hide new items in the feed.
    validators: discovery ? undefined : outcome.validators,
    ...afterSuccess(),
    redirect,
    lastFetchMs,
    // Kept with the state, so a source that fails later keeps its name in the outputs.
    title: channel.title ?? previous?.title,
    siteUrl: channel.siteUrl ?? previous?.siteUrl,
  };
  return {
    report: { ...reportLine(line, 'ok', items.length, unseen.length, state), ...(recovered && { recovered }) },
    newItems,
    state,
    fresh,
  };
}

/** What the notification shows of a new item, kept for the run: its content could be megabytes. */
function headline({ id, url, title, date_published, date_modified, sourceId }: Item): Item {
  const owned = (text: string | undefined) => (text === undefined ? undefined : ownedString(text));
  return { id: ownedString(id), url: owned(url), title: owned(title), date_published, date_modified, sourceId };
}

type OkOutcome = Extract<FetchOutcome, { status: 'ok' }>;

/**
 * Every item of the body, by the reader for the source's type; dedup, filter and cap come after.
 * Only a feed names itself; an API or a page leaves the name to the sources file.
 */
function parseByType(source: Source, outcome: OkOutcome, settings: Settings): ParsedSource {
  const { contentType, finalUrl } = outcome;
  const context = { contentType, finalUrl, sourceId: source.id, maxItemsPerSource: settings.maxItemsPerSource };
  switch (source.type) {
    case 'feed':
      return parseSource(outcome.body, context);
    case 'json':
      return { items: parseJsonSource(outcome.body, context, mappingOf(source)) };
    case 'html':
      return { items: parseHtmlSource(outcome.body, context, mappingOf(source)) };
  }
}

/** The sources file guarantees a mapping for json and html sources; this only convinces the types. */
function mappingOf(source: Source): JsonMapping {
  if (source.items === undefined || source.fields === undefined) {
    throw new SourceError('internal', `source of type ${source.type} without items and fields`);
  }
  return { items: source.items, fields: source.fields };
}

/** The feed an HTML page links to, unless the link leads back to the page itself. */
function linkedFeed(outcome: OkOutcome): string | undefined {
  const feedUrl = discoverFeedUrl(decodeHtml(outcome.body, outcome.contentType), outcome.finalUrl);
  return feedUrl === outcome.finalUrl ? undefined : feedUrl;
}

/** A broken source resting until its next attempt: nothing fetched, its last good items kept. */
export function restingSource(source: Source, previous: SourceState): SettledSource {
  const line = { id: source.id, url: source.url, httpStatus: null, bytes: 0, durationMs: 0, attempts: 0 };
  return {
    report: reportLine(line, 'skipped', 0, 0, previous),
    newItems: [],
    state: previous,
  };
}

function reportLine(
  line: Pick<SourceReport, 'id' | 'url' | 'httpStatus' | 'bytes' | 'durationMs' | 'attempts' | 'discoveredFeed'>,
  status: SourceReport['status'],
  items: number,
  newItems: number,
  state: SourceState,
  failure: Pick<SourceReport, 'error' | 'errorCode'> = {},
): SourceReport {
  return {
    ...line,
    status,
    items,
    newItems,
    ...failure,
    failureStreak: state.failureStreak ?? 0,
    nextAttemptAt: state.nextAttemptAt,
    movedTo: movedTo(state.redirect),
    validators: state.validators,
  };
}
