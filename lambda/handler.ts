import { assertKnownSources, parseEvent } from './event.js';
import { type InvocationContext, invoke, type LambdaRuntime, logger } from './lambdaRuntime.js';
import type { Summary } from './model.js';
import { logRun } from './observe/runLog.js';
import { runMetrics, writeMetrics } from './observe/runMetrics.js';
import { readSources } from './readSources.js';
import { runPipeline } from './run.js';
import { headOf } from './summary.js';
import { fetchDeadline } from './timeBudget.js';

export type { InvocationContext } from './lambdaRuntime.js';
// The steps of the distributed mode live in the same bundle, so CDK deploys one artefact.
export { mergeHandler, startHandler, workerHandler } from './distributed/stepHandlers.js';

export async function handler(event: unknown, context: InvocationContext): Promise<Summary> {
  return invoke(context, (runtime) => run(runtime, event, context));
}

async function run({ config, s3, store, notifier, secrets }: LambdaRuntime, event: unknown, context: InvocationContext): Promise<Summary> {
  const startedAt = Date.now();
  const hardDeadline = startedAt + context.getRemainingTimeInMillis();

  const request = parseEvent(event);
  const sourcesFile = await readSources(config.sourcesUri, () => s3);
  assertKnownSources(request, sourcesFile.sources.map((source) => source.id));

  const report = await runPipeline(
    { sourcesFile, request, fetchDeadline: fetchDeadline(startedAt, hardDeadline), hardDeadline },
    {
      store,
      notifier,
      networkPolicy: config.networkPolicy,
      secrets,
      onWarning: (message) => logger.warn(message),
      onReport: (fresh) => {
        logRun(logger, fresh);
        writeMetrics(runMetrics(fresh, config.functionName));
      },
    },
  );
  return headOf(report);
}
