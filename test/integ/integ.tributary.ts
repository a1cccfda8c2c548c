// The stack deployed in the user's account and exercised there: `npm run integ` deploys a single and
// a distributed stack, runs the assertions below (they run as the assertion stack deploys), then
// destroys every stack, buckets included. In `npm test` only the committed snapshot of its templates
// is compared with a fresh synth, offline (test/integ/integSnapshot.test.ts).
//
// Sources: one public, stable feed and one that fails on purpose (the .invalid domain never resolves),
// so every real run is `partial`, and the run topic's test subscription filters on that status.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AwsApiCall, ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TEST_EVENT_REGISTRY } from '../../infra/consoleTestEvents.js';
import { stackSettingsFromContext } from '../../infra/stackSettings.js';
import { TributaryStack } from '../../infra/tributaryStack.js';
import { OUTPUT_CONTENT_TYPES, OUTPUT_KEYS, REPORT_CONTENT_TYPE, reportKey } from '../../lambda/core/storageLayout.js';

const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;
/** The status every real run of these sources has: one source ok, one failed. */
const EXPECTED_STATUS = 'partial';
/** A scheduled delivery, sent twice: the second is the same run and must not publish again. */
const SCHEDULED_EVENT = {
  version: '0',
  id: 'integ-scheduled-delivery',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: '2030-01-01T00:00:00Z',
  resources: [],
  detail: {},
};
const RUN_ID = '20300101T000000Z-scheduled';
/** No scheduled run may fire while the test runs and publish a message of its own. */
const NEVER = { schedule: 'cron(0 0 1 1 ? 2099)', schedulePeriodMinutes: 1440 };

// No version-reporting resource: the committed snapshot must not change with every CDK upgrade.
const app = new App({ context: CDK_JSON_CONTEXT, analyticsReporting: false });

function tributary(id: string, context: Record<string, unknown>): { stack: TributaryStack; queue: sqs.Queue } {
  // Settings read as `cdk deploy -c key=value` gives them, from a node holding only this stack's context.
  const settingsNode = new Construct(app, `${id}Context`).node;
  const sourcesFile = fileURLToPath(new URL('./sources.json', import.meta.url));
  for (const [key, value] of Object.entries({ ...NEVER, sourcesFile, ...context })) settingsNode.setContext(key, value);
  const settings = stackSettingsFromContext(settingsNode);
  const stack = new TributaryStack(app, id, { settings, disposable: true });
  // What a subscriber would do: an SQS queue that only hears about runs with the expected status.
  const queue = new sqs.Queue(stack, 'TestSubscriber', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.hours(1),
  });
  stack.topic.addSubscription(
    new subscriptions.SqsSubscription(queue, {
      rawMessageDelivery: true,
      filterPolicy: { status: sns.SubscriptionFilter.stringFilter({ allowlist: [EXPECTED_STATUS] }) },
    }),
  );
  return { stack, queue };
}

const single = tributary('TributaryIntegSingle', {});
const distributed = tributary('TributaryIntegDistributed', { mode: 'distributed', batchSize: 1 });

const integ = new IntegTest(app, 'TributaryInteg', {
  testCases: [single.stack, distributed.stack],
});
const { assertions } = integ;

/** The one message a queue should hold, raw (the summary itself, runId first), with the expected status. */
function expectOneMessage(queue: sqs.Queue, runId?: string) {
  const received = assertions.awsApiCall('SQS', 'receiveMessage', {
    QueueUrl: queue.queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 20,
    VisibilityTimeout: 0,
  });
  const status = `"status":\\s*"${EXPECTED_STATUS}"`;
  received.expect(
    ExpectedResult.objectLike({
      // An array literal matches only an array of exactly this length: one message, not two.
      Messages: [
        Match.objectLike({
          Body: Match.stringLikeRegexp(runId ? `"runId":\\s*"${runId}"[\\s\\S]*${status}` : status),
        }),
      ],
    }),
  );
  return received;
}

function headObject(bucket: string, key: string, contentType: string) {
  const head = assertions.awsApiCall('S3', 'headObject', { Bucket: bucket, Key: key });
  // The SDK call is HeadObject; IAM knows it as s3:GetObject (and s3:ListBucket for a 404 over a 403).
  head.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['*'] });
  head.expect(ExpectedResult.objectLike({ ContentType: contentType }));
  return head;
}

// Single mode: a dry run, then the same scheduled delivery twice, then what the run left behind.
{
  const { stack, queue } = single;
  const fn = stack.pipeline.function;
  const bucket = stack.output.bucket.bucketName;
  const dryRun = assertions
    .invokeFunction({ functionName: fn.functionName, payload: JSON.stringify({ dryRun: true }) })
    .expect(
      ExpectedResult.objectLike({
        Payload: Match.stringLikeRegexp(`"status":\\s*"${EXPECTED_STATUS}"[\\s\\S]*"dryRun":\\s*true`),
      }),
    );
  const firstDelivery = assertions
    .invokeFunction({ functionName: fn.functionName, payload: JSON.stringify(SCHEDULED_EVENT) })
    .expect(ExpectedResult.objectLike({ Payload: Match.stringLikeRegexp(RUN_ID) }));
  const secondDelivery = assertions.invokeFunction({
    functionName: fn.functionName,
    payload: JSON.stringify(SCHEDULED_EVENT),
  });
  const report = headObject(bucket, reportKey(RUN_ID), REPORT_CONTENT_TYPE);
  const feedJson = headObject(bucket, OUTPUT_KEYS.feedJson, OUTPUT_CONTENT_TYPES.feedJson);
  const testEvents = assertions
    .awsApiCall('Schemas', 'describeSchema', {
      RegistryName: TEST_EVENT_REGISTRY,
      SchemaName: `_${fn.functionName}-schema`,
    })
    .expect(
      ExpectedResult.objectLike({
        Content: Match.stringLikeRegexp(
          '"full-run"[\\s\\S]*"dry-run"[\\s\\S]*"only-some-sources"[\\s\\S]*"force-refetch"',
        ),
      }),
    );
  dryRun
    .next(firstDelivery)
    .next(secondDelivery)
    .next(expectOneMessage(queue, RUN_ID))
    .next(report)
    .next(feedJson)
    .next(testEvents);
}

// Distributed mode: one execution over a batch per source succeeds (a failed source is not a failed
// batch) and publishes once.
{
  const { stack, queue } = distributed;
  const stateMachine = stack.distributed!.stateMachine;
  const start = assertions.awsApiCall('SFN', 'startExecution', {
    stateMachineArn: stateMachine.stateMachineArn,
    input: '{}',
  });
  const described = assertions.awsApiCall('SFN', 'describeExecution', {
    executionArn: start.getAttString('executionArn'),
  }) as AwsApiCall;
  described
    .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED' }))
    .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });
  // The waiter polls with a role of its own; Step Functions' IAM prefix is `states`, not `sfn`.
  described.waiterProvider?.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: ['*'] }).toStatementJson(),
  );
  start.next(described).next(expectOneMessage(queue));
}

app.synth();
