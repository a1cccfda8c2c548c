import { describe, expect, it } from 'vitest';

import { SourceError } from '../../../lambda/core/errors.js';
import { type HtmlMapping, parseHtmlSource } from '../../../lambda/parse/parseHtmlSource.js';
import { readFixture } from '../../support/fixtures.js';
import { thrownBy } from '../../support/thrownBy.js';

const BLOG: HtmlMapping = {
  items: 'article.post',
  fields: { id: '@data-id', title: 'h2', url: 'h2 a@href', date: 'time@datetime', content: '.summary' },
};
const context = (finalUrl: string, contentType = 'text/html; charset=utf-8') => ({
  contentType,
  finalUrl,
  sourceId: 'eng',
});

describe('parseHtmlSource', () => {
  it('reads one item per element the items selector matches, with text and attributes from the field selectors', () => {
    const items = parseHtmlSource(
      readFixture('sources/blog.html'),
      context('https://blog.acme.example/engineering/'),
      BLOG,
    ).items;

    expect(items.map(({ content_html: _content, ...item }) => item)).toEqual([
      {
        id: 'eng:post-42',
        sourceId: 'eng',
        url: 'https://blog.acme.example/engineering/posts/kubernetes-upgrade.html',
        title: 'Upgrading our Kubernetes clusters',
        date_published: '2024-05-01T09:00:00.000Z',
      },
      {
        id: 'eng:post-41',
        sourceId: 'eng',
        url: 'https://elsewhere.example/guest-post',
        title: 'A guest post & its story',
        date_published: '2024-04-20T00:00:00.000Z',
      },
      { id: 'eng:post-40', sourceId: 'eng', title: 'Notes without a page' },
    ]);
  });

  it('takes the content as sanitized inner HTML with its links made absolute against the page', () => {
    const [first, second] = parseHtmlSource(
      readFixture('sources/blog.html'),
      context('https://blog.acme.example/engineering/'),
      BLOG,
    ).items;

    expect(first?.content_html).toMatch(/^<p>How we moved <em>forty<\/em> clusters\. /);
    expect(first?.content_html).toContain(
      '<a href="https://blog.acme.example/posts/kubernetes-upgrade.html#rollback" rel="noopener ' +
        'noreferrer">Rollback plan</a>',
    );
    expect(first?.content_html).toContain('<img src="https://blog.acme.example/images/clusters.png" alt="Clusters" />');
    expect(first?.content_html).not.toMatch(/script|track|onerror|steal/);
    expect(second?.content_html).toBe('<p>Written by a friend.</p>');
  });

  it("resolves relative links against the page's <base href> when it has one", () => {
    const items = parseHtmlSource(readFixture('sources/based.html'), context('https://www.example/news'), {
      items: 'ul.news li a',
      fields: { url: '@href', title: ':scope' },
    }).items;

    expect(items.map((item) => [item.title, item.url])).toEqual([
      ['First', 'https://cdn.example/blog/first.html'],
      ['Second', 'https://cdn.example/second.html'],
    ]);
  });

  it('decodes a page by its <meta> charset when the Content-Type names none', () => {
    const items = parseHtmlSource(
      readFixture('sources/legacy-windows-1252.html'),
      context('https://cafe.example/', 'text/html'),
      {
        items: '.entry',
        fields: { title: 'a.title', url: 'a.title@href' },
      },
    ).items;

    expect(items).toEqual([
      {
        id: 'https://cafe.example/menu',
        sourceId: 'eng',
        title: 'Café crème – €3',
        url: 'https://cafe.example/menu',
      },
    ]);
  });

  it('fails the source when the items selector matches nothing, so a redesign of the page is noticed', () => {
    const failure = thrownBy(SourceError, () =>
      parseHtmlSource(readFixture('sources/blog.html'), context('https://blog.acme.example/'), {
        ...BLOG,
        items: 'article.entry',
      }),
    );

    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('no element on the page matches the items selector "article.entry"');
  });
});
