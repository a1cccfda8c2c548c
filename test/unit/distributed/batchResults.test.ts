import { describe, expect, it } from 'vitest';
import type { SourceReport, SourcesFile } from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { BatchResults } from '../../../lambda/distributed/batchResults.js';
import type { BatchFile } from '../../../lambda/distributed/settleBatch.js';
import { inBatchOrder } from '../../../lambda/distributed/startShardedRun.js';
import type { SourceResult } from '../../../lambda/process/sourceResult.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import { commitState, readState, shardOf } from '../../../lambda/run/state.js';
import { INTERNAL_JSON } from '../../../lambda/run/store.js';
import { CountingStore } from '../../../scripts/countingStore.js';
import { aRunReport } from '../../support/builders/runReports.js';

const SOURCES = 1000;
const BATCH = 100;
const SHARDS = 4;
const ids = Array.from({ length: SOURCES }, (_, n) => `source-${n}`);
const sourcesFile = {
  settings: { ...DEFAULT_SETTINGS },
  sources: ids.map((id) => ({ id, url: `https://${id}.example/feed`, type: 'feed' })),
} as SourcesFile;
const request = { dryRun: false, force: false };
const stateOf = (id: string): SourceState => ({ seenIds: [`${id}/seen`], lastFetchMs: 100 });
const resultOf = (id: string): SourceResult => ({
  report: { id, status: 'ok' } as SourceReport,
  newItems: [],
  state: stateOf(id),
});

/** The batch files of a run over every source, cut as the start step orders them; the last one damaged. */
async function batchFiles(): Promise<{ store: CountingStore; keys: string[] }> {
  const store = new CountingStore();
  const ordered = inBatchOrder(sourcesFile.sources, SHARDS).map(({ id }) => id);
  const keys: string[] = [];
  for (let start = 0; start < SOURCES; start += BATCH) {
    const key = `state/shards/run/batches/${ordered[start]}.json`;
    const results = ordered.slice(start, start + BATCH).map((id) => ({ id, result: resultOf(id) }));
    const body =
      start + BATCH >= SOURCES ? '{"results":' : JSON.stringify({ runId: 'run', results } satisfies BatchFile);
    await store.put(key, body, INTERNAL_JSON);
    keys.push(key);
  }
  return { store, keys };
}

describe('BatchResults: a distributed run read back from its batch files, twice, a few at a time', () => {
  it('reads, to commit one shard, only the batch files that hold its sources, and finds each of them', async () => {
    // Prepare
    const { store, keys } = await batchFiles();
    const batches = await BatchResults.read(store, keys, sourcesFile, SHARDS);
    const lost = new Set(ids.filter((id) => !batches.has(id)));
    const others = new Map([...lost].map((id) => [id, resultOf(id)]));
    const { states } = batches.results({ runId: 'run', sourcesFile, request }, others);
    store.reset();

    // Act
    const inShard = await states.inShard(1, SHARDS);

    // Assess
    expect(lost.size).toBe(BATCH);
    expect(store.counts.get).toBeLessThanOrEqual(3);
    expect([...inShard.keys()].sort()).toEqual(ids.filter((id) => shardOf(id, SHARDS) === 1).sort());
    expect(inShard.get([...inShard.keys()][0]!)).toEqual(stateOf([...inShard.keys()][0]!));
  });

  it('reads each batch file once more to commit every shard, handing each source to its shard', async () => {
    // Prepare
    const { store, keys } = await batchFiles();
    const batches = await BatchResults.read(store, keys, sourcesFile, SHARDS);
    const others = new Map(ids.filter((id) => !batches.has(id)).map((id) => [id, resultOf(id)]));
    const { states } = batches.results({ runId: 'run', sourcesFile, request }, others);
    store.reset();

    // Act: as a full run commits, every shard rewritten, a few at once.
    await commitState(store, {
      known: new Set(ids),
      settled: states,
      unreadable: new Map(),
      summary: aRunReport(),
      everyShard: true,
    });

    // Assess: the damaged file is not read again; its sources are the others'.
    const readable = keys.slice(0, -1);
    expect(Object.fromEntries(readable.map((key) => [key, store.reads.get(key)]))).toEqual(
      Object.fromEntries(readable.map((key) => [key, 1])),
    );
    expect(store.reads.has(keys.at(-1)!)).toBe(false);
    const stored = await readState(store);
    expect(Object.keys(stored.sources).sort()).toEqual([...ids].sort());
    expect(stored.sources['source-7']).toEqual(stateOf('source-7'));
  });

  it('reads the files again for a shard asked for twice, or for another shard count, and finds its sources', async () => {
    // Prepare
    const { store, keys } = await batchFiles();
    const batches = await BatchResults.read(store, keys, sourcesFile, SHARDS);
    const others = new Map(ids.filter((id) => !batches.has(id)).map((id) => [id, resultOf(id)]));
    const { states } = batches.results({ runId: 'run', sourcesFile, request }, others);
    const inShard = (shard: number, shards: number) => ids.filter((id) => shardOf(id, shards) === shard).sort();

    // Act
    const first = await states.inShard(2, SHARDS);
    const again = await states.inShard(2, SHARDS);
    const resharded = await states.inShard(5, 2 * SHARDS);

    // Assess
    expect([...first.keys()].sort()).toEqual(inShard(2, SHARDS));
    expect(again).toEqual(first);
    expect([...resharded.keys()].sort()).toEqual(inShard(5, 2 * SHARDS));
  });

  it('fails, naming the source, when a selected source has no result at all', async () => {
    // Prepare
    const { store, keys } = await batchFiles();
    const batches = await BatchResults.read(store, keys, sourcesFile, SHARDS);

    // Act
    const missing = () => batches.results({ runId: 'run', sourcesFile, request }, new Map());

    // Assess
    expect(missing).toThrowError(/run run: source source-\d+ was selected but never settled/);
  });
});
