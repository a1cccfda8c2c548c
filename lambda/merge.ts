import type { Item } from './model.js';

export interface MergeOptions {
  /** Items kept, newest first; the rest are cut. */
  maxItems: number;
}

/**
 * Item lists (one per source, earlier lists first) as one list: deduplicated, newest first,
 * at most `maxItems` long. Pure: the inputs are not modified.
 *
 * Two items are the same when they share an id or, failing that, come from different sources
 * and share a canonical URL (so one article syndicated under different ids or with tracking
 * parameters appears once). Of the
 * two, the more recent version (date_modified, else date_published) stays, in the place of the
 * first one seen; on a tie the first one seen stays. Items are ordered by date_published, else
 * date_modified, newest first; undated items follow the dated ones in their input order.
 */
export function mergeItems(lists: readonly (readonly Item[])[], options: MergeOptions): Item[] {
  const { maxItems } = options;
  if (!Number.isSafeInteger(maxItems) || maxItems < 0) {
    throw new TypeError(`Expected \`maxItems\` to be a non-negative integer, got \`${maxItems}\` (${typeof maxItems})`);
  }
  const kept: Item[] = [];
  const slotById = new Map<string, number>();
  const slotByUrl = new Map<string, number>();
  for (const list of lists) {
    for (const item of list) {
      const url = item.url === undefined ? undefined : canonicalUrl(item.url);
      const slot = slotById.get(item.id) ?? sameUrlElsewhere(item, url);
      if (slot === undefined) {
        kept.push(item);
        remember(kept.length - 1, item.id, url);
      } else {
        if (versionTime(item) > versionTime(kept[slot]!)) kept[slot] = item;
        // Both versions' keys lead here, so a third copy matching either one is caught too.
        remember(slot, item.id, url);
      }
    }
  }
  return kept
    .map((item, index) => ({ item, index, time: sortTime(item) }))
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .slice(0, maxItems)
    .map(({ item }) => item);

  // Within one feed, distinct ids for one URL are the publisher saying "different items" (podcast
  // episodes that all link to the show's home page); a URL only unites items across sources.
  function sameUrlElsewhere(item: Item, url: string | undefined): number | undefined {
    const slot = url === undefined ? undefined : slotByUrl.get(url);
    return slot !== undefined && kept[slot]!.sourceId !== item.sourceId ? slot : undefined;
  }

  function remember(slot: number, id: string, url: string | undefined): void {
    if (!slotById.has(id)) slotById.set(id, slot);
    if (url !== undefined && !slotByUrl.has(url)) slotByUrl.set(url, slot);
  }
}

/** Query parameters that only say where a click came from; the page is the same without them. */
const TRACKING_PARAMS = /^(?:utm_.+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|wt_mc|wt_zmc)$/i;

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

/** When this version of the item was last changed; undated versions count as oldest. */
function versionTime(item: Item): number {
  return timeOf(item.date_modified ?? item.date_published);
}

/** Undated items sort after every dated one. */
function sortTime(item: Item): number {
  return timeOf(item.date_published ?? item.date_modified);
}

function timeOf(date: string | undefined): number {
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
