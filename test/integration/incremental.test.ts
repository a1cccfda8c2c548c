import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKEN_AFTER_FAILURES, MOVED_AFTER_RUNS } from '../../lambda/process/sourceHealth.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const HOUR = 60 * 60 * 1000;
const LAST_MODIFIED = 'Wed, 25 Nov 2026 10:00:00 GMT';

describe('incremental and polite fetching across runs', () => {
  let server: LoopbackServer;
  let pipeline: PipelineHarness;
  let newsBody: Buffer;
  let flaky: 'ok' | 'error' | 'rate_limited';
  let clock: number;

  beforeEach(async () => {
    newsBody = readFixture('e2e/news.rss');
    const notesBody = readFixture('e2e/notes.json');
    flaky = 'ok';
    clock = Date.parse('2026-11-26T05:00:00Z');
    server = await startLoopbackServer({
      // Honours both validators, as well-behaved publishers do.
      '/news.rss': (request: IncomingMessage, response: ServerResponse) => {
        const etag = `"${newsBody.length}"`;
        if (request.headers['if-none-match'] === etag || request.headers['if-modified-since'] === LAST_MODIFIED) {
          return void response.writeHead(304, { etag }).end();
        }
        response
          .writeHead(200, { 'content-type': 'application/rss+xml', etag, 'last-modified': LAST_MODIFIED })
          .end(newsBody);
      },
      '/flaky.json': (_request: IncomingMessage, response: ServerResponse) => {
        if (flaky === 'error') return void response.writeHead(500, { etag: '"error-page"' }).end('oops');
        if (flaky === 'rate_limited') return void response.writeHead(429, { 'retry-after': '3600' }).end();
        response.writeHead(200, { 'content-type': 'application/feed+json', etag: '"notes-v1"' }).end(notesBody);
      },
      '/old-home': (_request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(301, { location: '/new-home' }).end(),
      '/temporarily-away': (_request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(302, { location: '/new-home' }).end(),
      '/new-home': (_request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(200, { 'content-type': 'application/feed+json' }).end(notesBody),
    });
    pipeline = await createPipelineHarness({
      sources: () => [source('news', server.url('/news.rss')), source('flaky', server.url('/flaky.json'))],
    });
  });

  afterEach(async () => {
    await server.close();
  });

  const run = (request = {}, sources?: ReturnType<typeof source>[]) =>
    pipeline.run(request, { sources, dependencies: { now: () => clock } });

  it('transfers almost nothing on a second run over unchanged sources, and keeps the outputs complete', async () => {
    const first = await run({}, [source('news', server.url('/news.rss'))]);

    const second = await run({}, [source('news', server.url('/news.rss'))]);

    expect(first.counts.bytes).toBe(newsBody.length);
    expect(second.counts).toMatchObject({ notModified: 1, ok: 0, bytes: 0, items: 2 });
    expect((await pipeline.feedJson()).items).toHaveLength(2);
    const report = await pipeline.report(second.runId);
    expect(report.sources[0]).toMatchObject({
      status: 'not_modified',
      httpStatus: 304,
      validators: { etag: `"${newsBody.length}"`, lastModified: LAST_MODIFIED },
    });
  });

  it('updates validators only from successful responses', async () => {
    await run();
    flaky = 'error';
    // The 500 carries an ETag of its own, which must not replace the last good response's.
    const failed = await pipeline.report((await run()).runId);
    flaky = 'ok';

    const report = await pipeline.report((await run()).runId);

    expect(failed.sources.find((line) => line.id === 'flaky')).toMatchObject({
      status: 'failed',
      validators: { etag: '"notes-v1"' },
    });
    expect(report.sources.find((line) => line.id === 'flaky')?.validators).toEqual({ etag: '"notes-v1"' });
  });

  it(`rests a source after ${BROKEN_AFTER_FAILURES} straight failures, exponential backoff, shows retry`, async () => {
    flaky = 'error';
    for (let run_ = 0; run_ < BROKEN_AFTER_FAILURES; run_ += 1) await run();
    const requestsWhenBroken = server.requests('/flaky.json');

    clock += 10 * 60 * 1000;
    const resting = await run();

    expect(server.requests('/flaky.json')).toBe(requestsWhenBroken);
    expect(resting.counts).toMatchObject({ skipped: 1, failed: 0 });
    expect(resting.status).toBe('ok');
    const line = (await pipeline.report(resting.runId)).sources.find((entry) => entry.id === 'flaky');
    expect(line).toMatchObject({ status: 'skipped', failureStreak: BROKEN_AFTER_FAILURES });
    expect(Date.parse(line?.nextAttemptAt ?? '')).toBe(Date.parse('2026-11-26T05:00:00Z') + 30 * 60 * 1000);

    clock += 30 * 60 * 1000;
    await run();
    expect(server.requests('/flaky.json')).toBe(requestsWhenBroken + 1);
    const longer = (await pipeline.report((await run()).runId)).sources.find((entry) => entry.id === 'flaky');
    expect(longer?.status).toBe('skipped');
    expect(Date.parse(longer?.nextAttemptAt ?? '') - clock).toBe(HOUR);
  });

  it('tries a resting source when the run names it, and a success resets its streak', async () => {
    flaky = 'error';
    for (let run_ = 0; run_ < BROKEN_AFTER_FAILURES; run_ += 1) await run();
    flaky = 'ok';

    const named = await run({ only: ['flaky'] });
    const next = await run();

    expect(named.counts).toMatchObject({ ok: 1, skipped: 0 });
    const line = (await pipeline.report(next.runId)).sources.find((entry) => entry.id === 'flaky');
    expect(line?.failureStreak).toBe(0);
    expect(line?.nextAttemptAt).toBeUndefined();
    expect(line?.status).toBe('ok');
  });

  it('never counts a 429 as broken: the source is rate limited, retried next run, not rested', async () => {
    flaky = 'rate_limited';
    for (let run_ = 0; run_ < BROKEN_AFTER_FAILURES + 2; run_ += 1) {
      const summary = await run();
      expect(summary.failures).toEqual([expect.objectContaining({ id: 'flaky', code: 'rate_limited' })]);
    }
    expect(server.requests('/flaky.json')).toBe(BROKEN_AFTER_FAILURES + 2);
  });

  it(`reports a source moved after ${MOVED_AFTER_RUNS} permanent redirects in a row, telling subscribers`, async () => {
    const sources = [source('moving', server.url('/old-home')), source('away', server.url('/temporarily-away'))];
    const summaries = [];
    for (let run_ = 0; run_ < MOVED_AFTER_RUNS; run_ += 1) summaries.push(await run({}, sources));

    expect(summaries.slice(0, -1).every((summary) => summary.moved.length === 0)).toBe(true);
    const last = summaries.at(-1)!;
    expect(last.moved).toEqual([{ id: 'moving', url: server.url('/old-home'), movedTo: server.url('/new-home') }]);
    expect(JSON.parse(pipeline.notifier.sent.at(-1)?.message ?? '{}').moved).toEqual(last.moved);
    const report = await pipeline.report(last.runId);
    expect(report.sources.find((line) => line.id === 'away')?.movedTo).toBeUndefined();
  });
});
