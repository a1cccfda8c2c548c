import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type LambdaConfig, readLambdaConfig } from './config.js';
import { assertKnownSources, parseEvent } from './event.js';
import type { Summary } from './model.js';
import { ConsoleNotifier } from './notify/consoleNotifier.js';
import type { Notifier } from './notify/notifier.js';
import { SnsNotifier } from './notify/snsNotifier.js';
import { createLogger, describeError } from './observe/logger.js';
import { logRun } from './observe/runLog.js';
import { runMetrics, writeMetrics } from './observe/runMetrics.js';
import { readSources } from './readSources.js';
import { runPipeline } from './run.js';
import { ssmParameterReader } from './secrets/parameterReader.js';
import { SecretCache } from './secrets/secretCache.js';
import { S3Store } from './store/s3Store.js';
import { headOf } from './summary.js';
import { fetchDeadline } from './timeBudget.js';

/** The part of the Lambda context the handler uses; the console and tests can supply it too. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

interface Runtime {
  config: LambdaConfig;
  s3: S3Client;
  notifier: Notifier;
  /** Lives as long as the container, so warm invocations reuse secrets read in the last 5 min. */
  secrets: SecretCache;
}

/**
 * Read once at cold start. A bad environment is reported on every invocation with the variable
 * named, rather than as a crash during init that Lambda retries and logs less clearly.
 */
const runtime: Runtime | Error = (() => {
  try {
    const config = readLambdaConfig();
    const s3 = new S3Client({ forcePathStyle: config.forcePathStyle });
    const notifier = config.topicArn
      ? new SnsNotifier(new SNSClient({ maxAttempts: 5 }), config.topicArn)
      : new ConsoleNotifier();
    const secrets = new SecretCache(ssmParameterReader(new SSMClient({ maxAttempts: 3 })));
    return { config, s3, notifier, secrets };
  } catch (error) {
    return error as Error;
  }
})();
const logger = createLogger(runtime instanceof Error ? undefined : runtime.config.logLevel);

export async function handler(event: unknown, context: InvocationContext): Promise<Summary> {
  logger.resetKeys();
  if (context.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
  try {
    if (runtime instanceof Error) throw runtime;
    return await run(runtime, event, context);
  } catch (error) {
    logger.error({ message: 'invocation failed', error: describeError(error) });
    throw error;
  }
}

async function run({ config, s3, notifier, secrets }: Runtime, event: unknown, context: InvocationContext): Promise<Summary> {
  const startedAt = Date.now();
  const hardDeadline = startedAt + context.getRemainingTimeInMillis();

  const request = parseEvent(event);
  const sourcesFile = await readSources(config.sourcesUri, () => s3);
  assertKnownSources(request, sourcesFile.sources.map((source) => source.id));

  const report = await runPipeline(
    { sourcesFile, request, fetchDeadline: fetchDeadline(startedAt, hardDeadline), hardDeadline },
    {
      store: new S3Store(s3, config.outputBucket, config.outputPrefix),
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
