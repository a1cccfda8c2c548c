import { METRICS_DIMENSION, METRICS_NAMESPACE, RUN_METRIC_UNITS, type RunMetricName } from '../core/metricNames.js';
import type { RunReport } from '../core/model.js';

/** The EMF limit on values of one metric in one document. */
const MAX_VALUES_PER_DOCUMENT = 100;

/** One CloudWatch Embedded Metric Format document: metadata under `_aws`, values at the top level. */
export type EmfDocument = {
  _aws: {
    /** Epoch ms. */
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: RunMetricName; Unit: (typeof RUN_METRIC_UNITS)[RunMetricName] }[];
    }[];
  };
  [METRICS_DIMENSION]: string;
  /** Not a metric: lets a Logs Insights query tie the document to the run's log lines. */
  runId: string;
} & Partial<Record<RunMetricName, number | number[]>>;

/**
 * The EMF documents for one run, stamped with the run's finish time. The first carries the
 * per-run metrics and up to 100 source latencies; each further one carries the next 100.
 * A dry run publishes nothing and gets no documents: counting it would tell the "no successful
 * run" alarm that the pipeline published when it did not.
 */
export function runMetrics(report: RunReport, functionName: string): EmfDocument[] {
  if (report.dryRun) return [];
  const { counts } = report;
  const latencies = report.sources.filter((source) => source.status !== 'skipped').map((source) => source.durationMs);
  const chunks: number[][] = [];
  for (let start = 0; start < latencies.length; start += MAX_VALUES_PER_DOCUMENT) {
    chunks.push(latencies.slice(start, start + MAX_VALUES_PER_DOCUMENT));
  }
  const [firstLatencies, ...moreLatencies] = chunks;
  const document = (values: Partial<Record<RunMetricName, number | number[]>>) =>
    emfDocument(report, functionName, values);
  return [
    document({
      SourcesOk: counts.ok,
      SourcesFailed: counts.failed,
      SourcesNotModified: counts.notModified,
      SourcesSkipped: counts.skipped,
      SourcesRecovered: report.sources.filter((source) => source.recovered !== undefined).length,
      ItemsTotal: counts.items,
      ItemsNew: counts.newItems,
      BytesFetched: counts.bytes,
      RunDurationMs: report.durationMs,
      RunSetupMs: report.timings.setupMs,
      RunFetchMs: report.timings.fetchMs,
      RunTailMs: report.timings.tailMs,
      RunSucceeded: report.status === 'failed' ? 0 : 1,
      ...(firstLatencies ? { SourceLatencyMs: firstLatencies } : {}),
    }),
    ...moreLatencies.map((values) => document({ SourceLatencyMs: values })),
  ];
}

/**
 * Writes each document as one line to stdout, where Lambda's log agent turns EMF lines into
 * metrics; no API call, no permission, no added latency.
 */
export function writeMetrics(
  documents: readonly EmfDocument[],
  out: { write(line: string): unknown } = process.stdout,
): void {
  for (const document of documents) out.write(`${JSON.stringify(document)}\n`);
}

/** The dimension value: Lambda sets `AWS_LAMBDA_FUNCTION_NAME`; anywhere else it is `local`. */
export function metricsFunctionName(env: Record<string, string | undefined> = process.env): string {
  return env.AWS_LAMBDA_FUNCTION_NAME?.trim() || 'local';
}

function emfDocument(
  report: RunReport,
  functionName: string,
  values: Partial<Record<RunMetricName, number | number[]>>,
): EmfDocument {
  const names = Object.keys(values) as RunMetricName[];
  return {
    _aws: {
      Timestamp: Date.parse(report.finishedAt),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRICS_DIMENSION]],
          Metrics: names.map((name) => ({ Name: name, Unit: RUN_METRIC_UNITS[name] })),
        },
      ],
    },
    [METRICS_DIMENSION]: functionName,
    runId: report.runId,
    ...values,
  };
}
