import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../lambda/core/errors.js';
import { CACHE_CONTROL, STATE_KEY } from '../../lambda/core/storageLayout.js';
import { readState } from '../../lambda/run/state.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const ETAG = '"news-v1"';
const SLOW_SOURCE_MS = 300;

describe('the pipeline over a folder store', () => {
  let server: LoopbackServer;
  let broken: Set<string>;
  let conditionalHits: number;
  let pipeline: PipelineHarness;
  let slowAnswered: (() => void) | undefined;

  beforeEach(async () => {
    slowAnswered = undefined;
    broken = new Set();
    conditionalHits = 0;
    server = await startLoopbackServer({
      '/news.rss': async (request: IncomingMessage, response: ServerResponse) => {
        if (broken.has('news')) return void response.writeHead(503).end();
        if (request.headers['if-none-match'] === ETAG) {
          conditionalHits += 1;
          return void response.writeHead(304, { etag: ETAG }).end();
        }
        response.writeHead(200, { 'content-type': 'application/rss+xml', etag: ETAG }).end(readFixture('e2e/news.rss'));
      },
      '/notes.json': async (_request: IncomingMessage, response: ServerResponse) => {
        if (broken.has('notes')) return void response.destroy();
        response.writeHead(200, { 'content-type': 'application/feed+json' }).end(readFixture('e2e/notes.json'));
      },
      '/hangs': () => undefined,
      '/slow.rss': async (_request: IncomingMessage, response: ServerResponse) => {
        await sleep(SLOW_SOURCE_MS);
        slowAnswered?.();
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFixture('e2e/news.rss'));
      },
    });
    pipeline = await createPipelineHarness({
      sources: () => [source('news', server.url('/news.rss')), source('notes', server.url('/notes.json'))],
    });
  });

  afterEach(async () => {
    await server.close();
  });

  const feedTitles = async () => (await pipeline.feedJson()).items.map((item) => item.title);
  const withHangingSource = () => [source('news', server.url('/news.rss')), source('hangs', server.url('/hangs'))];

  it('keeps the previous good outputs when every source fails, and still reports and notifies', async () => {
    await pipeline.run();
    const goodFeed = await readFile(join(pipeline.outDir, 'feed.json'), 'utf8');
    broken = new Set(['news', 'notes']);

    const summary = await pipeline.run();

    expect(summary.status).toBe('failed');
    expect(summary.failures.map((failure) => failure.id).sort()).toEqual(['news', 'notes']);
    expect(await readFile(join(pipeline.outDir, 'feed.json'), 'utf8')).toBe(goodFeed);
    // The summary lists only what this run wrote: its report, not the latest outputs it left alone.
    expect(Object.keys(summary.outputs)).toEqual(['report']);
    expect((await pipeline.report(summary.runId)).status).toBe('failed');
    expect(pipeline.notifier.sent.at(-1)?.attributes.status).toBe('failed');
  });

  it("keeps a failing source's last good items in the feed while reporting it failed", async () => {
    await pipeline.run();
    broken = new Set(['notes']);

    const summary = await pipeline.run({ force: true });

    expect(summary.status).toBe('partial');
    expect(summary.failures).toEqual([expect.objectContaining({ id: 'notes', code: 'network' })]);
    expect(await feedTitles()).toContain('A note in JSON');
  });

  it('sends the remembered validators, reuses the items on 304, and refetches everything when forced', async () => {
    await pipeline.run();

    const second = await pipeline.run();
    expect(conditionalHits).toBe(1);
    expect(second.counts).toMatchObject({ ok: 1, notModified: 1, items: 3, newItems: 0 });
    expect(await feedTitles()).toContain('Rivers join in the delta');

    const forced = await pipeline.run({ force: true });
    expect(conditionalHits).toBe(1);
    expect(forced.counts).toMatchObject({ ok: 2, notModified: 0, items: 3, newItems: 0 });
  });

  it('counts as new only the items earlier runs have not seen', async () => {
    const first = await pipeline.run({ only: ['news'] });
    const second = await pipeline.run({ force: true });

    expect(first.counts.newItems).toBe(2);
    expect(second.counts.newItems).toBe(1);
    expect(JSON.parse(pipeline.notifier.sent.at(-1)?.message ?? '{}').newItems).toEqual([
      { title: 'A note in JSON', url: 'http://notes.example/n/1', sourceId: 'notes' },
    ]);
  });

  it('ends with a report, not a timeout, when a source hangs past the time budget', async () => {
    const startedAt = Date.now();

    const summary = await pipeline.run({}, { sources: withHangingSource(), budgetMs: 800 });

    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(summary.status).toBe('partial');
    expect(summary.failures).toEqual([expect.objectContaining({ id: 'hangs', code: 'deadline' })]);
    expect((await pipeline.report(summary.runId)).sources).toHaveLength(2);
  });

  it("reports where the run's time went: setup, fetching that spans every source's fetch, and the tail", async () => {
    const sources = [source('notes', server.url('/notes.json')), source('slow', server.url('/slow.rss'))];

    const summary = await pipeline.run({}, { sources });

    const report = await pipeline.report(summary.runId);
    const { setupMs, fetchMs, tailMs } = report.timings;
    expect(setupMs + fetchMs + tailMs).toBe(report.durationMs);
    for (const phase of [setupMs, tailMs]) expect(phase).toBeGreaterThanOrEqual(0);
    expect(fetchMs).toBeGreaterThanOrEqual(Math.max(...report.sources.map((line) => line.durationMs)));
    expect(fetchMs).toBeGreaterThanOrEqual(SLOW_SOURCE_MS);
    expect(summary.timings).toEqual(report.timings);
    expect(JSON.parse(pipeline.notifier.sent.at(-1)?.message ?? '{}').timings).toEqual(report.timings);
  });

  it('writes the run report before the latest outputs, so what they link to always exists (the contract)', async () => {
    const written: string[] = [];
    const cacheControls: (string | undefined)[] = [];
    const { store } = pipeline;
    const put = store.put.bind(store);
    store.put = async (key, body, metadata) => {
      written.push(key);
      cacheControls.push(metadata.cacheControl);
      return put(key, body, metadata);
    };

    const report = await pipeline.run();

    const reportAt = written.indexOf(`runs/${report.runId}.json`);
    expect(reportAt).toBeGreaterThanOrEqual(0);
    // Without a WebSub hub nothing follows that could change it: written once, for good.
    expect(written.filter((key) => key.startsWith('runs/'))).toHaveLength(1);
    expect(cacheControls[reportAt]).toBe(CACHE_CONTROL.immutable);
    for (const latest of ['feed.json', 'feed.xml', 'index.html', 'status.html']) {
      expect(written.indexOf(latest), latest).toBeGreaterThan(reportAt);
    }
  });

  it('asks for the state while it claims the run, so fetching waits for one round trip, not two', async () => {
    const asked: string[] = [];
    const { store } = pipeline;
    const [putIfAbsent, getVersioned] = [store.putIfAbsent.bind(store), store.getVersioned.bind(store)];
    store.putIfAbsent = async (key, body, metadata) => {
      if (!key.endsWith('.claim.json')) return putIfAbsent(key, body, metadata);
      asked.push('claim');
      await sleep(50);
      asked.push('claim answered');
      return putIfAbsent(key, body, metadata);
    };
    store.getVersioned = async (key) => {
      if (key === STATE_KEY) asked.push('state');
      return getVersioned(key);
    };

    await pipeline.run({ scheduledTime: '2026-11-26T05:00:00.000Z' });

    expect(asked.slice(0, 3).sort()).toEqual(['claim', 'claim answered', 'state'].sort());
    expect(asked.indexOf('state')).toBeLessThan(asked.indexOf('claim answered'));
  });

  it('has the notifier load its client while the sources are fetched, not after', async () => {
    const events: string[] = [];
    slowAnswered = () => events.push('slow source answered');
    pipeline.notifier.prepare = () => events.push('notifier prepares');
    const publish = pipeline.notifier.publish.bind(pipeline.notifier);
    pipeline.notifier.publish = async (notification) => {
      events.push('notification');
      return publish(notification);
    };

    await pipeline.run({}, { sources: [source('slow', server.url('/slow.rss'))] });

    expect(events).toEqual(['notifier prepares', 'slow source answered', 'notification']);
  });

  it('ignores a state it could not read when the run turns out to be done already', async () => {
    const scheduled = { scheduledTime: '2026-11-26T05:00:00.000Z' };
    const first = await pipeline.run(scheduled);
    const { store } = pipeline;
    const getVersioned = store.getVersioned.bind(store);
    store.getVersioned = async (key) => {
      if (key === STATE_KEY) throw new Error('S3 is down');
      return getVersioned(key);
    };

    expect(await pipeline.run(scheduled)).toEqual(first);
    await expect(pipeline.run({})).rejects.toThrowError('S3 is down');
  });

  it('fails the invocation when the notification fails, outputs already safe; the retry only notifies', async () => {
    const scheduled = { scheduledTime: '2026-11-26T05:00:00.000Z' };
    pipeline.notifier.failing = true;

    await expect(pipeline.run(scheduled)).rejects.toThrowError(NotifyError);
    expect(await feedTitles()).toHaveLength(3);
    const requestsAfterFirst = server.requests();

    pipeline.notifier.failing = false;
    const retried = await pipeline.run(scheduled);

    expect(retried.runId).toBe('20261126T050000Z-scheduled');
    expect(server.requests()).toBe(requestsAfterFirst);
    expect(pipeline.notifier.sent).toHaveLength(1);
    // The retry lists the new items the failed notification was to list.
    const { counts, newItems } = JSON.parse(pipeline.notifier.sent[0]!.message) as {
      counts: { newItems: number };
      newItems: { title: string }[];
    };
    expect(newItems.map((item) => item.title).sort()).toEqual((await feedTitles()).sort());
    expect(newItems).toHaveLength(counts.newItems);
    expect(await pipeline.run(scheduled)).toEqual(retried);
    expect(pipeline.notifier.sent).toHaveLength(1);
  });

  it('redoes the whole run on a retry when writing the outputs failed, instead of only notifying', async () => {
    const scheduled = { scheduledTime: '2026-11-26T07:00:00.000Z' };
    const realPut = pipeline.store.put.bind(pipeline.store);
    let failFeedWrite = true;
    pipeline.store.put = async (key, body, metadata) => {
      if (key === 'feed.json' && failFeedWrite) throw new Error('S3 said 503');
      return realPut(key, body, metadata);
    };

    await expect(pipeline.run(scheduled)).rejects.toThrowError('S3 said 503');
    expect(pipeline.notifier.sent).toHaveLength(0);
    failFeedWrite = false;
    const retried = await pipeline.run(scheduled);

    expect(retried.status).toBe('ok');
    expect(await feedTitles()).toHaveLength(3);
    expect(pipeline.notifier.sent).toHaveLength(1);
    expect((await readState(pipeline.store)).sources).toHaveProperty('news');
  });

  it('writes the report, then the three latest outputs at once, then state, then the written marker', async () => {
    const scheduled = { scheduledTime: '2026-11-26T08:00:00.000Z' };
    const events: string[] = [];
    // Every kind of write, conditional ones (state) included.
    for (const method of ['put', 'putIfAbsent', 'replaceIfVersion'] as const) {
      const write = pipeline.store[method].bind(pipeline.store) as (
        key: string,
        ...rest: unknown[]
      ) => Promise<unknown>;
      pipeline.store[method] = (async (key: string, ...rest: unknown[]) => {
        if (key.startsWith('state/items/')) return write(key, ...rest);
        events.push(`start ${key}`);
        // Long enough that writes made one after another could not overlap.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const result = await write(key, ...rest);
        events.push(`end ${key}`);
        return result;
      }) as never;
    }

    await pipeline.run(scheduled);

    const report = 'runs/20261126T080000Z-scheduled.json';
    const latest = ['feed.json', 'feed.xml', 'index.html'];
    const at = (event: string) => events.indexOf(event);
    expect(at(`end ${report}`)).toBeGreaterThanOrEqual(0);
    for (const key of latest) {
      expect(at(`start ${key}`)).toBeGreaterThan(at(`end ${report}`));
      // Each of the three starts before any of them ends: they are written at once.
      for (const other of latest) expect(at(`start ${key}`)).toBeLessThan(at(`end ${other}`));
      expect(at('start state/sources/1-0.json')).toBeGreaterThan(at(`end ${key}`));
    }
    expect(at('start state/state.json')).toBeGreaterThan(at('end state/sources/1-0.json'));
    expect(at('start state/runs/20261126T080000Z-scheduled.written.json')).toBeGreaterThan(at('end state/state.json'));
  });

  it('fails a run whose output write failed only once the other outputs are no longer being written', async () => {
    let outputsInFlight = 0;
    const realPut = pipeline.store.put.bind(pipeline.store);
    pipeline.store.put = async (key, body, metadata) => {
      if (key === 'feed.xml') throw new Error('S3 said 503');
      if (key !== 'feed.json' && key !== 'index.html') return realPut(key, body, metadata);
      outputsInFlight += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await realPut(key, body, metadata);
      outputsInFlight -= 1;
    };

    const failure = await pipeline.run().then(
      () => 'succeeded',
      (error: Error) => `${error.message}, ${outputsInFlight} writes still going`,
    );

    expect(failure).toBe('S3 said 503, 0 writes still going');
  });

  it('forgets the state of a source removed from the sources file', async () => {
    await pipeline.run();

    await pipeline.run({}, { sources: [source('news', server.url('/news.rss'))] });

    const state = await readState(pipeline.store);
    expect(Object.keys(state.sources)).toEqual(['news']);
  });

  it('starts clean, with a warning, when the state file is corrupt', async () => {
    await mkdir(join(pipeline.outDir, 'state'), { recursive: true });
    await writeFile(join(pipeline.outDir, 'state', 'state.json'), '{ not json');
    const warnings: string[] = [];

    const summary = await pipeline.run({}, { dependencies: { onWarning: (message) => warnings.push(message) } });

    expect(summary.status).toBe('ok');
    expect(summary.counts.newItems).toBe(3);
    expect(warnings).toEqual([expect.stringContaining('state file unreadable')]);
  });

  it('hands each fresh run, dry runs included, to logs and metrics once, and a retried delivery never', async () => {
    const reported: string[] = [];
    const dependencies = { onReport: (report: { runId: string }) => reported.push(report.runId) };
    const scheduled = { scheduledTime: '2026-11-26T06:00:00.000Z' };

    const dry = await pipeline.run({ dryRun: true }, { dependencies });
    const fresh = await pipeline.run(scheduled, { dependencies });
    await pipeline.run(scheduled, { dependencies });

    expect(reported).toEqual([dry.runId, fresh.runId]);
  });

  it('writes nothing and notifies nobody on a dry run', async () => {
    const summary = await pipeline.run({ dryRun: true });

    expect(summary).toMatchObject({ dryRun: true, status: 'ok', counts: { items: 3 } });
    expect(await pipeline.store.list('')).toEqual([]);
    expect(summary.outputs).toEqual({});
    expect(pipeline.notifier.sent).toHaveLength(0);
  });
});

describe('the order the pipeline asks sources in', () => {
  it("asks never-timed sources first, then the last run's slowest, one at a time as the bound allows", async () => {
    const asked: string[] = [];
    const serve = (name: string, delayMs: number) => async (_request: IncomingMessage, response: ServerResponse) => {
      asked.push(name);
      await sleep(delayMs);
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFixture('e2e/news.rss'));
    };
    const server = await startLoopbackServer({
      '/fast': serve('fast', 0),
      '/slow': serve('slow', 200),
      '/added': serve('added', 0),
    });
    const known = () => [source('fast', server.url('/fast')), source('slow', server.url('/slow'))];
    const pipeline = await createPipelineHarness({ sources: known, settings: { concurrency: 1 } });
    try {
      await pipeline.run();
      expect(asked).toEqual(['fast', 'slow']);

      asked.length = 0;
      await pipeline.run({}, { sources: [...known(), source('added', server.url('/added'))] });
      expect(asked).toEqual(['added', 'slow', 'fast']);
    } finally {
      await server.close();
    }
  });
});
