import { describe, expect, it } from 'vitest';

import { discoverFeedUrl } from '../../../lambda/parse/discoverFeedUrl.js';
import { readFixture } from '../../support/fixtures.js';

const page = (head: string) => `<!doctype html><html><head>${head}</head><body><p>Hello</p></body></html>`;

describe('discoverFeedUrl', () => {
  it('finds the main feed of a WordPress page, not its REST API link or its comments feed', () => {
    const html = readFixture('sources/wordpress-page.html').toString('utf8');

    expect(discoverFeedUrl(html, 'https://acme.example/')).toBe('https://acme.example/feed/');
  });

  it.each([
    ['Atom', '<link rel="alternate" type="application/atom+xml" href="/atom.xml">', 'https://site.example/atom.xml'],
    [
      'JSON Feed',
      '<link rel="alternate" type="application/feed+json" href="feed.json">',
      'https://site.example/blog/feed.json',
    ],
    [
      'upper-case attributes and extra rel tokens',
      '<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="/rss">',
      'https://site.example/rss',
    ],
    [
      'a <base href>',
      '<base href="https://cdn.example/b/"><link rel="alternate" type="application/rss+xml" href="rss.xml">',
      'https://cdn.example/b/rss.xml',
    ],
  ])('finds a feed announced as %s', (_case, head, expected) => {
    expect(discoverFeedUrl(page(head), 'https://site.example/blog/')).toBe(expected);
  });

  it.each([
    ['no alternate link', '<link rel="stylesheet" href="/style.css">'],
    ['an alternate page in another language', '<link rel="alternate" hreflang="de" href="/de/">'],
    ['a feed link that is not http(s)', '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'],
    ['a feed type on a link that is not alternate', '<link rel="preload" type="application/rss+xml" href="/rss">'],
  ])('finds nothing on a page with %s', (_case, head) => {
    expect(discoverFeedUrl(page(head), 'https://site.example/')).toBeUndefined();
  });

  it('finds nothing in a document that is not HTML', () => {
    expect(discoverFeedUrl('{"items": []}', 'https://site.example/')).toBeUndefined();
  });
});
