import { describe, expect, it } from 'vitest';
import { CountingStore } from '../../../bench/countingStore.js';
import type { SourceReport, SourcesFile } from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { BatchResults } from '../../../lambda/distributed/batchResults.js';
import type { BatchFile } from '../../../lambda/distributed/settleBatch.js';
import { inBatchOrder } from '../../../lambda/distributed/startShardedRun.js';
import type { SourceResult } from '../../../lambda/process/sourceResult.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import { shardOf } from '../../../lambda/run/state.js';
import { INTERNAL_JSON } from '../../../lambda/run/store.js';

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

describe('BatchResults: a distributed run read back from its batch files a few at a time', () => {
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

  it("hands the settled states to the picker one batch file at a time, and the others' last", async () => {
    // Prepare
    const { store, keys } = await batchFiles();
    const batches = await BatchResults.read(store, keys, sourcesFile, SHARDS);
    const others = new Map(ids.filter((id) => !batches.has(id)).map((id) => [id, resultOf(id)]));
    const { states, reports } = batches.results({ runId: 'run', sourcesFile, request }, others);

    // Act
    const visits: number[] = [];
    const seen = new Set<string>();
    await states.scan((entries) => {
      const batch = [...entries];
      visits.push(batch.length);
      for (const [id] of batch) seen.add(id);
    });

    // Assess
    expect(visits).toEqual(Array.from({ length: SOURCES / BATCH }, () => BATCH));
    expect(seen).toEqual(new Set(ids));
    expect(states.ids).toEqual(new Set(ids));
    expect(reports.map(({ id }) => id)).toEqual(ids);
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
