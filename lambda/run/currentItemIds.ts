import { currentItemId } from '../core/itemId.js';
import type { SourceState } from '../process/sourceState.js';

/**
 * Sources' state as written before state version 5, converted to the ids this version makes:
 * until then an id in a foreign scheme (`javascript:`, `yt:` …) was stored as the feed wrote it,
 * and is now a urn:uuid id (see itemId). State is converted once, as it is read, and written back
 * as version 5, so no run after that converts an id again.
 *
 * - Seen ids are converted, so the items they name are not announced again.
 * - Kept items that hold such an id are let go, with the validators (a 304 would leave the source
 *   empty): their stored objects are written once, never changed, and must not reach the feeds
 *   under an id that is a script. The source is fetched in full once and its items kept anew.
 *
 * @returns the converted sources, and the ids of those whose kept items were let go
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
    const { items: _items, validators: _validators, ...rest } = state;
    converted[sourceId] = { ...rest, seenIds };
    refetched.push(sourceId);
  }
  return { sources: converted, refetched };
}

/** Newest last, as stored; an id seen both as written and converted keeps its newer place. */
function currentSeenIds(sourceId: string, seenIds: readonly string[] | undefined): string[] {
  const current = (seenIds ?? []).map((id) => currentItemId(sourceId, id));
  return [...new Set(current.toReversed())].toReversed();
}
