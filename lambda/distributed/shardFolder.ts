import { compactTimestamp } from '../core/compactTimestamp.js';
import type { SourcesFile } from '../core/model.js';
import { SHARDS_FOLDER } from '../core/storageLayout.js';
import type { RunRequest } from '../input/event.js';
import type { GatherPlan } from '../run/gatherResults.js';

/** The run as the start step saw it, saved for the merge step in `run.json`. */
export interface ShardedRun {
  runId: string;
  request: RunRequest;
  /** The sources file as read at the start: an edit made during the run reaches the next one. */
  sourcesFile: SourcesFile;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms by which every worker must be done fetching, leaving the merge its time. */
  fetchDeadline: number;
  /**
   * Epoch ms the start step handed the run over to the workers: where its fetch phase begins.
   * Absent from a run started by an earlier version.
   */
  fetchStartedAt?: number;
  /**
   * State's shard count when the run started: what the batches were cut by (see inBatchOrder), so
   * the merge step need not read state.json for it. Absent from a run started by an earlier version.
   */
  stateShards?: number;
}

/** What every worker is told besides its batch of sources: the Map's BatchInput, kept small. */
export interface ShardJob extends GatherPlan {
  runId: string;
  /** The run's shard folder (see shardFolder). */
  folder: string;
  /** Workers store no items. */
  dryRun: boolean;
  /** How many shards state has (or will have): workers pack their items per shard (see KeptItemsStore). */
  stateShards: number;
}

/** Where one sharded run keeps its working files; keys relative to the output prefix. */
export interface ShardFolder {
  /** Ends in '/'. */
  root: string;
  run: string;
  /** The selected sources as one JSON array: what the Distributed Map reads its items from. */
  sources: string;
  /** One file per worker batch, written by the worker itself. */
  batches: string;
  /** Where the Distributed Map's ResultWriter exports child execution results (it adds `/<map run id>/…`). */
  results: string;
}

/**
 * Under `state/` (internal, safe to delete between runs) and per attempt: a run taken over after
 * its first execution died starts a new folder, so no leftover batch of the dead one is merged.
 */
export function shardFolder(runId: string, startedAt: number): ShardFolder {
  return shardFolderAt(`${SHARDS_FOLDER}${runId}/${compactTimestamp(startedAt)}/`);
}

/** shardFolder() back from its root, as the later steps receive it. */
export function shardFolderAt(root: string): ShardFolder {
  return {
    root,
    run: `${root}run.json`,
    sources: `${root}sources.json`,
    batches: `${root}batches/`,
    results: `${root}results`,
  };
}
