import { Aws, CfnOutput, Fn, type Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { OUTPUT_KEYS, RUN_REPORTS_FOLDER } from '../lambda/core/storageLayout.js';

// The stack's outputs, in the groups a deployer reads them: how to run it, where its results go,
// what `npm run smoke` checks, and the distributed mode's own. Made in the stack's scope, so each
// output's name is its id.

function output(stack: Stack, id: string, description: string, value: string): void {
  new CfnOutput(stack, id, { description, value });
}

/** How to run the pipeline by hand: the function, its console test events, a shell command. */
export function runOutputs(stack: Stack, fn: lambda.IFunction): void {
  output(stack, 'FunctionName', 'The pipeline function', fn.functionName);
  output(
    stack,
    'TestEventsConsoleUrl',
    "The function's Test tab: pick a shared test event (full-run, dry-run, only-some-sources, force-refetch) " +
      'and choose Test',
    Fn.join('', [
      `https://${Aws.REGION}.console.aws.amazon.com/lambda/home?region=${Aws.REGION}#/functions/`,
      fn.functionName,
      '?tab=testing',
    ]),
  );
  output(
    stack,
    'InvokeCommand',
    'Run once from a shell and print the summary (a dry run; drop dryRun for a real run)',
    Fn.join('', [
      'aws lambda invoke --function-name ',
      fn.functionName,
      ` --region ${Aws.REGION} --cli-binary-format raw-in-base64-out --cli-read-timeout 0`,
      ` --payload '{"dryRun":true}' summary.json && cat summary.json`,
    ]),
  );
}

/** Where a run's results go: the bucket and its outputs, the notifications, the dashboard. */
export function resultOutputs(
  stack: Stack,
  results: {
    prefix: string;
    bucket: s3.IBucket;
    topic: sns.ITopic;
    alarmTopic: sns.ITopic;
    dashboard: cloudwatch.Dashboard;
  },
): void {
  const { prefix } = results;
  const outputs = [OUTPUT_KEYS.feedJson, OUTPUT_KEYS.feedXml, OUTPUT_KEYS.html, `${RUN_REPORTS_FOLDER}<runId>.json`];
  const listed = outputs.map((key) => prefix + key).join(', ');
  output(stack, 'BucketName', `Outputs: ${listed}`, results.bucket.bucketName);
  output(
    stack,
    'TopicArn',
    'Run notifications; message attribute "status" = ok | partial | failed for subscription filter policies',
    results.topic.topicArn,
  );
  output(stack, 'AlarmTopicArn', 'Alarm notifications', results.alarmTopic.topicArn);
  output(
    stack,
    'DashboardUrl',
    'The CloudWatch dashboard: alarms, sources by outcome, durations, latency, items, failing sources',
    Fn.join('', [
      `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/`,
      results.dashboard.dashboardName,
    ]),
  );
}

/** What `npm run smoke` reads to check a deployment, beside the outputs above. */
export function smokeOutputs(
  stack: Stack,
  checked: { prefix: string; schedule: scheduler.Schedule; failureQueue: sqs.IQueue; deadLetterQueue: sqs.IQueue },
): void {
  const { prefix, schedule } = checked;
  output(
    stack,
    'FeedJsonKey',
    'The latest JSON Feed in BucketName; the other latest outputs sit beside it',
    `${prefix}${OUTPUT_KEYS.feedJson}`,
  );
  output(stack, 'ScheduleName', 'The EventBridge Scheduler schedule', schedule.scheduleName);
  output(
    stack,
    'FailureQueueUrl',
    'Invocations of FunctionName that failed after all retries (Lambda on-failure destination)',
    checked.failureQueue.queueUrl,
  );
  output(
    stack,
    'ScheduleDeadLetterQueueUrl',
    'Scheduled runs the schedule could not start',
    checked.deadLetterQueue.queueUrl,
  );
}

/** The distributed mode's state machine, and how to start a run of it by hand. */
export function distributedOutputs(stack: Stack, stateMachine: sfn.IStateMachine): void {
  output(
    stack,
    'StateMachineArn',
    'The distributed run: start step, Distributed Map of workers, merge step',
    stateMachine.stateMachineArn,
  );
  output(
    stack,
    'StartExecutionCommand',
    'Start a full distributed run from a shell (the input may also be an ad hoc event such as {"sources":["id"]})',
    Fn.join('', [
      'aws stepfunctions start-execution --state-machine-arn ',
      stateMachine.stateMachineArn,
      ` --region ${Aws.REGION} --input '{}'`,
    ]),
  );
}

/** The public site's addresses: what to give a feed reader. */
export function siteOutputs(stack: Stack, baseUrl: string): void {
  output(stack, 'SiteUrl', 'The reading page, with subscribe links to both feeds', baseUrl);
  output(stack, 'AtomFeedUrl', 'The Atom feed: give this to a feed reader', `${baseUrl}${OUTPUT_KEYS.feedXml}`);
  output(stack, 'JsonFeedUrl', 'The JSON Feed: for readers that take JSON Feed', `${baseUrl}${OUTPUT_KEYS.feedJson}`);
}
