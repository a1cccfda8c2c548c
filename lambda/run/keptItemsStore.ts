import type { Item } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import { KEPT_ITEMS_FOLDER } from '../core/storageLayout.js';
import type { KeptItems } from '../process/keptItems.js';
import type { FreshSourceResult, SourceResult } from '../process/processSource.js';
import { INTERNAL_JSON, type Store } from './store.js';

/**
 * Writes in flight: many small sources' objects at once, to hide S3's latency, but only a few
 * big ones, so what waits to be written stays small beside the bodies being fetched.
 */
const MAX_WRITES = 32;
const MAX_WRITE_CHARS = 4 * 1024 * 1024; // of serialized items; one bigger object still goes alone
/** Objects read back at once, each at most one source's items. */
const MAX_READS = 8;
/**
 * The items this run fetched, kept to read back without a request: all of a run of ordinary feeds
 * (40 sources of 40 KB come to about 1.2 Mi characters), a few of a run of huge ones.
 */
const MAX_REMEMBERED_CHARS = 4 * 1024 * 1024;

export interface KeptItemsStoreOptions {
  /** False for a dry run, which writes nothing. */
  write: boolean;
  onWarning?: (message: string) => void;
}

/** One item of a source's kept items: the `index`-th. */
export interface KeptItemPick {
  sourceId: string;
  kept: KeptItems;
  index: number;
}

/**
 * Sources' items in storage, one immutable object per source and content (see KeptItems), so a
 * run holds at most a few sources' items at a time: their digests decide what is published, and
 * only the published items are read back. One per run: it remembers the run's writes and, within
 * a bound, the items the run fetched.
 */
export class KeptItemsStore {
  readonly #store: Store;
  readonly #options: KeptItemsStoreOptions;
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
   * Starts storing a source's fresh items once the writes in flight leave room, and returns the
   * source without them, so the caller can let them go.
   * @throws StoreError when an earlier write failed: the run cannot name items that were never stored
   */
  async keep({ fresh, ...settled }: FreshSourceResult): Promise<SourceResult> {
    if (fresh && !fresh.unchanged && this.#options.write) {
      const chars = fresh.text.length;
      while (this.#writes.size >= MAX_WRITES || (this.#writes.size > 0 && this.#writeChars + chars > MAX_WRITE_CHARS)) {
        await Promise.race(this.#writes);
      }
      if (this.#failure) throw this.#failure;
      const write = this.#store
        .put(fresh.key, fresh.text, INTERNAL_JSON)
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
    if (fresh && this.#options.write && this.#rememberedChars + fresh.text.length <= MAX_REMEMBERED_CHARS) {
      this.#remembered.set(fresh.key, fresh.text);
      this.#rememberedChars += fresh.text.length;
    }
    return settled;
  }

  /**
   * Resolves once every item object kept so far is stored.
   * @throws the first write's StoreError
   */
  async flush(): Promise<void> {
    await Promise.all(this.#writes);
    if (this.#failure) throw this.#failure;
  }

  /**
   * The picked items, in the order picked, reading each object once (none this run wrote and
   * still remembers). An object that is missing or
   * no longer matches its digests (deleted by hand, or by a run that raced this one) costs this
   * run its items, with a warning, and its source is named in `unreadable` (with the object) so
   * that state can forget the object and the next run fetches the source in full.
   */
  async read(picks: readonly KeptItemPick[]): Promise<{ items: Item[]; unreadable: Map<string, string> }> {
    const byKey = new Map<string, { sourceId: string; kept: KeptItems; positions: number[] }>();
    picks.forEach(({ sourceId, kept }, position) => {
      const group = byKey.get(kept.key) ?? { sourceId, kept, positions: [] };
      group.positions.push(position);
      byKey.set(kept.key, group);
    });
    const items: (Item | undefined)[] = new Array(picks.length);
    const unreadable = new Map<string, string>();
    const slots = new Semaphore(MAX_READS);
    await Promise.all(
      [...byKey.values()].map(({ sourceId, kept, positions }) =>
        slots.run(async () => {
          const stored = parseItems(this.#remembered.get(kept.key) ?? (await this.#store.get(kept.key)));
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

function parseItems(text: string | undefined): Item[] | undefined {
  try {
    const items: unknown = JSON.parse(text ?? '');
    return Array.isArray(items) ? (items as Item[]) : undefined;
  } catch {
    return undefined;
  }
}
