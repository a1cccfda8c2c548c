import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import type { RunReport, Source } from '../../../lambda/core/model.js';
import { inBatchOrder } from '../../../lambda/distributed/startShardedRun.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import { commitState, readState, shardCountFor, shardOf, statesInMemory } from '../../../lambda/run/state.js';
import { useTempFolders } from '../../support/tempFolders.js';

const SOURCES = 1000;
const ids = Array.from({ length: SOURCES }, (_, n) => `source-${n}`);
const stateOf = (id: string): SourceState => ({ seenIds: [`${id}/item`], lastFetchMs: 100 });
const summary = { runId: 'seed', status: 'ok', startedAt: '2026-12-03T10:00:00.000Z', durationMs: 1 } as RunReport;

/** The folder store, counting the objects read. */
class CountingFolderStore extends FolderStore {
  readonly reads: string[] = [];
  override async getVersioned(key: string) {
    this.reads.push(key);
    return super.getVersioned(key);
  }
}

describe('state in shards', () => {
  const newFolder = useTempFolders('tributary-state-');

  async function seeded(): Promise<CountingFolderStore> {
    const folder = await newFolder();
    const store = new CountingFolderStore(folder);
    await commitState(store, {
      known: new Set(ids),
      settled: statesInMemory(new Map(ids.map((id) => [id, stateOf(id)]))),
      unreadable: new Map(),
      summary: { ...summary, counts: { sources: SOURCES, failed: 0 } } as RunReport,
      everyShard: true,
    });
    store.reads.length = 0;
    return store;
  }

  it('reads, for some sources, only state.json and the shards they are in, whatever the total', async () => {
    // Prepare
    const store = await seeded();
    const shards = shardCountFor(SOURCES);
    const wanted = ['source-7', 'source-700'];

    // Act
    const state = await readState(store, wanted);

    // Assess
    expect(shards).toBe(4);
    expect(Object.keys(state.sources).sort()).toEqual(wanted);
    const shardReads = store.reads.filter((key) => key.startsWith('state/sources/'));
    expect(shardReads.sort()).toEqual(
      [...new Set(wanted.map((id) => `state/sources/4-${shardOf(id, 4)}.json`))].sort(),
    );
    expect(store.reads).toHaveLength(1 + shardReads.length);
  });

  it('orders a run’s sources so that consecutive batches span as few shards as there are', () => {
    // Prepare
    const sources: Source[] = ids.map((id, n) => ({ id, url: `https://host-${n % 7}.example/${id}`, type: 'feed' }));
    const shards = shardCountFor(SOURCES);

    // Act
    const ordered = inBatchOrder(sources, shards);

    // Assess: every source once; batches of 100 touch at most 2 shards each, 4 + 9 in all
    expect(ordered.map(({ id }) => id).sort()).toEqual([...ids].sort());
    const touched = [];
    for (let start = 0; start < SOURCES; start += 100) {
      touched.push(new Set(ordered.slice(start, start + 100).map(({ id }) => shardOf(id, shards))).size);
    }
    expect(Math.max(...touched)).toBeLessThanOrEqual(2);
    expect(touched.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(shards + touched.length - 1);
  });
});
