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
  /** Under state/items/<source id>/, named by the content's hash: written once, never changed. */
  key: string;
  digests: ItemDigest[];
}

/** Items a source fetched this run, serialized: they must be stored at `key` before state names them. */
export interface FreshItems {
  key: string;
  text: string;
  /** The source kept these very items already, at `key`: nothing to write. */
  unchanged: boolean;
}

/**
 * The kept form of a source's items. Equal items give an equal key, so a source whose items did
 * not change (a server without validators answering 200 with the same feed) writes nothing.
 */
export function keepItems(
  sourceId: string,
  items: readonly Item[],
  previous?: KeptItems,
): { kept: KeptItems; fresh: FreshItems } {
  const text = JSON.stringify(items);
  const hash = createHash('sha256').update(text).digest('base64url').slice(0, 32);
  const key = `${KEPT_ITEMS_FOLDER}${sourceId}/${hash}.json`;
  return { kept: { key, digests: items.map(digestOf) }, fresh: { key, text, unchanged: key === previous?.key } };
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
