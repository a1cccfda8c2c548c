import { readFileSync } from 'node:fs';
import type { RunReport, SourceReport } from '../../../lambda/core/model.js';

/** A partial run with one source of each status; the failed one has credentials in its URL. */
export function aRunReport(overrides: Partial<RunReport> = {}): RunReport {
  const report = JSON.parse(
    readFileSync(new URL('../../fixtures/observe/run-report.json', import.meta.url), 'utf8'),
  ) as RunReport;
  return { ...report, ...overrides };
}

export function sourceOf(report: RunReport, status: SourceReport['status']): SourceReport {
  const source = report.sources.find((s) => s.status === status);
  if (!source) throw new Error(`the fixture has no ${status} source`);
  return source;
}
