import type { DateWindow } from './dateWindow.js';
import type { FeedChannel, NormalizedItems } from './normalizeFeed.js';

/** What every reader of a fetched body needs to know besides the body. */
export interface ParseContext {
  /** The response's Content-Type header, for its charset. */
  contentType: string | undefined;
  /** The URL the body came from, after redirects: the base for relative links. */
  finalUrl: string;
  sourceId: string;
  /**
   * Items the source may show; the body is read up to `PARSED_ITEMS_PER_KEPT` (capItems.ts) times as many.
   * Left out, every item is read (for measuring the parser alone).
   */
  maxItemsPerSource?: number;
  /**
   * The dates an item may carry; any other is dropped and counted. Left out, every date from 1970
   * on is kept (for measuring the parser alone, and for reading feeds as feedparser does).
   */
  dates?: DateWindow;
}

/** A source's items, and what was wrong with its XML when only the recovery path could read it. */
export interface ParsedSource extends NormalizedItems {
  recovered?: string;
  /** How the feed names itself; only feeds do. */
  channel?: FeedChannel;
}
