import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS, STATE_KEY } from '../../../lambda/core/storageLayout.js';
import { mergeShards } from '../../../lambda/distributed/mergeShards.js';
import type { ShardedRun } from '../../../lambda/distributed/shardFolder.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { INTERNAL_JSON } from '../../../lambda/run/store.js';
import { CountingStore } from '../../../scripts/countingStore.js';
import { type SyntheticShardedRun, syntheticShardedRun } from '../../../scripts/syntheticShardedRun.js';

/** Four state shards, so a batch file of 100 sources holds one or two of them. */
const SOURCES = 1000;
const STARTED_AT = Date.parse('2026-12-01T10:00:00Z');
const now = () => STARTED_AT + 60_000;

/** A run over SOURCES synthetic sources, every batch file written, the store's counts reset. */
async function beforeTheMerge(): Promise<{ store: CountingStore; run: SyntheticShardedRun }> {
  const store = new CountingStore();
  const run = await syntheticShardedRun(store, SOURCES, { startedAt: STARTED_AT });
  store.reset();
  return { store, run };
}

function merge(store: CountingStore, { started }: SyntheticShardedRun) {
  const networkPolicy = parseNetworkPolicy('127.0.0.0/8');
  return mergeShards(started.folder, undefined, now() + 60_000, {
    store,
    notifier: { publish: async () => undefined },
    networkPolicy,
    now,
  });
}

describe('mergeShards: the last step of a distributed run', () => {
  it("takes state's shard count from run.json, reading state.json once less than a run an earlier version started", async () => {
    // Prepare: the same run twice, the second as the start step of the previous version wrote it.
    const current = await beforeTheMerge();
    const earlier = await beforeTheMerge();
    const runKey = earlier.run.started.folder.run;
    const { stateShards, ...withoutCount } = JSON.parse((await earlier.store.get(runKey))!) as ShardedRun;
    await earlier.store.put(runKey, JSON.stringify(withoutCount), INTERNAL_JSON);
    earlier.store.reset();

    // Act
    const report = await merge(current.store, current.run);
    const earlierReport = await merge(earlier.store, earlier.run);

    // Assess
    expect(stateShards).toBe(current.run.started.job.stateShards);
    expect(stateShards).toBe(4);
    expect(current.store.reads.get(STATE_KEY)).toBe(earlier.store.reads.get(STATE_KEY)! - 1);
    expect(report.counts).toEqual(earlierReport.counts);
    expect(report.counts.items).toBeGreaterThan(0);
    expect(await current.store.get(OUTPUT_KEYS.feedJson)).toBe(await earlier.store.get(OUTPUT_KEYS.feedJson));
  });

  it('reads each batch file twice: for the report, new items and picks, then to commit state', async () => {
    // Prepare
    const { store, run } = await beforeTheMerge();

    // Act
    const report = await merge(store, run);

    // Assess
    expect(report.counts.sources).toBe(SOURCES);
    expect(run.batchKeys).toHaveLength(SOURCES / 100);
    expect(Object.fromEntries(run.batchKeys.map((key) => [key, store.reads.get(key)]))).toEqual(
      Object.fromEntries(run.batchKeys.map((key) => [key, 2])),
    );
  });
});
