import { S3Client } from '@aws-sdk/client-s3';
import { snsNotifierOnFirstUse } from '../adapters/awsClientsOnFirstUse.js';
import { ConsoleNotifier } from '../adapters/consoleNotifier.js';
import { createLogger, describeError } from '../adapters/logger.js';
import { logRun } from '../adapters/runLog.js';
import { runMetrics, writeMetrics } from '../adapters/runMetrics.js';
import { S3Store } from '../adapters/s3Store.js';
import type { RunReport } from '../core/model.js';
import type { Notifier } from '../run/notifier.js';
import type { SecretCache } from '../run/secretCache.js';
import { AWS_CALL_LIMITS, ssmSecretCache } from './awsClients.js';
import { type LambdaConfig, readLambdaConfig } from './config.js';

/** The part of the Lambda context the handlers use; the console and tests can supply it too. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

/** What every handler of the bundle shares within one container. */
export interface LambdaRuntime {
  config: LambdaConfig;
  s3: S3Client;
  /** The output bucket under the output prefix. */
  store: S3Store;
  notifier: Notifier;
  /** Lives as long as the container, so warm invocations reuse secrets read in the last 5 min. */
  secrets: SecretCache;
}

/**
 * Read once at cold start. A bad environment is reported on every invocation with the variable
 * named, rather than as a crash during init that Lambda retries and logs less clearly.
 */
const runtime: LambdaRuntime | Error = (() => {
  try {
    const config = readLambdaConfig();
    const s3 = new S3Client({ ...AWS_CALL_LIMITS, forcePathStyle: config.forcePathStyle });
    const notifier = config.topicArn
      ? snsNotifierOnFirstUse({ ...AWS_CALL_LIMITS, maxAttempts: 5 }, config.topicArn)
      : new ConsoleNotifier();
    const secrets = ssmSecretCache();
    return { config, s3, store: new S3Store(s3, config.outputBucket, config.outputPrefix), notifier, secrets };
  } catch (error) {
    return error as Error;
  }
})();
export const logger = createLogger(runtime instanceof Error ? undefined : runtime.config.logLevel);

/**
 * Runs one invocation of any handler in the bundle: log keys reset and tagged with the request
 * id, a bad environment thrown, and any error logged once before Lambda sees it.
 */
export async function invoke<T>(context: InvocationContext, work: (runtime: LambdaRuntime) => Promise<T>): Promise<T> {
  logger.resetKeys();
  if (context.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
  try {
    if (runtime instanceof Error) throw runtime;
    return await work(runtime);
  } catch (error) {
    logger.error({ message: 'invocation failed', error: describeError(error) });
    throw error;
  }
}

/** Logs and metrics of a fresh run: one line per source and per run, and the run's EMF document(s). */
export function observeRun(config: LambdaConfig): (report: RunReport) => void {
  return (report) => {
    logRun(logger, report);
    writeMetrics(runMetrics(report, config.functionName));
  };
}
