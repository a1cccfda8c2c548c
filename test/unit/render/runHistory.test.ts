import { describe, expect, it } from 'vitest';
import { appendRunHistory, RUN_HISTORY_LENGTH } from '../../../lambda/render/runHistory.js';
import { aHistoryEntry, aRunReport, aSourceReport } from '../../support/builders/runReports.js';

describe('appendRunHistory', () => {
  it('adds the run last with its status, start, duration and source counts', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport(),
      aSourceReport({ id: 'down', status: 'failed', error: 'timed out', errorCode: 'timeout' }),
    ]);

    // Act
    const history = appendRunHistory([aHistoryEntry(0, { runId: 'earlier' })], report);

    // Assess
    expect(history).toEqual([
      aHistoryEntry(0, { runId: 'earlier' }),
      {
        runId: report.runId,
        status: 'partial',
        startedAt: '2025-03-01T10:05:00.000Z',
        durationMs: 2500,
        counts: { sources: 2, failed: 1 },
      },
    ]);
  });

  it(`keeps only the last ${RUN_HISTORY_LENGTH} runs, dropping the oldest`, () => {
    // Prepare
    const full = Array.from({ length: RUN_HISTORY_LENGTH }, (_, index) => aHistoryEntry(index));

    // Act
    const history = appendRunHistory(full, aRunReport());

    // Assess
    expect(history).toHaveLength(RUN_HISTORY_LENGTH);
    expect(history[0]?.runId).toBe('run-1');
    expect(history.at(-1)?.runId).toBe(aRunReport().runId);
  });

  it('records a retried run once, as its latest attempt, so appending twice changes nothing', () => {
    // Prepare
    const report = aRunReport();
    const once = appendRunHistory(
      [
        aHistoryEntry(0, { runId: 'a' }),
        aHistoryEntry(1, { runId: report.runId, durationMs: 1 }),
        aHistoryEntry(0, { runId: 'b' }),
      ],
      report,
    );

    // Act
    const twice = appendRunHistory(once, report);

    // Assess
    expect(once.map((entry) => entry.runId)).toEqual(['a', 'b', report.runId]);
    expect(once.at(-1)?.durationMs).toBe(2500);
    expect(twice).toEqual(once);
  });

  it('leaves dry runs out: they publish nothing', () => {
    // Act
    const history = appendRunHistory([aHistoryEntry(0, { runId: 'earlier' })], aRunReport(undefined, { dryRun: true }));

    // Assess
    expect(history).toEqual([aHistoryEntry(0, { runId: 'earlier' })]);
  });
});
