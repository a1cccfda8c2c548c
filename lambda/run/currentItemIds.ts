import { currentItemId } from '../core/itemId.js';
import type { SourceState } from '../process/sourceState.js';

/**
 * Sources' state as written before state version 5, converted to the ids this version makes:
 * until then an id in a foreign scheme (`javascript:`, `yt:` …) was stored as the feed wrote it,
 * and is now a urn:uuid id (see itemId). State is converted once, as it is read, and written back
 * as version 5, so no run after that converts an id again.
 *
 * - Seen ids are converted, so the items they name are not announced again.
 * - A source whose kept items hold such an id keeps them (a run of other sources still publishes
 *   them) but loses its validators, so it is fetched in full once and its items are stored anew.
 *   Their objects are written once, never changed: until then publishedItem gives each the id it
 *   will have, so none reaches the feeds under an id that is a script.
 *
 * @returns the converted sources, and the ids of those to be fetched in full
 */
export function withCurrentItemIds(sources: Readonly<Record<string, SourceState>>): {
  sources: Record<string, SourceState>;
  refetched: string[];
} {
  const converted: Record<string, SourceState> = {};
  const refetched: string[] = [];
  for (const [sourceId, state] of Object.entries(sources)) {
    const seenIds = currentSeenIds(sourceId, state.seenIds);
    const stale = state.items?.digests.some(([id]) => currentItemId(sourceId, id) !== id) ?? false;
    if (!stale) {
      converted[sourceId] = { ...state, seenIds };
      continue;
    }
    const { validators, ...rest } = state;
    converted[sourceId] = { ...rest, seenIds };
    // A source without validators is fetched in full anyway: nothing changes for it.
    if (validators) refetched.push(sourceId);
  }
  return { sources: converted, refetched };
}

/** Newest last, as stored; an id seen both as written and converted keeps its newer place. */
function currentSeenIds(sourceId: string, seenIds: readonly string[] | undefined): string[] {
  const current = (seenIds ?? []).map((id) => currentItemId(sourceId, id));
  return [...new Set(current.toReversed())].toReversed();
}
