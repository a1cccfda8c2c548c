import type { Item } from '../core/model.js';
import { decodeText } from './decodeText.js';
import { normalizeFeed } from './normalizeFeed.js';
import { parseFeed } from './parseFeed.js';

export interface ParseSourceContext {
  /** The response's Content-Type header, for its charset. */
  contentType: string | undefined;
  /** The URL the body came from, after redirects: the base for relative links. */
  finalUrl: string;
  sourceId: string;
}

/**
 * One fetched body as the source's items, in feed order: decode → parse → normalize. Repeated
 * entries, order and the per-source cap are the caller's, after its filter (see settleSource).
 *
 * @throws SourceError `unsupported_format` or `malformed` when the body is not a readable feed.
 */
export function parseSource(body: Buffer, context: ParseSourceContext): Item[] {
  const text = decodeText(body, context.contentType);
  return normalizeFeed(parseFeed(text), { sourceId: context.sourceId, baseUrl: context.finalUrl });
}
