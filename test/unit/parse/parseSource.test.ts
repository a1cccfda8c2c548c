import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../lambda/core/errors.js';
import type { FetchedBody, Source } from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { parseSource } from '../../../lambda/parse/parseSource.js';

const NOW = Date.parse('2025-03-01T10:00:00Z');

const RELEASES = JSON.stringify([{ tag_name: 'v1', name: 'Widget 1.0', html_url: 'https://example.com/v1' }]);

const fetched = (body: string, contentType: string): FetchedBody => ({
  status: 'ok',
  httpStatus: 200,
  body: Buffer.from(body),
  contentType,
  finalUrl: 'https://example.com/api',
  validators: {},
  bytes: body.length,
  durationMs: 1,
  attempts: 1,
});

const jsonSource: Source = {
  id: 'widget',
  url: 'https://example.com/api',
  type: 'json',
  items: '$[*]',
  fields: { id: 'tag_name', title: 'name', url: 'html_url' },
};

describe('parseSource', () => {
  it('reads a body by the reader for the source type, not by what the body looks like', () => {
    const body = fetched(RELEASES, 'application/json');

    expect(parseSource(jsonSource, body, DEFAULT_SETTINGS, NOW).items.map((item) => item.title)).toEqual([
      'Widget 1.0',
    ]);
    expect(() => parseSource({ ...jsonSource, type: 'feed' }, body, DEFAULT_SETTINGS, NOW)).toThrow(SourceError);
  });

  it('names itself only for a feed: an API leaves the name to the sources file', () => {
    const feed = '<rss version="2.0"><channel><title>Acme news</title><item><guid>a</guid></item></channel></rss>';

    expect(
      parseSource({ ...jsonSource, type: 'feed' }, fetched(feed, 'application/rss+xml'), DEFAULT_SETTINGS, NOW),
    ).toMatchObject({
      channel: { title: 'Acme news' },
    });
    expect(
      parseSource(jsonSource, fetched(RELEASES, 'application/json'), DEFAULT_SETTINGS, NOW).channel,
    ).toBeUndefined();
  });

  it('refuses a json or html source without its mapping as an internal error, not a source fault', () => {
    const { items: _items, ...unmapped } = jsonSource;

    expect(() => parseSource(unmapped, fetched(RELEASES, 'application/json'), DEFAULT_SETTINGS, NOW)).toThrow(
      expect.objectContaining({ code: 'internal' }),
    );
  });
});
