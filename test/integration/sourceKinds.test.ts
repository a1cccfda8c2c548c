import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../../lambda/core/model.js';
import { SecretCache } from '../../lambda/run/secretCache.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { serveFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness } from './support/pipelineHarness.js';

const TOKEN = 'Bearer tok-7f3c9d-never-written-anywhere';
const serve = (name: string, contentType: string) => serveFixture(`sources/${name}`, contentType);

describe('a sources file mixing feeds, JSON APIs, web pages and secret headers, through the whole pipeline', () => {
  let server: LoopbackServer;
  let pipeline: PipelineHarness;
  let secretReads: number;

  beforeEach(async () => {
    secretReads = 0;
    server = await startLoopbackServer({
      '/': serve('wordpress-page.html', 'text/html; charset=utf-8'),
      '/feed/': serve('discovered.rss', 'application/rss+xml'),
      '/blog/': serve('blog.html', 'text/html'),
      '/api/releases': async (request, response) => {
        if (request.headers.authorization !== TOKEN) return void response.writeHead(401).end();
        await serve('github-releases.json', 'application/json')(request, response);
      },
    });
    const sources: Source[] = [
      { id: 'acme-news', type: 'feed', url: server.url('/'), filter: { include: ['kubernetes'] } },
      {
        id: 'widget-releases',
        type: 'json',
        url: server.url('/api/releases'),
        items: '$[*]',
        fields: { id: 'tag_name', url: 'html_url', title: 'name', date: 'published_at', content: 'body' },
        headers: { Authorization: { fromSsm: '/tributary/github-token' } },
      },
      {
        id: 'eng-blog',
        type: 'html',
        url: server.url('/blog/'),
        items: 'article',
        fields: { title: 'h2', url: 'h2 a@href', date: 'time@datetime', content: 'p' },
      },
    ];
    pipeline = await createPipelineHarness({ sources: () => sources });
  });

  afterEach(async () => {
    await server.close();
  });

  const secrets = () =>
    new SecretCache(async (names) => {
      secretReads += 1;
      return { values: new Map(names.map((name) => [name, TOKEN])), missing: new Map() };
    });

  it('reads every kind, follows the page to its feed, applies the filter and sends the secret header', async () => {
    const report = await pipeline.run({}, { dependencies: { secrets: secrets() } });

    expect(report.status).toBe('ok');
    const line = (id: string) => report.sources.find((source) => source.id === id);
    expect(line('acme-news')).toMatchObject({ status: 'ok', items: 2, discoveredFeed: server.url('/feed/') });
    expect(line('widget-releases')).toMatchObject({ status: 'ok', items: 3 });
    expect(line('eng-blog')?.status).toBe('ok');
    const titles = (await pipeline.feedJson()).items.map((item) => `${item._source.id}: ${item.title}`);
    expect(titles).toEqual(
      expect.arrayContaining([
        'widget-releases: Widget 2.0.0: Kubernetes support',
        'eng-blog: Upgrading our Kubernetes clusters',
      ]),
    );
    expect(titles.filter((title) => title.startsWith('acme-news:'))).toEqual(
      expect.arrayContaining(['acme-news: Kubernetes 1.30 is out', 'acme-news: Kubernetes at Acme, five years on']),
    );
    expect(titles).not.toContain('acme-news: Office party photos');
    expect(secretReads).toBe(1);
  });

  it('reports progress once per source, counting a page followed to its feed once, by how it ended', async () => {
    const progress: { done: number; total: number; failed: number }[] = [];

    // Without secrets the JSON source fails; the page's first, failing settle must not count.
    await pipeline.run({}, { dependencies: { onProgress: (step) => progress.push(step) } });

    expect(progress.map(({ done }) => done)).toEqual([1, 2, 3, 3]);
    expect(progress.every(({ total }) => total === 3)).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 3, total: 3, failed: 1 });
  });

  it('never writes a secret value into any output, report or state', async () => {
    await pipeline.run({}, { dependencies: { secrets: secrets() } });

    const written = await Promise.all(
      (await pipeline.store.list('')).map((key) => readFile(join(pipeline.outDir, key), 'utf8')),
    );
    expect(written.length).toBeGreaterThan(4);
    expect(written.join('\n')).not.toContain('tok-7f3c9d');
    expect(JSON.stringify(pipeline.notifier.sent)).not.toContain('tok-7f3c9d');
  });

  it('fails only the sources whose secret cannot be read, saying which header and secret', async () => {
    const report = await pipeline.run();

    expect(report.status).toBe('partial');
    expect(report.failures).toEqual([
      expect.objectContaining({
        id: 'widget-releases',
        code: 'secret_unavailable',
        error: expect.stringContaining('Authorization'),
      }),
    ]);
    expect(report.failures[0]?.error).toContain('/tributary/github-token');
    expect(server.requests('/api/releases')).toBe(0);
  });
});
