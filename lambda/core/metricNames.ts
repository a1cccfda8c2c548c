/** Where the CDK stack's alarms and dashboard look for the metrics; shared with infra/. */
export const METRICS_NAMESPACE = 'Tributary';
/** The one dimension: the function's name, `local` outside Lambda. */
export const METRICS_DIMENSION = 'FunctionName';

/** Every metric a run emits, with its CloudWatch unit. */
export const RUN_METRIC_UNITS = {
  SourcesOk: 'Count',
  SourcesFailed: 'Count',
  SourcesNotModified: 'Count',
  SourcesSkipped: 'Count',
  /** Sources read ok only by the recovery path: their feeds are not well-formed XML. */
  SourcesRecovered: 'Count',
  /** Items in the published feed. */
  ItemsTotal: 'Count',
  ItemsNew: 'Count',
  BytesFetched: 'Bytes',
  RunDurationMs: 'Milliseconds',
  /** The run's phases (the report's `timings`): they add up to RunDurationMs. */
  RunSetupMs: 'Milliseconds',
  RunFetchMs: 'Milliseconds',
  RunTailMs: 'Milliseconds',
  /** 1 when the run's status is ok or partial, 0 when it failed: the "no successful run" alarm sums it. */
  RunSucceeded: 'Count',
  /** One value per fetched source (not for skipped ones): a distribution, for p50/p99. */
  SourceLatencyMs: 'Milliseconds',
} as const;
export type RunMetricName = keyof typeof RUN_METRIC_UNITS;
