import { describe, expect, it } from 'vitest';

import { SourceError } from '../../../lambda/core/errors.js';
import { type JsonMapping, parseJsonSource } from '../../../lambda/parse/parseJsonSource.js';
import { readFixture } from '../../support/fixtures.js';
import { thrownBy } from '../../support/thrownBy.js';

const GITHUB: JsonMapping = {
  items: '$[*]',
  fields: { id: 'tag_name', url: 'html_url', title: 'name', date: 'published_at', content: 'body' },
};
const NEWS: JsonMapping = {
  items: 'data.articles',
  fields: {
    id: 'uuid',
    url: 'link',
    title: 'headline',
    date: 'published',
    content: 'summary_html',
    contentType: 'html',
  },
};
const context = (sourceId: string, finalUrl: string) => ({
  contentType: 'application/json; charset=utf-8',
  finalUrl,
  sourceId,
});

const failure = (run: () => unknown): SourceError => thrownBy(SourceError, run);

describe('parseJsonSource', () => {
  it('maps a release-notes API (GitHub releases) into items, content as plain text by default', () => {
    const items = parseJsonSource(
      readFixture('sources/github-releases.json'),
      context('widget', 'https://api.github.com/repos/acme/widget/releases'),
      GITHUB,
    ).items;

    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({
      id: 'widget:v2.1.0',
      sourceId: 'widget',
      url: 'https://github.com/acme/widget/releases/tag/v2.1.0',
      title: 'Widget 2.1.0',
      content_text: '## Fixes\n- <script> tags in titles are shown, not run\n- Faster startup',
      date_published: '2024-05-02T09:30:00.000Z',
    });
  });

  it('keeps an item whose title is null when it has a url', () => {
    const items = parseJsonSource(
      readFixture('sources/github-releases.json'),
      context('widget', 'https://api.github.com/'),
      GITHUB,
    ).items;

    expect(items[2]).toEqual({
      id: 'widget:v1.9.0-rc.1',
      sourceId: 'widget',
      url: 'https://github.com/acme/widget/releases/tag/v1.9.0-rc.1',
      date_published: '2024-01-10T08:00:00.000Z',
    });
  });

  it('maps a news API: path to the list, links relative to the response URL, Unix times, sanitized HTML', () => {
    const items = parseJsonSource(
      readFixture('sources/news-api.json'),
      context('news', 'https://news.example/api/v1/articles?page=1'),
      NEWS,
    ).items;

    expect(items.map((item) => [item.id, item.url, item.title, item.date_published])).toEqual([
      [
        'news:7f1c2d',
        'https://news.example/articles/city-library',
        'City opens new library',
        '2024-05-01T10:00:00.000Z',
      ],
      ['news:7f1c2e', 'https://weather.example/weekend', 'Rain expected this weekend', '2024-05-01T06:00:00.000Z'],
      ['news:7f1c2f', 'https://news.example/articles/council', 'Council meeting moved', '2024-04-30T10:00:00.000Z'],
    ]);
    expect(items[0]?.content_html).toBe(
      '<p>The library <strong>opens</strong> today. <a href="https://news.example/articles/city-library#hours" ' +
        'rel="noopener noreferrer">Opening hours</a></p><img src="https://news.example/img/library.jpg" />',
    );
    expect(items[2]).not.toHaveProperty('content_html');
  });

  it('falls back to the url for the id when the mapping gives none', () => {
    const items = parseJsonSource(
      readFixture('sources/github-releases.json'),
      context('widget', 'https://api.github.com/'),
      {
        items: '$',
        fields: { url: 'html_url', title: 'name' },
      },
    ).items;

    expect(items.map((item) => item.id)).toEqual([
      'https://github.com/acme/widget/releases/tag/v2.1.0',
      'https://github.com/acme/widget/releases/tag/v2.0.0',
      'https://github.com/acme/widget/releases/tag/v1.9.0-rc.1',
    ]);
  });

  it('reads an empty list as no items', () => {
    expect(
      parseJsonSource(readFixture('sources/empty-list.json'), context('news', 'https://news.example/'), NEWS).items,
    ).toEqual([]);
    expect(
      parseJsonSource(readFixture('sources/empty-list.json'), context('news', 'https://news.example/'), {
        ...NEWS,
        items: 'data.articles[*]',
      }).items,
    ).toEqual([]);
  });

  it('fails the source when nothing is at the items path, so an API that changed shape is noticed', () => {
    for (const items of ['data.articles', '$.data.articles[*]']) {
      const error = failure(() =>
        parseJsonSource(readFixture('sources/renamed-list.json'), context('news', 'https://news.example/'), {
          ...NEWS,
          items,
        }),
      );

      expect(error.code).toBe('unsupported_format');
      expect(error.message).toBe(`the response has nothing at the items path "${items}"`);
    }
  });

  it('fails a body that is not JSON as malformed', () => {
    const error = failure(() =>
      parseJsonSource(Buffer.from('<html>Service unavailable</html>'), context('news', 'https://news.example/'), NEWS),
    );

    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/^not valid JSON: /);
  });
});

describe('a body that is not JSON', () => {
  it('is described without quoting the body, which may hold what the source should not have sent', () => {
    const error = failure(() =>
      parseJsonSource(
        Buffer.from('<html>session=SECRET-abc123</html>'),
        context('news', 'https://news.example/'),
        NEWS,
      ),
    );

    expect(error.message).toBe("not valid JSON: Unexpected token '<'");
  });

  it('says where trailing text starts, in characters', () => {
    const error = failure(() =>
      parseJsonSource(Buffer.from('[] <html>x</html>'), context('news', 'https://news.example/'), NEWS),
    );

    expect(error.message).toBe('not valid JSON: Unexpected non-whitespace character after JSON at character 3');
  });
});
