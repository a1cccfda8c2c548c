import type { RunReport, SourcesFile } from '../core/model.js';
import { prepareHttpClient, withHttpClient } from '../fetch/httpClient.js';
import { type RunRequest, selectedSources } from '../input/event.js';
import { claimOrResume } from './claimOrResume.js';
import { gatherPlan, gatherResults } from './gatherResults.js';
import { KeptItemsStore } from './keptItemsStore.js';
import { publishStage, startLoadingLaterStages } from './laterStages.js';
import type { PipelineDependencies } from './pipelineDependencies.js';
import { releaseClaim } from './runClaim.js';
import { runIdOf } from './runId.js';
import { resultsInMemory } from './runResults.js';
import { readState, shardCountFor } from './state.js';

export interface PipelineInput {
  sourcesFile: SourcesFile;
  request: RunRequest;
  /** Epoch ms by which fetching must be over, leaving time to write and publish. */
  fetchDeadline: number;
  /** Epoch ms at which this invocation is gone (the Lambda deadline); bounds the run's claim. */
  hardDeadline: number;
  /**
   * What names this delivery across its retries (Lambda's request id): an ad hoc run retried
   * with it is the same run. @default none: every ad hoc invocation is a new run
   */
  invocationId?: string;
}

/**
 * One run, in three steps: claim the run id (or finish an earlier invocation's run), gather one
 * result per selected source, then publish: report, latest outputs, state and one notification.
 */
export async function runPipeline(input: PipelineInput, dependencies: PipelineDependencies): Promise<RunReport> {
  const { sourcesFile, request } = input;
  const now = dependencies.now ?? Date.now;
  const startedAt = now();
  const selected = selectedSources(sourcesFile, request);
  // The HTTP client's code loads while the claim and the state read are in flight.
  prepareHttpClient();
  // Reading state needs no claim: both are asked for at once, so the run waits one round trip
  // before its first request rather than two. A run that turns out not to be this invocation's
  // drops what was read (and any error reading it).
  const stateRead = readState(
    dependencies.store,
    selected.map(({ id }) => id),
    dependencies,
  );
  stateRead.catch(() => undefined);
  const runId = await runIdOf(request, startedAt, input.invocationId, dependencies.store);

  if (!request.dryRun) {
    const finished = await claimOrResume(runId, startedAt, input.hardDeadline, dependencies);
    if (finished) return finished;
  }
  try {
    const state = await stateRead;
    const keptItems = new KeptItemsStore(dependencies.store, {
      write: !request.dryRun,
      shards: state.shards ?? shardCountFor(sourcesFile.sources.length),
      onWarning: dependencies.onWarning,
    });
    const plan = gatherPlan(request, sourcesFile.settings, startedAt, input.fetchDeadline);
    return await withHttpClient(dependencies, async (client) => {
      const fetchStartedAt = now();
      startLoadingLaterStages();
      dependencies.notifier.prepare?.();
      const settled = await gatherResults(selected, { ...plan, state, keptItems, client }, dependencies);
      const fetchPhase = { startedAt: fetchStartedAt, endedAt: now() };
      const results = resultsInMemory({ runId, sourcesFile, request }, settled);
      const { publishRun } = await publishStage();
      return publishRun(
        { runId, request, sourcesFile, state, startedAt, fetchPhase, results, keptItems, deadline: input.hardDeadline },
        { ...dependencies, client },
      );
    });
  } catch (error) {
    if (!request.dryRun) await releaseClaim(dependencies.store, runId, now());
    throw error;
  }
}
