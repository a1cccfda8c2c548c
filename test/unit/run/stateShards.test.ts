import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import { currentItemId } from '../../../lambda/core/itemId.js';
import type { RunReport, Source } from '../../../lambda/core/model.js';
import { STATE_KEY } from '../../../lambda/core/storageLayout.js';
import { inBatchOrder } from '../../../lambda/distributed/startShardedRun.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import {
  commitState,
  readState,
  type StateChange,
  shardCountFor,
  shardOf,
  statesInMemory,
} from '../../../lambda/run/state.js';
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

  async function seededCounting(): Promise<CountingFolderStore> {
    const store = await seeded(new CountingFolderStore(await newFolder()));
    store.reads.length = 0;
    return store;
  }

  it('reads, for some sources, only state.json and the shards they are in, whatever the total', async () => {
    // Prepare
    const store = await seededCounting();
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

describe('state of version 4, whose ids in foreign schemes are as feeds wrote them', () => {
  const newFolder = useTempFolders('tributary-state-');
  const WRITTEN = 'javascript:alert(3)';
  /** What itemId makes of WRITTEN for source-1 since version 5. */
  const CONVERTED = currentItemId('source-1', WRITTEN);
  const shardText = async (store: FolderStore, id: string) =>
    (await store.get(`state/sources/4-${shardOf(id, 4)}.json`)) ?? '';

  /** The seeded state as version 4 wrote it, source-1 having seen an item whose id is WRITTEN. */
  async function version4(): Promise<FolderStore> {
    const store = await seeded(new FolderStore(await newFolder()));
    await rewriteShardOf(store, 'source-1', (state) => ({ ...state, seenIds: [WRITTEN, ...state.seenIds] }));
    const manifest = JSON.parse((await store.get(STATE_KEY))!) as { version: number };
    await store.put(STATE_KEY, JSON.stringify({ ...manifest, version: 4 }), { contentType: 'application/json' });
    return store;
  }

  it('is read with those ids converted, and written back as version 5 with every shard converted', async () => {
    // Prepare
    const store = await version4();
    const otherSource = ids.find((id) => shardOf(id, 4) !== shardOf('source-1', 4))!;

    // Act
    const read = await readState(store, ['source-1']);
    await commitState(store, aChange(otherSource));

    // Assess: source-1 was not settled, yet its shard is converted on storage
    expect(CONVERTED).toMatch(/^urn:uuid:/);
    expect(read.sources['source-1']?.seenIds).toEqual([CONVERTED, 'source-1/item']);
    expect(JSON.parse((await store.get(STATE_KEY))!)).toMatchObject({ version: 5 });
    expect(await shardText(store, 'source-1')).toContain(CONVERTED);
    expect(await shardText(store, 'source-1')).not.toContain(WRITTEN);
  });

  it('is converted once: a version-5 state is read as stored, and a commit rewrites only its own shards', async () => {
    // Prepare: converted by one commit; then an id in a foreign scheme placed where version 5 never puts one
    const store = await version4();
    await commitState(store, aChange('source-2'));
    await rewriteShardOf(store, 'source-1', (state) => ({ ...state, seenIds: [WRITTEN] }));
    const otherSource = ids.find((id) => shardOf(id, 4) !== shardOf('source-1', 4))!;

    // Act
    const read = await readState(store, ['source-1']);
    await commitState(store, aChange(otherSource));

    // Assess
    expect(read.sources['source-1']?.seenIds).toEqual([WRITTEN]);
    expect(await shardText(store, 'source-1')).toContain(WRITTEN);
  });
});

/** The store, with every source's state committed. */
async function seeded<S extends FolderStore>(store: S): Promise<S> {
  await commitState(store, {
    known: new Set(ids),
    settled: statesInMemory(new Map(ids.map((id) => [id, stateOf(id)]))),
    unreadable: new Map(),
    summary: { ...summary, counts: { sources: SOURCES, failed: 0 } } as RunReport,
    everyShard: true,
  });
  return store;
}

/** A subset run's change: `id` settled again. */
function aChange(id: string): StateChange {
  return {
    known: new Set(ids),
    settled: statesInMemory(new Map([[id, stateOf(id)]])),
    unreadable: new Map(),
    summary: { ...summary, counts: { sources: 1, failed: 0 } } as RunReport,
    everyShard: false,
  };
}

async function rewriteShardOf(store: FolderStore, id: string, change: (state: SourceState) => SourceState) {
  const key = `state/sources/4-${shardOf(id, 4)}.json`;
  const shard = JSON.parse((await store.get(key))!) as { sources: Record<string, SourceState> };
  shard.sources[id] = change(shard.sources[id]!);
  await store.put(key, JSON.stringify(shard), { contentType: 'application/json' });
}

describe('commitState and the item objects state stops naming', () => {
  const newFolder = useTempFolders('tributary-state-');
  const itemsAt = (key: string): SourceState => ({ seenIds: [], items: { key, range: [0, 2], digests: [] } });

  it('returns those the change says the shard alone names, and leaves the rest to the sweep', async () => {
    // Prepare: two sources of one shard, each naming an object; both change
    const store = new FolderStore(await newFolder());
    const pair = ['source-1', 'source-2'];
    const commit = (settled: Map<string, SourceState>, ownedByShard?: StateChange['ownedByShard']) =>
      commitState(store, {
        ...aChange('source-1'),
        known: new Set(pair),
        settled: statesInMemory(settled),
        ownedByShard,
      });
    await commit(
      new Map([
        ['source-1', itemsAt('own/1')],
        ['source-2', itemsAt('other/2')],
      ]),
    );
    const owned: [string, number, number][] = [];

    // Act
    const superseded = await commit(
      new Map([
        ['source-1', itemsAt('own/1b')],
        ['source-2', itemsAt('other/2b')],
      ]),
      (kept, shard, shards) => {
        owned.push([kept.key, shard, shards]);
        return kept.key.startsWith('own/');
      },
    );
    const withoutPredicate = await commit(new Map([['source-1', itemsAt('own/1c')]]));

    // Assess
    expect(superseded).toEqual(['own/1']);
    expect(owned.map(([key]) => key).sort()).toEqual(['other/2', 'own/1']);
    expect(owned.every(([, shard, shards]) => shards === 1 && shard === 0)).toBe(true);
    expect(withoutPredicate).toEqual([]);
  });
});
