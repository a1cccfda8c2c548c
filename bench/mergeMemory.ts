// What the merge step of a distributed run holds as the number of sources grows. Synthetic (no
// fetching): the start step runs for real, then each batch of BATCH sources is written as a worker
// writes it (its items packed through KeptItemsStore, a third of the sources changed, the others
// not modified), and mergeShards ends the run over an in-memory store. The live heap (after a full
// collection, at most every SAMPLE_MS) is sampled at the store requests the merge makes: between
// batch files, when what it keeps is largest. The store's own objects are in the heap before the
// merge starts, so the figure is what the merge adds.
//
//   npm run bench:merge -- [--sources 10000,100000]
import { parseArgs } from 'node:util';
import type { Item, SourceReport } from '../lambda/core/model.js';
import { mergeShards } from '../lambda/distributed/mergeShards.js';
import type { BatchFile } from '../lambda/distributed/settleBatch.js';
import { startShardedRun } from '../lambda/distributed/startShardedRun.js';
import { parseNetworkPolicy } from '../lambda/fetch/networkPolicy.js';
import { keepItems } from '../lambda/process/keptItems.js';
import type { SourceState } from '../lambda/process/sourceState.js';
import { KeptItemsStore } from '../lambda/run/keptItemsStore.js';
import { commitState, shardCountFor, statesInMemory } from '../lambda/run/state.js';
import { INTERNAL_JSON } from '../lambda/run/store.js';
import { CountingStore } from './countingStore.js';
import { syntheticSources } from './syntheticSources.js';

const BATCH = 100;
const ITEMS = 5;
const SEEN_IDS = 20;
const CHANGED_SHARE = 1 / 3;
const MiB = 2 ** 20;

/** A full collection is dear over a heap of gigabytes: often enough to see the peak, not at every request. */
const SAMPLE_MS = 200;

/** The live heap in use: without a collection first, heapUsed measures how lazy V8 is, not what is kept. */
function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:merge does)');
  gc();
  return process.memoryUsage().heapUsed;
}

/** Samples the live heap at the store requests the merge makes, so the peak between batch files is seen. */
class SamplingStore extends CountingStore {
  peakHeap = 0;
  #sampledAt = 0;
  sample(): void {
    if (performance.now() - this.#sampledAt < SAMPLE_MS) return;
    this.peakHeap = Math.max(this.peakHeap, liveHeap());
    this.#sampledAt = performance.now();
  }
  override async getVersioned(key: string) {
    this.sample();
    return super.getVersioned(key);
  }
  override async getRange(key: string, start: number, end: number) {
    this.sample();
    return super.getRange(key, start, end);
  }
  override async put(key: string, body: string, metadata: Parameters<CountingStore['put']>[2]) {
    this.sample();
    return super.put(key, body, metadata);
  }
}

function itemsOf(id: string, version: number): Item[] {
  return Array.from({ length: ITEMS }, (_, n) => ({
    id: `https://${id}.example/posts/${version}-${n}`,
    url: `https://${id}.example/posts/${version}-${n}`,
    title: `Post ${n} of ${id}, version ${version}`,
    content_html: `<p>${'Words of a post. '.repeat(50)}</p>`,
    date_published: new Date(Date.UTC(2026, 10, 1) + version * 3_600_000 + n).toISOString(),
    sourceId: id,
  }));
}

function stateOf(id: string, version: number): SourceState {
  return {
    seenIds: Array.from({ length: SEEN_IDS }, (_, n) => `https://${id}.example/posts/${version}-${n}`),
    validators: { etag: `"${id}-${version}"` },
    failureStreak: 0,
    lastFetchMs: 120,
    title: `Feed ${id}`,
  };
}

function reportOf(id: string, changed: boolean, state: SourceState): SourceReport {
  return {
    id,
    url: `https://${id}.example/feed`,
    status: changed ? 'ok' : 'not_modified',
    httpStatus: changed ? 200 : 304,
    items: ITEMS,
    newItems: changed ? ITEMS : 0,
    bytes: changed ? 6000 : 0,
    durationMs: 120,
    attempts: 1,
    failureStreak: 0,
    validators: state.validators,
  };
}

/** Writes, batch by batch, what the workers of a run over `ids` write, and keeps the items they name. */
async function writeBatches(store: CountingStore, ordered: string[], folder: string, runId: string, shards: number) {
  const previous = new Map<string, SourceState>();
  for (let start = 0; start < ordered.length; start += BATCH) {
    const ids = ordered.slice(start, start + BATCH);
    const keeping = new KeptItemsStore(store, { write: true, shards });
    const results: BatchFile['results'] = [];
    for (const id of ids) {
      const changed = Number(id.slice('source-'.length)) % Math.round(1 / CHANGED_SHARE) === 0;
      const items = itemsOf(id, changed ? 2 : 1);
      const { kept, fresh } = keepItems(id, items);
      const state = { ...stateOf(id, changed ? 2 : 1), items: kept };
      const newItems = changed
        ? items.map(({ id: itemId, url, title, sourceId }) => ({ id: itemId, url, title, sourceId }))
        : [];
      const result = await keeping.keep({ report: reportOf(id, changed, state), newItems, state, fresh });
      results.push({ id, result });
      previous.set(id, result.state);
    }
    await keeping.flush();
    await store.put(
      `${folder}batches/${ids[0]}.json`,
      JSON.stringify({ runId, results } satisfies BatchFile),
      INTERNAL_JSON,
    );
  }
  return previous;
}

async function measure(sources: number) {
  const store = new SamplingStore();
  const { ids, sourcesFile } = syntheticSources(sources);
  const notifier = { publish: async () => undefined };
  const startedAt = Date.now();
  // The run before: every source known, so this run's state writes replace, as every hourly run's do.
  await commitState(store, {
    known: new Set(ids),
    settled: statesInMemory(new Map(ids.map((id) => [id, stateOf(id, 1)]))),
    unreadable: new Map(),
    summary: {
      runId: 'seed',
      status: 'ok',
      startedAt: new Date(startedAt - 3_600_000).toISOString(),
      durationMs: 1,
      counts: { sources, failed: 0 },
    } as never,
    everyShard: true,
  });
  const started = await startShardedRun(
    {
      request: { scheduledTime: new Date(startedAt).toISOString(), dryRun: false, force: false },
      sourcesFile,
      startedAt,
      executionDeadline: startedAt + 3_600_000,
      mergeReserveMs: 600_000,
    },
    { store, notifier },
  );
  if (started.status !== 'started') throw new Error(`start step said ${started.status}`);
  const ordered = (JSON.parse((await store.get(started.folder.sources))!) as { id: string }[]).map(({ id }) => id);
  await writeBatches(store, ordered, started.folder.root, started.runId, shardCountFor(sources));

  const heapBefore = liveHeap();
  store.peakHeap = heapBefore;
  const time = performance.now();
  const report = await mergeShards(started.folder, undefined, Date.now() + 3_600_000, {
    store,
    notifier,
    networkPolicy: parseNetworkPolicy('127.0.0.0/8'),
  });
  const ms = performance.now() - time;
  store.sample();
  return {
    sources,
    ms,
    peakHeapMb: (store.peakHeap - heapBefore) / MiB,
    status: report.status,
    items: report.counts.items,
  };
}

const { values } = parseArgs({ options: { sources: { type: 'string', default: '10000,100000' } } });
for (const sources of values.sources.split(',').map(Number)) {
  const m = await measure(sources);
  console.log(
    `${sources.toLocaleString('en')} sources: the merge step's live heap peaked ` +
      `${m.peakHeapMb.toFixed(0)} MiB above where ` +
      `it started; ${(m.ms / 1000).toFixed(1)} s here; run ${m.status}, ${m.items} items published`,
  );
}
