import { redactUrl } from '../core/redactUrl.js';
import { safeHttpUrl, stripInvalidXmlChars as xmlSafe } from './escape.js';
import type { PublishedItem } from './publishedItem.js';
import { perSource, type RenderContext, type SourceLabel, sourceName } from './renderContext.js';

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/**
 * JSON Feed 1.1 of the items, in the order given. Each item names its source in `_source`
 * (JSON Feed's convention for extensions); fields are listed one by one so nothing internal leaks.
 */
export function renderJsonFeed(items: readonly PublishedItem[], context: RenderContext): string {
  const sourceObject = perSource(context, jsonFeedSource);
  const { hub, icon, authors } = context;
  // JSON.stringify leaves out undefined members: a field we do not know is absent, not null.
  // No replacer: the items' text is already free of what strict decoders refuse (see
  // PublishedItem), and a replacer would take JSON.stringify off its fast path.
  return JSON.stringify({
    version: JSON_FEED_VERSION,
    title: xmlSafe(context.title),
    home_page_url: safeHttpUrl(context.homePageUrl),
    feed_url: safeHttpUrl(context.feedJsonUrl),
    description: context.description && xmlSafe(context.description),
    icon,
    favicon: icon,
    authors: authors.length > 0 ? authors : undefined,
    language: context.language,
    hubs: hub ? [{ type: 'WebSub', url: hub }] : undefined,
    items: items.map((item) => jsonFeedItem(item, sourceObject(item.sourceId))),
  });
}

function jsonFeedItem(item: PublishedItem, source: Record<string, unknown>): Record<string, unknown> {
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
    _source: source,
  };
}

/** The source's id, its name and where it lives; a source no longer configured keeps its id. */
function jsonFeedSource(sourceId: string, source: SourceLabel | undefined): Record<string, unknown> {
  return {
    id: sourceId,
    title: xmlSafe(sourceName(source, sourceId)),
    home_page_url: safeHttpUrl(source?.siteUrl),
    // Never a source URL's user, password or query: they may be credentials (see redactUrl).
    feed_url: source && safeHttpUrl(redactUrl(source.url)),
  };
}
