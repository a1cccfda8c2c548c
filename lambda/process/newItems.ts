import { type Item, MAX_NEW_ITEMS_LISTED } from '../core/model.js';
import { ownedString } from '../core/ownedString.js';

/**
 * The items a source shows for the first time: an item is new when its id is not among the ids
 * remembered from the source's earlier runs (`SourceState.seenIds`), whatever its date says.
 */
export function unseenItems(items: readonly Item[], seenIds: readonly string[] | undefined): Item[] {
  const seen = new Set(seenIds);
  return items.filter((item) => !seen.has(item.id));
}

/**
 * What the notification shows of a source's new items: the newest, as many as it lists, without
 * their content, which could be megabytes the run would hold until it ends. Items are newest
 * first, so the run's newest new items are among each source's newest.
 */
export function headlines(newItems: readonly Item[]): Item[] {
  return newItems.slice(0, MAX_NEW_ITEMS_LISTED).map(headline);
}

function headline({ id, url, title, date_published, date_modified, sourceId }: Item): Item {
  const owned = (text: string | undefined) => (text === undefined ? undefined : ownedString(text));
  return { id: ownedString(id), url: owned(url), title: owned(title), date_published, date_modified, sourceId };
}
