// Run reports as tests need them: built the way the pipeline builds them, or the recorded one.
import type { RunReport, SourceReport } from '../../../lambda/core/model.js';
import type { RunHistoryEntry } from '../../../lambda/render/runHistory.js';
import { summarize } from '../../../lambda/run/summary.js';
import { readFixture } from '../fixtures.js';

export function aSourceReport(overrides: Partial<SourceReport> = {}): SourceReport {
  return {
    id: 'example',
    url: 'https://example.com/feed.xml',
    status: 'ok',
    httpStatus: 200,
    items: 1,
    newItems: 1,
    bytes: 1234,
    durationMs: 87,
    attempts: 1,
    failureStreak: 0,
    ...overrides,
  };
}

/** A run report whose counts and failures agree with its sources, as the pipeline builds it. */
export function aRunReport(sources: SourceReport[] = [aSourceReport()], overrides: Partial<RunReport> = {}): RunReport {
  const report = summarize({
    runId: '2025-03-01T10-05-00Z-abc123',
    dryRun: false,
    startedAt: Date.parse('2025-03-01T10:05:00.000Z'),
    finishedAt: Date.parse('2025-03-01T10:05:02.500Z'),
    fetchPhase: { startedAt: Date.parse('2025-03-01T10:05:00.040Z'), endedAt: Date.parse('2025-03-01T10:05:02.300Z') },
    reports: sources,
    publishedItems: sources.reduce((sum, source) => sum + source.items, 0),
    outputs: { feedJson: 'feed.json', feedXml: 'feed.xml', html: 'index.html', report: 'runs/x.json' },
  });
  return { ...report, ...overrides };
}

/** A recorded partial run with one source of each status; the failed one has credentials in its URL. */
export function theRecordedRunReport(overrides: Partial<RunReport> = {}): RunReport {
  const report = JSON.parse(readFixture('observe/run-report.json').toString('utf8')) as RunReport;
  return { ...report, ...overrides };
}

/** The first source of `report` with `status`; fails the test when there is none. */
export function sourceOf(report: RunReport, status: SourceReport['status']): SourceReport {
  const source = report.sources.find((s) => s.status === status);
  if (!source) throw new Error(`the report has no ${status} source`);
  return source;
}

/**
 * An earlier run in the history: the `index`-th hour from 2025-02-28 00:00 UTC, 1 s long, none of
 * its 4 sources failed. `failed` sets the failed count and makes the run partial.
 */
export function aHistoryEntry(
  index: number,
  { failed = 0, ...overrides }: Partial<RunHistoryEntry> & { failed?: number } = {},
): RunHistoryEntry {
  return {
    runId: `run-${index}`,
    status: failed > 0 ? 'partial' : 'ok',
    startedAt: new Date(Date.UTC(2025, 1, 28, index)).toISOString(),
    durationMs: 1000,
    counts: { sources: 4, failed },
    ...overrides,
  };
}
