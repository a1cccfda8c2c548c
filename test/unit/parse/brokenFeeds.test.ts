import { describe, expect, it } from 'vitest';

import type { Item } from '../../../lambda/core/model.js';
import { parseConformanceFixture } from './feedFixtures.js';

// One minimal fixture per class of feed readers meet and Python feedparser reads (see
// docs/sources.md, "Broken feeds and recovery"); npm run conformance compares the whole set.

const shown = (items: Item[]) => items.map((item) => [item.title, item.url]);

describe('feeds that are not well-formed XML', () => {
  it.each([
    [
      'a bare & in titles and links',
      'tributary-bare-ampersand-link.rss',
      'Fish & chips',
      'https://shop.example/get?id=1&ref=rss',
    ],
    [
      'HTML entities, and an & that is none',
      'tributary-html-entities.rss',
      'Menu du jour &D',
      'https://cafe.example/menu',
    ],
    ['a tag closed out of order', 'tributary-mismatched-tags.rss', 'First post', 'https://mismatch.example/1'],
    ['an item never closed', 'tributary-unclosed-item.rss', 'One', 'https://unclosed.example/1'],
    ['an unterminated CDATA section', 'tributary-unterminated-cdata.rss', 'Before', 'https://cdata.example/1'],
    ['a ]]> in text', 'tributary-cdata-end-in-text.rss', 'Arrays a[b[0]]> c', 'https://brackets.example/1'],
    ['a stray <', 'tributary-stray-less-than.rss', 'Why 1 < 2 matters', 'https://compare.example/1'],
    ['a document cut off mid-entry', 'tributary-truncated.atom', 'Complete entry', 'https://cut.example/1'],
  ])('reads one with %s', (_, file, title, url) => {
    // Act
    const { items } = parseConformanceFixture(`xml-errors/${file}`);

    // Assess
    expect(shown(items)[0]).toEqual([title, url]);
  });

  it('reads the entry after an unterminated CDATA section, saying which elements were left open', () => {
    // Act
    const { items, recovered } = parseConformanceFixture('xml-errors/tributary-unterminated-cdata.rss');

    // Assess
    expect(shown(items)).toEqual([
      ['Before', 'https://cdata.example/1'],
      ['Broken', 'https://cdata.example/2'],
    ]);
    expect(recovered).toBe('unclosed elements rss, channel, item, description at line 1, column 1');
  });

  it('reads a stray < through the recovery path, naming its line and column', () => {
    // Act
    const { recovered } = parseConformanceFixture('xml-errors/tributary-stray-less-than.rss');

    // Assess
    expect(recovered).toBe("invalid space after '<' at line 7, column 21");
  });
});

describe('RSS items holding only elements feedsmith does not know', () => {
  it('shows <fullitem> and an inline <xhtml:body> as the body of a title-less item', () => {
    // Act
    const { items } = parseConformanceFixture('unknown-elements/tributary-fullitem-only.rss');

    // Assess
    expect(items.map((item) => [item.title, item.content_html])).toEqual([
      [undefined, '<p>Full item text</p>'],
      [undefined, '<p>XHTML body text</p>'],
    ]);
  });

  it('reads a feed whose only item has an unprefixed XHTML body, which feedsmith refuses outright', () => {
    // Act
    const { items } = parseConformanceFixture('unknown-elements/feedparser-item_xhtml_body.xml');

    // Assess
    expect(items.map((item) => item.content_html)).toEqual(['<p>Example content</p>']);
  });
});

describe('podcast feeds with unusual attribute syntax', () => {
  it.each([
    ['single-quoted', 'tributary-single-quoted.rss', 'https://pod.example/2'],
    ['spaced', 'tributary-spaced-attributes.rss', 'https://spaced.example/2'],
  ])('read every episode when attributes are %s', (_, file, url) => {
    // Act
    const { items } = parseConformanceFixture(`podcasts/${file}`);

    // Assess
    expect(items).toHaveLength(2);
    expect(shown(items)[0]).toEqual(['Episode 2', url]);
  });
});

describe('where an entry without <link> links to', () => {
  it('an Atom link inside an RSS item (the a10: prefix .NET writes)', () => {
    // Act
    const { items } = parseConformanceFixture('links/tributary-a10-link.rss');

    // Assess
    expect(shown(items)).toEqual([['Written by .NET', 'https://dotnet.example/posts/1']]);
  });

  it('an Atom entry with an http(s) id links there; a tag: id is no link', () => {
    // Act
    const { items } = parseConformanceFixture('links/tributary-atom-id-link.atom');

    // Assess
    expect(shown(items)).toEqual([
      ['No link element', 'https://ids.example/posts/1'],
      ['A tag id is no link', undefined],
    ]);
  });

  it('an RSS <guid> with isPermaLink absent', () => {
    // Act
    const { items } = parseConformanceFixture('links/feedparser-item_guid_map_link.xml');

    // Assess
    expect(items[0]?.url).toBe('http://guid.example.com/');
  });

  it('an RSS 1.0 item without <link>: its rdf:about', () => {
    // Act
    const { items } = parseConformanceFixture('links/feedparser-rdf_item_rdf_about.xml');

    // Assess
    expect(items[0]?.url).toBe('http://example.org/1');
  });

  it('a relative link resolves against the xml:base on the RSS root or the item, before the channel link', () => {
    // Act
    const root = parseConformanceFixture('links/gofeed-rss_channel_item_xml_base.xml').items;
    const item = parseConformanceFixture('links/node-feedparser-rss-with-item-scoped-html-base.xml').items;

    // Assess
    expect(root[0]?.url).toBe('http://example.org/feeds/post/1');
    expect(shown(item)).toEqual([
      ['First', 'https://example.com/first/first'],
      ['Second', 'https://example.com/second'],
    ]);
  });
});

describe('entries with a body and no title', () => {
  it('are kept without a title (microblogs, status feeds)', () => {
    // Act
    const { items } = parseConformanceFixture('bodies/tributary-microblog.rss');

    // Assess
    expect(items.map((item) => [item.title, item.url, item.content_html])).toEqual([
      [undefined, undefined, 'Deploying the new version now.'],
      [undefined, undefined, '<p>All systems <b>normal</b>.</p>'],
    ]);
  });

  it('decode Base64 Atom content to text', () => {
    // Act
    const { items } = parseConformanceFixture('bodies/feedparser-entry_content_base64.xml');

    // Assess
    expect(items.map((item) => item.content_text)).toEqual(['Example <b>Atom</b>']);
  });

  it('read dc:description and itunes:summary as bodies', () => {
    // Act
    const dc = parseConformanceFixture('bodies/feedparser-item_dc_description.xml').items;
    const itunes = parseConformanceFixture('podcasts/feedparser-itunes_item_summary.xml').items;

    // Assess
    expect(dc.map((item) => item.content_html)).toEqual(['Example description']);
    expect(itunes.map((item) => item.content_html)).toEqual(['Example summary']);
  });

  it('treat Atom 0.3 text/html titles as HTML', () => {
    // Act
    const { items } = parseConformanceFixture('xml-errors/feedparser-amp13.xml');

    // Assess
    expect(items[0]?.title).toBe('&');
  });
});
