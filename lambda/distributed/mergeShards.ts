import { StoreError } from '../core/errors.js';
import type { RunReport } from '../core/model.js';
import { shortened } from '../core/shortened.js';
import { unfetched } from '../fetch/fetchSource.js';
import { withHttpClient } from '../fetch/httpClient.js';
import { selectedSources } from '../input/event.js';
import { processSource } from '../process/processSource.js';
import { restingSource, type SourceResult } from '../process/sourceResult.js';
import { gatherPlan, restingState } from '../run/gatherResults.js';
import type { PipelineDependencies, PublishDependencies } from '../run/pipelineDependencies.js';
import { publishRun } from '../run/publishRun.js';
import { readState, stateShardCount } from '../run/state.js';
import type { Store } from '../run/store.js';
import { BatchResults } from './batchResults.js';
import type { ShardedRun, ShardFolder } from './shardFolder.js';

/** How the Map state itself ended when it failed (its caught `Error` and `Cause`). */
export interface MapFailure {
  error: string;
  cause?: string;
}

/** A failure reason is shown in the report and the notification: long causes are cut. */
const MAX_REASON_CHARS = 300;

/**
 * The last step of a sharded run: gathers every worker's batch file and ends the run through the
 * same code as a single-function run (merge, render, report, outputs, state, one notification),
 * reading the batch files a few at a time (see BatchResults), so its memory does not grow with
 * the run's sources beyond one report line each.
 * A source whose batch failed as a whole is reported as failed (`internal`, "worker batch
 * failed: …", with the reason the Map recorded) and keeps its last good items: never missing.
 *
 * @param deadline epoch ms at which this step's invocation is gone
 */
export async function mergeShards(
  folder: ShardFolder,
  mapFailure: MapFailure | undefined,
  deadline: number,
  dependencies: PublishDependencies & Pick<PipelineDependencies, 'networkPolicy'>,
): Promise<RunReport> {
  const { store } = dependencies;
  const now = dependencies.now ?? Date.now;
  const mergeStartedAt = now();
  const runText = await store.get(folder.run);
  if (runText === undefined)
    throw new StoreError(
      `the sharded run's ${store.locate(folder.run)} is missing: was the start step's folder deleted?`,
    );
  const run = JSON.parse(runText) as ShardedRun;

  const { sourcesFile, request, startedAt } = run;
  // A run started before the start step saved the count looks it up; state.json is then read twice.
  const shards = run.stateShards ?? (await stateShardCount(store, sourcesFile.sources.length));
  // An unreadable batch file loses only its own sources, reported below as without a result.
  const batches = await BatchResults.read(store, await store.list(folder.batches), sourcesFile, shards);

  const failedBatches = await failedBatchReasons(store, folder);
  const unsettled = selectedSources(sourcesFile, request).filter(({ id }) => !batches.has(id));
  const others = new Map<string, SourceResult>();
  // Only the sources no worker settled need their earlier state here (and the history, for the page).
  const state = await readState(
    store,
    unsettled.map(({ id }) => id),
    dependencies,
  );
  const plan = gatherPlan(request, sourcesFile.settings, startedAt, run.fetchDeadline);
  for (const source of unsettled) {
    const resting = restingState(source, state, plan);
    if (resting) {
      others.set(source.id, restingSource(source, resting));
      continue;
    }
    const reason =
      failedBatches.get(source.id) ??
      (mapFailure ? describe(mapFailure.error, mapFailure.cause) : 'no result was written');
    const failure = { code: 'internal' as const, message: `worker batch failed: ${reason}` };
    others.set(
      source.id,
      processSource(source, unfetched(failure), state.sources[source.id], sourcesFile.settings, now()),
    );
  }
  const results = batches.results({ runId: run.runId, sourcesFile, request }, others);
  const fetchPhase = { startedAt: run.fetchStartedAt ?? startedAt, endedAt: mergeStartedAt };
  return withHttpClient(dependencies, (client) =>
    publishRun(
      { runId: run.runId, request, sourcesFile, state, startedAt, fetchPhase, results, deadline },
      { ...dependencies, client },
    ),
  );
}

/**
 * Source id → why its batch failed, from the files the Map's ResultWriter exports for failed child
 * executions (`FAILED_<n>.json`: an array of executions, each with its `Input` as a JSON string and
 * its `Error` and `Cause`). Anything unreadable there is left out: the caller still reports the
 * source, with a plainer reason.
 */
async function failedBatchReasons(store: Store, folder: ShardFolder): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  const keys = (await store.list(`${folder.results}/`)).filter((key) => /\/FAILED_\d+\.json$/.test(key));
  for (const key of keys) {
    let executions: unknown;
    try {
      executions = JSON.parse((await store.get(key)) ?? '[]');
    } catch {
      continue;
    }
    if (!Array.isArray(executions)) continue;
    for (const execution of executions as { Input?: unknown; Error?: unknown; Cause?: unknown }[]) {
      const reason = describe(
        String(execution.Error ?? 'error'),
        typeof execution.Cause === 'string' ? execution.Cause : undefined,
      );
      for (const id of batchSourceIds(execution.Input)) reasons.set(id, reason);
    }
  }
  return reasons;
}

function batchSourceIds(input: unknown): string[] {
  try {
    const { Items } = JSON.parse(String(input)) as { Items?: { id?: unknown }[] };
    return Array.isArray(Items) ? Items.flatMap((item) => (typeof item?.id === 'string' ? [item.id] : [])) : [];
  } catch {
    return [];
  }
}

/** A Lambda error's cause is its JSON error object: its type and message say it in words. */
function describe(error: string, cause: string | undefined): string {
  let detail = cause;
  try {
    const parsed = JSON.parse(cause ?? '') as { errorType?: string; errorMessage?: string };
    // Step Functions names a Lambda error by its type already.
    if (parsed.errorMessage)
      detail =
        parsed.errorType && parsed.errorType !== error
          ? `${parsed.errorType}: ${parsed.errorMessage}`
          : parsed.errorMessage;
  } catch {
    // A plain-text cause is shown as it is.
  }
  const reason = detail ? `${error}: ${detail}` : error;
  return shortened(reason, MAX_REASON_CHARS);
}
