import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import { Aws, CfnOutput, Duration, Fn, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { SourcesFile } from '../lambda/core/model.js';
import { OUTPUT_KEYS, RUN_REPORTS_FOLDER } from '../lambda/core/storageLayout.js';
import { parseS3Uri } from '../lambda/input/s3Uri.js';
import { secretNames } from '../lambda/input/secretNames.js';
import { parseSourcesFile } from '../lambda/input/sourcesFile.js';
import { RUN_OUTPUT_ACCESS } from './bundleFunction.js';
import { ConsoleTestEvents } from './consoleTestEvents.js';
import { DeadLetterQueue } from './deadLetterQueue.js';
import { DistributedPipeline } from './distributedPipeline.js';
import { InvalidInputError } from './errors.js';
import { nagArnOf } from './nagFinding.js';
import { NotificationTopic } from './notificationTopic.js';
import { OutputBucket } from './outputBucket.js';
import { PipelineAlarms } from './pipelineAlarms.js';
import { PipelineDashboard, type RunFunction } from './pipelineDashboard.js';
import { PipelineMetrics } from './pipelineMetrics.js';
import type { StackSettings } from './stackSettings.js';
import { BUILD_DIR, WholeRunFunction, type WholeRunFunctionProps } from './wholeRunFunction.js';

export interface TributaryStackProps extends StackProps {
  readonly settings: StackSettings;
  /** The `npm run build` output: `index.mjs` and the default `sources.json`. @default BUILD_DIR (dist/lambda) */
  readonly buildDir?: string;
  /** Delete the output buckets and their objects with the stack, as the integration test's stacks must. @default false: kept */
  readonly disposable?: boolean;
}

/** Scheduler's own retries when invoking the function fails, and how long it keeps trying. */
const SCHEDULE_RETRY_ATTEMPTS = 2;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/**
 * What the schedule sends: the shape of an EventBridge "Scheduled Event", so the handler treats
 * both alike. `time` is the scheduled time, identical in every retry, so it names the run.
 */
const SCHEDULED_EVENT = {
  version: '0',
  id: scheduler.ContextAttribute.executionId,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: Aws.ACCOUNT_ID,
  time: scheduler.ContextAttribute.scheduledTime,
  region: Aws.REGION,
  resources: [scheduler.ContextAttribute.scheduleArn],
  detail: {},
};

/** The ad hoc event of the public contract, for the console's test event editor. */
const AD_HOC_EVENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      description: 'Only these source ids; the others keep their items in the outputs',
    },
    dryRun: { type: 'boolean', description: 'Fetch and transform, but write and publish nothing' },
    force: { type: 'boolean', description: 'Ignore cached validators and fetch everything again' },
  },
};
/** The source id the public contract uses in its examples, for a sources file without sources. */
const CONTRACT_EXAMPLE_SOURCE_ID = 'hn';

/** The scheduled pipeline: function, schedule, output bucket, notification topic, alarms, dashboard and console test events. */
export class TributaryStack extends Stack {
  /** Runs a whole run in one invocation: the schedule's target in `single` mode, for ad hoc runs in both. */
  readonly pipeline: WholeRunFunction;
  /** The state machine the schedule starts in `distributed` mode. */
  readonly distributed: DistributedPipeline | undefined;
  readonly output: OutputBucket;
  readonly topic: NotificationTopic;
  readonly alarms: PipelineAlarms;
  readonly dashboard: PipelineDashboard;
  /** Where the schedule puts the events it could not deliver. */
  readonly scheduleDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: TributaryStackProps) {
    super(scope, id, { description: 'Tributary: a scheduled feed pipeline publishing to S3 and SNS', ...props });
    const { settings, buildDir = BUILD_DIR } = props;
    const sources = deployedSources(settings.sourcesFile ?? join(buildDir, 'sources.json'));

    // Every function of the pipeline runs the one bundle with the same settings.
    const functions: WholeRunFunctionProps = {
      memoryMb: settings.memoryMb,
      timeoutSeconds: settings.timeoutSeconds,
      logRetentionDays: settings.logRetentionDays,
      logLevel: settings.logLevel,
      code: WholeRunFunction.codeFromBuild(buildDir),
    };
    this.pipeline = new WholeRunFunction(this, 'Pipeline', functions);
    const fn = this.pipeline.function;

    const distributedMode = settings.mode === 'distributed';
    this.output = new OutputBucket(this, 'Output', {
      prefix: settings.outputPrefix,
      runsRetentionDays: settings.runsRetentionDays,
      shardFolders: distributedMode,
      disposable: props.disposable,
    });
    this.pipeline.useOutputBucket(this.output.bucket, settings.outputPrefix, RUN_OUTPUT_ACCESS);
    this.distributed = distributedMode
      ? new DistributedPipeline(this, 'Distributed', {
          bucket: this.output.bucket,
          prefix: settings.outputPrefix,
          functions,
          batchSize: settings.batchSize,
          maxConcurrency: settings.maxConcurrency,
          toleratedFailurePercentage: settings.toleratedFailurePercentage,
          runTimeout: Duration.minutes(settings.runTimeoutMinutes),
        })
      : undefined;
    const pipelines = [this.pipeline, ...(this.distributed ? [this.distributed] : [])];

    // Subscribers can filter on the `status` message attribute (ok | partial | failed) that every
    // run notification carries, e.g. a filter policy {"status": ["partial", "failed"]}.
    this.topic = new NotificationTopic(this, 'RunTopic', {
      displayName: 'Tributary runs',
      emails: settings.emails,
      emailStatuses: settings.emailStatuses,
      // Publishers of this account need no KMS grant for the AWS managed key (see BundleFunction.useTopic).
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
    for (const pipeline of pipelines) pipeline.useTopic(this.topic);

    if (settings.sourcesFile) {
      // A file asset: `cdk deploy` uploads it to the bootstrap bucket under its content hash, so
      // every change is a new key, a new SOURCES_URI, and the next run reads the new file.
      const asset = new s3assets.Asset(this, 'SourcesFile', { path: settings.sourcesFile });
      for (const pipeline of pipelines) pipeline.useSourcesObject(asset.bucket, asset.s3ObjectKey);
    }
    const sourcesObject = settings.sourcesUri === undefined ? undefined : parseS3Uri(settings.sourcesUri);
    if (sourcesObject) {
      // An object the deployer manages: read on every run, so updating it needs no deploy.
      const bucket = s3.Bucket.fromBucketName(this, 'SourcesBucket', sourcesObject.bucket);
      for (const pipeline of pipelines) pipeline.useSourcesObject(bucket, sourcesObject.key);
    } else {
      // Granted at deploy time from the file as deployed: a secret added to the file later needs a
      // deploy before the function may read it. An object given as sourcesUri is not known here.
      for (const pipeline of pipelines) pipeline.grantSecretReads(secretNames(sources));
    }

    // Scheduler delivers dead letters with the schedule's execution role, which the target grants
    // sqs:SendMessage on this queue: the Scheduler guide
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html) asks for exactly that
    // under "Set up execution role permissions": "When a schedule fails to invoke its target, EventBridge
    // Scheduler delivers a JSON payload [...] to an Amazon SQS standard queue that you specify."
    const scheduleDeadLetterQueue = new DeadLetterQueue(this, 'ScheduleDeadLetterQueue');
    this.scheduleDeadLetterQueue = scheduleDeadLetterQueue;
    const scheduleTarget = {
      input: scheduler.ScheduleTargetInput.fromObject(SCHEDULED_EVENT),
      retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      deadLetterQueue: scheduleDeadLetterQueue,
    };
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Runs the Tributary pipeline',
      schedule: scheduler.ScheduleExpression.expression(settings.schedule, TimeZone.of(settings.timeZone)),
      target: this.distributed
        ? new targets.StepFunctionsStartExecution(this.distributed.stateMachine, scheduleTarget)
        : new targets.LambdaInvoke(fn, scheduleTarget),
    });
    if (!this.distributed) {
      // The target creates its role at stack level, so the acknowledgement is made there, for this one finding.
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn)}:*]`,
        reason:
          "The scheduler role's lambda:InvokeFunction is granted by CDK on the function and its qualified ARNs (versions, aliases); " +
          'it still names this one function only.',
      });
    }

    // Scheduled runs report from the merge step in distributed mode: the run metrics follow them there.
    const metrics = new PipelineMetrics(
      this.distributed?.merge.function ?? fn,
      Duration.minutes(settings.schedulePeriodMinutes),
    );
    // Ad hoc runs end in the single function in both modes, scheduled ones in the merge step in distributed mode.
    const runFunctions: [RunFunction, ...RunFunction[]] = [
      { label: 'pipeline', fn: this.pipeline },
      ...(this.distributed ? [{ label: 'merge step', fn: this.distributed.merge }] : []),
    ];
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      pipeline: this.pipeline,
      scheduleDeadLetterQueue,
      emails: settings.alarmEmails,
      metrics,
      failedRatioThreshold: settings.failedRatioThreshold,
      missedRuns: settings.missedRunsAlarm,
      stateMachine: this.distributed?.stateMachine,
      mergeStep: this.distributed?.merge,
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', { runFunctions, alarms: this.alarms, metrics });

    new ConsoleTestEvents(this, 'ConsoleTestEvents', {
      function: fn,
      eventSchema: AD_HOC_EVENT_SCHEMA,
      events: {
        'full-run': {},
        'dry-run': { dryRun: true },
        'only-some-sources': { sources: [sources.sources[0]?.id ?? CONTRACT_EXAMPLE_SOURCE_ID], dryRun: true },
        'force-refetch': { force: true },
      },
    });

    new CfnOutput(this, 'FunctionName', { value: fn.functionName, description: 'The pipeline function' });
    new CfnOutput(this, 'TestEventsConsoleUrl', {
      description:
        "The function's Test tab: pick a shared test event (full-run, dry-run, only-some-sources, force-refetch) and choose Test",
      value: Fn.join('', [
        `https://${Aws.REGION}.console.aws.amazon.com/lambda/home?region=${Aws.REGION}#/functions/`,
        fn.functionName,
        '?tab=testing',
      ]),
    });
    new CfnOutput(this, 'BucketName', {
      description: `Outputs: ${settings.outputPrefix}feed.json, ${settings.outputPrefix}feed.xml, ${settings.outputPrefix}index.html, ${settings.outputPrefix}${RUN_REPORTS_FOLDER}<runId>.json`,
      value: this.output.bucket.bucketName,
    });
    new CfnOutput(this, 'TopicArn', {
      description:
        'Run notifications; message attribute "status" = ok | partial | failed for subscription filter policies',
      value: this.topic.topicArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Alarm notifications', value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard: alarms, sources by outcome, durations, latency, items, failing sources',
      value: Fn.join('', [
        `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/`,
        this.dashboard.dashboardName,
      ]),
    });
    new CfnOutput(this, 'InvokeCommand', {
      description: 'Run once from a shell and print the summary (a dry run; drop dryRun for a real run)',
      value: Fn.join('', [
        'aws lambda invoke --function-name ',
        fn.functionName,
        ` --region ${Aws.REGION} --cli-binary-format raw-in-base64-out --cli-read-timeout 0`,
        ` --payload '{"dryRun":true}' summary.json && cat summary.json`,
      ]),
    });
    // What `npm run smoke` reads to check a deployment, beside the outputs above.
    new CfnOutput(this, 'FeedJsonKey', {
      description: 'The latest JSON Feed in BucketName; the other latest outputs sit beside it',
      value: `${settings.outputPrefix}${OUTPUT_KEYS.feedJson}`,
    });
    new CfnOutput(this, 'ScheduleName', {
      description: 'The EventBridge Scheduler schedule',
      value: schedule.scheduleName,
    });
    new CfnOutput(this, 'FailureQueueUrl', {
      description: 'Invocations of FunctionName that failed after all retries (Lambda on-failure destination)',
      value: this.pipeline.failureQueue.queueUrl,
    });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', {
      description: 'Scheduled runs the schedule could not start',
      value: scheduleDeadLetterQueue.queueUrl,
    });
    if (this.distributed) {
      const { stateMachine } = this.distributed;
      new CfnOutput(this, 'StateMachineArn', {
        value: stateMachine.stateMachineArn,
        description: 'The distributed run: start step, Distributed Map of workers, merge step',
      });
      new CfnOutput(this, 'StartExecutionCommand', {
        description:
          'Start a full distributed run from a shell (the input may also be an ad hoc event such as {"sources":["id"]})',
        value: Fn.join('', [
          'aws stepfunctions start-execution --state-machine-arn ',
          stateMachine.stateMachineArn,
          ` --region ${Aws.REGION} --input '{}'`,
        ]),
      });
    }
  }
}

/**
 * The sources file the function will read, validated as the function validates it, so a bad file
 * fails the synth instead of the first run. The stack grants the secrets it names and takes the
 * console's example source id from it.
 */
function deployedSources(path: string): SourcesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidInputError(
      'sources',
      path,
      `cannot read the sources file to deploy: ${(cause as Error).message}`,
      { cause },
    );
  }
  return parseSourcesFile(text, path);
}
