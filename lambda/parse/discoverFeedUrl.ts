import { selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

import { resolveHttpUrl } from '../core/resolveUrl.js';

/**
 * Media types of the feeds a page can announce. `application/json` is deliberately absent:
 * WordPress announces its REST API with `<link rel="alternate" type="application/json">` on
 * every page, and that is not a feed.
 */
const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json']);

/**
 * The feed an HTML page announces with `<link rel="alternate" type="application/rss+xml"
 * href="...">` (or Atom, or JSON Feed), made absolute against the page's `<base href>` or
 * `baseUrl`; the first one in the page, which is the site's main feed by convention (a
 * comments feed comes after it). Undefined when the page announces none, or only non-http(s) ones.
 */
export function discoverFeedUrl(html: string, baseUrl: string): string | undefined {
  const document = parseDocument(html);
  const base = resolveHttpUrl(selectOne<AnyNode, Element>('base[href]', document)?.attribs.href, baseUrl) ?? baseUrl;
  for (const link of selectAll<AnyNode, Element>('link[href]', document)) {
    const rels = (link.attribs.rel ?? '').toLowerCase().split(/\s+/);
    const type = (link.attribs.type ?? '').toLowerCase().split(';')[0]!.trim();
    if (!rels.includes('alternate') || !FEED_TYPES.has(type)) continue;
    const url = resolveHttpUrl(link.attribs.href, base);
    if (url !== undefined) return url;
  }
  return undefined;
}
