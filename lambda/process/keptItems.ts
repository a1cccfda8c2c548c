import { createHash } from 'node:crypto';
import type { Item } from '../core/model.js';
import { ownedString } from '../core/ownedString.js';
import { KEPT_ITEMS_FOLDER } from '../core/storageLayout.js';
import { type MergeKey, mergeKeyOf } from '../merge/merge.js';

/**
 * An item's merge key as state stores it, small and in order: [id, canonical URL, versionTime,
 * sortTime]; null for none.
 */
export type ItemDigest = [id: string, url: string | null, versionTime: number | null, sortTime: number | null];

/**
 * A source's last good items as state remembers them: where the items are stored, and what
 * merging needs of each, in their stored order. Runs merge on digests and read only the items
 * they publish, so memory does not grow with the number or size of sources kept.
 */
export interface KeptItems {
  /**
   * The object that holds them, written once, never changed: the pack of its state shard's
   * changed items a run wrote (see `range`), or, written before state version 4, an object of
   * this source's items alone under state/items/<source id>/, named by their content's hash.
   */
  key: string;
  /** Where in the pack: UTF-8 byte offsets [start, end) of one JSON array. Absent: the whole object. */
  range?: [start: number, end: number];
  /** The hash of the items' JSON, so that equal items are not stored again. */
  hash?: string;
  digests: ItemDigest[];
}

/** Items a source fetched this run, serialized: they must be stored before state names them. */
export interface FreshItems {
  text: string;
  /** The source kept these very items already, where `kept` says: nothing to write. */
  unchanged: boolean;
}

/**
 * The kept form of a source's items. Equal items keep their place, so a source whose items did
 * not change (a server without validators answering 200 with the same feed) writes nothing.
 * Changed items are named, until the run stores them (KeptItemsStore), as an object of their own
 * under the source's folder.
 */
export function keepItems(
  sourceId: string,
  items: readonly Item[],
  previous?: KeptItems,
): { kept: KeptItems; fresh: FreshItems } {
  const text = JSON.stringify(items);
  const hash = createHash('sha256').update(text).digest('base64url').slice(0, 32);
  const key = `${KEPT_ITEMS_FOLDER}${sourceId}/${hash}.json`;
  const digests = items.map(digestOf);
  // An object written before version 4 is named by the hash alone.
  if (previous && (previous.hash === hash || previous.key === key)) {
    return { kept: { ...previous, hash, digests }, fresh: { text, unchanged: true } };
  }
  return { kept: { key, hash, digests }, fresh: { text, unchanged: false } };
}

export function mergeKeysOf(sourceId: string, kept: KeptItems): MergeKey[] {
  return kept.digests.map(([id, url, versionTime, sortTime]) => ({
    id,
    ...(url !== null && { url }),
    sourceId,
    versionTime: versionTime ?? Number.NEGATIVE_INFINITY,
    sortTime: sortTime ?? Number.NEGATIVE_INFINITY,
  }));
}

function digestOf(item: Item): ItemDigest {
  const { id, url, versionTime, sortTime } = mergeKeyOf(item);
  const finite = (time: number) => (Number.isFinite(time) ? time : null);
  return [ownedString(id), url ?? null, finite(versionTime), finite(sortTime)];
}
