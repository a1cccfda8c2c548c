import { describe, expect, it } from 'vitest';
import { EXCERPT_LENGTH, excerptOf, renderReadingPage } from '../../../lambda/render/renderReadingPage.js';
import { anItem, manyItems } from '../../support/builders/items.js';
import { aContext, aNamedSource, HOSTILE_TEXT, JAVASCRIPT_URL, published } from './builders.js';

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
}

describe('renderReadingPage', () => {
  it('is a self-contained page: CSP, viewport, the feed title, inline style, no script or outside asset', () => {
    // Act
    const html = renderReadingPage(published(manyItems(3)), aContext({ language: 'de' }));

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &apos;none&apos;;');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>Tributary test feed</title>');
    expect(html).not.toMatch(/<script|<img|<iframe|\ssrc=|@import|url\(/i);
  });

  it('announces both feeds in <head> and offers them as subscribe links, by their public URLs when known', () => {
    // Act
    const html = renderReadingPage(published([]), aContext({ description: 'What the team reads' }));

    // Assess
    expect(html).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Tributary test feed (Atom)" ' +
        'href="https://feeds.example.org/feed.xml">',
    );
    expect(html).toContain(
      '<link rel="alternate" type="application/feed+json" title="Tributary test feed (JSON Feed)" ' +
        'href="https://feeds.example.org/feed.json">',
    );
    expect(html).toContain('<h1>Tributary test feed</h1>\n<p>What the team reads</p>');
    expect(html).toContain(
      'Subscribe in your feed reader: <a href="https://feeds.example.org/feed.xml" ' +
        'type="application/atom+xml">Atom feed</a>',
    );
  });

  it('links the feeds relatively when the public address is not known, so the page works from any folder', () => {
    // Act
    const html = renderReadingPage(published([]), aContext({ feedJsonUrl: undefined, feedXmlUrl: undefined }));

    // Assess
    expect(html).toContain('type="application/atom+xml" title="Tributary test feed (Atom)" href="feed.xml">');
    expect(html).toContain('type="application/feed+json" title="Tributary test feed (JSON Feed)" href="feed.json">');
  });

  it('shows each item with its link, source name linking to the source site, date and a plain-text excerpt', () => {
    // Prepare
    const item = anItem({
      content_html: '<p>Hello <b>bold</b> &amp; <a href="https://x.example/">linked</a> world</p>',
    });

    // Act
    const html = renderReadingPage(published([item]), aContext({ sources: [aNamedSource()] }));

    // Assess
    expect(html).toContain(`<li><article>
<h2><a href="https://example.com/posts/1">First post</a></h2>
<p class="meta"><a href="https://example.com/">Example Weblog</a> · <time \
datetime="2025-03-01T10:00:00Z">2025-03-01 10:00 UTC</time></p>
<p class="excerpt">Hello bold &amp; linked world</p>
</article></li>`);
  });

  it('names a source without a title by its id, and without a known site as plain text', () => {
    // Act
    const html = renderReadingPage(published([anItem({ sourceId: 'gone' })]), aContext());

    // Assess
    expect(html).toContain('<p class="meta">gone · <time');
  });

  it('cuts an excerpt at a word boundary to at most 300 characters, from the summary when there is one', () => {
    // Prepare
    const long = anItem({ content_html: `<p>${'word '.repeat(200)}</p>` });
    const summarized = anItem({ summary: 'The summary', content_html: '<p>The content</p>' });
    const unbroken = anItem({ content_html: undefined, content_text: 'x'.repeat(1000) });

    // Act
    const [longExcerpt, summaryExcerpt, unbrokenExcerpt] = published([long, summarized, unbroken]).map(excerptOf);

    // Assess
    expect(longExcerpt!.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(longExcerpt).toMatch(/^(word ){50,}word…$/);
    expect(summaryExcerpt).toBe('The summary');
    expect(unbrokenExcerpt).toHaveLength(EXCERPT_LENGTH);
  });

  it('lists at most 100 items, newest first as given, and says the feeds have the rest', () => {
    // Prepare
    const items = manyItems(150);

    // Act
    const html = renderReadingPage(published(items), aContext());

    // Assess
    const listed = [...html.matchAll(/<h2><a href="[^"]+">(Post number \d+)<\/a><\/h2>/g)].map((match) => match[1]);
    expect(listed).toEqual(items.slice(0, 100).map((item) => item.title));
    expect(html).toContain('The newest 100 of 150 items; the feeds have them all.');
  });

  it('links the run status page from the footer', () => {
    // Act
    const html = renderReadingPage(published([]), aContext());

    // Assess
    expect(html).toContain('<a href="status.html">Run status</a> of the 1 sources.');
    expect(html).toContain('<p class="note">No items yet.</p>');
  });

  it('escapes hostile text everywhere and links only http(s) and its own files', () => {
    // Prepare
    const items = [
      anItem({ title: HOSTILE_TEXT, url: JAVASCRIPT_URL, sourceId: 'hostile', content_html: HOSTILE_TEXT }),
    ];
    const context = aContext({
      title: HOSTILE_TEXT,
      description: HOSTILE_TEXT,
      feedJsonUrl: JAVASCRIPT_URL,
      sources: [{ id: 'hostile', url: JAVASCRIPT_URL, title: HOSTILE_TEXT, siteUrl: JAVASCRIPT_URL }],
    });

    // Act
    const html = renderReadingPage(published(items), context);

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('javascript:');
    expect(hrefs(html).every((href) => /^(https:\/\/|(feed\.json|status\.html)$)/.test(href))).toBe(true);
    const escaped =
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ]]&gt; &amp; &apos;single&apos; &quot;double&quot;  end';
    expect(html).toContain(`<h1>${escaped}</h1>`);
    expect(html).toContain(`<h2>${escaped}</h2>`);
    expect(html).toContain(`<p class="meta">${escaped} · `);
  });

  it('shows an untitled item by the start of its text, else its link, else as "(untitled)"', () => {
    // Act
    const html = renderReadingPage(
      published([
        anItem({ title: undefined }),
        anItem({ id: 'b', title: undefined, content_html: undefined }),
        anItem({ id: 'c', title: '', url: undefined, content_html: undefined }),
      ]),
      aContext(),
    );

    // Assess
    expect(html).toContain('<h2><a href="https://example.com/posts/1">Hello</a></h2>');
    expect(html).toContain('<h2><a href="https://example.com/posts/1">https://example.com/posts/1</a></h2>');
    expect(html).toContain('<h2>(untitled)</h2>');
  });
});
