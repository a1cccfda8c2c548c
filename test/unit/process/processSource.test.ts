import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FetchOutcome,
  type Item,
  MAX_NEW_ITEMS_LISTED,
  type Settings,
  type Source,
} from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { fetchSource } from '../../../lambda/fetch/fetchSource.js';
import { createHttpClient, type HttpClient } from '../../../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { processSource } from '../../../lambda/process/processSource.js';
import type { FreshSourceResult } from '../../../lambda/process/sourceResult.js';
import { type LoopbackServer, startLoopbackServer } from '../../../scripts/loopbackServer.js';
import { serveFixture } from '../../support/fixtures.js';
import { readFeed } from '../parse/feedFixtures.js';

const NOW = Date.parse('2024-05-10T00:00:00Z');
const SETTINGS: Settings = { ...DEFAULT_SETTINGS, timeoutMs: 2_000, retries: 0 };

/** The items a settled source fetched, as they are stored. */
const itemsOf = (settled: FreshSourceResult): Item[] => JSON.parse(settled.fresh!.text) as Item[];

describe('processSource over fetched bodies', () => {
  let server: LoopbackServer;
  let client: HttpClient;

  beforeEach(async () => {
    server = await startLoopbackServer({
      '/api/releases': serveFixture('sources/github-releases.json', 'application/json'),
      '/blog': (_request, response) => void response.writeHead(301, { location: '/blog/' }).end(),
      '/blog/': serveFixture('sources/blog.html', 'text/html; charset=utf-8'),
      '/home': serveFixture('sources/wordpress-page.html', 'text/html; charset=UTF-8'),
      '/feed/': serveFixture('sources/discovered.rss', 'application/rss+xml', { etag: '"feed-v1"' }),
      '/plain-page': (_request, response) =>
        void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>No feed here</body></html>'),
    });
    // The loopback server is a private address, which the fetch layer refuses unless allowed.
    client = await createHttpClient({ networkPolicy: parseNetworkPolicy('127.0.0.0/8') });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  const fetchAndSettle = async (source: Source, settings = SETTINGS) => {
    const outcome = await fetchSource(client, source, { settings });
    return { outcome, settled: processSource(source, outcome, undefined, settings, NOW) };
  };

  it('reads a json source through its mapping and keeps the items its filter matches', async () => {
    const source: Source = {
      id: 'widget',
      url: server.url('/api/releases'),
      type: 'json',
      items: '$[*]',
      fields: { id: 'tag_name', url: 'html_url', title: 'name', date: 'published_at', content: 'body' },
      filter: { include: ['kubernetes'] },
    };

    const { settled } = await fetchAndSettle(source);

    expect(settled.report).toMatchObject({ status: 'ok', items: 1, newItems: 1 });
    expect(itemsOf(settled).map((item) => item.title)).toEqual(['Widget 2.0.0: Kubernetes support']);
    expect(settled.state.seenIds).toEqual(['widget:v2.0.0']);
  });

  it('reads an html source reached through a redirect, resolving links against the final URL', async () => {
    const source: Source = {
      id: 'eng',
      url: server.url('/blog'),
      type: 'html',
      items: 'article.post',
      fields: { title: 'h2', url: 'h2 a@href', date: 'time@datetime' },
    };

    const { settled } = await fetchAndSettle(source);

    expect(settled.report.status).toBe('ok');
    expect(itemsOf(settled).map((item) => item.url)).toEqual([
      server.url('/blog/posts/kubernetes-upgrade.html'),
      'https://elsewhere.example/guest-post',
      undefined,
    ]);
  });

  it('caps a source after filtering, so the cap keeps matching items rather than cutting before it', async () => {
    const source: Source = { id: 'acme', url: server.url('/feed/'), type: 'feed', filter: { exclude: ['kubernetes'] } };

    const { settled } = await fetchAndSettle(source, { ...SETTINGS, maxItemsPerSource: 1 });

    expect(itemsOf(settled).map((item) => item.title)).toEqual(['Office party photos']);
  });

  it('follows a page to the feed it links to, once, and reports where the feed was found', async () => {
    const source: Source = { id: 'acme', url: server.url('/home'), type: 'feed' };

    // Act: the two steps the orchestrator takes
    const { outcome: page, settled: first } = await fetchAndSettle(source);
    const feed = await fetchSource(client, { ...source, url: first.follow!.feedUrl }, { settings: SETTINGS });
    const settled = processSource(source, feed, undefined, SETTINGS, NOW, first.follow);

    // Assess
    expect(first.follow?.feedUrl).toBe(server.url('/feed/'));
    expect(first.report).toMatchObject({
      status: 'failed',
      errorCode: 'unsupported_format',
      error: `not a feed: an HTML page that links to the feed ${server.url('/feed/')}`,
    });
    expect(settled.follow).toBeUndefined();
    expect(settled.report.discoveredFeed).toBe(server.url('/feed/'));
    expect(settled.report).toMatchObject({
      status: 'ok',
      url: server.url('/home'),
      items: 3,
      bytes: page.bytes + feed.bytes,
      attempts: 2,
    });
    // The next run asks the page first; the feed's validators must not be sent to it.
    expect(settled.state.validators).toBeUndefined();
    expect(server.requests('/feed/')).toBe(1);
  });

  it('does not follow a second time when the discovered URL is itself a page', async () => {
    const source: Source = { id: 'acme', url: server.url('/home'), type: 'feed' };
    const { settled: first } = await fetchAndSettle(source);
    const again = await fetchSource(client, source, { settings: SETTINGS });

    const settled = processSource(source, again, undefined, SETTINGS, NOW, first.follow);

    expect(settled.follow).toBeUndefined();
    expect(settled.report.status).toBe('failed');
    expect(settled.report.error).toBe(
      `feed ${server.url('/feed/')} (linked from the page): not a feed: looks like an HTML page`,
    );
  });

  it('reports a page without a feed link as not a feed, with nothing to follow', async () => {
    const { settled } = await fetchAndSettle({ id: 'plain', url: server.url('/plain-page'), type: 'feed' });

    expect(settled.follow).toBeUndefined();
    expect(settled.report).toMatchObject({
      status: 'failed',
      errorCode: 'unsupported_format',
      error: 'not a feed: looks like an HTML page',
    });
  });
});

/** A feed body as a successful fetch of the source `id` would hand it over. */
function fetchedFeed(id: string, body: Buffer): { source: Source; outcome: FetchOutcome } {
  const url = `https://${id}.example/feed`;
  return {
    source: { id, url, type: 'feed' },
    outcome: {
      status: 'ok',
      httpStatus: 200,
      body,
      contentType: 'application/rss+xml',
      finalUrl: url,
      validators: {},
      bytes: body.length,
      durationMs: 5,
      attempts: 1,
    },
  };
}

const rss = (items: string) =>
  Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`);

describe('processSource on a feed full of new items', () => {
  const dated = (index: number) => {
    const published = new Date(Date.UTC(2024, 0, 1 + index)).toUTCString();
    return `<item><title>story-${index}</title><pubDate>${published}</pubDate></item>`;
  };
  const { source, outcome } = fetchedFeed('busy', rss(Array.from({ length: 30 }, (_, index) => dated(index)).join('')));

  it('counts every new item but carries only the newest the notification can list, without content', () => {
    const settled = processSource(source, outcome, undefined, SETTINGS, NOW);

    expect(settled.report).toMatchObject({ status: 'ok', items: 30, newItems: 30 });
    expect(settled.newItems.map((item) => item.title)).toEqual(
      Array.from({ length: MAX_NEW_ITEMS_LISTED }, (_, index) => `story-${29 - index}`),
    );
    expect(settled.newItems.every((item) => item.content_html === undefined && item.content_text === undefined)).toBe(
      true,
    );
  });
});

describe('processSource on a feed only the recovery path can read', () => {
  it('reports it ok with its items, saying what was wrong with the XML and where', () => {
    const { source, outcome } = fetchedFeed('sloppy', rss('<item><title>Fish & chips</titel></item>'));

    const settled = processSource(source, outcome, undefined, SETTINGS, NOW);

    expect(settled.report).toMatchObject({ status: 'ok', items: 1 });
    expect(settled.report.recovered).toMatch(/^char '&' is not expected at line 1, column \d+$/);
    expect(itemsOf(settled).map((item) => item.title)).toEqual(['Fish & chips']);
  });

  it('says nothing of recovery for a well-formed feed', () => {
    const { source, outcome } = fetchedFeed('tidy', rss('<item><title>Fish &amp; chips</title></item>'));

    expect(processSource(source, outcome, undefined, SETTINGS, NOW).report).not.toHaveProperty('recovered');
  });
});

describe("processSource keeping a feed's items", () => {
  it('keeps the newest first, capped at maxItemsPerSource', () => {
    const { source, outcome } = fetchedFeed('odd', readFeed('odd-dates.rss'));

    const settled = processSource(source, outcome, undefined, { ...SETTINGS, maxItemsPerSource: 3 }, NOW);

    expect(itemsOf(settled).map((item) => item.title)).toEqual(['named zone CEST', 'named zone EST', 'named zone GMT']);
  });

  it('caps a feed of 100,000 items at maxItemsPerSource, keeping the newest', () => {
    // Prepare: oldest first, so the newest are at the end of the document
    const start = Date.UTC(2020, 0, 1);
    const entries = Array.from(
      { length: 100_000 },
      (_, index) =>
        `<item><title>${index}</title><pubDate>${new Date(start + index * 60_000).toUTCString()}</pubDate></item>`,
    );
    const { source, outcome } = fetchedFeed('big', rss(entries.join('')));

    // Act
    const items = itemsOf(processSource(source, outcome, undefined, { ...SETTINGS, maxItemsPerSource: 50 }, NOW));

    // Assess
    expect(items).toHaveLength(50);
    expect(items[0]?.title).toBe('99999');
    expect(items[49]?.title).toBe('99950');
  });

  it('keeps one item when a feed repeats an entry', () => {
    const entry = '<item><title>again</title><guid>urn:x:1</guid></item>';
    const { source, outcome } = fetchedFeed('repeats', rss(entry + entry));

    const settled = processSource(source, outcome, undefined, SETTINGS, NOW);

    expect(settled.report).toMatchObject({ status: 'ok', items: 1 });
    expect(itemsOf(settled)).toHaveLength(1);
  });
});

describe('processSource on a feed with dates outside 1970 … now + futureDateToleranceHours', () => {
  const { source, outcome } = fetchedFeed(
    'pinned',
    rss(
      '<item><title>pinned</title><pubDate>9999-12-31T23:59:59-99:99</pubDate></item>' +
        '<item><title>tomorrow</title><pubDate>Fri, 10 May 2024 20:00:00 GMT</pubDate></item>' +
        '<item><title>ancient</title><pubDate>1969-07-20T20:17:00Z</pubDate></item>' +
        '<item><title>next week</title><pubDate>2024-05-17T00:00:00Z</pubDate></item>' +
        '<item><title>real</title><pubDate>Thu, 09 May 2024 08:00:00 GMT</pubDate></item>',
    ),
  );

  it('sorts the items whose date was dropped after the dated ones, and counts them in the report line', () => {
    // Act
    const settled = processSource(source, outcome, undefined, SETTINGS, NOW);

    // Assess
    expect(itemsOf(settled).map((item) => [item.title, item.date_published])).toEqual([
      ['tomorrow', '2024-05-10T20:00:00.000Z'],
      ['real', '2024-05-09T08:00:00.000Z'],
      ['pinned', undefined],
      ['ancient', undefined],
      ['next week', undefined],
    ]);
    expect(settled.report.datesDropped).toBe(3);
  });

  it('takes the tolerance from the settings', () => {
    // Act
    const settled = processSource(source, outcome, undefined, { ...SETTINGS, futureDateToleranceHours: 24 * 8 }, NOW);

    // Assess
    expect(itemsOf(settled)[0]).toMatchObject({ title: 'next week', date_published: '2024-05-17T00:00:00.000Z' });
    expect(settled.report.datesDropped).toBe(2);
  });

  it('says nothing of dropped dates when every date is usable', () => {
    const { source: tidy, outcome: dated } = fetchedFeed(
      'tidy',
      rss('<item><title>real</title><pubDate>Thu, 09 May 2024 08:00:00 GMT</pubDate></item>'),
    );

    expect(processSource(tidy, dated, undefined, SETTINGS, NOW).report).not.toHaveProperty('datesDropped');
  });
});

describe('processSource timing a source for the next run', () => {
  const { source, outcome } = fetchedFeed('timed', rss('<item><title>one</title><guid>urn:x:1</guid></item>'));
  const failed = (
    code: 'timeout' | 'deadline' | 'secret_unavailable',
    durationMs: number,
    attempts = 1,
  ): FetchOutcome => ({
    status: 'failed',
    failure: { code, message: code },
    bytes: 0,
    durationMs,
    attempts,
  });

  it('remembers how long the fetch took, whether it succeeded, was not modified or failed', () => {
    const notModified: FetchOutcome = {
      status: 'not_modified',
      httpStatus: 304,
      finalUrl: source.url,
      bytes: 0,
      durationMs: 40,
      attempts: 1,
    };

    expect(processSource(source, { ...outcome, durationMs: 120 }, undefined, SETTINGS, NOW).state.lastFetchMs).toBe(
      120,
    );
    expect(processSource(source, notModified, { seenIds: [], lastFetchMs: 900 }, SETTINGS, NOW).state.lastFetchMs).toBe(
      40,
    );
    expect(
      processSource(source, failed('timeout', 2_000), { seenIds: [], lastFetchMs: 30 }, SETTINGS, NOW).state
        .lastFetchMs,
    ).toBe(2_000);
  });

  it('counts a fetch our deadline cut short as at least as slow as before', () => {
    expect(
      processSource(source, failed('deadline', 5_000), { seenIds: [], lastFetchMs: 700 }, SETTINGS, NOW).state
        .lastFetchMs,
    ).toBe(5_000);
    expect(
      processSource(source, failed('deadline', 300), { seenIds: [], lastFetchMs: 700 }, SETTINGS, NOW).state
        .lastFetchMs,
    ).toBe(700);
  });

  it('leaves the time as it was when no request went out, so a source never timed stays first in line', () => {
    const neverAsked = (code: 'deadline' | 'secret_unavailable') => failed(code, 0, 0);

    expect(
      processSource(source, neverAsked('deadline'), { seenIds: [], lastFetchMs: 700 }, SETTINGS, NOW).state.lastFetchMs,
    ).toBe(700);
    expect(
      processSource(source, neverAsked('secret_unavailable'), { seenIds: [], lastFetchMs: 1_500 }, SETTINGS, NOW).state
        .lastFetchMs,
    ).toBe(1_500);
    expect(processSource(source, neverAsked('deadline'), undefined, SETTINGS, NOW).state.lastFetchMs).toBeUndefined();
  });
});
