// A feed reader's view of the outputs of real runs: the merged feed's own title and self link,
// and each item's source by its name, in both feeds, checked against JSON Feed 1.1 and RFC 4287.
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { atomViolations } from '../support/atomRules.js';
import { jsonFeedViolations } from '../support/jsonFeedSchema.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const BASE_URL = 'https://feeds.example.org/reading/';
const fixture = (name: string) => readFile(new URL(`../fixtures/e2e/${name}`, import.meta.url));

interface AtomSource {
  id: string;
  title: string;
  link: { '@rel': string; '@href': string }[];
}

describe('feed identity in the published feeds', () => {
  let server: LoopbackServer;
  let harness: PipelineHarness;
  let newsDown = false;

  beforeEach(async () => {
    newsDown = false;
    const serve = (name: string, type: string) => async (_request: IncomingMessage, response: ServerResponse) =>
      void response.writeHead(200, { 'content-type': type }).end(await fixture(name));
    server = await startLoopbackServer({
      '/news.rss': async (request, response) =>
        newsDown ? void response.writeHead(503).end() : serve('news.rss', 'application/rss+xml')(request, response),
      '/blog.atom': serve('blog.atom', 'application/atom+xml'),
      '/notes.json': serve('notes.json', 'application/feed+json'),
    });
    harness = await createPipelineHarness({
      sources: () => [
        source('news', server.url('/news.rss')),
        { ...source('blog', server.url('/blog.atom')), title: 'Our own blog' },
        source('notes', server.url('/notes.json')),
      ],
      feed: { title: 'Team reading', description: 'What the team reads', baseUrl: BASE_URL, language: 'en' },
    });
  });

  afterEach(async () => {
    await server.close();
    await rm(harness.outDir, { recursive: true, force: true });
  });

  const read = (key: string) => readFile(join(harness.outDir, key), 'utf8');

  it('gives feed.json its own title, home page, feed_url, and each item its source name and site', async () => {
    // Act
    await harness.run();

    // Assess
    const text = await read('feed.json');
    expect(jsonFeedViolations(text)).toEqual([]);
    const feed = JSON.parse(text);
    expect(feed).toMatchObject({
      title: 'Team reading',
      description: 'What the team reads',
      home_page_url: BASE_URL,
      feed_url: `${BASE_URL}feed.json`,
      language: 'en',
    });
    const sources = new Map(feed.items.map((item: { _source: { id: string } }) => [item._source.id, item._source]));
    expect(sources.get('news')).toEqual({
      id: 'news',
      title: 'Loopback News',
      home_page_url: 'http://news.example/',
      feed_url: server.url('/news.rss'),
    });
    expect(sources.get('blog')).toMatchObject({ id: 'blog', title: 'Our own blog' });
    expect(sources.get('notes')).toMatchObject({ title: 'Loopback Notes', home_page_url: 'http://notes.example/' });
  });

  it('gives feed.xml a self link, a stable id and the source titles, keeping the RFC 4287 rules', async () => {
    // Act
    await harness.run();

    // Assess
    const xml = await read('feed.xml');
    expect(atomViolations(xml)).toEqual([]);
    const { feed } = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      isArray: (name) => ['entry', 'link'].includes(name),
    }).parse(xml);
    expect(feed.id).toBe(`${BASE_URL}feed.xml`);
    expect(feed.title).toBe('Team reading');
    expect(feed.subtitle).toBe('What the team reads');
    expect(feed.link).toContainEqual({
      '@rel': 'self',
      '@type': 'application/atom+xml',
      '@href': `${BASE_URL}feed.xml`,
    });
    const titles = new Set(feed.entry.map((entry: { source: AtomSource }) => entry.source.title));
    expect(titles).toEqual(new Set(['Loopback News', 'Our own blog', 'Loopback Notes']));
    const news = feed.entry.find((entry: { source: AtomSource }) => entry.source.title === 'Loopback News').source;
    expect(news.link).toContainEqual({ '@rel': 'alternate', '@type': 'text/html', '@href': 'http://news.example/' });
  });

  it('keeps the name of a source that fails on a later run, from state', async () => {
    // Prepare
    await harness.run();
    newsDown = true;

    // Act
    const report = await harness.run();

    // Assess
    expect(report.status).toBe('partial');
    const feed = JSON.parse(await read('feed.json'));
    const news = feed.items.find((item: { _source: { id: string } }) => item._source.id === 'news');
    expect(news._source.title).toBe('Loopback News');
    const page = await read('index.html');
    expect(page).toContain('<a href="http://news.example/">Loopback News</a>');
  });

  it('writes the reading page with the feed title and the status page beside it', async () => {
    // Act
    const report = await harness.run();

    // Assess
    expect(report.outputs.status).toBe(join(harness.outDir, 'status.html'));
    const page = await read('index.html');
    expect(page).toContain('<h1>Team reading</h1>\n<p>What the team reads</p>');
    expect(page).toContain(`href="${BASE_URL}feed.xml"`);
    await expect(read('status.html')).resolves.toContain('<h1>Team reading: status</h1>');
  });
});
