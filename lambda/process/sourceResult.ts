import type { Item, Source, SourceReport } from '../core/model.js';
import type { FreshItems } from './keptItems.js';
import { movedTo } from './sourceHealth.js';
import type { SourceState } from './sourceState.js';

/**
 * What one source contributes to the run once its fetch outcome is understood. Its items are not
 * here but in storage, named by `state.items`: a run holds only their digests, whatever their size.
 */
export interface SourceResult {
  report: SourceReport;
  /** The newest items not seen before, as headlines (no content): as many as the notification lists. */
  newItems: Item[];
  /** What to remember about the source for the next run, the items it shows in the outputs included. */
  state: SourceState;
  /**
   * Set when a feed source's URL answered with an HTML page that links to its feed: fetch
   * `follow.feedUrl` once and process it again, passing `follow` back. Until then this result is a
   * failure whose message names the feed URL.
   */
  follow?: FeedDiscovery;
}

/** A settled source with the items it fetched this run: they are stored before state names them. */
export interface FreshSourceResult extends SourceResult {
  fresh?: FreshItems;
}

/** A feed URL found on a source's page, and what fetching the page cost. */
export interface FeedDiscovery {
  feedUrl: string;
  /** The page's fetch, counted in the report line together with the feed's. */
  page: { bytes: number; durationMs: number; attempts: number; permanentRedirect?: string };
}

/** A broken source resting until its next attempt: nothing fetched, its last good items kept. */
export function restingSource(source: Source, previous: SourceState): SourceResult {
  const line = { id: source.id, url: source.url, httpStatus: null, bytes: 0, durationMs: 0, attempts: 0 };
  return {
    report: reportLine(line, 'skipped', 0, 0, previous),
    newItems: [],
    state: previous,
  };
}

export function reportLine(
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
