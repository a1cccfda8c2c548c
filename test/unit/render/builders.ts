// Builders only the render tests use (items and run reports are in test/support/builders/): each returns a complete,
// valid value, and a test overrides only what it is about.

import type { FeedIdentity, Item, Source } from '../../../lambda/core/model.js';
import { type PublishedItem, publishedItem } from '../../../lambda/render/publishedItem.js';
import { type RenderContext, renderContextFor, type SourceLabel } from '../../../lambda/render/renderContext.js';

/** Every way a feed we aggregate might try to break our markup, in one string. */
export const HOSTILE_TEXT = `<script>alert("x")</script> ]]> & 'single' "double" \u0000\u0008\uFFFE\uFFFF\uD800 end`;
/** HOSTILE_TEXT after its characters illegal in XML 1.0 are removed: what a reader should see. */
export const HOSTILE_TEXT_VISIBLE = `<script>alert("x")</script> ]]> & 'single' "double"  end`;
export const JAVASCRIPT_URL = 'javascript:alert(1)';

export function aSource(overrides: Partial<Source> = {}): Source {
  return { id: 'example', url: 'https://example.com/feed.xml', type: 'feed', ...overrides };
}

/** A source as the renderers see it once its feed has named itself. */
export function aNamedSource(): SourceLabel {
  return {
    id: 'example',
    url: 'https://example.com/feed.xml',
    title: 'Example Weblog',
    siteUrl: 'https://example.com/',
  };
}

/** The items as the pipeline hands them to the renderers. */
export function published(items: Item[]): PublishedItem[] {
  return items.map(publishedItem);
}

/** The context the pipeline makes of a feed identity (the sources file's `feed`), served from feeds.example.org. */
export function aFeedContext(feed: Partial<FeedIdentity> = {}): RenderContext {
  const identity = { title: 'Tributary test feed', baseUrl: 'https://feeds.example.org/', ...feed };
  return renderContextFor(identity, [aSource()], '2025-03-01T10:05:02.500Z');
}

export function aContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return { ...aFeedContext(), ...overrides };
}
