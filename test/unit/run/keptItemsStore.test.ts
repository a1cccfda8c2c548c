import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import type { Item, SourceReport } from '../../../lambda/core/model.js';
import { type KeptItems, keepItems } from '../../../lambda/process/keptItems.js';
import type { FreshSourceResult } from '../../../lambda/process/sourceResult.js';
import { KeptItemsStore, MAX_PACKED_CHARS, ownedByShard, packFolder } from '../../../lambda/run/keptItemsStore.js';
import { shardOf } from '../../../lambda/run/state.js';
import type { ObjectMetadata } from '../../../lambda/run/store.js';
import { aBareItem } from '../../support/builders/items.js';
import { useTempFolders } from '../../support/tempFolders.js';

const SHARDS = 4;

/** The folder store, counting the objects written. */
class CountingFolderStore extends FolderStore {
  readonly writes: string[] = [];
  override async put(key: string, body: string, metadata: ObjectMetadata) {
    this.writes.push(key);
    return super.put(key, body, metadata);
  }
}

const itemsOf = (sourceId: string, contentChars = 10): Item[] => [
  aBareItem({ id: `${sourceId}:1`, sourceId, content_text: `${sourceId} ${'x'.repeat(contentChars)}` }),
  aBareItem({ id: `${sourceId}:2`, sourceId, title: `second of ${sourceId}` }),
];

/** What processSource gives for a source that fetched `items`. */
function fetched(sourceId: string, items: Item[], previous?: KeptItems): FreshSourceResult {
  const { kept, fresh } = keepItems(sourceId, items, previous);
  return {
    report: { id: sourceId } as SourceReport,
    newItems: [],
    state: { seenIds: [], items: kept },
    fresh,
  };
}

describe('KeptItemsStore: the changed items of a run packed per state shard', () => {
  const newFolder = useTempFolders('tributary-packs-');

  async function storeInFolder(): Promise<CountingFolderStore> {
    const folder = await newFolder();
    return new CountingFolderStore(folder);
  }

  it('writes one object per shard for forty sources, each naming pack and range; reads all items back', async () => {
    // Prepare
    const store = await storeInFolder();
    const ids = Array.from({ length: 40 }, (_, n) => `source-${n}`);
    const writing = new KeptItemsStore(store, { write: true, shards: SHARDS });

    // Act
    const kept = new Map<string, KeptItems>();
    for (const id of ids) kept.set(id, (await writing.keep(fetched(id, itemsOf(id)))).state.items!);
    await writing.flush();
    const reading = new KeptItemsStore(store, { write: false });
    const picks = ids.flatMap((sourceId) => [0, 1].map((index) => ({ sourceId, kept: kept.get(sourceId)!, index })));
    const { items, unreadable } = await reading.read(picks);

    // Assess
    const shards = new Set(ids.map((id) => shardOf(id, SHARDS)));
    expect(store.writes).toHaveLength(shards.size);
    for (const id of ids) expect(kept.get(id)!.key.startsWith(packFolder(shardOf(id, SHARDS), SHARDS))).toBe(true);
    expect(new Set([...kept.values()].map(({ key }) => key))).toEqual(new Set(store.writes));
    expect(unreadable.size).toBe(0);
    expect(items).toEqual(ids.flatMap((id) => itemsOf(id)));
  });

  it('writes the biggest pack early once waiting packs exceed their bound; its ranges still read back', async () => {
    // Prepare: three sources of 7/16 of the bound each, in three shards: the third goes over it
    const store = await storeInFolder();
    const ids = ['source-0', 'source-1', 'source-2', 'source-3', 'source-4'];
    const three = [...new Map(ids.map((id) => [shardOf(id, SHARDS), id])).values()].slice(0, 3);
    expect(three).toHaveLength(3);
    const writing = new KeptItemsStore(store, { write: true, shards: SHARDS });
    const big = (id: string) => itemsOf(id, (MAX_PACKED_CHARS * 7) / 16);

    // Act
    const kept: KeptItems[] = [];
    for (const id of three) kept.push((await writing.keep(fetched(id, big(id)))).state.items!);
    const writtenBeforeFlush = store.writes.length;
    await writing.flush();
    const { items } = await new KeptItemsStore(store, { write: false }).read(
      three.map((sourceId, n) => ({ sourceId, kept: kept[n]!, index: 0 })),
    );

    // Assess
    expect(writtenBeforeFlush).toBe(1);
    expect(store.writes).toHaveLength(3);
    expect(items.map(({ id }) => id)).toEqual(three.map((id) => `${id}:1`));
  });

  it('writes nothing for items a source already keeps, and leaves them where they are', async () => {
    // Prepare
    const store = await storeInFolder();
    const first = new KeptItemsStore(store, { write: true, shards: SHARDS });
    const kept = (await first.keep(fetched('news', itemsOf('news')))).state.items!;
    await first.flush();
    const written = store.writes.length;

    // Act
    const again = new KeptItemsStore(store, { write: true, shards: SHARDS });
    const result = await again.keep(fetched('news', structuredClone(itemsOf('news')), kept));
    await again.flush();

    // Assess
    expect(written).toBe(1);
    expect(store.writes).toHaveLength(1);
    expect(result.state.items).toEqual(kept);
  });
});

describe('ownedByShard: which objects only one state shard can name', () => {
  const digests: KeptItems['digests'] = [];
  const packOf = (shard: number, shards: number): KeptItems => ({
    key: `${packFolder(shard, shards)}abc.ndjson`,
    range: [0, 2],
    digests,
  });

  it("owns the shard's own packs", () => {
    expect(ownedByShard(packOf(1, SHARDS), 1, SHARDS)).toBe(true);
  });

  it.each([
    ['another shard', packOf(2, SHARDS)],
    ['another shard count, same shard number', packOf(1, SHARDS * 2)],
  ])('does not own a pack of %s', (_, pack) => {
    expect(ownedByShard(pack, 1, SHARDS)).toBe(false);
  });

  it('owns an object of one source’s items alone (written before state version 4), whatever the shard', () => {
    // Prepare
    const { kept } = keepItems('news', itemsOf('news'));

    // Act, Assess
    expect(kept.range).toBeUndefined();
    expect(ownedByShard(kept, 3, SHARDS)).toBe(true);
  });
});
