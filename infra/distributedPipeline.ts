import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';

import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  RUN_CLAIMS_FOLDER,
  RUN_REPORTS_FOLDER,
  SHARDS_FOLDER,
  STATE_KEY,
  STATE_SHARDS_FOLDER,
} from '../lambda/core/storageLayout.js';
import type { SecretNames } from '../lambda/input/secretNames.js';
import { BundleFunction, ITEM_OBJECTS, RUN_OUTPUT_ACCESS } from './bundleFunction.js';
import { nagArnOf } from './nagFinding.js';
import type { WholeRunFunctionProps } from './wholeRunFunction.js';

export interface DistributedPipelineProps {
  /**
   * The output bucket and its prefix ('' or ending in '/'): the steps' working files live under
   * `<prefix>state/shards/`.
   */
  readonly bucket: s3.IBucket;
  readonly prefix: string;
  /**
   * Memory, timeout, log retention and level of each step function, and the bundle: what the single
   * function is given.
   */
  readonly functions: WholeRunFunctionProps;
  /** Sources per worker invocation (MaxItemsPerBatch). */
  readonly batchSize: number;
  /** Worker invocations at once (MaxConcurrency). */
  readonly maxConcurrency: number;
  /** Share of failed batches, in %, the Map tolerates (ToleratedFailurePercentage). */
  readonly toleratedFailurePercentage: number;
  /** How long one execution may take; fetching ends one function timeout before, for the merge. */
  readonly runTimeout: Duration;
}

/** Where each step's working files are, under the output prefix. */
const SHARDS = `${SHARDS_FOLDER}*`;
/** A run's claim and progress markers, and its report: what the start step checks before it claims a run. */
const RUN_CLAIMS = `${RUN_CLAIMS_FOLDER}*`;
const RUN_REPORTS = `${RUN_REPORTS_FOLDER}*`;
/**
 * A child execution's input is limited to 256 KB; the batcher cuts a batch of large sources short of
 * it, leaving room for the job.
 */
const MAX_BATCH_INPUT_BYTES = 200 * 1024;
/** The Map's state name and label: names its child executions, so the nag acknowledgement below names it too. */
const WORKERS = 'Workers';
/** The Lambda throttles a step when more executions want it than its concurrency allows; wait and retry. */
const THROTTLE_RETRY = {
  errors: ['Lambda.TooManyRequestsException'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 6,
};

/**
 * The distributed mode: a standard state machine whose start step claims the run and writes the
 * selected sources to S3, whose Distributed Map reads them back in batches and runs a worker
 * function per batch, and whose merge step ends the run as a single-function run would (same
 * outputs, report and one notification). A run the Map could only partly do is still merged and
 * reported; then the execution fails, so the alarm on failed executions fires.
 *
 * Each step is a BundleFunction of the same bundle with only the access its step needs.
 */
export class DistributedPipeline extends Construct {
  readonly start: BundleFunction;
  readonly worker: BundleFunction;
  readonly merge: BundleFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DistributedPipelineProps) {
    super(scope, id);
    const { bucket, prefix } = props;

    this.start = new BundleFunction(this, 'Start', {
      ...props.functions,
      handler: 'index.startHandler',
      description: 'Tributary, distributed: claims the run and writes the selected sources for the workers',
      roleDescription:
        'Tributary start step: its own log group, run claims and shard folders, sources object and topic',
      // Two starts of one run at once must not both take over an expired claim.
      reservedConcurrency: 1,
    });
    // state.json gives the shard count the batches are ordered by.
    this.start.useOutputBucket(bucket, prefix, {
      read: [RUN_REPORTS, RUN_CLAIMS, STATE_KEY],
      write: [RUN_CLAIMS, SHARDS],
    });

    this.worker = new BundleFunction(this, 'Worker', {
      ...props.functions,
      handler: 'index.workerHandler',
      description: 'Tributary, distributed: fetches and parses one batch of sources',
      roleDescription:
        'Tributary worker step: its own log group, the state file, shard folders, item objects ' +
        'and the secrets of its sources',
    });
    // Workers write their sources' new item objects; only the merge, which commits the state, deletes any.
    // They read state.json for the shard count and then only their own sources' shards.
    this.worker.useOutputBucket(bucket, prefix, {
      read: [STATE_KEY, `${STATE_SHARDS_FOLDER}*`],
      write: [SHARDS, ITEM_OBJECTS],
    });

    this.merge = new BundleFunction(this, 'Merge', {
      ...props.functions,
      handler: 'index.mergeHandler',
      description: 'Tributary, distributed: merges the batches and publishes the outputs, report and notification',
      roleDescription: 'Tributary merge step: its own log group, output prefix and topic',
      // Two merges at once would race on the same state and outputs.
      reservedConcurrency: 1,
    });
    this.merge.useOutputBucket(bucket, prefix, RUN_OUTPUT_ACCESS);

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.functions.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Tributary: one run, fanned out over worker functions',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props)),
      timeout: props.runTimeout,
      tracingEnabled: true,
      // Execution data holds source URLs, whose query strings may carry tokens; states and errors are enough.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.acknowledgeStateMachineFindings(bucket, prefix);
  }

  /** Sets `TOPIC_ARN` where a notification can be sent: the merge, and the start resuming a run that only lacks it. */
  useTopic(topic: sns.ITopic): void {
    this.start.useTopic(topic);
    this.merge.useTopic(topic);
  }

  /** Only the start step reads the sources file; it hands the others what they need. */
  useSourcesObject(bucket: s3.IBucket, key: string): void {
    this.start.useSourcesObject(bucket, key);
  }

  /**
   * Only the start step reads it: it writes the sources file, its `feed.baseUrl` set from it, into
   * the run's folder, and the merge step renders the feeds from that copy.
   */
  usePublicBaseUrl(url: string): void {
    this.start.usePublicBaseUrl(url);
  }

  /** Only the workers fetch, so only they read the sources' header secrets. */
  grantSecretReads(names: SecretNames): void {
    this.worker.grantSecretReads(names);
  }

  private definition(props: DistributedPipelineProps): sfn.IChainable {
    const { bucket, prefix } = props;
    const step = (id: string, fn: BundleFunction, options: Partial<tasks.LambdaInvokeProps> = {}) =>
      new tasks.LambdaInvoke(this, id, { lambdaFunction: fn.function, payloadResponseOnly: true, ...options }).addRetry(
        THROTTLE_RETRY,
      );

    const start = step('StartRun', this.start, {
      comment: 'Claims the run named by the event and writes its selected sources to S3',
      payload: sfn.TaskInput.fromObject({
        event: sfn.JsonPath.entirePayload,
        execution: {
          id: sfn.JsonPath.stringAt('$$.Execution.Id'),
          startTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
          timeoutSeconds: props.runTimeout.toSeconds(),
          mergeReserveSeconds: this.merge.timeout.toSeconds(),
        },
      }),
    });

    const shards = bucket.arnForObjects(`${prefix}${SHARDS}`);
    const workers = new sfn.DistributedMap(this, WORKERS, {
      comment: 'One worker per batch of sources; each writes its results to S3 and returns where',
      label: WORKERS,
      itemReader: new ShardItemReader({ bucket, key: sfn.JsonPath.stringAt('$.sourcesKey') }, shards),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: props.batchSize,
        maxInputBytesPerBatch: MAX_BATCH_INPUT_BYTES,
        batchInput: { 'job.$': '$.job' },
      }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      resultWriterV2: new ShardResultWriter({ bucket, prefix: sfn.JsonPath.stringAt('$.resultsPrefix') }, shards),
      resultPath: '$.map',
    });
    workers.itemProcessor(step('SettleBatch', this.worker, { comment: 'Fetches and parses one batch of sources' }));

    const merge = step('MergeRun', this.merge, {
      comment: 'Merges every batch and publishes the outputs, the report and one notification',
      resultPath: '$.summary',
    });
    workers.addCatch(merge, { errors: [sfn.Errors.ALL], resultPath: '$.mapError' });

    const outcome = new sfn.Choice(this, 'EveryBatchRan')
      .when(
        sfn.Condition.isPresent('$.mapError'),
        new sfn.Fail(this, 'TooManyBatchesFailed', {
          error: 'BatchesFailed',
          cause:
            'More worker batches failed than toleratedFailurePercentage allows; ' +
            'the run was reported with their sources failed',
        }),
      )
      .otherwise(new sfn.Succeed(this, 'Published'));

    return start.next(
      new sfn.Choice(this, 'RunStarted')
        .when(sfn.Condition.stringEquals('$.status', 'started'), workers.next(merge).next(outcome))
        .otherwise(
          new sfn.Succeed(this, 'NothingToDo', {
            comment: 'A duplicated or retried start: the run is done or in progress elsewhere',
          }),
        ),
    );
  }

  private acknowledgeStateMachineFindings(bucket: s3.IBucket, prefix: string): void {
    const acknowledge = (resource: string, reason: string) =>
      Validations.of(this.stateMachine).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    for (const fn of [this.start, this.worker, this.merge]) {
      acknowledge(
        `${nagArnOf(fn.function)}:*`,
        "lambda:InvokeFunction is granted by CDK on the step's function and its qualified ARNs " +
          '(versions, aliases); it still names this one function only.',
      );
    }
    acknowledge(
      '*',
      'X-Ray trace upload and CloudWatch Logs vended log delivery (logs:CreateLogDelivery and friends) ' +
        'support no resource-level permissions.',
    );
    acknowledge(
      `${nagArnOf(bucket)}/${prefix}${SHARDS}`,
      "The Map reads each run's sources array and exports its results under " +
        `${SHARDS_FOLDER}<runId>/…, keys made per run; ` +
        'the wildcard covers only those working folders of a bucket created for this stack.',
    );
    // How cdk-nag spells the execution ARNs CDK grants the Distributed Map on its own child executions.
    const stateMachineId = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnElement);
    const name = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineId}"}]}]}`;
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}`;
    const reason =
      'The Distributed Map describes, stops and redrives its own child executions, ' +
      'whose names Step Functions makes per run; ' +
      'CDK scopes the wildcard to executions of this one state machine.';
    acknowledge(`${executions}:*`, reason);
    acknowledge(`${executions}/${WORKERS}:*`, reason);
  }
}

/**
 * The Map's S3 JSON array reader, granted the shard folders only (CDK would grant every object of
 * the bucket).
 */
class ShardItemReader extends sfn.S3JsonItemReader {
  constructor(
    props: sfn.S3FileItemReaderProps,
    private readonly objects: string,
  ) {
    super(props);
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.objects] })];
  }
}

/** The Map's result export, granted the shard folders only (CDK would grant every object of the bucket). */
class ShardResultWriter extends sfn.ResultWriterV2 {
  constructor(
    props: sfn.ResultWriterV2Props,
    private readonly objects: string,
  ) {
    super(props);
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.objects],
      }),
    ];
  }
}
