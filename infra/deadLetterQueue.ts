import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue that catches what could not be delivered or processed, so nothing is silently lost:
 * encrypted, TLS only, and holding messages for the longest time SQS allows so an operator
 * back from a long weekend still finds them.
 */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14), // the SQS maximum
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination (Lambda on-failure destination or Scheduler dead-letter ' +
        'queue); nothing consumes it automatically, so a further dead-letter queue behind it would never receive ' +
        'anything.',
    });
  }
}
