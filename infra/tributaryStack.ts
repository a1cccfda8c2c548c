import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { SourcesFile } from '../lambda/core/model.js';
import { parseS3Uri } from '../lambda/input/s3Uri.js';
import { secretNames } from '../lambda/input/secretNames.js';
import { parseSourcesFile } from '../lambda/input/sourcesFile.js';
import { RUN_OUTPUT_ACCESS } from './bundleFunction.js';
import { ConsoleTestEvents } from './consoleTestEvents.js';
import type { DeadLetterQueue } from './deadLetterQueue.js';
import { DistributedPipeline } from './distributedPipeline.js';
import { InvalidInputError } from './errors.js';
import { NotificationTopic } from './notificationTopic.js';
import { OutputBucket } from './outputBucket.js';
import { PipelineAlarms } from './pipelineAlarms.js';
import { PipelineDashboard, type RunFunction } from './pipelineDashboard.js';
import { PipelineMetrics } from './pipelineMetrics.js';
import { schedulePipeline } from './pipelineSchedule.js';
import { PublicSite } from './publicSite.js';
import { distributedOutputs, resultOutputs, runOutputs, siteOutputs, smokeOutputs } from './stackOutputs.js';
import type { StackSettings } from './stackSettings.js';
import { BUILD_DIR, WholeRunFunction, type WholeRunFunctionProps } from './wholeRunFunction.js';

export interface TributaryStackProps extends StackProps {
  readonly settings: StackSettings;
  /** The `npm run build` output: `index.mjs` and the default `sources.json`. @default BUILD_DIR (dist/lambda) */
  readonly buildDir?: string;
  /**
   * Delete the output buckets and their objects with the stack, as the integration test's stacks must.
   * @default false: kept
   */
  readonly disposable?: boolean;
}

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

/** What reads the sources, fetches and notifies: the whole-run function, or the distributed steps. */
type Pipeline = WholeRunFunction | DistributedPipeline;

/**
 * The scheduled pipeline: function, schedule, output bucket, notification topic, alarms, dashboard
 * and console test events. The constructor reads as the list of its parts; each step below makes one.
 */
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
  /** The CloudFront distribution serving the outputs, with `site=public`. */
  readonly site: PublicSite | undefined;
  private readonly settings: StackSettings;

  constructor(scope: Construct, id: string, props: TributaryStackProps) {
    super(scope, id, { description: 'Tributary: a scheduled feed pipeline publishing to S3 and SNS', ...props });
    const { settings, buildDir = BUILD_DIR } = props;
    this.settings = settings;
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
    this.output = this.outputBucket(props.disposable);
    this.distributed = settings.mode === 'distributed' ? this.distributedPipeline(functions) : undefined;
    this.topic = this.runTopic();
    this.readSources(sources);
    const { schedule, deadLetterQueue } = schedulePipeline(this, {
      expression: settings.schedule,
      timeZone: settings.timeZone,
      target: this.distributed ? { stateMachine: this.distributed.stateMachine } : { function: this.pipeline.function },
    });
    this.scheduleDeadLetterQueue = deadLetterQueue;
    [this.alarms, this.dashboard] = this.monitoring();
    this.consoleTestEvents(sources);
    this.site = settings.site === 'public' ? this.publicSite(props.disposable) : undefined;

    this.outputs(schedule);
  }

  private get pipelines(): Pipeline[] {
    return [this.pipeline, ...(this.distributed ? [this.distributed] : [])];
  }

  /** The bucket every run writes to; the whole-run function may write all of the prefix. */
  private outputBucket(disposable: boolean | undefined): OutputBucket {
    const { outputPrefix, runsRetentionDays, mode } = this.settings;
    const output = new OutputBucket(this, 'Output', {
      prefix: outputPrefix,
      runsRetentionDays,
      shardFolders: mode === 'distributed',
      disposable,
    });
    this.pipeline.useOutputBucket(output.bucket, outputPrefix, RUN_OUTPUT_ACCESS);
    return output;
  }

  private distributedPipeline(functions: WholeRunFunctionProps): DistributedPipeline {
    const { settings } = this;
    return new DistributedPipeline(this, 'Distributed', {
      bucket: this.output.bucket,
      prefix: settings.outputPrefix,
      functions,
      batchSize: settings.batchSize,
      maxConcurrency: settings.maxConcurrency,
      toleratedFailurePercentage: settings.toleratedFailurePercentage,
      runTimeout: Duration.minutes(settings.runTimeoutMinutes),
    });
  }

  /**
   * Subscribers can filter on the `status` message attribute (ok | partial | failed) that every
   * run notification carries, e.g. a filter policy {"status": ["partial", "failed"]}.
   */
  private runTopic(): NotificationTopic {
    const topic = new NotificationTopic(this, 'RunTopic', {
      displayName: 'Tributary runs',
      emails: this.settings.emails,
      emailStatuses: this.settings.emailStatuses,
      // Publishers of this account need no KMS grant for the AWS managed key (see BundleFunction.useTopic).
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
    for (const pipeline of this.pipelines) pipeline.useTopic(topic);
    return topic;
  }

  /** Where the sources file comes from, and the secrets its headers name. */
  private readSources(sources: SourcesFile): void {
    const { sourcesFile, sourcesUri } = this.settings;
    if (sourcesFile) {
      // A file asset: `cdk deploy` uploads it to the bootstrap bucket under its content hash, so
      // every change is a new key, a new SOURCES_URI, and the next run reads the new file.
      const asset = new s3assets.Asset(this, 'SourcesFile', { path: sourcesFile });
      for (const pipeline of this.pipelines) pipeline.useSourcesObject(asset.bucket, asset.s3ObjectKey);
    }
    const sourcesObject = sourcesUri === undefined ? undefined : parseS3Uri(sourcesUri);
    if (sourcesObject) {
      // An object the deployer manages: read on every run, so updating it needs no deploy.
      const bucket = s3.Bucket.fromBucketName(this, 'SourcesBucket', sourcesObject.bucket);
      for (const pipeline of this.pipelines) pipeline.useSourcesObject(bucket, sourcesObject.key);
    } else {
      // Granted at deploy time from the file as deployed: a secret added to the file later needs a
      // deploy before the function may read it. An object given as sourcesUri is not known here.
      for (const pipeline of this.pipelines) pipeline.grantSecretReads(secretNames(sources));
    }
  }

  /** Alarms on the runs, and the dashboard that shows them beside the run metrics. */
  private monitoring(): [PipelineAlarms, PipelineDashboard] {
    const { settings, distributed } = this;
    // Scheduled runs report from the merge step in distributed mode: the run metrics follow them there.
    const metrics = new PipelineMetrics(
      distributed?.merge.function ?? this.pipeline.function,
      Duration.minutes(settings.schedulePeriodMinutes),
    );
    const alarms = new PipelineAlarms(this, 'Alarms', {
      pipeline: this.pipeline,
      scheduleDeadLetterQueue: this.scheduleDeadLetterQueue,
      emails: settings.alarmEmails,
      metrics,
      failedRatioThreshold: settings.failedRatioThreshold,
      missedRuns: settings.missedRunsAlarm,
      stateMachine: distributed?.stateMachine,
      mergeStep: distributed?.merge,
    });
    // Ad hoc runs end in the single function in both modes, scheduled ones in the merge step in distributed mode.
    const runFunctions: [RunFunction, ...RunFunction[]] = [
      { label: 'pipeline', fn: this.pipeline },
      ...(distributed ? [{ label: 'merge step', fn: distributed.merge }] : []),
    ];
    return [alarms, new PipelineDashboard(this, 'Dashboard', { runFunctions, alarms, metrics })];
  }

  /** Made last: they name what the steps above made. */
  private outputs(schedule: scheduler.Schedule): void {
    const prefix = this.settings.outputPrefix;
    runOutputs(this, this.pipeline.function);
    resultOutputs(this, {
      prefix,
      bucket: this.output.bucket,
      topic: this.topic,
      alarmTopic: this.alarms.topic,
      dashboard: this.dashboard,
    });
    smokeOutputs(this, {
      prefix,
      schedule,
      failureQueue: this.pipeline.failureQueue,
      deadLetterQueue: this.scheduleDeadLetterQueue,
    });
    if (this.distributed) distributedOutputs(this, this.distributed.stateMachine);
    if (this.site) siteOutputs(this, this.site.baseUrl);
  }

  /** The distribution, and the public address every function that renders the feeds is given. */
  private publicSite(disposable: boolean | undefined): PublicSite {
    const { settings } = this;
    const site = new PublicSite(this, 'Site', {
      bucket: this.output.bucket,
      prefix: settings.outputPrefix,
      publishRuns: settings.publishRuns,
      domain: settings.domainName
        ? { name: settings.domainName, certificateArn: settings.certificateArn!, hostedZoneId: settings.hostedZoneId }
        : undefined,
      disposable,
    });
    for (const pipeline of this.pipelines) pipeline.usePublicBaseUrl(site.baseUrl);
    return site;
  }

  private consoleTestEvents(sources: SourcesFile): void {
    new ConsoleTestEvents(this, 'ConsoleTestEvents', {
      function: this.pipeline.function,
      eventSchema: AD_HOC_EVENT_SCHEMA,
      events: {
        'full-run': {},
        'dry-run': { dryRun: true },
        'only-some-sources': { sources: [sources.sources[0]?.id ?? CONTRACT_EXAMPLE_SOURCE_ID], dryRun: true },
        'force-refetch': { force: true },
      },
    });
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
