import { describe, expect, it } from 'vitest';

import { SourceError } from '../../../lambda/core/errors.js';
import type { Item } from '../../../lambda/core/model.js';
import { mergeItems } from '../../../lambda/merge/merge.js';
import { parseFeedSource } from '../../../lambda/parse/parseFeedSource.js';
import { NO_ITEM_LIMIT } from '../../support/builders/items.js';
import { CORPUS_FILES, itemTitled, parseCorpusFeed, parseFixture, readCorpusFeed } from './feedFixtures.js';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Items parse into something a reader can use; returns what is wrong, or nothing. */
function problemsOf(items: Item[]): string[] {
  const problems: string[] = [];
  for (const item of items) {
    if (!item.id) problems.push('item without id');
    if (!item.title && !item.url) problems.push(`${item.id}: neither title nor url`);
    if (item.url !== undefined && !/^https?:\/\/[^/]/.test(item.url)) problems.push(`${item.id}: url ${item.url}`);
    for (const date of [item.date_published, item.date_modified]) {
      if (date !== undefined && (!RFC3339_UTC.test(date) || Number.isNaN(Date.parse(date)))) {
        problems.push(`${item.id}: date ${date}`);
      }
    }
    if (item.title?.includes('\uFFFD')) problems.push(`${item.id}: undecodable title ${item.title}`);
  }
  return problems;
}

/** The corpus files that are not feeds, and the one clear reason each must fail with. */
const CORPUS_NOT_FEEDS: Record<string, string> = { 'unrecognized.rss': 'not a feed: looks like an HTML page' };
/** Feeds whose every entry has nothing to show (no title, link or content): they parse into no items. */
const CORPUS_WITHOUT_ITEMS = new Set(['incomplete-fields.atom', 'missing-fields.atom']);

describe('parseFeedSource', () => {
  describe('on the rss-parser corpus', () => {
    const feeds = CORPUS_FILES.filter((name) => !(name in CORPUS_NOT_FEEDS));

    it.each(feeds)('%s parses into sensible items', (name) => {
      // Act
      const items = parseCorpusFeed(name);

      // Assess
      expect(items.length > 0).toBe(!CORPUS_WITHOUT_ITEMS.has(name));
      expect(problemsOf(items)).toEqual([]);
    });

    it.each(Object.entries(CORPUS_NOT_FEEDS))('%s fails with a clear reason', (name, reason) => {
      // Act + Assess
      expect(() => parseCorpusFeed(name)).toThrowError(new SourceError('unsupported_format', reason));
    });

    it('guardian.rss: every item, with HTML content, dc:creator author and categories', () => {
      // Act
      const items = parseCorpusFeed('guardian.rss');

      // Assess
      expect(items).toHaveLength(55);
      const item = itemTitled(items, 'Trump State of the Union address promised unity but emphasized discord');
      expect(item).toMatchObject({
        id: 'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord',
        url: 'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord',
        date_published: '2018-01-31T07:26:05.000Z',
        authors: [{ name: 'David Smith in Washington' }],
        tags: [
          'Donald Trump',
          'State of the Union address',
          'US news',
          'US politics',
          'Democrats',
          'Republicans',
          'US Congress',
        ],
      });
      expect(item.content_html).toMatch(/^<p>The president’s ‘new American moment’ speech/);
      expect(item.content_html).toContain('rel="noopener noreferrer">Continue reading...</a>');
    });

    it('heise.atom: summary and content kept apart, zoned dates in UTC, the feed author inherited', () => {
      // Act
      const items = parseCorpusFeed('heise.atom');

      // Assess
      expect(items).toHaveLength(15);
      const item = itemTitled(items, 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei');
      expect(item).toMatchObject({
        id: 'http://heise.de/-3088438',
        url:
          'http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html' +
          '?wt_mc=rss.developer.beitrag.atom',
        date_published: '2016-02-01T16:22:00.000Z',
        date_modified: '2016-02-01T16:54:50.000Z',
        authors: [{ name: 'heise online' }],
      });
      expect(item.summary).toMatch(/^Die nun verfügbare Version 10 des Enterprise-Java-Servers/);
      expect(item.content_html).toContain(
        '<img src="http://www.heise.de/scale/geometry/264/q80/imgs/18/1/7/3/9/9/2/1/',
      );
    });

    it('gulp-atom.atom: root-relative entry links resolved against the feed link', () => {
      // Act
      const items = parseCorpusFeed('gulp-atom.atom');

      // Assess
      expect(itemTitled(items, 'v3.9.0').url).toBe('https://github.com/gulpjs/gulp/releases/tag/v3.9.0');
      expect(items.every((item) => item.url?.startsWith('https://github.com/gulpjs/gulp/releases/tag/'))).toBe(true);
    });

    it('reddit-home.rss (Atom): xhtml content unwrapped, relative ids namespaced, categories by label', () => {
      // Act
      const items = parseCorpusFeed('reddit-home.rss');

      // Assess
      const item = itemTitled(items, 'How the British as seen by Americans and Europeans');
      expect(item).toMatchObject({
        id: 'src:t3_42tizy',
        url: 'https://www.reddit.com/r/funny/comments/42tizy/how_the_british_as_seen_by_americans_and_europeans/',
        date_published: '2016-01-26T20:31:34.000Z',
        authors: [{ name: '/u/AngryRedditorsBelow', url: 'https://www.reddit.com/user/AngryRedditorsBelow' }],
        tags: ['/r/funny'],
      });
      expect(item.content_html).toMatch(/^<table><tr><td><a href="https:\/\/www\.reddit\.com\/r\/funny\//);
    });

    it('rss-1.rss (RDF): items with rdf:about ids and Dublin Core dates, creators and subjects', () => {
      // Act
      const items = parseCorpusFeed('rss-1.rss');

      // Assess
      expect(items).toHaveLength(69);
      expect(itemTitled(items, 'Food for fungi')).toEqual({
        id: 'http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1',
        sourceId: 'src',
        url: 'http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1',
        title: 'Food for fungi',
        date_published: '2017-06-15T17:29:47.000Z',
        authors: [{ name: 'Hines, P. J.' }],
        tags: ['Botany, Microbiology'],
      });
    });

    it('encoding.rss: ISO-8859-1 declared in the XML declaration decodes to the right characters', () => {
      // Act
      const items = parseCorpusFeed('encoding.rss');

      // Assess
      expect(items).toHaveLength(40);
      expect(itemTitled(items, 'Mãe de utente é a nova presidente da Raríssimas').content_html).toMatch(
        /^Sónia Laygue, profissional na área da Recursos Humanos e mãe de uma criança/,
      );
    });

    it('reddit-atom.rss: RSS with HTML descriptions and atom:link, newest first once kept', () => {
      // Act: kept as a source keeps them (processSource), which orders them
      const items = mergeItems([parseCorpusFeed('reddit-atom.rss')], NO_ITEM_LIMIT);

      // Assess
      expect(items).toHaveLength(24);
      expect(itemTitled(items, 'The Difficulties in Space')).toMatchObject({
        id: 'https://www.reddit.com/r/space/comments/42babr/the_difficulties_in_space/',
        date_published: '2016-01-23T15:40:37.000Z',
      });
      const dates = items.map((item) => item.date_published ?? '');
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it('feedburner.atom: Blogger tag: ids verbatim, author with profile URL, categories by term', () => {
      // Act
      const items = parseCorpusFeed('feedburner.atom');

      // Assess
      expect(items).toHaveLength(25);
      expect(itemTitled(items, 'AdWords and DFP Java client library will soon require Java 7+')).toMatchObject({
        id: 'tag:blogger.com,1999:blog-7815614485808579332.post-8394866751819460570',
        url: 'http://feedproxy.google.com/~r/blogspot/lQlzL/~3/Zjf41PDVLAc/adwords-and-dfp-java-client-library.html',
        authors: [{ name: 'Google Ads Developer Advisor', url: 'http://www.blogger.com/profile/16700526826531306391' }],
      });
      expect(items.every((item) => item.id.startsWith('tag:blogger.com,1999:'))).toBe(true);
    });

    it.each(['incomplete-fields.atom', 'missing-fields.atom'])(
      '%s: entries with nothing to show yield no items',
      (name) => {
        // Act
        const items = parseCorpusFeed(name);

        // Assess
        expect(items).toEqual([]);
      },
    );

    it('itunes-missing-image.rss: episodes sharing one link stay apart by guid; a repeated guid collapses', () => {
      // Act: kept as a source keeps them (processSource), which collapses repeats
      const items = mergeItems([parseCorpusFeed('itunes-missing-image.rss')], NO_ITEM_LIMIT);

      // Assess: 131 entries, one of them a second copy of the geekistry-2 guid
      expect(items).toHaveLength(130);
      expect(items.filter((item) => item.url === 'http://www.taverncast.com/')).toHaveLength(105);
    });

    it('unrecognized.rss: an HTML page fails as unsupported_format', () => {
      // Act
      const act = () =>
        parseFeedSource(readCorpusFeed('unrecognized.rss'), {
          contentType: 'text/html',
          finalUrl: 'https://example.com/rss',
          sourceId: 'src',
        });

      // Assess
      expect(act).toThrow(
        expect.objectContaining({ code: 'unsupported_format', message: 'not a feed: looks like an HTML page' }),
      );
    });
  });

  it('decodes a charset named only in the Content-Type header', () => {
    // Act
    const [item] = parseFixture('koi8-r-content-type.rss', { contentType: 'application/rss+xml; charset=KOI8-R' });

    // Assess
    expect(item?.title).toBe('Привет, мир');
  });

  it('decodes a windows-1252 feed', () => {
    // Act
    const [item] = parseFixture('windows-1252-declared.rss');

    // Assess
    expect(item?.title).toBe('“Price” – 10 € … naïve');
  });

  it('resolves relative links against the response URL after redirects', () => {
    // Act
    const [item] = parseFixture('rss-no-channel-link.rss', { finalUrl: 'https://moved.example/new/feed.xml' });

    // Assess
    expect(item?.url).toBe('https://moved.example/new/posts/one.html');
  });

  it('sanitizes content end to end: nothing executable survives, ordinary markup does', () => {
    // Act
    const [item] = parseFixture('unsafe-content.rss');

    // Assess
    const html = item?.content_html ?? '';
    expect(html).not.toMatch(/<script|<style|<iframe|<object|<embed|<form|<input|<svg|<base|<meta|<link/i);
    expect(html).not.toMatch(/\son\w+=|style=|class=|javascript:|data:/i);
    expect(html).not.toContain('iframe fallback');
    expect(html).toContain('<a href="https://unsafe.example/safe" rel="noopener noreferrer">a link</a>');
    expect(html).toContain('<img src="https://unsafe.example/pic.png" alt="pic" />');
    expect(html).toContain('<a href="mailto:editor@unsafe.example" rel="noopener noreferrer">mail</a>');
    expect(html).toContain(
      '<figure><img src="https://cdn.unsafe.example/f.jpg" alt="f" /><figcaption>caption</figcaption></figure>',
    );
    expect(html).toContain('<pre><code>code()</code></pre>');
  });

  it('survives a billion-laughs document with bounded output', () => {
    // Prepare
    const started = performance.now();

    // Act
    const items = parseFixture('billion-laughs.rss');

    // Assess
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items).length).toBeLessThan(1_000);
  });

  it('fails a document with an external entity as malformed, without the file in items or message', () => {
    // Act
    const act = () => parseFixture('xxe.rss');

    // Assess
    expect(act).toThrow(SourceError);
    expect(act).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(act).not.toThrow(/root:/);
  });
});
