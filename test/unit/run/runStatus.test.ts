import { describe, expect, it } from 'vitest';
import type { SourceReport, SourceStatus } from '../../../lambda/core/model.js';
import { runStatus, summarize } from '../../../lambda/run/summary.js';

const lines = (...statuses: SourceStatus[]): SourceReport[] =>
  statuses.map((status, index) => ({
    id: `s${index}`,
    url: `https://s${index}.example/feed`,
    status,
    httpStatus: null,
    items: 0,
    newItems: 0,
    bytes: 0,
    durationMs: 0,
    attempts: 0,
    failureStreak: 0,
  }));

describe('run status', () => {
  it.each([
    ['every source fetched', lines('ok', 'ok'), 'ok'],
    ['every source unchanged', lines('not_modified', 'not_modified'), 'ok'],
    ['some failed', lines('ok', 'failed'), 'partial'],
    ['every tried source failed', lines('failed', 'failed'), 'failed'],
    ['every tried source failed, others resting', lines('failed', 'skipped'), 'failed'],
    ['one fetched, others resting', lines('ok', 'skipped'), 'ok'],
    ['every source resting: nothing was tried, nothing failed', lines('skipped', 'skipped'), 'ok'],
  ] as const)('%s → %s', (_case, reports, status) => {
    expect(runStatus(reports)).toBe(status);
  });
});

describe('the summary', () => {
  it('shows failed and moved sources by scheme, host and path; the per-source lines keep the full URL', () => {
    const [failed, moved] = lines('failed', 'ok');
    const sources = [
      { ...failed!, url: 'https://u:p@a.example/feed?key=K1', error: "last to https://a.example/x'1?key=K2" },
      { ...moved!, url: 'https://b.example/feed?key=K3', movedTo: 'https://c.example/feed?key=K4' },
    ];

    const report = summarize({
      runId: 'r',
      dryRun: false,
      startedAt: 0,
      finishedAt: 1,
      fetchPhase: { startedAt: 0, endedAt: 1 },
      reports: sources,
      publishedItems: 0,
      outputs: {
        feedJson: 'feed.json',
        feedXml: 'feed.xml',
        html: 'index.html',
        status: 'status.html',
        report: 'runs/r.json',
      },
    });

    expect(report.failures).toEqual([
      { id: 's0', url: 'https://a.example/feed', error: "last to https://a.example/x'1", code: 'internal' },
    ]);
    expect(report.moved).toEqual([{ id: 's1', url: 'https://b.example/feed', movedTo: 'https://c.example/feed' }]);
    expect(report.sources).toEqual(sources);
  });
});
