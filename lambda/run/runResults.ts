import { InternalError } from '../core/errors.js';
import { type Item, MAX_NEW_ITEMS_LISTED, type SourceReport, type SourcesFile } from '../core/model.js';
import { type RunRequest, selectedSources } from '../input/event.js';
import { mergeItems, mergeKeyOf, mergeKeys } from '../merge/merge.js';
import type { SourceResult } from '../process/sourceResult.js';
import { PublishedPicks } from './publishedPicks.js';
import { type SettledStates, statesInMemory } from './state.js';

/** What publishing needs of a run's results: small per source, the items left in storage. */
export interface RunResults {
  /** One report line per selected source, in sources-file order. */
  reports: SourceReport[];
  /** The run's newest new items, as many as the notification lists. */
  newItems: Item[];
  /** The published items so far: every settled source considered, the others not yet. */
  picks: PublishedPicks;
  states: SettledStates;
}

/** A single-function run's results, all in memory. */
export function resultsInMemory(
  run: { runId: string; sourcesFile: SourcesFile; request: RunRequest },
  settled: ReadonlyMap<string, SourceResult>,
): RunResults {
  const reports = reportsInFileOrder(run, (id) => settled.get(id)?.report);
  const newest = new NewestNewItems(run.sourcesFile);
  newest.add(settled);
  const states = new Map(reports.map(({ id }) => [id, settled.get(id)!.state]));
  const picks = new PublishedPicks(run.sourcesFile);
  picks.consider(states);
  return { reports, newItems: newest.items, picks, states: statesInMemory(states) };
}

/**
 * Sources-file order everywhere, so the outputs do not depend on which fetch finished first.
 * @throws InternalError when a selected source has no result
 */
export function reportsInFileOrder(
  { runId, sourcesFile, request }: { runId: string; sourcesFile: SourcesFile; request: RunRequest },
  reportOf: (sourceId: string) => SourceReport | undefined,
): SourceReport[] {
  return selectedSources(sourcesFile, request).map((source) => {
    const report = reportOf(source.id);
    if (!report) throw new InternalError(`run ${runId}: source ${source.id} was selected but never settled`);
    return report;
  });
}

/**
 * The newest new items of sources met some at a time, kept to what the notification lists: the
 * same as merging every source's at once (in sources-file order), holding only the best so far.
 * One difference: an article two sources share keeps the place of the source whose version
 * stayed, not of the first source that had it, which can reorder items of the very same date.
 */
export class NewestNewItems {
  readonly #position: ReadonlyMap<string, number>;
  #best: { position: number; items: Item[] }[] = [];

  constructor(sourcesFile: SourcesFile) {
    this.#position = new Map(sourcesFile.sources.map(({ id }, index) => [id, index]));
  }

  add(results: Iterable<readonly [string, Pick<SourceResult, 'newItems'>]>): void {
    const added = [...results].flatMap(([id, { newItems }]) =>
      newItems.length > 0 ? [{ position: this.#position.get(id) ?? Number.MAX_SAFE_INTEGER, items: newItems }] : [],
    );
    if (added.length === 0) return;
    const groups = [...this.#best, ...added].sort((a, b) => a.position - b.position);
    const picks = mergeKeys(
      groups.map(({ items }) => items.map(mergeKeyOf)),
      { maxItems: MAX_NEW_ITEMS_LISTED },
    );
    const kept = groups.map(() => [] as number[]);
    for (const { list, index } of picks) kept[list]!.push(index);
    this.#best = groups.flatMap(({ position, items }, list) => {
      const indices = kept[list]!.sort((a, b) => a - b);
      return indices.length > 0 ? [{ position, items: indices.map((index) => items[index]!) }] : [];
    });
  }

  get items(): Item[] {
    return mergeItems(
      this.#best.map(({ items }) => items),
      { maxItems: MAX_NEW_ITEMS_LISTED },
    );
  }
}
