import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fetchAll, type FetchAllOptions, type FetchResult } from '../../../lambda/fetch/fetchAll.js';
import type { Source } from '../../../lambda/model.js';
import type { LoopbackServer } from '../../support/loopbackServer.js';
import { hang, respondAfter, serve, source, testClient, testSettings } from './fetchHarness.js';

function sourcesOn(server: LoopbackServer, path: string, count: number, prefix = path): Source[] {
  return Array.from({ length: count }, (_, index) => source(server.url(`${path}?n=${index}`), `${prefix}-${index}`));
}

async function collect(sources: Source[], options: Partial<FetchAllOptions> = {}): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  const run = fetchAll(testClient(), sources, { settings: testSettings, deadline: Date.now() + 10_000, ...options });
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

  it('yields results in completion order', async () => {
    const server = await serve({ '/300': respondAfter(300), '/0': respondAfter(0), '/150': respondAfter(150) });

    const results = await collect([
      source(server.url('/300'), 'slow'),
      source(server.url('/0'), 'fast'),
      source(server.url('/150'), 'middle'),
    ]);

    expect(idsOf(results)).toEqual(['fast', 'middle', 'slow']);
  });

  it('keeps fetching while the caller is still busy with an earlier result', async () => {
    const server = await serve({ '/feed': respondAfter(100) });
    const run = fetchAll(testClient(), sourcesOn(server, '/feed', 3), {
      settings: { ...testSettings, concurrency: 1 },
      deadline: Date.now() + 10_000,
    });

    let requestsWhileBusy = 0;
    for await (const _result of run) {
      if (requestsWhileBusy === 0) {
        await sleep(600); // a slow parse of the first body
        requestsWhileBusy = server.requests('/feed');
      }
    }

    expect(requestsWhileBusy).toBe(3);
  });

  it("keeps one source's failure out of the others' outcomes", async () => {
    const server = await serve({
      '/feed': respondAfter(20),
      '/reset': (request) => void request.socket.destroy(),
    });
    const sources = [...sourcesOn(server, '/feed', 4), source(server.url('/missing'), 'missing'), source(server.url('/reset'), 'reset')];

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
    expect(results.every((result) => result.outcome.status === 'failed' && result.outcome.failure.code === 'deadline')).toBe(true);
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
