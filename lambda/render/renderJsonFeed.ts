import { safeHttpUrl, stripInvalidXmlChars } from './escape.js';
import type { PublishedItem } from './publishedItem.js';
import type { RenderContext } from './renderContext.js';

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/**
 * JSON Feed 1.1 of the items, in the order given. Each item names its source in `_source`
 * (JSON Feed's convention for extensions); fields are listed one by one so nothing internal leaks.
 */
export function renderJsonFeed(items: readonly PublishedItem[], context: RenderContext): string {
  // JSON.stringify leaves out undefined members: a field we do not know is absent, not null.
  // No replacer: the items' text is already free of what strict decoders refuse (see
  // PublishedItem), and a replacer would take JSON.stringify off its fast path.
  return JSON.stringify({
    version: JSON_FEED_VERSION,
    title: stripInvalidXmlChars(context.title),
    home_page_url: safeHttpUrl(context.homePageUrl),
    feed_url: safeHttpUrl(context.feedJsonUrl),
    items: items.map(jsonFeedItem),
  });
}

function jsonFeedItem(item: PublishedItem): Record<string, unknown> {
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    [item.content.type === 'html' ? 'content_html' : 'content_text']: item.content.value,
    summary: item.summary,
    date_published: item.date_published,
    date_modified: item.date_modified,
    authors: item.authors.length > 0 ? item.authors : undefined,
    tags: item.tags.length > 0 ? item.tags : undefined,
    _source: { id: item.sourceId },
  };
}
