import { parseFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../lambda/core/model.js';
import type { RenderContext } from '../../../lambda/render/renderContext.js';
import { renderJsonFeed } from '../../../lambda/render/renderJsonFeed.js';
import { anItem, manyItems } from '../../support/builders/items.js';
import { jsonFeedViolations } from '../../support/jsonFeedSchema.js';
import {
  aContext,
  aFeedContext,
  aNamedSource,
  HOSTILE_TEXT,
  HOSTILE_TEXT_VISIBLE,
  JAVASCRIPT_URL,
  published,
} from './builders.js';

interface JsonFeedOutput {
  version: string;
  title: string;
  home_page_url?: string;
  feed_url?: string;
  items: Record<string, unknown>[];
}

function render(items: Item[], context: RenderContext): JsonFeedOutput {
  return JSON.parse(renderJsonFeed(published(items), context)) as JsonFeedOutput;
}

describe('renderJsonFeed', () => {
  it('writes a JSON Feed 1.1 with title, home page and feed URL', () => {
    // Act
    const feed = render([anItem()], aContext());

    // Assess
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Tributary test feed',
      home_page_url: 'https://feeds.example.org/',
      feed_url: 'https://feeds.example.org/feed.json',
    });
    expect(feed.items).toHaveLength(1);
  });

  it('leaves out home_page_url and feed_url when they are not known as absolute URLs', () => {
    // Act
    const feed = render([anItem()], aContext({ homePageUrl: undefined, feedJsonUrl: 'feed.json' }));

    // Assess
    expect(feed).not.toHaveProperty('home_page_url');
    expect(feed).not.toHaveProperty('feed_url');
  });

  it('maps every item field and names its source in _source, without leaking sourceId', () => {
    // Prepare
    const item = anItem({
      id: 'tag:example.com,2025:1',
      summary: 'A short summary',
      date_modified: '2025-03-02T08:00:00Z',
      authors: [{ name: 'Ada', url: 'https://ada.example/' }],
      tags: ['news', 'tech'],
      sourceId: 'blog',
    });

    // Act
    const [output] = render([item], aContext()).items;

    // Assess
    expect(output).toEqual({
      id: 'tag:example.com,2025:1',
      url: 'https://example.com/posts/1',
      title: 'First post',
      content_html: '<p>Hello</p>',
      summary: 'A short summary',
      date_published: '2025-03-01T10:00:00Z',
      date_modified: '2025-03-02T08:00:00Z',
      authors: [{ name: 'Ada', url: 'https://ada.example/' }],
      tags: ['news', 'tech'],
      _source: { id: 'blog', title: 'blog' },
    });
  });

  it('leaves out what an item does not know instead of writing null', () => {
    // Prepare
    const item = { id: 'only-id', content_text: 'body', sourceId: 'example' };

    // Act
    const [output] = render([item], aContext()).items;

    // Assess
    expect(output).toEqual({
      id: 'only-id',
      content_text: 'body',
      _source: { id: 'example', title: 'example', feed_url: 'https://example.com/feed.xml' },
    });
  });

  it.each([
    ['only HTML', { content_html: '<p>h</p>' }, { content_html: '<p>h</p>' }],
    ['only text', { content_html: undefined, content_text: 't' }, { content_text: 't' }],
    ['both: the sanitized HTML wins', { content_html: '<p>h</p>', content_text: 't' }, { content_html: '<p>h</p>' }],
    ['neither: the summary as text', { content_html: undefined, summary: 's' }, { content_text: 's' }],
    ['nothing at all: empty text', { content_html: undefined }, { content_text: '' }],
  ])('gives an item with %s exactly one of content_html and content_text', (_, overrides, expected) => {
    // Act
    const [output] = render([anItem(overrides)], aContext()).items;

    // Assess
    expect(output).toMatchObject(expected);
    expect(['content_html', 'content_text'].filter((key) => key in output!)).toHaveLength(1);
  });

  it('drops links that are not http(s) and authors left with nothing to show', () => {
    // Prepare
    const item = anItem({
      url: JAVASCRIPT_URL,
      authors: [{ url: JAVASCRIPT_URL }, { name: 'Eve', url: JAVASCRIPT_URL }],
    });

    // Act
    const [output] = render([item], aContext()).items;

    // Assess
    expect(output).not.toHaveProperty('url');
    expect(output!.authors).toEqual([{ name: 'Eve' }]);
  });

  it('removes lone surrogates and control characters, which strict JSON decoders refuse', () => {
    // Prepare
    const item = anItem({
      id: HOSTILE_TEXT,
      sourceId: HOSTILE_TEXT,
      title: HOSTILE_TEXT,
      content_html: HOSTILE_TEXT,
      summary: HOSTILE_TEXT,
      authors: [{ name: HOSTILE_TEXT }],
      tags: [HOSTILE_TEXT],
    });
    const textOnly = anItem({ content_html: undefined, content_text: HOSTILE_TEXT });

    // Act
    const json = renderJsonFeed(published([item, textOnly]), aContext({ title: HOSTILE_TEXT }));

    // Assess
    expect(json).not.toMatch(/\\u(d[89a-f]|00[01]|fff[ef])/i);
    const feed = JSON.parse(json) as JsonFeedOutput;
    expect(feed.title).toBe(HOSTILE_TEXT_VISIBLE);
    expect(feed.items[0]).toMatchObject({
      id: HOSTILE_TEXT_VISIBLE,
      title: HOSTILE_TEXT_VISIBLE,
      content_html: HOSTILE_TEXT_VISIBLE,
      summary: HOSTILE_TEXT_VISIBLE,
      authors: [{ name: HOSTILE_TEXT_VISIBLE }],
      tags: [HOSTILE_TEXT_VISIBLE],
      _source: { id: HOSTILE_TEXT_VISIBLE, title: HOSTILE_TEXT_VISIBLE },
    });
    expect(feed.items[1]).toMatchObject({ content_text: HOSTILE_TEXT_VISIBLE });
  });

  it('keeps the items in the order given', () => {
    // Prepare
    const items = manyItems(5).reverse();

    // Act
    const feed = render(items, aContext());

    // Assess
    expect(feed.items.map((item) => item.id)).toEqual(items.map((item) => item.id));
  });

  it('stays valid JSON that feedsmith reads back, even with hostile text', () => {
    // Prepare
    const items = [anItem({ title: HOSTILE_TEXT, content_html: HOSTILE_TEXT }), ...manyItems(3)];

    // Act
    const json = renderJsonFeed(published(items), aContext());

    // Assess
    const parsed = parseFeed(json);
    expect(parsed.format).toBe('json');
    expect(parsed.format === 'json' && parsed.feed.items).toHaveLength(4);
    for (const item of (JSON.parse(json) as JsonFeedOutput).items) {
      expect(item).toHaveProperty('_source.id');
      expect(item).not.toHaveProperty('sourceId');
    }
  });

  it('carries the feed identity: description, icon, authors, language, and a WebSub hub beside feed_url', () => {
    // Prepare
    const context = aFeedContext({
      description: 'What the team reads',
      icon: 'https://feeds.example.org/icon.png',
      authors: [{ name: 'The team', url: 'https://team.example/' }, { url: JAVASCRIPT_URL }],
      language: 'en-GB',
      hub: 'https://hub.example/',
    });

    // Act
    const json = renderJsonFeed(published(manyItems(2)), context);

    // Assess
    expect(jsonFeedViolations(json)).toEqual([]);
    expect(JSON.parse(json)).toMatchObject({
      title: 'Tributary test feed',
      home_page_url: 'https://feeds.example.org/',
      feed_url: 'https://feeds.example.org/feed.json',
      description: 'What the team reads',
      icon: 'https://feeds.example.org/icon.png',
      favicon: 'https://feeds.example.org/icon.png',
      authors: [{ name: 'The team', url: 'https://team.example/' }],
      language: 'en-GB',
      hubs: [{ type: 'WebSub', url: 'https://hub.example/' }],
    });
  });

  it('announces no hub without a feed_url, as a subscriber would have no topic to subscribe to', () => {
    // Act
    const feed = JSON.parse(
      renderJsonFeed(published([anItem()]), aFeedContext({ baseUrl: undefined, hub: 'https://hub.example/' })),
    );

    // Assess
    expect(feed).not.toHaveProperty('hubs');
  });

  it("names each item's source by its title, with its site and feed", () => {
    // Prepare
    const context = aContext({
      sources: [aNamedSource()],
    });

    // Act
    const json = renderJsonFeed(published([anItem()]), context);

    // Assess
    expect(jsonFeedViolations(json)).toEqual([]);
    expect(JSON.parse(json).items[0]._source).toEqual({
      id: 'example',
      title: 'Example Weblog',
      home_page_url: 'https://example.com/',
      feed_url: 'https://example.com/feed.xml',
    });
  });

  it('keeps to the JSON Feed 1.1 schema with hostile text and without any identity', () => {
    // Prepare
    const items = [
      anItem({ title: HOSTILE_TEXT, content_html: HOSTILE_TEXT, sourceId: HOSTILE_TEXT }),
      ...manyItems(3),
    ];
    const bare = aContext({ homePageUrl: undefined, feedJsonUrl: undefined, feedXmlUrl: undefined });

    // Act
    const json = renderJsonFeed(published(items), bare);

    // Assess
    expect(jsonFeedViolations(json)).toEqual([]);
  });

  it("never shows a source URL's credentials or query in _source.feed_url", () => {
    // Prepare
    const context = aContext({ sources: [{ id: 'example', url: 'https://user:secret@example.com/feed?token=t0k3n' }] });

    // Act
    const json = renderJsonFeed(published([anItem()]), context);

    // Assess
    expect(json).not.toMatch(/secret|t0k3n/);
    expect(JSON.parse(json).items[0]._source.feed_url).toBe('https://example.com/feed');
  });
});
