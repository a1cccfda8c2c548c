/**
 * The instants an item's date may plausibly name, in ms since the epoch, both ends included.
 * A date outside is a placeholder or a mistake, not when the item was written, and is dropped.
 */
export interface DateWindow {
  earliest: number;
  latest: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** Unix time 0, the one lower bound on item dates. */
const EPOCH = 0;

/**
 * The epoch's lower bound without an upper one: for reading a feed outside a run (measuring the
 * parser alone, test fixtures of any age), where there is no clock to bound the future by.
 */
export const SINCE_EPOCH: DateWindow = { earliest: EPOCH, latest: Number.POSITIVE_INFINITY };

/**
 * From the Unix epoch to `futureToleranceHours` after `now`. Feeds write 1970-01-01 (Unix time 0)
 * and earlier for "unknown", and far-future dates (`9999-12-31`) for "pinned": both would sort an
 * item above or below every real one for as long as it stays in the feed. Clocks and zones that
 * are a little off need the tolerance, or a fresh item would lose its date.
 *
 * Such an item is published undated rather than dated "now": Miniflux gives an entry it cannot date
 * the time it was fetched, which in a merged feed would put it above every real item for a run.
 *
 * The caller reads the clock: parsing stays pure.
 */
export function dateWindow(now: number, futureToleranceHours: number): DateWindow {
  return { earliest: EPOCH, latest: now + futureToleranceHours * HOUR_MS };
}
