import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Source } from '../../../lambda/core/model.js';
import { type FetchAllOptions, type FetchResult, fetchAll } from '../../../lambda/fetch/fetchAll.js';
import type { LoopbackServer, RouteHandler } from '../../../scripts/loopbackServer.js';
import { hang, respondAfter, serve, source, testClient, testSettings } from './fetchHarness.js';

function sourcesOn(server: LoopbackServer, path: string, count: number, prefix = path): Source[] {
  return Array.from({ length: count }, (_, index) => source(server.url(`${path}?n=${index}`), `${prefix}-${index}`));
}

async function collect(sources: Source[], options: Partial<FetchAllOptions> = {}): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  const run = fetchAll(await testClient(), sources, {
    settings: testSettings,
    deadline: Date.now() + 10_000,
    ...options,
  });
  for await (const result of run) results.push(result);
  return results;
}

const idsOf = (results: FetchResult[]) => results.map((result) => result.source.id);

describe('fetchAll', () => {
  it('never has more than `concurrency` requests in flight in total', async () => {
    const server = await serve({ '/slow': respondAfter(100) });

    const results = await collect(sourcesOn(server, '/slow', 12), {
      settings: { ...testSettings, concurrency: 3, perHostConcurrency: 12 },
    });

    expect(results.every((result) => result.outcome.status === 'ok')).toBe(true);
    expect(server.maxConcurrent()).toBe(3);
  });

  it('never has more than `perHostConcurrency` requests in flight per origin', async () => {
    const first = await serve({ '/slow': respondAfter(100) });
    const second = await serve({ '/slow': respondAfter(100) });

    await collect([...sourcesOn(first, '/slow', 6, 'a'), ...sourcesOn(second, '/slow', 6, 'b')], {
      settings: { ...testSettings, concurrency: 10, perHostConcurrency: 2 },
    });

    expect([first.maxConcurrent(), second.maxConcurrent()]).toEqual([2, 2]);
  });

  it('does not let a crowd of sources on one busy host hold back another host', async () => {
    const busy = await serve({ '/slow': respondAfter(300) });
    const quiet = await serve({ '/feed': respondAfter(0) });

    const results = await collect([...sourcesOn(busy, '/slow', 6, 'busy'), source(quiet.url('/feed'), 'quiet')], {
      settings: { ...testSettings, concurrency: 3, perHostConcurrency: 2 },
    });

    expect(idsOf(results)[0]).toBe('quiet');
  });

  it('sends the first request while later sources are still being started, not once all are', async () => {
    const events: string[] = [];
    const answer = respondAfter(0);
    const server = await serve({
      '/feed': (request, response) => {
        events.push(`arrived ${new URL(request.url!, 'http://loopback').searchParams.get('n')}`);
        return answer(request, response);
      },
    });
    const sources = sourcesOn(server, '/feed', 50);

    await collect(sources, {
      settings: { ...testSettings, concurrency: 50, perHostConcurrency: 50 },
      headers: (id) => void events.push(`started ${id}`),
    });

    expect(events.indexOf('arrived 0')).toBeGreaterThan(events.indexOf('started /feed-0'));
    expect(events.indexOf('arrived 0')).toBeLessThan(events.indexOf('started /feed-49'));
  });

  it('yields results in completion order', async () => {
    const server = await serve({ '/300': respondAfter(300), '/0': respondAfter(0), '/150': respondAfter(150) });

    const results = await collect([
      source(server.url('/300'), 'slow'),
      source(server.url('/0'), 'fast'),
      source(server.url('/150'), 'middle'),
    ]);

    expect(idsOf(results)).toEqual(['fast', 'middle', 'slow']);
  });

  it('keeps asking while a slow caller works, so only bodies wait for it', async () => {
    // Failures carry no body: a caller busy with earlier results must not hold their requests back.
    const server = await serve({ '/gone': respondAfter(20, 404) });
    const run = fetchAll(await testClient(), sourcesOn(server, '/gone', 8), {
      settings: { ...testSettings, concurrency: 2, perHostConcurrency: 8 },
      deadline: Date.now() + 10_000,
    });

    // Requests the server has seen, each measured after a slow parse of the result taken.
    const seen: number[] = [];
    for await (const _result of run) {
      await sleep(150);
      seen.push(server.requests('/gone'));
    }

    expect(seen[0]).toBe(8);
  });

  it('reads at most 4 bodies ahead of a slow caller, however many requests are in flight', async () => {
    // Bodies far bigger than the sockets' buffers, so the server finishes sending one only when
    // the client reads it.
    const body = Buffer.alloc(8 * 1024 * 1024, 'a');
    let sent = 0;
    const server = await serve({
      '/big': (_request, response) => {
        response.on('finish', () => (sent += 1));
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
      },
    });
    const run = fetchAll(await testClient(), sourcesOn(server, '/big', 10), {
      settings: {
        ...testSettings,
        concurrency: 10,
        perHostConcurrency: 10,
        maxBytes: 16 * 1024 * 1024,
        timeoutMs: 10_000,
      },
      deadline: Date.now() + 30_000,
    });

    // Bodies sent in full beyond the results taken, each measured after a slow parse.
    const ahead: number[] = [];
    const statuses: string[] = [];
    for await (const { outcome } of run) {
      statuses.push(outcome.status);
      await sleep(150);
      ahead.push(sent - statuses.length);
    }

    expect(statuses).toEqual(Array(10).fill('ok'));
    expect(server.maxConcurrent()).toBeGreaterThan(4);
    expect(Math.max(...ahead)).toBeGreaterThan(0);
    expect(Math.max(...ahead)).toBeLessThanOrEqual(4);
  });

  it('counts the wait for room to read a body neither against the attempt timeout nor in the duration', async () => {
    const server = await serve({ '/feed': respondAfter(0) });
    const run = fetchAll(await testClient(), sourcesOn(server, '/feed', 8), {
      settings: { ...testSettings, concurrency: 8, perHostConcurrency: 8, timeoutMs: 300 },
      deadline: Date.now() + 10_000,
    });

    // The last responses wait about 4 × 150 ms for room, twice their time limit.
    const outcomes = [];
    for await (const { outcome } of run) {
      outcomes.push(outcome);
      await sleep(150);
    }

    expect(outcomes.map((outcome) => [outcome.status, outcome.attempts])).toEqual(Array(8).fill(['ok', 1]));
    // The server answers at once; the last responses waited 600 ms for room.
    expect(Math.max(...outcomes.map((outcome) => outcome.durationMs))).toBeLessThan(300);
  });

  it('gives the body slot back when a read fails, so bodies after many oversized ones are still read', async () => {
    const server = await serve({ '/huge': respondAfter(0, 200, 'x'.repeat(64 * 1024)), '/feed': respondAfter(0) });
    // More failed reads than body slots, then good sources: each failure must free its slot.
    const sources = [...sourcesOn(server, '/huge', 6, 'huge'), ...sourcesOn(server, '/feed', 2, 'good')];

    const results = await collect(sources, {
      settings: { ...testSettings, concurrency: 1, perHostConcurrency: 1, maxBytes: 1024 },
      deadline: Date.now() + 3_000,
    });

    const codes = results.map(({ outcome }) => (outcome.status === 'failed' ? outcome.failure.code : outcome.status));
    expect(codes.toSorted()).toEqual([
      'ok',
      'ok',
      'too_large',
      'too_large',
      'too_large',
      'too_large',
      'too_large',
      'too_large',
    ]);
  });

  it("keeps one source's failure out of the others' outcomes", async () => {
    const server = await serve({
      '/feed': respondAfter(20),
      '/reset': (request) => void request.socket.destroy(),
    });
    const sources = [
      ...sourcesOn(server, '/feed', 4),
      source(server.url('/missing'), 'missing'),
      source(server.url('/reset'), 'reset'),
    ];

    const results = await collect(sources);

    const byId = new Map(results.map((result) => [result.source.id, result.outcome]));
    expect(idsOf(results).toSorted()).toEqual(sources.map((each) => each.id).toSorted());
    expect(byId.get('missing')).toMatchObject({ status: 'failed', failure: { code: 'http_status' } });
    expect(byId.get('reset')).toMatchObject({ status: 'failed', failure: { code: 'network' } });
    expect(sources.slice(0, 4).map((each) => byId.get(each.id)?.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('aborts fetches in flight at the deadline and does not start the rest', async () => {
    const server = await serve({ '/hang': hang });
    const started = Date.now();

    const results = await collect(sourcesOn(server, '/hang', 3), {
      settings: { ...testSettings, concurrency: 1, timeoutMs: 5_000 },
      deadline: started + 300,
    });

    const failures = results.map((result) => (result.outcome.status === 'failed' ? result.outcome.failure : undefined));
    expect(failures.map((failure) => failure?.code)).toEqual(['deadline', 'deadline', 'deadline']);
    expect(failures.filter((failure) => failure?.message.startsWith('not started'))).toHaveLength(2);
    expect(server.requests('/hang')).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('starts nothing once the deadline has passed, yet answers for every source', async () => {
    const server = await serve({ '/feed': respondAfter(0) });

    const results = await collect(sourcesOn(server, '/feed', 4), { deadline: Date.now() - 1 });

    expect(results).toHaveLength(4);
    expect(
      results.every((result) => result.outcome.status === 'failed' && result.outcome.failure.code === 'deadline'),
    ).toBe(true);
    expect(server.requests()).toBe(0);
  });

  it('sends each source its own remembered validators', async () => {
    const server = await serve({
      '/feed': (request, response) => response.writeHead(request.headers['if-none-match'] === '"a"' ? 304 : 200).end(),
    });

    const results = await collect([source(server.url('/feed'), 'a'), source(server.url('/feed'), 'b')], {
      validators: (id) => ({ etag: `"${id}"` }),
    });

    const statuses = Object.fromEntries(results.map((result) => [result.source.id, result.outcome.status]));
    expect(statuses).toEqual({ a: 'not_modified', b: 'ok' });
  });
});

describe('fetchAll: perHostDelayMs', () => {
  /**
   * The server sees a request some time after the client starts it, longer when a connection has
   * to be opened first: tens of ms on a busy machine. Without spacing the gaps would be ~0 ms.
   */
  const ARRIVAL_SLACK_MS = 100;

  /** A route answering `respond` and recording when each request arrived. */
  function timed(respond: RouteHandler = respondAfter(0)): { starts: number[]; handler: RouteHandler } {
    const starts: number[] = [];
    return { starts, handler: (request, response) => (starts.push(performance.now()), respond(request, response)) };
  }

  const gaps = (starts: number[]) => starts.slice(1).map((start, index) => start - starts[index]!);

  it('keeps the starts of requests to one origin at least perHostDelayMs apart', async () => {
    const feed = timed();
    const server = await serve({ '/feed': feed.handler });

    const results = await collect(sourcesOn(server, '/feed', 4), {
      settings: { ...testSettings, perHostConcurrency: 4, perHostDelayMs: 300 },
    });

    expect(results.every((result) => result.outcome.status === 'ok')).toBe(true);
    expect(gaps(feed.starts)).toHaveLength(3);
    for (const gap of gaps(feed.starts)) expect(gap).toBeGreaterThanOrEqual(300 - ARRIVAL_SLACK_MS);
  });

  it('spaces a retry like any other request to its origin', async () => {
    let calls = 0;
    const feed = timed((_request, response) => response.writeHead((calls += 1) === 1 ? 503 : 200).end('<rss/>'));
    const server = await serve({ '/feed': feed.handler });

    const results = await collect(sourcesOn(server, '/feed', 2), {
      settings: { ...testSettings, retries: 1, perHostConcurrency: 2, perHostDelayMs: 300 },
    });

    expect(results.map((result) => result.outcome.attempts).toSorted()).toEqual([1, 2]);
    expect(gaps(feed.starts)).toHaveLength(2);
    for (const gap of gaps(feed.starts)) expect(gap).toBeGreaterThanOrEqual(300 - ARRIVAL_SLACK_MS);
  });

  it('keeps the spacing when requests that waited for busy slots get them at the same moment', async () => {
    const paced = timed();
    const busy = [await serve({ '/slow': respondAfter(400) }), await serve({ '/slow': respondAfter(400) })];
    const pacedServer = await serve({ '/feed': paced.handler });

    // Two other hosts hold both slots until their slow responses end together; by then both
    // paced requests have had their turn and take the two freed slots at once.
    const busySources = busy.map((server, index) => source(server.url('/slow'), `busy-${index}`));
    await collect([...busySources, ...sourcesOn(pacedServer, '/feed', 2, 'paced')], {
      settings: { ...testSettings, concurrency: 2, perHostConcurrency: 2, perHostDelayMs: 300 },
    });

    expect(gaps(paced.starts)).toHaveLength(1);
    expect(gaps(paced.starts)[0]).toBeGreaterThanOrEqual(300 - ARRIVAL_SLACK_MS);
  });

  it('does not hold a request slot while waiting its turn, so other hosts go ahead', async () => {
    const paced = timed(respondAfter(400));
    const other = timed();
    const pacedServer = await serve({ '/feed': paced.handler });
    const otherServer = await serve({ '/feed': other.handler });

    await collect([...sourcesOn(pacedServer, '/feed', 3, 'paced'), source(otherServer.url('/feed'), 'other')], {
      settings: { ...testSettings, concurrency: 2, perHostConcurrency: 3, perHostDelayMs: 200 },
    });

    // Had the second paced request held the other slot through its wait, the other host would
    // have waited for the first paced response, 400 ms.
    expect(other.starts[0]! - paced.starts[0]!).toBeLessThan(200);
    expect(paced.starts).toHaveLength(3);
  });
});
