import type { Item } from '../core/model.js';

export interface MergeOptions {
  /** Items kept, newest first; the rest are cut. */
  maxItems: number;
}

/**
 * What merging needs to know of an item, and nothing more: small enough to keep for every item a
 * run knows of while the items themselves stay in storage.
 */
export interface MergeKey {
  id: string;
  /** The item's URL as a comparison key (see canonicalUrl); absent when it has none or it does not parse. */
  url?: string;
  sourceId: string;
  /** When this version was last changed (date_modified, else date_published); -Infinity when undated. */
  versionTime: number;
  /** Where it sorts (date_published, else date_modified); -Infinity when undated. */
  sortTime: number;
}

/** An item chosen by mergeKeys: the `index`-th key of the `list`-th list. */
export interface MergePick {
  list: number;
  index: number;
}

/**
 * Item lists (one per source, earlier lists first) as one list: deduplicated, newest first,
 * at most `maxItems` long. Pure: the inputs are not modified. See mergeKeys for the rules.
 */
export function mergeItems(lists: readonly (readonly Item[])[], options: MergeOptions): Item[] {
  return mergeKeys(
    lists.map((list) => list.map(mergeKeyOf)),
    options,
  ).map(({ list, index }) => lists[list]![index]!);
}

export function mergeKeyOf(item: Item): MergeKey {
  const url = item.url === undefined ? undefined : canonicalUrl(item.url);
  return {
    id: item.id,
    ...(url !== undefined && { url }),
    sourceId: item.sourceId,
    versionTime: timeOf(item.date_modified ?? item.date_published),
    sortTime: timeOf(item.date_published ?? item.date_modified),
  };
}

/**
 * Which items a merge of the lists keeps, in order, decided from their keys alone.
 *
 * Two items are the same when they share an id or, failing that, come from different sources
 * and share a canonical URL (so one article syndicated under different ids or with tracking
 * parameters appears once). Of the two, the more recent version (date_modified, else
 * date_published) stays, in the place of the first one seen; on a tie the first one seen stays.
 * Items are ordered by date_published, else date_modified, newest first; undated items follow the
 * dated ones in their input order.
 */
export function mergeKeys(lists: readonly (readonly MergeKey[])[], options: MergeOptions): MergePick[] {
  const { maxItems } = options;
  if (!Number.isSafeInteger(maxItems) || maxItems < 0) {
    throw new TypeError(`Expected \`maxItems\` to be a non-negative integer, got \`${maxItems}\` (${typeof maxItems})`);
  }
  const kept: (MergePick & { key: MergeKey })[] = [];
  const slotById = new Map<string, number>();
  const slotByUrl = new Map<string, number>();
  lists.forEach((keys, list) => {
    keys.forEach((key, index) => {
      const slot = slotById.get(key.id) ?? sameUrlElsewhere(key);
      if (slot === undefined) {
        kept.push({ list, index, key });
        remember(kept.length - 1, key);
      } else {
        if (key.versionTime > kept[slot]!.key.versionTime) kept[slot] = { list, index, key };
        // Both versions' keys lead here, so a third copy matching either one is caught too.
        remember(slot, key);
      }
    });
  });
  return kept
    .map((pick, order) => ({ pick, order }))
    .sort((a, b) => b.pick.key.sortTime - a.pick.key.sortTime || a.order - b.order)
    .slice(0, maxItems)
    .map(({ pick: { list, index } }) => ({ list, index }));

  // Within one feed, distinct ids for one URL are the publisher saying "different items" (podcast
  // episodes that all link to the show's home page); a URL only unites items across sources.
  function sameUrlElsewhere(key: MergeKey): number | undefined {
    const slot = key.url === undefined ? undefined : slotByUrl.get(key.url);
    return slot !== undefined && kept[slot]!.key.sourceId !== key.sourceId ? slot : undefined;
  }

  function remember(slot: number, key: MergeKey): void {
    if (!slotById.has(key.id)) slotById.set(key.id, slot);
    if (key.url !== undefined && !slotByUrl.has(key.url)) slotByUrl.set(key.url, slot);
  }
}

/** Query parameters that only say where a click came from; the page is the same without them. */
const TRACKING_PARAMS =
  /^(?:utm_.+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|wt_mc|wt_zmc)$/i;

/**
 * The URL as a comparison key: scheme and host lower-case and default port dropped (the URL
 * parser does both), no fragment, no tracking parameters, no trailing slash on the path.
 */
function canonicalUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(name)) url.searchParams.delete(name);
  }
  if (url.searchParams.size === 0) url.search = '';
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '');
  return url.href;
}

/** Undated (or unparseable) counts as oldest. */
function timeOf(date: string | undefined): number {
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
