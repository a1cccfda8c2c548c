import { randomBytes } from 'node:crypto';
import type { Item } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import { KEPT_ITEMS_FOLDER } from '../core/storageLayout.js';
import type { KeptItems } from '../process/keptItems.js';
import type { FreshSourceResult, SourceResult } from '../process/sourceResult.js';
import { shardOf } from './state.js';
import { INTERNAL_JSON, type Store } from './store.js';

/**
 * Items waiting in the packs still open, in characters: when more, the biggest pack is written
 * early. Each early write holds at least this ÷ shards characters, so a run's item writes stay
 * about one per shard it changed, plus one per that many characters. Small, because what waits
 * here sits beside the bodies being fetched: at 8 Mi, 40 feeds of 5 MB peaked 30 MiB above
 * fetching and parsing alone (BENCHMARKS.md, scenario 4). A distributed worker's batch of
 * ordinary feeds stays under 1 Mi, so its writes stay one per shard (bench/stateCost.ts).
 */
export const MAX_PACKED_CHARS = 1024 * 1024;
/**
 * Writes in flight: many small packs at once, to hide S3's latency, but only a few big ones, so
 * what waits to be written stays small beside the bodies being fetched.
 */
const MAX_WRITES = 32;
const MAX_WRITE_CHARS = 1024 * 1024; // of serialized items; one bigger pack still goes alone
/** Sources' items read back at once, each at most one source's. */
const MAX_READS = 8;
/**
 * The items this run fetched, kept to read back without a request: all of a run of ordinary feeds
 * (40 sources of 40 KB come to about 1.2 Mi characters), a few of a run of huge ones.
 */
const MAX_REMEMBERED_CHARS = 2 * 1024 * 1024;

export interface KeptItemsStoreOptions {
  /** False for a dry run, which writes nothing. */
  write: boolean;
  /**
   * How many shards state has, or will have once this run commits: each pack holds one shard's
   * sources, so that state's shard object alone says which of its packs are still needed.
   * @default 1
   */
  shards?: number;
  onWarning?: (message: string) => void;
}

/** One item of a source's kept items: the `index`-th. */
export interface KeptItemPick {
  sourceId: string;
  kept: KeptItems;
  index: number;
}

/** A pack being filled: the items of sources of one shard, one JSON array a line. */
interface OpenPack {
  key: string;
  lines: string[];
  /** Its size so far in UTF-8 bytes, newlines included: where the next line starts. */
  bytes: number;
  chars: number;
}

/**
 * Sources' items in storage. A run packs the changed sources' items of each state shard into one
 * object (a line per source, state naming the pack and the byte range), so its writes grow with
 * the shards it changed, not with its sources; a run holds at most a few packs' worth of items
 * at a time, merges on digests and reads back only the published sources' ranges. One per run:
 * it remembers the run's writes and, within a bound, the items the run fetched.
 */
export class KeptItemsStore {
  readonly #store: Store;
  readonly #options: KeptItemsStoreOptions;
  readonly #open = new Map<number, OpenPack>();
  #openChars = 0;
  readonly #writes = new Set<Promise<void>>();
  #writeChars = 0;
  readonly #remembered = new Map<string, string>();
  #rememberedChars = 0;
  #failure: unknown;

  constructor(store: Store, options: KeptItemsStoreOptions) {
    this.#store = store;
    this.#options = options;
  }

  /**
   * Adds a source's fresh items to its shard's pack (writing a pack once the packs waiting leave
   * no room) and returns the source without them, its state naming where they are, so the
   * caller can let them go.
   * @throws StoreError when an earlier write failed: the run cannot name items that were never stored
   */
  async keep({ fresh, ...settled }: FreshSourceResult): Promise<SourceResult> {
    const kept = settled.state.items;
    if (!fresh || !kept || !this.#options.write) return settled;
    const located = fresh.unchanged ? kept : await this.#pack(settled.report.id, fresh.text, kept);
    if (this.#rememberedChars + fresh.text.length <= MAX_REMEMBERED_CHARS) {
      this.#remembered.set(locationOf(located), fresh.text);
      this.#rememberedChars += fresh.text.length;
    }
    return located === kept ? settled : { ...settled, state: { ...settled.state, items: located } };
  }

  /**
   * Resolves once every item kept so far is stored.
   * @throws the first write's StoreError
   */
  async flush(): Promise<void> {
    for (const shard of [...this.#open.keys()]) await this.#writePack(shard);
    await Promise.all(this.#writes);
    if (this.#failure) throw this.#failure;
  }

  /**
   * The picked items, in the order picked, reading each source's items once (none this run wrote
   * and still remembers). Items that are missing or no longer match their digests (a pack deleted
   * by hand, or by a run that raced this one) cost this run their source's items, with a warning,
   * and the source is named in `unreadable` (with the object) so that state can forget the object
   * and the next run fetches the source in full.
   */
  async read(picks: readonly KeptItemPick[]): Promise<{ items: Item[]; unreadable: Map<string, string> }> {
    const byLocation = new Map<string, { sourceId: string; kept: KeptItems; positions: number[] }>();
    picks.forEach(({ sourceId, kept }, position) => {
      const location = locationOf(kept);
      const group = byLocation.get(location) ?? { sourceId, kept, positions: [] };
      group.positions.push(position);
      byLocation.set(location, group);
    });
    const items: (Item | undefined)[] = new Array(picks.length);
    const unreadable = new Map<string, string>();
    const slots = new Semaphore(MAX_READS);
    await Promise.all(
      [...byLocation.entries()].map(([location, { sourceId, kept, positions }]) =>
        slots.run(async () => {
          const stored = parseItems(this.#remembered.get(location) ?? (await this.#readStored(kept)));
          const matches = (index: number) => stored?.[index]?.id === kept.digests[index]?.[0];
          if (!positions.every((position) => matches(picks[position]!.index))) {
            unreadable.set(sourceId, kept.key);
            this.#options.onWarning?.(
              `${this.#store.locate(kept.key)} is missing or damaged: source ${sourceId}'s kept items ` +
                'are left out and it is fetched in full next run',
            );
            return;
          }
          for (const position of positions) items[position] = stored![picks[position]!.index];
        }),
      ),
    );
    return { items: items.filter((item) => item !== undefined), unreadable };
  }

  /**
   * Deletes the objects state named before this run's commit and no longer does (see
   * commitState). Only after state is written: until then they are the items a reader of the old
   * state needs. A failure leaves litter, not harm.
   */
  async removeSuperseded(superseded: readonly string[]): Promise<void> {
    try {
      await this.#store.delete(superseded);
    } catch (error) {
      this.#options.onWarning?.(`superseded item objects were not deleted: ${(error as Error).message}`);
    }
  }

  async #pack(sourceId: string, text: string, kept: KeptItems): Promise<KeptItems> {
    const shards = this.#options.shards ?? 1;
    const shard = shardOf(sourceId, shards);
    let pack = this.#open.get(shard);
    if (!pack) {
      // Random, not by content: a pack is written once by one run (or one worker), whatever else runs.
      pack = {
        key: `${packFolder(shard, shards)}${randomBytes(12).toString('base64url')}.ndjson`,
        lines: [],
        bytes: 0,
        chars: 0,
      };
      this.#open.set(shard, pack);
    }
    const start = pack.bytes;
    const end = start + Buffer.byteLength(text);
    pack.lines.push(text);
    pack.bytes = end + 1; // the newline
    pack.chars += text.length;
    this.#openChars += text.length;
    const located: KeptItems = { key: pack.key, range: [start, end], hash: kept.hash, digests: kept.digests };
    while (this.#openChars > MAX_PACKED_CHARS) await this.#writePack(this.#biggestOpenShard());
    return located;
  }

  #biggestOpenShard(): number {
    let biggest = -1;
    let chars = -1;
    for (const [shard, pack] of this.#open) if (pack.chars > chars) [biggest, chars] = [shard, pack.chars];
    return biggest;
  }

  /** Closes the shard's open pack and starts writing it once the writes in flight leave room. */
  async #writePack(shard: number): Promise<void> {
    const pack = this.#open.get(shard);
    if (!pack) return;
    this.#open.delete(shard);
    this.#openChars -= pack.chars;
    const { chars } = pack;
    while (this.#writes.size >= MAX_WRITES || (this.#writes.size > 0 && this.#writeChars + chars > MAX_WRITE_CHARS)) {
      await Promise.race(this.#writes);
    }
    if (this.#failure) throw this.#failure;
    const write = this.#store
      .put(pack.key, pack.lines.join('\n'), INTERNAL_JSON)
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => {
        this.#writeChars -= chars;
        this.#writes.delete(write);
      });
    this.#writeChars += chars;
    this.#writes.add(write);
  }

  async #readStored({ key, range }: KeptItems): Promise<string | undefined> {
    return range ? this.#store.getRange(key, range[0], range[1]) : this.#store.get(key);
  }
}

/**
 * Deletes the item objects under KEPT_ITEMS_FOLDER that `referenced` does not name and that were
 * written before `before`: the leftovers of runs that stored items and then failed before their
 * state was committed. Objects younger than that may belong to a run still in progress. One LIST
 * request per 1,000 objects; a failure is a warning, as litter does no harm.
 * @returns how many were deleted
 */
export async function sweepOrphans(
  store: Store,
  referenced: ReadonlySet<string>,
  before: number,
  onWarning?: (message: string) => void,
): Promise<number> {
  try {
    const orphans = (await store.list(KEPT_ITEMS_FOLDER, { modifiedBefore: before })).filter(
      (key) => !referenced.has(key),
    );
    await store.delete(orphans);
    return orphans.length;
  } catch (error) {
    onWarning?.(`orphaned item objects were not swept: ${(error as Error).message}`);
    return 0;
  }
}

/** Where the packs of one shard's items go. A source id cannot start with `_`, so no source's folder is one. */
export function packFolder(shard: number, shards: number): string {
  return `${KEPT_ITEMS_FOLDER}_${shards}-${shard}/`;
}

/**
 * Whether state shard `shard` of `shards` alone can name the object that holds `kept` (see
 * commitState): a pack holds sources of the one shard its key names, and an object of one
 * source's items alone (before state version 4) is named by that source's state only. A pack
 * written while state had another shard count is not: no shard of today's count owns it.
 */
export function ownedByShard(kept: KeptItems, shard: number, shards: number): boolean {
  return kept.range === undefined || kept.key.startsWith(packFolder(shard, shards));
}

/** One source's kept items: an object, or a range of a pack. */
function locationOf({ key, range }: KeptItems): string {
  return range ? `${key}#${range[0]}` : key;
}

function parseItems(text: string | undefined): Item[] | undefined {
  try {
    const items: unknown = JSON.parse(text ?? '');
    return Array.isArray(items) ? (items as Item[]) : undefined;
  } catch {
    return undefined;
  }
}
