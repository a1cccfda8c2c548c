import type { Item } from '../core/model.js';
import { capItems, PARSED_ITEMS_PER_KEPT } from './capItems.js';
import { decodeText } from './decodeText.js';
import { type FeedChannel, feedChannel, normalizeFeed } from './normalizeFeed.js';
import { parseFeed } from './parseFeed.js';

export interface ParseSourceContext {
  /** The response's Content-Type header, for its charset. */
  contentType: string | undefined;
  /** The URL the body came from, after redirects: the base for relative links. */
  finalUrl: string;
  sourceId: string;
  /**
   * Items the source may show; the body is read up to {@link PARSED_ITEMS_PER_KEPT} times as many.
   * Left out, every item is read (for measuring the parser alone).
   */
  maxItemsPerSource?: number;
}

/** A source's items, and what was wrong with its XML when only the recovery path could read it. */
export interface ParsedSource {
  items: Item[];
  recovered?: string;
  /** How the feed names itself; only feeds do. */
  channel?: FeedChannel;
}

/**
 * One fetched body as the source's items, in feed order: decode → cap → parse → normalize.
 * Repeated entries, order and the per-source cap are the caller's, after its filter (see
 * settleSource); the cap here only keeps a feed of a million tiny items from becoming a million
 * objects.
 *
 * @throws SourceError `unsupported_format` or `malformed` when the body is not a readable feed,
 *   `too_complex` when its HTML is over the source's budget (see MarkupBudget).
 */
export function parseSource(body: Buffer, context: ParseSourceContext): ParsedSource {
  const decoded = decodeText(body, context.contentType);
  const { maxItemsPerSource } = context;
  const text = maxItemsPerSource === undefined ? decoded : capItems(decoded, maxItemsPerSource * PARSED_ITEMS_PER_KEPT);
  const parsed = parseFeed(text);
  const items = normalizeFeed(parsed, { sourceId: context.sourceId, baseUrl: context.finalUrl });
  const channel = feedChannel(parsed, context.finalUrl);
  return parsed.recovered === undefined ? { items, channel } : { items, channel, recovered: parsed.recovered };
}
