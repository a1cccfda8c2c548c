/**
 * The instants an item's date may plausibly name, in ms since the epoch, both ends included.
 * A date outside is a placeholder or a mistake, not when the item was written, and is dropped.
 */
export interface DateWindow {
  earliest: number;
  latest: number;
}

const HOUR_MS = 60 * 60 * 1000;

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
  return { earliest: 0, latest: now + futureToleranceHours * HOUR_MS };
}

/** The date (RFC 3339 UTC) when it lies within the window, else undefined; without a window, the date. */
export function withinWindow(date: string | undefined, window: DateWindow | undefined): string | undefined {
  if (date === undefined || window === undefined) return date;
  const time = Date.parse(date);
  return time >= window.earliest && time <= window.latest ? date : undefined;
}
