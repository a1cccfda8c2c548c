import type { Source } from '../core/model.js';
import { withHttpClient } from '../fetch/httpClient.js';
import type { SourceResult } from '../process/sourceResult.js';
import { gatherResults } from '../run/gatherResults.js';
import { KeptItemsStore } from '../run/keptItemsStore.js';
import type { PipelineDependencies } from '../run/pipelineDependencies.js';
import { readState } from '../run/state.js';
import { INTERNAL_JSON } from '../run/store.js';
import { type ShardJob, shardFolderAt } from './shardFolder.js';

/** What a worker writes for its batch: one result per source of the batch. */
export interface BatchFile {
  runId: string;
  results: { id: string; result: SourceResult }[];
}

/** What a worker returns to the Map: a pointer, since results can exceed the 256 KB state payload limit. */
export interface BatchPointer {
  key: string;
  sources: number;
  failed: number;
}

export type BatchDependencies = Pick<PipelineDependencies, 'store' | 'networkPolicy' | 'secrets' | 'now' | 'onWarning'>;

/**
 * A worker's share of a sharded run: settles its batch exactly as a single-function run settles
 * all sources (same limits, retries, resting rules, one HTTP client), and writes the results
 * where the merge step finds them. Writing again for the same batch (a retried worker) replaces
 * the earlier file, so a batch counts once.
 * @param deadline epoch ms at which this worker must stop fetching (its own Lambda budget); the
 *   run's `job.fetchDeadline` applies too
 */
export async function settleBatch(
  sources: readonly Source[],
  job: ShardJob,
  deadline: number,
  dependencies: BatchDependencies,
): Promise<BatchPointer> {
  // Only this batch's shards: a worker's memory and requests do not grow with the whole run.
  const state = await readState(
    dependencies.store,
    sources.map(({ id }) => id),
    dependencies,
  );
  const keptItems = new KeptItemsStore(dependencies.store, {
    write: !job.dryRun,
    shards: job.stateShards,
    onWarning: dependencies.onWarning,
  });
  const fetchDeadline = Math.min(job.fetchDeadline, deadline);
  const settled = await withHttpClient(dependencies, (client) =>
    gatherResults(sources, { ...job, state, fetchDeadline, keptItems, client }, dependencies),
  );
  const file: BatchFile = {
    runId: job.runId,
    results: sources.map((source) => ({ id: source.id, result: settled.get(source.id)! })),
  };
  // Batches never share a source and are never empty (stepEvents), so the first id names the batch.
  const key = `${shardFolderAt(job.folder).batches}${sources[0]!.id}.json`;
  await dependencies.store.put(key, JSON.stringify(file), INTERNAL_JSON);
  const failed = file.results.filter(({ result }) => result.report.status === 'failed').length;
  return { key, sources: sources.length, failed };
}
