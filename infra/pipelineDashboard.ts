import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { BundleFunction } from './bundleFunction.js';
import type { PipelineAlarms } from './pipelineAlarms.js';
import type { PipelineMetrics } from './pipelineMetrics.js';

/** A function that ends runs: it writes their "source failed" log lines and their run metrics. */
export interface RunFunction {
  /** Names its lines on the dashboard when there are several, e.g. 'merge step'. */
  readonly label: string;
  readonly fn: BundleFunction;
}

export interface PipelineDashboardProps {
  /** Every function that ends runs: the single pipeline function, and the merge step in distributed mode. */
  readonly runFunctions: readonly [RunFunction, ...RunFunction[]];
  readonly alarms: PipelineAlarms;
  readonly metrics: PipelineMetrics;
}

/** What the dashboard opens on: long enough to see a daily schedule's trend. */
const DEFAULT_INTERVAL = Duration.days(7);
const FULL = 24; // dashboard grid columns
const HALF = FULL / 2;
const THIRD = FULL / 3;
/** The sources that failed most in the dashboard's time range, with their last error in words. */
const FAILING_SOURCES_QUERY = [
  'fields sourceId, errorCode, error',
  "filter message = 'source failed'",
  'stats count(*) as failures, latest(errorCode) as lastCode, latest(error) as lastError by sourceId',
  'sort failures desc',
  'limit 20',
];

/**
 * The pipeline at a glance, one row each: alarm states first, then how runs went (sources by
 * outcome, the failed share against its alarm threshold), how the functions ran against their
 * timeout, what the sources delivered, and which sources keep failing and why.
 */
export class PipelineDashboard extends cloudwatch.Dashboard {
  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id, { defaultInterval: DEFAULT_INTERVAL });
    this.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: FULL, height: 3, alarms: props.alarms.all }),
    );
    this.addWidgets(...runOutcomes(props));
    this.addWidgets(...functionHealth(props));
    this.addWidgets(...delivery(props));
    this.addWidgets(failingSources(props));
  }
}

function runOutcomes({ alarms, metrics }: PipelineDashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Sources per run, by outcome',
      width: HALF,
      stacked: true,
      left: [
        metrics.metric('SourcesOk', { label: 'ok' }),
        metrics.metric('SourcesNotModified', { label: 'not modified' }),
        metrics.metric('SourcesFailed', { label: 'failed', color: cloudwatch.Color.RED }),
        metrics.metric('SourcesSkipped', { label: 'resting (skipped)', color: cloudwatch.Color.GREY }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Failed share of checked sources, and successful runs',
      width: HALF,
      left: [alarms.failedSources.metric],
      leftAnnotations: [alarms.failedSources.toAnnotation()],
      leftYAxis: { min: 0, max: 1, showUnits: false },
      right: [metrics.metric('RunSucceeded', { label: 'successful runs' })],
      rightYAxis: { min: 0, showUnits: false },
    }),
  ];
}

function functionHealth({ runFunctions, alarms, metrics }: PipelineDashboardProps): cloudwatch.IWidget[] {
  const { period } = metrics;
  // One function needs no name on its lines; several do, or their lines could not be told apart.
  const named = (label: string, line: string) => (runFunctions.length > 1 ? `${label} ${line}` : line);
  const { SUM, MAXIMUM, p } = cloudwatch.Stats;
  return [
    new cloudwatch.GraphWidget({
      title: 'Function duration (ms) against the timeout',
      width: THIRD,
      left: runFunctions.flatMap(({ label, fn }) => [
        fn.function.metricDuration({ period, statistic: p(50), label: named(label, 'p50') }),
        fn.function.metricDuration({ period, statistic: p(99), label: named(label, 'p99') }),
        fn.function.metricDuration({ period, statistic: MAXIMUM, label: named(label, 'max') }),
      ]),
      leftAnnotations: [...timeoutAnnotations(runFunctions), alarms.durationNearTimeout.toAnnotation()],
      leftYAxis: { min: 0, showUnits: false },
    }),
    new cloudwatch.GraphWidget({
      title: 'Function invocations and errors',
      width: THIRD,
      left: runFunctions.flatMap(({ label, fn }) => [
        fn.function.metricInvocations({ period, statistic: SUM, label: named(label, 'invocations') }),
        fn.function.metricErrors({
          period,
          statistic: SUM,
          label: named(label, 'errors'),
          color: cloudwatch.Color.RED,
        }),
        fn.function.metricThrottles({
          period,
          statistic: SUM,
          label: named(label, 'throttles'),
          color: cloudwatch.Color.ORANGE,
        }),
      ]),
      leftYAxis: { min: 0, showUnits: false },
    }),
    new cloudwatch.GraphWidget({
      title: 'Source latency (ms)',
      width: THIRD,
      left: [
        metrics.metric('SourceLatencyMs', { statistic: p(50), label: 'p50' }),
        metrics.metric('SourceLatencyMs', { statistic: p(99), label: 'p99' }),
      ],
      leftYAxis: { min: 0, showUnits: false },
    }),
  ];
}

function delivery({ metrics }: PipelineDashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Items',
      width: THIRD,
      left: [
        metrics.metric('ItemsTotal', { statistic: cloudwatch.Stats.MAXIMUM, label: 'in the published feed' }),
        metrics.metric('ItemsNew', { label: 'new' }),
      ],
      leftYAxis: { min: 0, showUnits: false },
    }),
    new cloudwatch.GraphWidget({
      title: 'Bytes fetched',
      width: THIRD,
      left: [metrics.metric('BytesFetched', { label: 'bytes' })],
      leftYAxis: { min: 0 },
    }),
    new cloudwatch.GraphWidget({
      title: 'Run duration (ms), as the pipeline measures it',
      width: THIRD,
      left: [metrics.metric('RunDurationMs', { statistic: cloudwatch.Stats.MAXIMUM, label: 'longest run' })],
      leftYAxis: { min: 0, showUnits: false },
    }),
  ];
}

function failingSources({ runFunctions }: PipelineDashboardProps): cloudwatch.IWidget {
  return new cloudwatch.LogQueryWidget({
    title: 'Failing sources and their last error',
    width: FULL,
    height: 8,
    logGroupNames: runFunctions.map(({ fn }) => fn.logGroup.logGroupName),
    queryLines: FAILING_SOURCES_QUERY,
    view: cloudwatch.LogQueryVisualizationType.TABLE,
  });
}

/**
 * One line per distinct timeout: functions of one deployment share theirs, and two lines on the
 * same value would only hide each other's label.
 */
function timeoutAnnotations(runFunctions: readonly RunFunction[]): cloudwatch.HorizontalAnnotation[] {
  const labelsByTimeout = new Map<number, string[]>();
  for (const { label, fn } of runFunctions) {
    const timeoutMs = fn.timeout.toMilliseconds();
    labelsByTimeout.set(timeoutMs, [...(labelsByTimeout.get(timeoutMs) ?? []), label]);
  }
  return [...labelsByTimeout].map(([timeoutMs, labels]) => ({
    value: timeoutMs,
    label: labelsByTimeout.size > 1 ? `${labels.join(' and ')} timeout` : 'timeout',
    color: cloudwatch.Color.RED,
  }));
}
