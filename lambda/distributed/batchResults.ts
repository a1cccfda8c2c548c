import type { SourceReport, SourcesFile } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import type { RunRequest } from '../input/event.js';
import type { SourceResult } from '../process/sourceResult.js';
import type { SourceState } from '../process/sourceState.js';
import { PublishedPicks } from '../run/publishedPicks.js';
import { NewestNewItems, type RunResults, reportsInFileOrder } from '../run/runResults.js';
import { type SettledStates, shardOf } from '../run/state.js';
import type { Store } from '../run/store.js';
import type { BatchFile } from './settleBatch.js';

/** S3's latency, not its bandwidth, bounds reading a hundred batch files: a few at once. */
const BATCH_FILES_READ_AT_ONCE = 8;

type BatchEntries = BatchFile['results'];

/**
 * A distributed run's results as its workers wrote them, one file per batch, each file read
 * twice, a few at a time: once for the report lines, the new items and the published items'
 * picks, and once more to commit state, each file's sources handed to the shards they are in.
 * So the merge step holds the report lines and a few batches, never every source's state (seen
 * ids, item digests), whatever the run's size.
 */
export class BatchResults {
  readonly #store: Store;
  /** State's shard count the start step cut the batches by: each file holds one or two shards. */
  readonly #shards: number;
  /** Batch file → the shards its sources are in. Unreadable files are not here: their sources have no result. */
  readonly #shardsOf = new Map<string, Set<number>>();
  readonly #reports = new Map<string, SourceReport>();
  readonly #newest: NewestNewItems;
  readonly #picks: PublishedPicks;
  readonly #reads = new Semaphore(BATCH_FILES_READ_AT_ONCE);
  /** Each batch file's read for the commit, shared by the shards it holds (see #inShard). */
  readonly #commitReads = new Map<string, Promise<void>>();
  /** Shard → its settled states read so far, until the commit takes them. */
  readonly #waiting = new Map<number, Map<string, SourceState>>();
  /** The shards the commit asked for. */
  readonly #asked = new Set<number>();

  private constructor(store: Store, sourcesFile: SourcesFile, shards: number) {
    this.#store = store;
    this.#shards = shards;
    this.#newest = new NewestNewItems(sourcesFile);
    this.#picks = new PublishedPicks(sourcesFile);
  }

  /**
   * Reads every batch file once, keeping what is small: report lines, the newest new items, the
   * best published items so far, and the shards each file holds.
   */
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
      results.#picks.consider(entries.map(({ id, result }) => [id, result.state] as const));
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
    const otherStates = new Map([...others].map(([id, result]) => [id, result.state]));
    this.#picks.consider(otherStates);
    const reports = reportsInFileOrder(run, (id) => this.#reports.get(id) ?? others.get(id)?.report);
    const states: SettledStates = {
      ids: new Set([...this.#reports.keys(), ...others.keys()]),
      inShard: async (shard, shards) => {
        const found = await this.#inShard(shard, shards);
        for (const [id, state] of otherStates) if (shardOf(id, shards) === shard) found.set(id, state);
        return found;
      },
    };
    return { reports, newItems: this.#newest.items, picks: this.#picks, states };
  }

  /**
   * The settled states of one shard from the batch files. Each file is read once for all the
   * shards it holds: those not asked for yet wait here. commitState asks for shards in ascending
   * order, a few at once, and batches are cut in shard order, so what waits is a shard or two.
   * A shard asked for again, or a shard count other than the batches were cut by (state's count
   * changed since the start), reads the files again: correct, only dearer.
   */
  async #inShard(shard: number, shards: number): Promise<Map<string, SourceState>> {
    if (shards !== this.#shards || this.#asked.has(shard)) {
      const found = new Map<string, SourceState>();
      const keys = [...this.#shardsOf]
        .filter(([, inFile]) => shards !== this.#shards || inFile.has(shard))
        .map(([key]) => key);
      await this.#forEachFile(keys, (entries) => {
        for (const { id, result } of entries) if (shardOf(id, shards) === shard) found.set(id, result.state);
      });
      return found;
    }
    this.#asked.add(shard);
    const holding = [...this.#shardsOf].filter(([, inFile]) => inFile.has(shard)).map(([key]) => key);
    await Promise.all(holding.map((key) => this.#readForCommit(key)));
    const found = this.#waiting.get(shard) ?? new Map<string, SourceState>();
    this.#waiting.delete(shard);
    return found;
  }

  /** Reads a batch file once for the commit, leaving each of its states with its shard. */
  #readForCommit(key: string): Promise<void> {
    let read = this.#commitReads.get(key);
    if (!read) {
      read = this.#forEachFile([key], (entries) => {
        for (const { id, result } of entries) {
          const shard = shardOf(id, this.#shards);
          const states = this.#waiting.get(shard) ?? new Map<string, SourceState>();
          states.set(id, result.state);
          this.#waiting.set(shard, states);
        }
      });
      this.#commitReads.set(key, read);
    }
    return read;
  }

  /** Reads the files a few at a time, each let go once `visit` has seen it; unreadable ones are skipped. */
  async #forEachFile(keys: readonly string[], visit: (entries: BatchEntries, key: string) => void): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.#reads.run(async () => {
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
