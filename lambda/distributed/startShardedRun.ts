import { RunInProgressError } from '../core/errors.js';
import type { Source, SourcesFile } from '../core/model.js';
import { type RunRequest, selectedSources } from '../input/event.js';
import { claimOrResume } from '../run/claimOrResume.js';
import { gatherPlan } from '../run/gatherResults.js';
import type { PublishDependencies } from '../run/pipelineDependencies.js';
import { runIdOf } from '../run/runId.js';
import { shardOf, stateShardCount } from '../run/state.js';
import { INTERNAL_JSON } from '../run/store.js';
import { type ShardedRun, type ShardFolder, type ShardJob, shardFolder } from './shardFolder.js';

export interface StartInput {
  request: RunRequest;
  sourcesFile: SourcesFile;
  /** Epoch ms: the execution's start, the same for every retry of the start step. */
  startedAt: number;
  /** Epoch ms at which the execution times out: how long the run's claim holds. */
  executionDeadline: number;
  /** Kept back before the execution deadline for the merge step, in ms. */
  mergeReserveMs: number;
  /** The execution's id: a retried start step of an ad hoc execution is the same run. */
  executionId?: string;
}

/** `started`: the Map is to run `job` over the array in `folder.sources`; otherwise nothing is left to do. */
export type StartResult =
  | { status: 'started'; runId: string; folder: ShardFolder; job: ShardJob; sources: number }
  /** An earlier execution of this run finished it (its notification sent now if it was missing). */
  | { status: 'done'; runId: string }
  /** An earlier execution of this run holds its claim and may still be running. */
  | { status: 'busy'; runId: string; message: string };

/**
 * The first step of a sharded run: names and claims the run as a single-function run would
 * (so a duplicated or retried schedule does nothing twice), then saves the run and its selected
 * sources for the Map and the merge.
 */
export async function startShardedRun(input: StartInput, dependencies: PublishDependencies): Promise<StartResult> {
  const { request, sourcesFile, startedAt } = input;
  const runId = await runIdOf(request, startedAt, input.executionId, dependencies.store);
  if (!request.dryRun) {
    try {
      if (await claimOrResume(runId, startedAt, input.executionDeadline, dependencies))
        return { status: 'done', runId };
    } catch (error) {
      if (error instanceof RunInProgressError) return { status: 'busy', runId, message: error.message };
      throw error;
    }
  }

  const folder = shardFolder(runId, startedAt);
  const fetchDeadline = input.executionDeadline - input.mergeReserveMs;
  const now = dependencies.now ?? Date.now;
  const shards = await stateShardCount(dependencies.store, sourcesFile.sources.length);
  const run: ShardedRun = {
    runId,
    request,
    sourcesFile,
    startedAt,
    fetchDeadline,
    fetchStartedAt: now(),
    stateShards: shards,
  };
  const selected = selectedSources(sourcesFile, request);
  await dependencies.store.put(folder.run, JSON.stringify(run), INTERNAL_JSON);
  await dependencies.store.put(folder.sources, JSON.stringify(inBatchOrder(selected, shards)), INTERNAL_JSON);
  const job: ShardJob = {
    ...gatherPlan(request, sourcesFile.settings, startedAt, fetchDeadline),
    runId,
    folder: folder.root,
    dryRun: request.dryRun,
    stateShards: shards,
  };
  return { status: 'started', runId, folder, job, sources: selected.length };
}

/**
 * The order the Map batches the sources in: by state shard, so a worker's batch spans one or two
 * shards and it reads only those (a run's state reads grow with shards, not sources); within a
 * shard by origin, since per-origin limits hold within one worker only. The price: an origin with
 * sources in many shards is fetched by several workers at once.
 */
export function inBatchOrder(sources: readonly Source[], shards: number): Source[] {
  const byShard = new Map<number, Source[]>();
  for (const source of sources) {
    const shard = shardOf(source.id, shards);
    const group = byShard.get(shard);
    if (group) group.push(source);
    else byShard.set(shard, [source]);
  }
  return [...byShard.entries()].sort(([a], [b]) => a - b).flatMap(([, group]) => byOrigin(group));
}

function byOrigin(sources: readonly Source[]): Source[] {
  const groups = new Map<string, Source[]>();
  for (const source of sources) {
    const origin = new URL(source.url).origin;
    const group = groups.get(origin);
    if (group) group.push(source);
    else groups.set(origin, [source]);
  }
  return [...groups.values()].flat();
}
