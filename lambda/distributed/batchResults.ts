import type { SourceReport, SourcesFile } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import type { RunRequest } from '../input/event.js';
import type { SourceResult } from '../process/sourceResult.js';
import type { SourceState } from '../process/sourceState.js';
import { NewestNewItems, type RunResults, reportsInFileOrder } from '../run/runResults.js';
import { type SettledStates, shardOf } from '../run/state.js';
import type { Store } from '../run/store.js';
import type { BatchFile } from './settleBatch.js';

/** S3's latency, not its bandwidth, bounds reading a hundred batch files: a few at once. */
const BATCH_FILES_READ_AT_ONCE = 8;

type BatchEntries = BatchFile['results'];

/**
 * A distributed run's results as its workers wrote them, one file per batch, read a few files at
 * a time whenever they are needed: once for the report lines and the new items, once to pick the
 * published items, and per state shard to commit. So the merge step holds the report lines and a
 * few batches, never every source's state (seen ids, item digests), whatever the run's size.
 */
export class BatchResults {
  readonly #store: Store;
  /** State's shard count: batches are cut in shard order, so each file holds one or two shards. */
  readonly #shards: number;
  /** Batch file → the shards its sources are in. Unreadable files are not here: their sources have no result. */
  readonly #shardsOf = new Map<string, Set<number>>();
  readonly #reports = new Map<string, SourceReport>();
  readonly #newest: NewestNewItems;

  private constructor(store: Store, sourcesFile: SourcesFile, shards: number) {
    this.#store = store;
    this.#shards = shards;
    this.#newest = new NewestNewItems(sourcesFile);
  }

  /** Reads every batch file once, keeping what is small: report lines, the newest new items, shards. */
  static async read(
    store: Store,
    keys: readonly string[],
    sourcesFile: SourcesFile,
    shards: number,
  ): Promise<BatchResults> {
    const results = new BatchResults(store, sourcesFile, shards);
    await results.#forEachFile(keys, (entries, key) => {
      const inFile = new Set<number>();
      for (const { id, result } of entries) {
        results.#reports.set(id, result.report);
        inFile.add(shardOf(id, shards));
      }
      results.#newest.add(entries.map(({ id, result }) => [id, result] as const));
      results.#shardsOf.set(key, inFile);
    });
    return results;
  }

  /** Whether a worker settled the source (an unreadable batch file loses only its own sources). */
  has(sourceId: string): boolean {
    return this.#reports.has(sourceId);
  }

  /** The run's results: the workers' with `others`, the results made here for the sources no worker settled. */
  results(
    run: { runId: string; sourcesFile: SourcesFile; request: RunRequest },
    others: ReadonlyMap<string, SourceResult>,
  ): RunResults {
    this.#newest.add(others);
    const reports = reportsInFileOrder(run, (id) => this.#reports.get(id) ?? others.get(id)?.report);
    const otherStates = new Map([...others].map(([id, result]) => [id, result.state]));
    const states: SettledStates = {
      ids: new Set([...this.#reports.keys(), ...others.keys()]),
      scan: async (visit) => {
        await this.#forEachFile([...this.#shardsOf.keys()], (entries) =>
          visit(entries.map(({ id, result }) => [id, result.state] as const)),
        );
        visit(otherStates);
      },
      inShard: async (shard, shards) => {
        const found = new Map<string, SourceState>();
        const add = (id: string, state: SourceState) => {
          if (shardOf(id, shards) === shard) found.set(id, state);
        };
        // The files that hold the shard; every file if state's shard count changed since the start.
        const keys = [...this.#shardsOf]
          .filter(([, inFile]) => shards !== this.#shards || inFile.has(shard))
          .map(([key]) => key);
        await this.#forEachFile(keys, (entries) => {
          for (const { id, result } of entries) add(id, result.state);
        });
        for (const [id, state] of otherStates) add(id, state);
        return found;
      },
    };
    return { reports, newItems: this.#newest.items, states };
  }

  /** Reads the files a few at a time, each let go once `visit` has seen it; unreadable ones are skipped. */
  async #forEachFile(keys: readonly string[], visit: (entries: BatchEntries, key: string) => void): Promise<void> {
    const reads = new Semaphore(BATCH_FILES_READ_AT_ONCE);
    await Promise.all(
      keys.map((key) =>
        reads.run(async () => {
          const entries = batchEntries(await this.#store.get(key));
          if (entries) visit(entries, key);
        }),
      ),
    );
  }
}

function batchEntries(text: string | undefined): BatchEntries | undefined {
  try {
    const file = JSON.parse(text ?? '') as Partial<BatchFile>;
    return Array.isArray(file.results) ? file.results : undefined;
  } catch {
    return undefined;
  }
}
