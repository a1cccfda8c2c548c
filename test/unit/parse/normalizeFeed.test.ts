import { describe, expect, it } from 'vitest';

import type { Item } from '../../../lambda/core/model.js';
import { dateWindow } from '../../../lambda/parse/dateWindow.js';
import { normalizeFeed } from '../../../lambda/parse/normalizeFeed.js';
import { parseFeed } from '../../../lambda/parse/parseFeed.js';
import { itemTitled, readFeed, responseUrl } from './feedFixtures.js';

/** Normalizes a UTF-8 fixture as if fetched from responseUrl(name). */
function normalize(name: string, sourceId = 'src'): Item[] {
  return normalizeFeed(parseFeed(readFeed(name).toString('utf8')), { sourceId, baseUrl: responseUrl(name) }).items;
}

function normalizeText(text: string, sourceId = 'src'): Item[] {
  return normalizeFeed(parseFeed(text), { sourceId, baseUrl: 'https://response.example/feed' }).items;
}

function rss(items: string): string {
  const channel = `<channel><title>t</title><link>https://site.example/</link>${items}</channel>`;
  return `<?xml version="1.0"?><rss version="2.0">${channel}</rss>`;
}

describe('normalizeFeed', () => {
  describe('RSS 2.0', () => {
    it('maps content:encoded to content_html, description to summary, dc:creator to authors, category to tags', () => {
      // Act
      const item = itemTitled(normalize('rss-channel-link.rss'), 'Root-relative');

      // Assess
      expect(item).toEqual({
        id: 'src:42',
        sourceId: 'src',
        url: 'https://site.example/news/2024/root-relative',
        title: 'Root-relative',
        content_html:
          '<p>Read <a href="https://site.example/news/related.html" rel="noopener noreferrer">related</a> ' +
          '<img src="https://site.example/img/photo.jpg" alt="photo" /></p>',
        summary: 'Teaser with markup.',
        date_published: '2024-01-01T10:00:00.000Z',
        authors: [{ name: 'Jane Doe' }],
        tags: ['World'],
      });
    });

    it('resolves relative item links and content URLs against the channel link', () => {
      // Act
      const item = itemTitled(normalize('rss-channel-link.rss'), 'Path-relative');

      // Assess
      expect(item.url).toBe('https://site.example/news/2024/path-relative');
      expect(item.content_html).toBe('<p>Only a description.</p>');
    });

    it('resolves relative links against the response URL when the channel has no link', () => {
      // Act
      const [item] = normalize('rss-no-channel-link.rss');

      // Assess
      expect(item?.url).toBe('https://response.example/feeds/posts/one.html');
      expect(item?.content_html).toBe('<img src="https://response.example/feeds/images/one.png" alt="one" />');
    });

    it('takes a permalink guid as the URL when there is no link', () => {
      // Act
      const item = itemTitled(normalize('rss-channel-link.rss'), 'Permalink guid');

      // Assess
      expect(item.url).toBe('https://site.example/news/2024/permalink');
      expect(item.id).toBe('https://site.example/news/2024/permalink');
    });

    it('does not take a guid marked isPermaLink="false" as the URL', () => {
      // Act
      const [item] = normalizeText(
        rss('<item><title>x</title><guid isPermaLink="false">https://site.example/p/1</guid></item>'),
      );

      // Assess
      expect(item?.url).toBeUndefined();
      expect(item?.id).toBe('https://site.example/p/1');
    });

    it('turns titles into plain text: tags stripped, entities decoded, whitespace collapsed', () => {
      // Act
      const [item] = normalizeText(
        rss(
          '<item><title>  Bright &lt;b&gt;Victorian&lt;/b&gt;\n &amp;amp; garden </title>' +
            '<link>https://site.example/1</link></item>',
        ),
      );

      // Assess
      expect(item?.title).toBe('Bright Victorian & garden');
    });

    it('drops a non-http(s) item link', () => {
      // Act
      const [item] = normalize('unsafe-content.rss');

      // Assess
      expect(item?.url).toBeUndefined();
      expect(item?.title).toBe('Hello world');
    });
  });

  describe('dates', () => {
    it.each([
      ['named zone EST', '2018-02-01T01:15:15.000Z'],
      ['named zone GMT', '2018-01-31T20:15:15.000Z'],
      ['named zone CEST', '2018-06-14T07:00:00.000Z'],
      ['two-digit year, no colon', '2002-04-03T15:00:00.000Z'],
      ['ISO without zone', '2018-01-31T20:15:15.000Z'],
      ['dc:date only', '2018-01-31T14:45:15.000Z'],
    ])('reads "%s" as %s', (title, expected) => {
      // Act
      const item = itemTitled(normalize('odd-dates.rss'), title);

      // Assess
      expect(item.date_published).toBe(expected);
    });

    it.each(['garbage', 'impossible day'])('leaves the date out for "%s" and keeps the item', (title) => {
      // Act
      const item = itemTitled(normalize('odd-dates.rss'), title);

      // Assess
      expect(item).not.toHaveProperty('date_published');
      expect(item.url).toBe(`https://dates.example/${title === 'garbage' ? 'garbage' : 'impossible'}`);
    });
  });

  describe('the date window', () => {
    const NOW = Date.parse('2026-12-03T12:00:00Z');
    const window = dateWindow(NOW, 24);
    const datedRss = (published: string) =>
      rss(`<item><title>x</title><link>https://site.example/x</link><pubDate>${published}</pubDate></item>`);
    const atomEntry = (published: string, updated: string) =>
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id><title>x</title>` +
      `<published>${published}</published><updated>${updated}</updated></entry></feed>`;
    const normalizeAt = (text: string) =>
      normalizeFeed(parseFeed(text), { sourceId: 'src', baseUrl: 'https://response.example/feed', dates: window });

    it.each([
      ['far in the future', '9999-12-31T23:59:59Z'],
      ['with an offset no zone has', '9999-12-31T23:59:59-99:99'],
      ['before 1970', '1969-12-31T23:59:59Z'],
      ['in 1950', 'Sun, 01 Jan 1950 00:00:00 GMT'],
      ['before 1900', '1850-01-01T00:00:00Z'],
      ['past the tolerance', '2026-12-04T12:00:01Z'],
    ])('drops a published date %s, keeps the item undated, and counts it', (_, published) => {
      // Act
      const { items, datesDropped } = normalizeAt(datedRss(published));

      // Assess
      expect(items).toHaveLength(1);
      expect(items[0]).not.toHaveProperty('date_published');
      expect(datesDropped).toBe(1);
    });

    it.each([
      ['within the tolerance', '2026-12-04T11:59:59Z'],
      ['at the tolerance', '2026-12-04T12:00:00Z'],
      ['at the Unix epoch', '1970-01-01T00:00:00Z'],
    ])('keeps a date %s', (_, published) => {
      // Act
      const { items, datesDropped } = normalizeAt(datedRss(published));

      // Assess
      expect(items[0]?.date_published).toBe(new Date(published).toISOString());
      expect(datesDropped).toBe(0);
    });

    it('drops an updated date outside the window on its own, counting the item once', () => {
      // Act
      const { items, datesDropped } = normalizeAt(atomEntry('2026-12-01T10:00:00Z', '9999-12-31T23:59:59Z'));

      // Assess
      expect(items[0]).toMatchObject({ date_published: '2026-12-01T10:00:00.000Z' });
      expect(items[0]).not.toHaveProperty('date_modified');
      expect(datesDropped).toBe(1);
    });

    it('counts each item whose date was dropped, not items without a date', () => {
      // Prepare
      const feed = rss(
        '<item><title>a</title><pubDate>9999-12-31T23:59:59Z</pubDate></item>' +
          '<item><title>b</title><pubDate>sometime last week</pubDate></item>' +
          '<item><title>c</title></item>' +
          '<item><title>d</title><pubDate>Wed, 02 Dec 2026 10:00:00 GMT</pubDate></item>',
      );

      // Act
      const { items, datesDropped } = normalizeAt(feed);

      // Assess
      expect(items.map((item) => item.date_published)).toEqual([
        undefined,
        undefined,
        undefined,
        '2026-12-02T10:00:00.000Z',
      ]);
      expect(datesDropped).toBe(2);
    });
  });

  describe('Atom 1.0', () => {
    it("resolves links and content against the entry's xml:base, nested in the feed's", () => {
      // Act
      const item = itemTitled(normalize('atom-xml-base.atom'), 'Entry with its own base');

      // Assess
      expect(item).toEqual({
        id: 'src:entry-1',
        sourceId: 'src',
        url: 'https://base.example/blog/posts/first.html',
        title: 'Entry with its own base',
        content_html:
          '<p>See <a href="https://base.example/blog/posts/second.html" rel="noopener noreferrer">the next post</a> ' +
          'and <img src="https://base.example/img/a.png" alt="a" /></p>',
        summary: 'Summary of the first entry.',
        date_published: '2024-02-01T10:00:00.000Z',
        date_modified: '2024-02-01T12:00:00.000Z',
        authors: [{ name: 'Feed Author', url: 'https://base.example/about' }],
        tags: ['Atom', 'base'],
      });
    });

    it("resolves the link against the feed's xml:base and xhtml content against the content's own", () => {
      // Act
      const item = itemTitled(normalize('atom-xml-base.atom'), "Entry with the feed's base");

      // Assess
      expect(item.url).toBe('https://base.example/blog/archive/second.html');
      expect(item.content_html).toBe('<p>Picture: <img src="https://cdn.example/media/pic.jpg" alt="pic" /></p>');
    });

    it('keeps a type="text" title literally and shows a summary-only entry\'s summary as its content', () => {
      // Act
      const item = itemTitled(normalize('atom-xml-base.atom'), 'Plain & simple <not a tag>');

      // Assess
      expect(item.content_html).toBe('<p>Only a <em>summary</em>.</p>');
      expect(item).not.toHaveProperty('summary');
    });

    it('resolves relative links against the alternate link when there is no xml:base', () => {
      // Act
      const [item] = normalize('atom-relative-links.atom');

      // Assess
      expect(item?.url).toBe('https://site.example/journal/2024/relative.html');
      expect(item?.content_html).toBe('<a href="https://site.example/about" rel="noopener noreferrer">about</a>');
    });

    it('maps content type="text" to content_text', () => {
      // Prepare
      const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id><title>x</title>
        <content type="text">Line one
Line two &lt;not markup&gt;</content></entry></feed>`;

      // Act
      const [item] = normalizeText(atom);

      // Assess
      expect(item?.content_text).toBe('Line one\nLine two <not markup>');
      expect(item).not.toHaveProperty('content_html');
    });
  });

  describe('JSON Feed', () => {
    it('reads JSON Feed 1.0: the singular author, content_html sanitized, relative URLs against home_page_url', () => {
      // Act
      const items = normalize('json-feed-1.0.json');

      // Assess
      expect(items).toEqual([
        {
          id: 'https://json10.example/2019/first',
          sourceId: 'src',
          url: 'https://json10.example/2019/first',
          title: 'First post',
          content_html: '<p>Hello <a href="https://json10.example/2019/second" rel="noopener noreferrer">next</a> </p>',
          summary: 'A short summary.',
          date_published: '2019-05-01T08:00:00.000Z',
          authors: [{ name: 'Item Author', url: 'https://json10.example/authors/item' }],
          tags: ['json', 'Feeds'],
        },
        {
          id: 'src:2',
          sourceId: 'src',
          url: 'https://json10.example/2019/second',
          content_text: 'Plain text\nwith a line break.',
          date_published: '2019-05-02T10:00:00.000Z',
          authors: [{ name: 'Feed Author', url: 'https://json10.example/about' }],
        },
      ]);
    });

    it('reads JSON Feed 1.1: authors, feed authors inherited, external_url, date_modified', () => {
      // Act
      const items = normalize('json-feed-1.1.json');

      // Assess
      expect(itemTitled(items, 'With authors')).toMatchObject({
        id: 'src:1',
        authors: [{ name: 'Ada' }, { name: 'Grace', url: 'https://grace.example/' }],
        date_modified: '2021-03-02T08:00:00.000Z',
      });
      expect(itemTitled(items, 'Inherits the feed author')).toMatchObject({
        url: 'https://elsewhere.example/article',
        authors: [{ name: 'Feed Author' }],
        content_text: 'Linked elsewhere.',
      });
      expect(itemTitled(items, 'Unsafe URL')).not.toHaveProperty('url');
    });
  });

  describe('ids', () => {
    it('keeps an id that is an absolute URI verbatim', () => {
      // Act
      const [a, b] = normalizeText(
        rss(
          '<item><title>a</title><guid>tag:site.example,2024:1</guid></item>' +
            '<item><title>b</title><guid>urn:uuid:1234</guid></item>',
        ),
      );

      // Assess
      expect(a?.id).toBe('tag:site.example,2024:1');
      expect(b?.id).toBe('urn:uuid:1234');
    });

    it('replaces a guid or atom:id in a scheme other than http(s), urn or tag with a urn:uuid', () => {
      // Prepare
      const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
        <entry><id>data:text/html,&lt;b&gt;x</id><title>b</title><link href="https://site.example/b"/></entry></feed>`;

      // Act
      const [fromRss] = normalizeText(rss('<item><title>a</title><guid>javascript:alert(3)</guid></item>'));
      const [fromAtom] = normalizeText(atom);

      // Assess
      expect(fromRss?.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(fromAtom?.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(fromAtom?.url).toBe('https://site.example/b');
    });

    it('prefixes an id that is not a URI with the source id, so equal ids of two sources differ', () => {
      // Prepare
      const feed = rss('<item><title>a</title><guid>1</guid></item>');

      // Act
      const [fromA] = normalizeText(feed, 'alpha');
      const [fromB] = normalizeText(feed, 'beta');

      // Assess
      expect(fromA?.id).toBe('alpha:1');
      expect(fromB?.id).toBe('beta:1');
    });

    it('uses the item URL when the feed gives no id', () => {
      // Act
      const [item] = normalizeText(rss('<item><title>a</title><link>/p/1</link></item>'));

      // Assess
      expect(item?.id).toBe('https://site.example/p/1');
    });

    it('hashes title, date and content when there is neither id nor URL: stable, distinct, namespaced', () => {
      // Prepare
      const one = rss('<item><title>a</title><description>same</description></item>');
      const other = rss('<item><title>a</title><description>different</description></item>');

      // Act
      const [first] = normalizeText(one);
      const [again] = normalizeText(one);
      const [changed] = normalizeText(other);

      // Assess
      expect(first?.id).toMatch(/^src:[0-9a-f]{32}$/);
      expect(again?.id).toBe(first?.id);
      expect(changed?.id).not.toBe(first?.id);
    });
  });

  it('leaves out entries with nothing to show: no title, no link, no content', () => {
    // Act
    const items = normalizeText(rss('<item><guid>urn:x:1</guid></item><item><title>kept</title></item>'));

    // Assess
    expect(items.map((item) => item.title)).toEqual(['kept']);
  });
});
