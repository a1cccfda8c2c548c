import { s3ObjectReader } from '../adapters/s3Store.js';
import { loadedOnce } from '../core/loadedOnce.js';
import type { Summary } from '../core/model.js';
import { headOf } from '../run/summary.js';
import { type InvocationContext, invoke, type LambdaRuntime, logger, observeRun } from './lambdaRuntime.js';
import { runFromEvent } from './runFromEvent.js';

export type { InvocationContext } from './lambdaRuntime.js';

// The steps of the distributed mode live in the same bundle, so CDK deploys one artefact. Their
// code is a chunk of its own, so the whole-run function's cold start does not evaluate it.
const steps = loadedOnce(() => import('./stepHandlers.js'));
export const startHandler = async (input: unknown, context: InvocationContext) =>
  (await steps()).startHandler(input, context);
export const workerHandler = async (input: unknown, context: InvocationContext) =>
  (await steps()).workerHandler(input, context);
export const mergeHandler = async (input: unknown, context: InvocationContext) =>
  (await steps()).mergeHandler(input, context);

export async function handler(event: unknown, context: InvocationContext): Promise<Summary> {
  return invoke(context, (runtime) => run(runtime, event, context));
}

async function run(
  { config, s3, store, notifier, secrets }: LambdaRuntime,
  event: unknown,
  context: InvocationContext,
): Promise<Summary> {
  const report = await runFromEvent(event, {
    sourcesUri: config.sourcesUri,
    readS3: s3ObjectReader(() => s3),
    publicBaseUrl: config.publicBaseUrl,
    budgetMs: context.getRemainingTimeInMillis(),
    invocationId: context.awsRequestId,
    dependencies: {
      store,
      notifier,
      networkPolicy: config.networkPolicy,
      secrets,
      onWarning: (message) => logger.warn(message),
      onReport: observeRun(config),
    },
  });
  return headOf(report);
}
