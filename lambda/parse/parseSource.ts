import type { Item } from '../model.js';
import { mergeItems } from '../merge.js';
import { decodeText } from './decodeText.js';
import { normalizeFeed } from './normalizeFeed.js';
import { parseFeed } from './parseFeed.js';

export interface ParseSourceContext {
  /** The response's Content-Type header, for its charset. */
  contentType: string | undefined;
  /** The URL the body came from, after redirects: the base for relative links. */
  finalUrl: string;
  sourceId: string;
  /** Items kept from this source, newest first. */
  maxItemsPerSource: number;
}

/**
 * One fetched body as the source's items: decode → parse → normalize, then deduplicated (feeds
 * do repeat entries), newest first and capped at `maxItemsPerSource`.
 *
 * @throws SourceError `unsupported_format` or `malformed` when the body is not a readable feed.
 */
export function parseSource(body: Buffer, context: ParseSourceContext): Item[] {
  const text = decodeText(body, context.contentType);
  const items = normalizeFeed(parseFeed(text), { sourceId: context.sourceId, baseUrl: context.finalUrl });
  return mergeItems([items], { maxItems: context.maxItemsPerSource });
}
