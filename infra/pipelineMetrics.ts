import type { Duration } from 'aws-cdk-lib';

import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { METRICS_DIMENSION, METRICS_NAMESPACE, type RunMetricName } from '../lambda/core/metricNames.js';

/**
 * The metrics the function writes about its runs (EMF lines, see lambda/adapters/runMetrics.ts),
 * read back for alarms and the dashboard. Names, namespace and dimension come from that module,
 * so the two sides cannot drift apart.
 */
export class PipelineMetrics {
  /**
   * @param fn the pipeline function; its name is the `FunctionName` dimension
   * @param period one schedule period: each datapoint covers about one run
   */
  constructor(
    readonly fn: lambda.IFunction,
    readonly period: Duration,
  ) {}

  /** @default statistic Sum, over one schedule period */
  metric(name: RunMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { [METRICS_DIMENSION]: this.fn.functionName },
      statistic: cloudwatch.Stats.SUM,
      period: this.period,
      ...options,
    });
  }

  /**
   * Failed sources as a share of the sources checked (ok, not modified, failed) per period.
   * Resting sources were not checked, so they count on neither side; a period in which no source
   * was checked has no value.
   */
  failedSourcesRatio(): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'failed / (ok + notModified + failed)',
      usingMetrics: {
        failed: this.metric('SourcesFailed'),
        ok: this.metric('SourcesOk'),
        notModified: this.metric('SourcesNotModified'),
      },
      period: this.period,
      label: 'Failed share of checked sources',
    });
  }
}
