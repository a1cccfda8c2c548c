import { capItems, PARSED_ITEMS_PER_KEPT } from './capItems.js';
import { decodeText } from './decodeText.js';
import { feedChannel, normalizeFeed } from './normalizeFeed.js';
import type { ParseContext, ParsedSource } from './parseContext.js';
import { parseFeed } from './parseFeed.js';

/**
 * One fetched body as the source's items, in feed order: decode → cap → parse → normalize.
 * Repeated entries, order and the per-source cap are the caller's, after its filter (see
 * processSource); the cap here only keeps a feed of a million tiny items from becoming a million
 * objects.
 *
 * @throws SourceError `unsupported_format` or `malformed` when the body is not a readable feed,
 *   `too_complex` when its HTML is over the source's budget (see MarkupBudget).
 */
export function parseFeedSource(body: Buffer, context: ParseContext): ParsedSource {
  const decoded = decodeText(body, context.contentType);
  const { maxItemsPerSource } = context;
  const text = maxItemsPerSource === undefined ? decoded : capItems(decoded, maxItemsPerSource * PARSED_ITEMS_PER_KEPT);
  const parsed = parseFeed(text);
  const normalized = normalizeFeed(parsed, {
    sourceId: context.sourceId,
    baseUrl: context.finalUrl,
    dates: context.dates,
  });
  const channel = feedChannel(parsed, context.finalUrl);
  return parsed.recovered === undefined
    ? { ...normalized, channel }
    : { ...normalized, channel, recovered: parsed.recovered };
}
