import type { SourcesFile } from '../core/model.js';
import { mergeKeys } from '../merge/merge.js';
import { type KeptItems, mergeKeysOf } from '../process/keptItems.js';
import type { SourceState } from '../process/sourceState.js';
import type { KeptItemPick } from './keptItemsStore.js';
import { scanState } from './state.js';
import type { Store } from './store.js';

/** A source's kept items still in the running, by their index in its stored object. */
interface Candidates {
  sourceId: string;
  kept: KeptItems;
  /** Absent: every item. */
  indices?: number[];
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
      if (state.items) added.push({ sourceId, kept: state.items });
    }
    this.#best = bestOf([...this.#best, ...added], this.#position, this.#maxItems);
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
    return picksOf(this.#best, this.#position, this.#maxItems);
  }
}

function bestOf(candidates: Candidates[], position: ReadonlyMap<string, number>, maxItems: number): Candidates[] {
  const byPosition = candidates.toSorted((a, b) => position.get(a.sourceId)! - position.get(b.sourceId)!);
  const chosen = new Map<string, number[]>();
  for (const { sourceId, index } of merged(byPosition, maxItems))
    chosen.set(sourceId, [...(chosen.get(sourceId) ?? []), index]);
  return byPosition.flatMap(({ sourceId, kept }) => {
    const indices = chosen.get(sourceId);
    return indices ? [{ sourceId, kept, indices: indices.sort((a, b) => a - b) }] : [];
  });
}

function picksOf(best: Candidates[], position: ReadonlyMap<string, number>, maxItems: number): KeptItemPick[] {
  return merged(
    best.toSorted((a, b) => position.get(a.sourceId)! - position.get(b.sourceId)!),
    maxItems,
  );
}

/** The merge of the candidates (in sources-file order), as picks of their stored items. */
function merged(candidates: readonly Candidates[], maxItems: number): KeptItemPick[] {
  const keys = candidates.map(({ sourceId, kept, indices }) => {
    const all = mergeKeysOf(sourceId, kept);
    return indices ? indices.map((index) => all[index]!) : all;
  });
  return mergeKeys(keys, { maxItems }).map(({ list, index }) => {
    const { sourceId, kept, indices } = candidates[list]!;
    return { sourceId, kept, index: indices ? indices[index]! : index };
  });
}
