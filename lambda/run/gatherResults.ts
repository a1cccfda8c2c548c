import type { Settings, Source } from '../core/model.js';
import type { HttpClient } from '../fetch/httpClient.js';
import { namesSources, type RunRequest } from '../input/event.js';
import { isResting } from '../process/sourceHealth.js';
import { restingSource, type SourceResult } from '../process/sourceResult.js';
import type { SourceState } from '../process/sourceState.js';
import { fetchAndProcess } from './fetchAndProcess.js';
import type { KeptItemsStore } from './keptItemsStore.js';
import type { PipelineDependencies } from './pipelineDependencies.js';
import type { PipelineState } from './state.js';

/**
 * How a run's sources are gathered, decided once from its request: the same for a single-function
 * run and for every worker of a sharded one.
 */
export interface GatherPlan {
  settings: Settings;
  /** Epoch ms the run started: decides which broken sources are still resting. */
  startedAt: number;
  /** Epoch ms by which fetching must be over. */
  fetchDeadline: number;
  /** Ignore remembered validators: refetch everything, resting sources included. */
  force: boolean;
  /** The run names its sources: broken ones are tried anyway. */
  named: boolean;
}

export function gatherPlan(
  request: RunRequest,
  settings: Settings,
  startedAt: number,
  fetchDeadline: number,
): GatherPlan {
  return { settings, startedAt, fetchDeadline, force: request.force, named: namesSources(request) };
}

export interface GatherOptions extends GatherPlan {
  /** The state the run started from. */
  state: PipelineState;
  /** Where fetched items are stored as they arrive (for a dry run: one that writes nothing). */
  keptItems: KeptItemsStore;
  /** The pipeline's one HTTP client. */
  client: HttpClient;
}

/**
 * One result for each of `sources`: fetched and parsed, or, for a broken source still resting, its
 * last good items kept without a request. Fetched items are stored as they arrive (not in a dry
 * run), and all of them are once this resolves.
 */
export async function gatherResults(
  sources: readonly Source[],
  options: GatherOptions,
  dependencies: Pick<PipelineDependencies, 'secrets' | 'now' | 'onProgress'>,
): Promise<Map<string, SourceResult>> {
  const { keptItems } = options;
  const resting = (source: Source) => restingState(source, options.state, options);
  const settled = await fetchAndProcess(
    sources.filter((source) => !resting(source)),
    {
      settings: options.settings,
      previous: options.state.sources,
      deadline: options.fetchDeadline,
      force: options.force,
      client: options.client,
      secrets: dependencies.secrets,
      now: dependencies.now ?? Date.now,
      keep: (result) => keptItems.keep(result),
      onSettled: progressCounter(sources.length, dependencies.onProgress),
    },
  );
  for (const source of sources) {
    const previous = resting(source);
    if (previous) settled.set(source.id, restingSource(source, previous));
  }
  await keptItems.flush();
  return settled;
}

/** Counts settled sources for `onProgress`; a source whose page led to its feed counts once, as it ends. */
function progressCounter(
  total: number,
  onProgress: PipelineDependencies['onProgress'],
): (source: Source, result: SourceResult) => void {
  const outcomes = new Map<string, boolean>();
  let failed = 0;
  return (source, result) => {
    const nowFailed = result.report.status === 'failed';
    failed += Number(nowFailed) - Number(outcomes.get(source.id) ?? false);
    outcomes.set(source.id, nowFailed);
    onProgress?.({ done: outcomes.size, total, failed });
  };
}

/** Broken sources rest until their next attempt, unless the run names them or forces: the state of one that does. */
export function restingState(
  source: Source,
  state: PipelineState,
  plan: Pick<GatherPlan, 'startedAt' | 'force' | 'named'>,
): SourceState | undefined {
  const previous = state.sources[source.id];
  return !plan.named && !plan.force && isResting(previous, plan.startedAt) ? previous : undefined;
}
