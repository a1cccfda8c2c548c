import type { Item, Validators } from '../core/model.js';
import { ownedString } from '../core/ownedString.js';
import type { KeptItems } from './keptItems.js';

/** What the pipeline remembers about one source between runs. */
export interface SourceState {
  /** The source's items from its last good response: reused on 304, on failure and in subset runs. */
  items?: KeptItems;
  /** Ids already published, newest last, so a later run can tell which items are new. */
  seenIds: string[];
  validators?: Validators;
  /** Failures in a row that say the source is broken (rate limits and our deadline don't count). */
  failureStreak?: number;
  /** A broken source is left alone until then (RFC 3339). */
  nextAttemptAt?: string;
  /** The permanent redirect seen on the last runs, and on how many in a row. */
  redirect?: { to: string; runs: number };
  /** How long the source took to answer last time, in ms: the slowest are asked first (see longestFirst). */
  lastFetchMs?: number;
  /** The title the source's feed last gave itself. */
  title?: string;
  /** The site the source's feed last named as its home, absolute http(s). */
  siteUrl?: string;
}

/** Enough to recognise every item a source can still show, bounded so state stays small. */
const MAX_SEEN_IDS_PER_SOURCE = 2000;

/** The source's last fetch time when state holds a usable one: state is read from storage unchecked. */
export function lastFetchMsOf(state: SourceState | undefined): number | undefined {
  const ms = state?.lastFetchMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
}

/**
 * The seen ids with `items` added, newest last, cut to the newest MAX_SEEN_IDS_PER_SOURCE.
 * @param items newest first, as a source keeps them
 */
export function rememberSeen(previous: readonly string[], items: readonly Item[]): string[] {
  const seen = new Set(previous);
  for (const item of items.toReversed()) {
    const id = ownedString(item.id);
    seen.delete(id);
    seen.add(id);
  }
  return [...seen].slice(-MAX_SEEN_IDS_PER_SOURCE);
}

/**
 * The ids of `newer` with those only `older` holds kept before them, cut to the newest
 * MAX_SEEN_IDS_PER_SOURCE: when two runs updated one source, neither's announcements are forgotten.
 */
export function mergeSeen(older: readonly string[], newer: readonly string[]): string[] {
  const inNewer = new Set(newer);
  return [...older.filter((id) => !inNewer.has(id)), ...newer].slice(-MAX_SEEN_IDS_PER_SOURCE);
}
