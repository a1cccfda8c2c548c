import type { Author, FeedIdentity } from '../core/model.js';
import { OUTPUT_KEYS } from '../core/storageLayout.js';
import { safeHttpUrl } from './escape.js';
import { publishedAuthor } from './publishedItem.js';

/** A source as the outputs name it. */
export interface SourceLabel {
  id: string;
  /** The source's feed URL: its Atom `<source>` id and self link. */
  url: string;
  /** The name shown beside its items. @default the id */
  title?: string;
  /** The source's own site, absolute http(s). */
  siteUrl?: string;
}

/**
 * What the renderers need besides the items, decided once so feed.json, feed.xml and the pages
 * agree. The caller reads the clock, so rendering stays pure.
 */
export interface RenderContext {
  /** Title of the feeds and of the pages. */
  title: string;
  description?: string;
  /** BCP 47 tag of the feed's language. */
  language?: string;
  /** An http(s) image URL. */
  icon?: string;
  /** Who publishes the merged feed, each with a name or an http(s) url; Atom falls back to "Tributary" when none. */
  authors: Author[];
  /** A WebSub hub, http(s); set only together with the self links, as WebSub needs both. */
  hub?: string;
  /** When this rendering was made, RFC 3339; stands in for dates the items lack. */
  generatedAt: string;
  /** Where people read the feed; linked only when absolute http(s). */
  homePageUrl?: string;
  /** Where feed.json is published; linked only when absolute http(s). */
  feedJsonUrl?: string;
  /** Where feed.xml is published; Atom's rel="self" is written only when absolute http(s). */
  feedXmlUrl?: string;
  /** Every configured source, so an entry can name the feed it came from. */
  sources: readonly SourceLabel[];
}

/**
 * The context for a feed identity: the self links hang off `baseUrl`, and without a home page of
 * its own the feed's home is the reading page there. Links that are not http(s) and authors with
 * nothing to show are left out here, once for every output.
 */
export function renderContextFor(
  feed: FeedIdentity,
  sources: readonly SourceLabel[],
  generatedAt: string,
): RenderContext {
  const { baseUrl, homePageUrl, title, description, language, icon, authors, hub } = feed;
  return {
    ...feedUrls(feed),
    title,
    description,
    language,
    icon: safeHttpUrl(icon),
    authors: (authors ?? []).flatMap(publishedAuthor),
    // WebSub (§4) wants the hub and the topic's self link side by side; a hub alone is no use.
    hub: baseUrl === undefined ? undefined : safeHttpUrl(hub),
    generatedAt,
    homePageUrl: homePageUrl ?? baseUrl,
    sources,
  };
}

/** Where the two feeds are published, once the public address is known: their self links. */
export function feedUrls({ baseUrl }: FeedIdentity): Pick<RenderContext, 'feedJsonUrl' | 'feedXmlUrl'> {
  return {
    feedJsonUrl: baseUrl && `${baseUrl}${OUTPUT_KEYS.feedJson}`,
    feedXmlUrl: baseUrl && `${baseUrl}${OUTPUT_KEYS.feedXml}`,
  };
}

/** The name shown for a source. */
export function sourceName(source: SourceLabel | undefined, sourceId: string): string {
  return source?.title ?? sourceId;
}

/**
 * `build` for each source once, however many items it has: every item of a source carries the
 * same source element. A source no longer configured gets `undefined` for its label.
 */
export function perSource<T>(
  context: RenderContext,
  build: (sourceId: string, source: SourceLabel | undefined) => T,
): (sourceId: string) => T {
  const sources = new Map(context.sources.map((source) => [source.id, source]));
  const built = new Map<string, T>();
  return (sourceId) => {
    if (!built.has(sourceId)) built.set(sourceId, build(sourceId, sources.get(sourceId)));
    return built.get(sourceId) as T;
  };
}
