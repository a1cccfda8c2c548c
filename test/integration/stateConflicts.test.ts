import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3Store } from '../../lambda/adapters/s3Store.js';
import { KEPT_ITEMS_FOLDER, STATE_KEY, STATE_SHARDS_FOLDER } from '../../lambda/core/storageLayout.js';
import { readState } from '../../lambda/run/state.js';
import type { Store } from '../../lambda/run/store.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { createMotoBucket, type MotoServer, startMotoServer } from '../../scripts/motoServer.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const BUCKET = 'tributary-conflicts';

/** An RSS feed of `count` dated items titled `<id> v<version> #<n>`. */
function feed(id: string, version: number, count = 2): string {
  const items = Array.from(
    { length: count },
    (_, n) =>
      `<item><guid>http://${id}.example/v${version}/${n}</guid><title>${id} v${version} #${n}</title>` +
      `<link>http://${id}.example/v${version}/${n}</link>` +
      `<pubDate>${new Date(Date.UTC(2026, 10, version, 12, n)).toUTCString()}</pubDate></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title>${items}</channel></rss>`;
}

/**
 * The store, except that the first state write (shard or state.json, by any method) waits until
 * `release` is called: the run has read state and settled its sources, and another run can
 * commit meanwhile. Counts the conditional writes S3 refused.
 */
function pausedBeforeState(store: Store) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const counts = { refused: 0 };
  const isState = (key: string) => key === STATE_KEY || key.startsWith(STATE_SHARDS_FOLDER);
  const held = async (key: string) => {
    if (!isState(key)) return;
    reached();
    await gate;
  };
  const paused: Store = {
    locate: (key) => store.locate(key),
    get: (key) => store.get(key),
    getRange: (key, start, end) => store.getRange(key, start, end),
    getVersioned: (key) => store.getVersioned(key),
    list: (prefix, options) => store.list(prefix, options),
    delete: (keys) => store.delete(keys),
    put: async (key, body, metadata) => {
      await held(key);
      return store.put(key, body, metadata);
    },
    putIfAbsent: async (key, body, metadata) => {
      await held(key);
      const wrote = await store.putIfAbsent(key, body, metadata);
      if (!wrote) counts.refused++;
      return wrote;
    },
    replaceIfVersion: async (key, body, metadata, version) => {
      await held(key);
      const wrote = await store.replaceIfVersion(key, body, metadata, version);
      if (!wrote) counts.refused++;
      return wrote;
    },
  };
  return { store: paused, arrived, release, counts };
}

describe('two runs committing state at once, against S3 on loopback (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let server: LoopbackServer;
  let versions: Record<'alpha' | 'beta', number>;
  let pipeline: PipelineHarness;
  let store: S3Store;
  let tests = 0;

  beforeAll(async () => {
    moto = await startMotoServer();
    ({ s3 } = await createMotoBucket(moto, BUCKET));
    server = await startLoopbackServer({
      '/alpha.rss': (_request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed('alpha', versions.alpha)),
      '/beta.rss': (_request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed('beta', versions.beta)),
    });
  });

  beforeEach(async () => {
    versions = { alpha: 1, beta: 1 };
    store = new S3Store(s3, BUCKET, `test-${++tests}/`);
    pipeline = await createPipelineHarness({
      sources: () => [source('alpha', server.url('/alpha.rss')), source('beta', server.url('/beta.rss'))],
    });
  });

  afterAll(async () => {
    await server?.close();
    s3?.destroy();
    await moto?.stop();
  });

  const titles = async () =>
    (JSON.parse((await store.get('feed.json')) ?? '{}') as { items: { title: string }[] }).items
      .map(({ title }) => title)
      .sort();

  it("keeps both runs' updates when an ad hoc run commits between another's read and write of state", async () => {
    // Prepare: both sources known, then both change
    await pipeline.run({}, { dependencies: { store } });
    versions = { alpha: 2, beta: 2 };
    const slow = pausedBeforeState(store);

    // Act: alpha's run reads state, settles, and waits to write; beta's run commits meanwhile
    const alphaRun = pipeline.run({ only: ['alpha'] }, { dependencies: { store: slow.store } });
    await slow.arrived;
    const betaRun = await pipeline.run({ only: ['beta'] }, { dependencies: { store } });
    slow.release();
    const alphaReport = await alphaRun;

    // Assess: S3 refused alpha's stale write, and alpha merged over beta's state instead of replacing it
    expect([alphaReport.status, betaRun.status]).toEqual(['ok', 'ok']);
    expect(slow.counts.refused).toBeGreaterThan(0);
    const state = await readState(store);
    expect(state.sources.alpha?.seenIds).toContain('http://alpha.example/v2/0');
    expect(state.sources.beta?.seenIds).toContain('http://beta.example/v2/0');
    expect(state.history.map(({ runId }) => runId)).toEqual([expect.any(String), betaRun.runId, alphaReport.runId]);
    // Each run packed its own source's items; the first run's pack, which neither names now, is gone.
    const packs = [state.sources.alpha?.items?.key, state.sources.beta?.items?.key];
    expect(new Set(packs).size).toBe(2);
    expect(await store.list(KEPT_ITEMS_FOLDER)).toEqual(packs.sort());
    // beta's items come back from its range of its pack (a ranged GET) in a run of alpha alone.
    const warnings: string[] = [];
    await pipeline.run(
      { only: ['alpha'] },
      { dependencies: { store, onWarning: (message) => warnings.push(message) } },
    );
    expect(warnings).toEqual([]);
    expect(await titles()).toEqual(['alpha v2 #0', 'alpha v2 #1', 'beta v2 #0', 'beta v2 #1']);
    // Nothing either run announced is announced again, and each source's kept items are still readable.
    const next = await pipeline.run({}, { dependencies: { store } });
    expect(next.counts).toMatchObject({ ok: 2, newItems: 0 });
    expect(await titles()).toEqual(['alpha v2 #0', 'alpha v2 #1', 'beta v2 #0', 'beta v2 #1']);
  });

  it('keeps the update of a source both runs settled, and every id either run saw', async () => {
    // Prepare
    await pipeline.run({}, { dependencies: { store } });
    versions = { alpha: 2, beta: 1 };
    const slow = pausedBeforeState(store);

    // Act: the slow run saw alpha v2; the quick one, started later, alpha v3
    const slowRun = pipeline.run({ only: ['alpha'] }, { dependencies: { store: slow.store } });
    await slow.arrived;
    versions = { alpha: 3, beta: 1 };
    await pipeline.run({ only: ['alpha'] }, { dependencies: { store } });
    slow.release();
    await slowRun;

    // Assess: the last commit's items stand; the ids of both are seen, so neither is new again
    const seen = (await readState(store)).sources.alpha?.seenIds ?? [];
    expect(seen).toEqual(expect.arrayContaining(['http://alpha.example/v2/0', 'http://alpha.example/v3/0']));
    versions = { alpha: 3, beta: 1 };
    const next = await pipeline.run({}, { dependencies: { store } });
    expect(next.counts.newItems).toBe(0);
  });
});
