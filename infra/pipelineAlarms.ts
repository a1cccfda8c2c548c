import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BundleFunction } from './bundleFunction.js';
import { NotificationTopic } from './notificationTopic.js';
import type { PipelineMetrics } from './pipelineMetrics.js';
import type { WholeRunFunction } from './wholeRunFunction.js';

export interface PipelineAlarmsProps {
  readonly pipeline: WholeRunFunction;
  /** Where the schedule puts events it could not deliver to the function. */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** Subscribed to the alarm topic. */
  readonly emails: readonly string[];
  /** The run metrics, over one schedule period. */
  readonly metrics: PipelineMetrics;
  /** Alarm when a period's failed share of the checked sources is above this (0–<1). */
  readonly failedRatioThreshold: number;
  /** Alarm after this many schedule periods in a row without a successful run (≥ 2). */
  readonly missedRuns: number;
  /** Distributed mode: the state machine the schedule starts. @default none */
  readonly stateMachine?: sfn.IStateMachine;
  /** Distributed mode: the merge step, which ends every scheduled run and has a timeout of its own. @default none */
  readonly mergeStep?: BundleFunction;
}

const PERIOD = Duration.minutes(5);
/** Share of the function timeout a run may take before it counts as close to timing out. */
const DURATION_WARNING_SHARE = 0.8;

/**
 * Alarms for the ways a run can go wrong unnoticed, all notifying one alarm topic (on alarm and
 * on recovery). A few failed sources are not an alarm, that is the run notification's `status`;
 * most of them failing at once, or no run succeeding for a while, is.
 */
export class PipelineAlarms extends Construct {
  readonly topic: NotificationTopic;
  /** Every alarm this creates, distributed ones included, the runs' own first: what the dashboard shows. */
  readonly all: cloudwatch.Alarm[] = [];
  readonly functionErrors: cloudwatch.Alarm;
  readonly durationNearTimeout: cloudwatch.Alarm;
  readonly failedInvocations: cloudwatch.Alarm;
  readonly undeliveredSchedules: cloudwatch.Alarm;
  readonly failedSources: cloudwatch.Alarm;
  readonly noSuccessfulRun: cloudwatch.Alarm;
  /** Distributed mode only. */
  readonly failedExecutions: cloudwatch.Alarm | undefined;
  /**
   * Distributed mode only: a merge step that throws already fails its execution; one close to its
   * timeout does not yet.
   */
  readonly mergeDurationNearTimeout: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { pipeline } = props;

    this.topic = new NotificationTopic(this, 'Topic', { displayName: 'Tributary alarms', emails: props.emails });
    // The SNS guide
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
    // "Several AWS services publish events to Amazon SNS topics. To allow these event sources to work with
    // encrypted topics, you must [...] Use a customer managed KMS" key whose policy grants the service
    // kms:GenerateDataKey* and kms:Decrypt; the AWS managed key's policy cannot be changed to do so.
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, ' +
        'and alarm messages carry only alarm names, metric values and states, ' +
        'nothing a customer managed key (billed monthly) would protect.',
    });

    // The runs' own alarms first: `all` keeps the order of creation, and the dashboard shows it.
    const { metrics, missedRuns } = props;
    const periodMinutes = metrics.period.toMinutes();
    // One datapoint per schedule period, breaching when no run succeeded in it; N in a row is the
    // alarm. An empty period (no run reported at all) is as bad as a failed run.
    this.noSuccessfulRun = this.alarm('NoSuccessfulRun', {
      metric: metrics.metric('RunSucceeded', { statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: missedRuns,
      datapointsToAlarm: missedRuns,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        `No run succeeded in ${missedRuns} schedule periods (${missedRuns * periodMinutes} minutes): ` +
        'every source failed, or runs threw, ' +
        'timed out or never started. The other alarms and the function log say which.',
    });
    this.failedSources = this.alarm('FailedSources', {
      metric: metrics.failedSourcesRatio(),
      threshold: props.failedRatioThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        `More than ${Number((props.failedRatioThreshold * 100).toFixed(1))}% of the sources checked ` +
        `within ${periodMinutes} minutes failed. ` +
        'The "source failed" log lines and the run report (runs/<runId>.json) say which and why; ' +
        'many at once suggests the network or the function, not the feeds.',
    });

    this.functionErrors = this.alarm('FunctionErrors', {
      metric: pipeline.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      alarmDescription:
        'A pipeline invocation threw (bad event, bad sources file, outputs not written or notification not sent). ' +
        'See the function log.',
    });
    this.durationNearTimeout = this.nearTimeout(
      'DurationNearTimeout',
      pipeline,
      'A run',
      "Raise timeoutSeconds or lower the sources' timeoutMs and retries.",
    );
    this.failedInvocations = this.backlog(
      'FailedInvocations',
      pipeline.failureQueue,
      'An invocation failed after all retries or expired before it could run; ' +
        'the event and error are in the failure queue.',
    );
    this.undeliveredSchedules = this.backlog(
      'UndeliveredSchedules',
      props.scheduleDeadLetterQueue,
      'The schedule could not invoke the function; the undelivered events are in the schedule dead-letter queue.',
    );
    const { stateMachine } = props;
    this.failedExecutions = stateMachine
      ? this.alarm('FailedExecutions', {
          metric: new cloudwatch.MathExpression({
            expression: 'failed + timedOut',
            usingMetrics: {
              failed: stateMachine.metricFailed({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
              timedOut: stateMachine.metricTimedOut({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
            },
            period: PERIOD,
            label: 'Failed or timed out executions',
          }),
          threshold: 1,
          alarmDescription:
            'A distributed run failed or timed out: a step threw, or more worker batches failed ' +
            'than toleratedFailurePercentage allows (the run was still reported, with their sources failed). ' +
            'The execution history names the failed state and its error.',
        })
      : undefined;
    this.mergeDurationNearTimeout = props.mergeStep
      ? this.nearTimeout(
          'MergeDurationNearTimeout',
          props.mergeStep,
          'A merge step',
          'Raise timeoutSeconds: the merge step reads every batch and writes the outputs and state.',
        )
      : undefined;
    this.allowAlarmsToPublish();
  }

  /**
   * The topic's policy (written for `enforceSSL`) replaces the default one SNS gives a topic, which let
   * the account's alarms publish; without this statement every alarm action fails with "is not
   * authorized to perform: SNS:Publish". The fix AWS gives
   * (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger): "add the following
   * permissions [...] The policy update grants permissions to the CloudWatch alarms service to publish
   * messages to the SNS topic", a statement for the `cloudwatch.amazonaws.com` principal, narrowed with
   * `aws:SourceArn` to "specific alarms". Here: this construct's alarms, in this account.
   */
  private allowAlarmsToPublish(): void {
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheseAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.all.map((alarm) => alarm.alarmArn) },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }

  /** Alarms while a queue that only receives failures holds any message. */
  private backlog(id: string, queue: sqs.IQueue, alarmDescription: string): cloudwatch.Alarm {
    return this.alarm(id, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      alarmDescription,
    });
  }

  private nearTimeout(id: string, step: BundleFunction, what: string, remedy: string): cloudwatch.Alarm {
    const timeoutMs = step.timeout.toMilliseconds();
    const share = `${DURATION_WARNING_SHARE * 100}%`;
    return this.alarm(id, {
      metric: step.function.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: Math.round(timeoutMs * DURATION_WARNING_SHARE),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `${what} took more than ${share} of the ${timeoutMs / 1000} s timeout. ${remedy}`,
    });
  }

  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.all.push(alarm);
    return alarm;
  }
}
