import { s3ObjectReader } from '../adapters/s3Store.js';
import type { RunStatus, Summary } from '../core/model.js';
import { deadlineForFetching } from '../core/timeBudget.js';
import { mergeShards } from '../distributed/mergeShards.js';
import { type BatchPointer, settleBatch } from '../distributed/settleBatch.js';
import { shardFolderAt } from '../distributed/shardFolder.js';
import { type StartResult, startShardedRun } from '../distributed/startShardedRun.js';
import { parseBatchEvent, parseMergeEvent, parseStartEvent } from '../distributed/stepEvents.js';
import { readRunRequest } from '../input/readSources.js';
import { type InvocationContext, invoke, logger, observeRun } from './lambdaRuntime.js';

// The three Lambda steps of the distributed mode's state machine. Each answers with a small JSON
// object: the state machine's payload limit is 256 KB, so results travel through S3.

/** The start step's answer; `bucket` and the keys are full S3 keys, for the Map's ItemReader and ResultWriter. */
export type StartOutput = StartResult & { bucket?: string; sourcesKey?: string; resultsPrefix?: string };

export async function startHandler(input: unknown, context: InvocationContext): Promise<StartOutput> {
  return invoke(context, async ({ config, s3, store, notifier }) => {
    const { event, startedAt, executionDeadline, mergeReserveMs, executionId } = parseStartEvent(input);
    const { request, sourcesFile } = await readRunRequest(
      event,
      config.sourcesUri,
      s3ObjectReader(() => s3),
      undefined,
      config.publicBaseUrl,
    );

    const started = await startShardedRun(
      { request, sourcesFile, startedAt, executionDeadline, mergeReserveMs, executionId },
      { store, notifier },
    );
    logger.info({
      message: `sharded run ${started.status}`,
      runId: started.runId,
      ...(started.status === 'busy' && { reason: started.message }),
    });
    if (started.status !== 'started') return started;
    const { outputBucket, outputPrefix } = config;
    return {
      ...started,
      bucket: outputBucket,
      sourcesKey: outputPrefix + started.folder.sources,
      resultsPrefix: outputPrefix + started.folder.results,
    };
  });
}

export async function workerHandler(input: unknown, context: InvocationContext): Promise<BatchPointer> {
  return invoke(context, async ({ config, store, secrets }) => {
    const startedAt = Date.now();
    const { sources, job } = parseBatchEvent(input);
    logger.appendKeys({ runId: job.runId });
    const deadline = deadlineForFetching(startedAt, startedAt + context.getRemainingTimeInMillis());
    return settleBatch(sources, job, deadline, {
      store,
      networkPolicy: config.networkPolicy,
      secrets,
      onWarning: (message) => logger.warn(message),
    });
  });
}

/** The merge step's answer: the head of the summary, without lists that could outgrow the payload limit. */
export interface MergeOutput {
  runId: string;
  status: RunStatus;
  dryRun: boolean;
  counts: Summary['counts'];
  /** Where the run report was written; absent for a dry run, which writes nothing. */
  report?: string;
}

export async function mergeHandler(input: unknown, context: InvocationContext): Promise<MergeOutput> {
  return invoke(context, async ({ config, store, notifier }) => {
    const { root, mapFailure } = parseMergeEvent(input);
    const deadline = Date.now() + context.getRemainingTimeInMillis();
    const report = await mergeShards(shardFolderAt(root), mapFailure, deadline, {
      store,
      notifier,
      networkPolicy: config.networkPolicy,
      onWarning: (message) => logger.warn(message),
      onReport: observeRun(config),
    });
    return {
      runId: report.runId,
      status: report.status,
      dryRun: report.dryRun,
      counts: report.counts,
      report: report.outputs.report,
    };
  });
}
