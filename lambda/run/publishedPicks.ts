import type { SourcesFile } from '../core/model.js';
import { mergeKeys } from '../merge/merge.js';
import { type KeptItems, mergeKeysOf } from '../process/keptItems.js';
import type { SourceState } from '../process/sourceState.js';
import type { KeptItemPick } from './keptItemsStore.js';
import { type SettledStates, scanState } from './state.js';
import type { Store } from './store.js';

/** A source's kept items still in the running, by their index in its stored object. */
interface Candidates {
  sourceId: string;
  kept: KeptItems;
  /** Absent: every item. */
  indices?: number[];
}

/**
 * Which kept items the outputs show, newest first, in sources-file order on ties: decided on
 * digests alone. The sources this run settled count as settled; every other source of the file
 * as state holds it. Settled sources and state are scanned some at a time (one shard, one batch
 * file), keeping only the best `maxItems` so far, so memory does not grow with the number of sources.
 */
export async function pickPublished(
  store: Store,
  sourcesFile: SourcesFile,
  settled: SettledStates,
  options: {
    onWarning?: (message: string) => void;
    /** Sees every source's state on the way, settled or read: for what the outputs say about it besides items. */
    onSourceState?: (sourceId: string, state: SourceState) => void;
  } = {},
): Promise<KeptItemPick[]> {
  const position = new Map(sourcesFile.sources.map(({ id }, index) => [id, index]));
  const { maxItems } = sourcesFile.settings;
  let best: Candidates[] = [];
  const consider = (states: Iterable<readonly [string, SourceState]>) => {
    const added: Candidates[] = [];
    for (const [sourceId, state] of states) {
      options.onSourceState?.(sourceId, state);
      if (state.items) added.push({ sourceId, kept: state.items });
    }
    best = bestOf([...best, ...added], position, maxItems);
  };
  await settled.scan(consider);
  await scanState(
    store,
    (sources) => consider(Object.entries(sources).filter(([id]) => position.has(id) && !settled.ids.has(id))),
    options,
  );
  return picksOf(best, position, maxItems);
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
