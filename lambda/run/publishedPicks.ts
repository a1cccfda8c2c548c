import type { SourcesFile } from '../core/model.js';
import { type MergeKey, mergeKeys } from '../merge/merge.js';
import { type KeptItems, mergeKeysOf } from '../process/keptItems.js';
import type { SourceState } from '../process/sourceState.js';
import type { KeptItemPick } from './keptItemsStore.js';
import { scanState } from './state.js';
import type { Store } from './store.js';

/** A source's kept items still in the running: their indices in its stored object, and their merge keys. */
interface Candidates {
  sourceId: string;
  /** The source's place in the sources file: the merge's order, so ties go to the earlier source. */
  position: number;
  kept: KeptItems;
  indices: number[];
  keys: MergeKey[];
}

/** What the outputs say about a source besides its items: what its feed calls itself, and where it lives. */
export interface SourceName {
  title?: string;
  siteUrl?: string;
}

/**
 * Which kept items the outputs show, newest first, in sources-file order on ties: decided on
 * digests alone. The sources a run settled are considered as they settled, some at a time (one
 * batch file), as soon as they are in hand; `pick` then considers every other source of the file
 * as state holds it, one shard at a time. Only the best `maxItems` so far are kept, so memory does
 * not grow with the number of sources.
 */
export class PublishedPicks {
  readonly #position: ReadonlyMap<string, number>;
  readonly #maxItems: number;
  /** In sources-file order (see bestOf). */
  #best: Candidates[] = [];
  /** What each source considered so far calls itself: the sources file's names win (see sourceLabels). */
  readonly names = new Map<string, SourceName>();

  constructor(sourcesFile: SourcesFile) {
    this.#position = new Map(sourcesFile.sources.map(({ id }, index) => [id, index]));
    this.#maxItems = sourcesFile.settings.maxItems;
  }

  /** Considers these sources' states: a run's settled sources, before `pick`. */
  consider(states: Iterable<readonly [string, SourceState]>): void {
    const added: Candidates[] = [];
    for (const [sourceId, state] of states) {
      this.names.set(sourceId, { title: state.title, siteUrl: state.siteUrl });
      if (!state.items) continue;
      const keys = mergeKeysOf(sourceId, state.items);
      const position = this.#position.get(sourceId) ?? Number.MAX_SAFE_INTEGER;
      added.push({ sourceId, position, kept: state.items, indices: keys.map((_, index) => index), keys });
    }
    this.#best = bestOf([...this.#best, ...added], this.#maxItems);
  }

  /** The picks, once every source of the file that is not in `settled` is considered as state holds it. */
  async pick(
    store: Store,
    settled: ReadonlySet<string>,
    options: { onWarning?: (message: string) => void } = {},
  ): Promise<KeptItemPick[]> {
    await scanState(
      store,
      (sources) => this.consider(Object.entries(sources).filter(([id]) => this.#position.has(id) && !settled.has(id))),
      options,
    );
    const keys = this.#best.map((candidate) => candidate.keys);
    return mergeKeys(keys, { maxItems: this.#maxItems }).map(({ list, index }) => {
      const { sourceId, kept, indices } = this.#best[list]!;
      return { sourceId, kept, index: indices[index]! };
    });
  }
}

/** The candidates, in sources-file order, each with only its items among the best `maxItems` so far. */
function bestOf(candidates: readonly Candidates[], maxItems: number): Candidates[] {
  const ordered = candidates.toSorted((a, b) => a.position - b.position);
  const chosen = ordered.map((): number[] => []);
  const keys = ordered.map((candidate) => candidate.keys);
  for (const { list, index } of mergeKeys(keys, { maxItems })) chosen[list]!.push(index);
  return ordered.flatMap((candidate, list) => {
    const kept = chosen[list]!.sort((a, b) => a - b);
    if (kept.length === 0) return [];
    const indices = kept.map((index) => candidate.indices[index]!);
    return [{ ...candidate, indices, keys: kept.map((index) => candidate.keys[index]!) }];
  });
}
