import { Duration } from 'aws-cdk-lib';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { Construct } from 'constructs';
import { BundleFunction, type BundleFunctionProps } from './bundleFunction.js';
import { DeadLetterQueue } from './deadLetterQueue.js';

export { BUILD_DIR } from './bundleFunction.js';

/**
 * Lambda's own retries of a failed asynchronous invocation. Safe because a scheduled event's
 * `time` names the run, so a retry is the same run and its S3 claim stops duplicate work.
 */
const ASYNC_RETRY_ATTEMPTS = 2;
/** Events older than this go to the failure queue instead of running late. */
const ASYNC_MAX_EVENT_AGE = Duration.hours(1);

export type WholeRunFunctionProps = Omit<
  BundleFunctionProps,
  'handler' | 'description' | 'roleDescription' | 'reservedConcurrency'
>;

/**
 * The one function that runs a whole run (`index.handler`), invoked asynchronously by the
 * schedule or by hand: one run at a time, retried by Lambda, and what still fails lands in its
 * failure queue.
 */
export class WholeRunFunction extends BundleFunction {
  /** Receives invocations that failed after all retries or were too old to run. */
  readonly failureQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: WholeRunFunctionProps) {
    super(scope, id, {
      ...props,
      description: 'Tributary: fetches the configured feeds and publishes one merged feed',
      roleDescription: 'Tributary pipeline function: its own log group, output prefix, sources object and topic',
      // One run at a time: two overlapping runs would race on the same state and outputs.
      reservedConcurrency: 1,
    });
    this.failureQueue = new DeadLetterQueue(this, 'FailureQueue');
    // Lambda sends the record as the function: the SqsDestination grants its role sqs:SendMessage on the
    // queue, which is what the Lambda guide asks
    // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): "To send
    // events to a destination, your function needs additional permissions. Add a policy with the required
    // permissions to your function's execution role. [...] Amazon SQS – sqs:SendMessage". The queue's own
    // policy only denies requests without TLS, and SSE-SQS needs no key grant (a customer managed key would).
    this.function.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.failureQueue),
    });
  }
}
