import { describe, expect, test } from 'vitest';
import {
  type EmfDocument,
  metricsFunctionName,
  runMetrics,
  writeMetrics,
} from '../../../lambda/adapters/runMetrics.js';
import { RUN_METRIC_UNITS } from '../../../lambda/core/metricNames.js';
import type { SourceReport } from '../../../lambda/core/model.js';
import { sourceOf, theRecordedRunReport } from '../../support/builders/runReports.js';

const FUNCTION = 'Tributary-PipelineFunction-abc123';

/**
 * What CloudWatch requires of an EMF document: metadata under `_aws` with an epoch-ms timestamp,
 * one directive naming namespace, dimension sets and metrics with units, the dimension values and
 * every metric's value (a number or at most 100 numbers) at the top level.
 */
function expectValidEmf(document: EmfDocument): void {
  expect(Number.isInteger(document._aws.Timestamp)).toBe(true);
  expect(document._aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = document._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe('Tributary');
  expect(directive!.Dimensions).toEqual([['FunctionName']]);
  expect(typeof document.FunctionName).toBe('string');
  expect(directive!.Metrics.length).toBeGreaterThan(0);
  for (const { Name, Unit } of directive!.Metrics) {
    expect(Unit).toBe(RUN_METRIC_UNITS[Name]);
    const value = document[Name];
    if (Array.isArray(value)) {
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(100);
      for (const v of value) expect(Number.isFinite(v)).toBe(true);
    } else {
      expect(Number.isFinite(value)).toBe(true);
    }
  }
  const metricKeys = Object.keys(document).filter((key) => key in RUN_METRIC_UNITS);
  expect(metricKeys.sort()).toEqual(directive!.Metrics.map((metric) => metric.Name).sort());
}

/** `count` fetched sources whose latencies are 1, 2, 3, … ms. */
function fetchedSources(count: number): SourceReport[] {
  const template = sourceOf(theRecordedRunReport(), 'ok');
  return Array.from({ length: count }, (_, i) => ({ ...template, id: `source-${i}`, durationMs: i + 1 }));
}

describe('the metrics of a run', () => {
  test(
    'are one valid EMF document in namespace Tributary with the FunctionName dimension, stamped with the finish ' +
      'time',
    () => {
      const documents = runMetrics(theRecordedRunReport(), FUNCTION);
      expect(documents).toHaveLength(1);
      const [document] = documents;
      expectValidEmf(document!);
      expect(document!._aws.Timestamp).toBe(Date.parse('2025-03-01T10:00:04.250Z'));
      expect(document!.FunctionName).toBe(FUNCTION);
      expect(document!.runId).toBe('20250301T100000Z-scheduled');
    },
  );

  test('count sources by outcome, items, bytes and the run duration, with their units', () => {
    const [document] = runMetrics(theRecordedRunReport(), FUNCTION);
    expect(document).toMatchObject({
      SourcesOk: 1,
      SourcesFailed: 1,
      SourcesNotModified: 1,
      SourcesSkipped: 1,
      ItemsTotal: 42,
      ItemsNew: 3,
      BytesFetched: 18500,
      RunDurationMs: 4250,
    });
    const units = Object.fromEntries(document!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]));
    expect(units).toMatchObject({
      SourcesOk: 'Count',
      BytesFetched: 'Bytes',
      RunDurationMs: 'Milliseconds',
      SourceLatencyMs: 'Milliseconds',
    });
  });

  test('count the sources read only by the recovery path, so broken feeds show on a graph', () => {
    const [ok] = fetchedSources(1);
    const recovered = { ...ok!, id: 'broken', recovered: 'unexpected end of title at line 3, column 9' };
    const [document] = runMetrics(theRecordedRunReport({ sources: [ok!, recovered] }), FUNCTION);
    expect(document!.SourcesRecovered).toBe(1);
    expect(runMetrics(theRecordedRunReport({ sources: [ok!] }), FUNCTION)[0]!.SourcesRecovered).toBe(0);
  });

  test("carry the run's phases, which add up to its duration, in milliseconds", () => {
    const [document] = runMetrics(theRecordedRunReport(), FUNCTION);
    expect(document).toMatchObject({ RunSetupMs: 35, RunFetchMs: 4030, RunTailMs: 185 });
    const phases = [document!.RunSetupMs, document!.RunFetchMs, document!.RunTailMs] as number[];
    expect(phases.reduce((sum, ms) => sum + ms, 0)).toBe(document!.RunDurationMs);
    const units = Object.fromEntries(document!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]));
    expect(units).toMatchObject({ RunSetupMs: 'Milliseconds', RunFetchMs: 'Milliseconds', RunTailMs: 'Milliseconds' });
  });

  test('give each fetched source latency as one value of a distribution; resting sources were not fetched', () => {
    const [document] = runMetrics(theRecordedRunReport(), FUNCTION);
    expect(document!.SourceLatencyMs).toEqual([812, 95, 3120]);
  });

  test.each([
    ['ok', 1],
    ['partial', 1],
    ['failed', 0],
  ] as const)('mark a run with status %s as RunSucceeded %d', (status, succeeded) => {
    expect(runMetrics(theRecordedRunReport({ status }), FUNCTION)[0]!.RunSucceeded).toBe(succeeded);
  });

  test('spread more than 100 latencies over further documents of at most 100, the run counts only in the first', () => {
    const sources = fetchedSources(250);
    const documents = runMetrics(theRecordedRunReport({ sources }), FUNCTION);
    expect(documents).toHaveLength(3);
    documents.forEach(expectValidEmf);
    expect(documents.map((d) => (d.SourceLatencyMs as number[]).length)).toEqual([100, 100, 50]);
    expect(documents.flatMap((d) => d.SourceLatencyMs)).toEqual(sources.map((s) => s.durationMs));
    expect(documents[0]!.SourcesOk).toBe(1);
    for (const later of documents.slice(1)) {
      expect(later._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'SourceLatencyMs', Unit: 'Milliseconds' }]);
      expect(later._aws.Timestamp).toBe(documents[0]!._aws.Timestamp);
    }
  });

  test('declare no latency when no source was fetched', () => {
    const report = theRecordedRunReport({ sources: [sourceOf(theRecordedRunReport(), 'skipped')] });
    const [document] = runMetrics(report, FUNCTION);
    expectValidEmf(document!);
    expect(document).not.toHaveProperty('SourceLatencyMs');
  });

  test('are not emitted for a dry run, which publishes nothing and must not count as a successful run', () => {
    expect(runMetrics(theRecordedRunReport({ dryRun: true }), FUNCTION)).toEqual([]);
  });
});

describe('writing metrics', () => {
  test('puts each document on its own line as JSON', () => {
    const documents = runMetrics(theRecordedRunReport({ sources: fetchedSources(150) }), FUNCTION);
    let written = '';
    writeMetrics(documents, { write: (chunk: string) => (written += chunk) });
    expect(written.endsWith('\n')).toBe(true);
    expect(
      written
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(documents);
  });
});

describe('the FunctionName dimension', () => {
  test("is the Lambda function's name, or local outside Lambda", () => {
    expect(metricsFunctionName({ AWS_LAMBDA_FUNCTION_NAME: FUNCTION })).toBe(FUNCTION);
    expect(metricsFunctionName({})).toBe('local');
  });
});
