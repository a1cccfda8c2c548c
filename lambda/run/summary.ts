import type { RunReport, RunStatus, RunTimings, SourceReport, Summary } from '../core/model.js';
import { redactUrl, redactUrls } from '../core/redactUrl.js';

/**
 * Over the sources this run tried (resting ones were not tried, so they count neither way):
 * `ok` when none failed, `failed` when every one failed, else `partial`.
 */
export function runStatus(reports: readonly SourceReport[]): RunStatus {
  const failed = reports.filter((report) => report.status === 'failed').length;
  if (failed === 0) return 'ok';
  const tried = reports.filter((report) => report.status !== 'skipped').length;
  return failed === tried ? 'failed' : 'partial';
}

/** When every source it tried failed, a run leaves the latest outputs as they were: the last good ones. */
export function publishesLatest(status: RunStatus): boolean {
  return status !== 'failed';
}

/**
 * The run report: the summary, then one line per source. The summary is also the SNS message and
 * the handler's result, so its URLs and errors are redacted; the per-source lines keep each
 * source's full URL for whoever may read the private bucket.
 */
export function summarize(input: {
  runId: string;
  dryRun: boolean;
  startedAt: number;
  finishedAt: number;
  fetchPhase: FetchPhase;
  reports: readonly SourceReport[];
  publishedItems: number;
  outputs: Summary['outputs'];
}): RunReport {
  const { reports } = input;
  const count = (status: SourceReport['status']) => reports.filter((report) => report.status === status).length;
  return {
    runId: input.runId,
    status: runStatus(reports),
    dryRun: input.dryRun,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    durationMs: input.finishedAt - input.startedAt,
    timings: runTimings(input.startedAt, input.fetchPhase, input.finishedAt),
    counts: {
      sources: reports.length,
      ok: count('ok'),
      notModified: count('not_modified'),
      failed: count('failed'),
      skipped: count('skipped'),
      items: input.publishedItems,
      newItems: reports.reduce((total, report) => total + report.newItems, 0),
      bytes: reports.reduce((total, report) => total + report.bytes, 0),
    },
    outputs: input.outputs,
    failures: reports
      .filter((report) => report.status === 'failed')
      .map((report) => ({
        id: report.id,
        url: redactUrl(report.url),
        error: redactUrls(report.error ?? ''),
        code: report.errorCode ?? 'internal',
      })),
    moved: reports.flatMap((report) =>
      report.movedTo ? [{ id: report.id, url: redactUrl(report.url), movedTo: redactUrl(report.movedTo) }] : [],
    ),
    sources: [...reports],
  };
}

/** When a run's fetching began and when its last source was settled, epoch ms. */
export interface FetchPhase {
  startedAt: number;
  endedAt: number;
}

/**
 * The three phases between `startedAt` and `finishedAt`. A sharded run's marks come from several
 * machines' clocks, so each is held between its neighbours: the phases never go negative and
 * always add up to the run's duration.
 */
export function runTimings(startedAt: number, fetchPhase: FetchPhase, finishedAt: number): RunTimings {
  const within = (mark: number, low: number, high: number) => Math.min(Math.max(mark, low), high);
  const fetchStarted = within(fetchPhase.startedAt, startedAt, finishedAt);
  const fetchEnded = within(fetchPhase.endedAt, fetchStarted, finishedAt);
  return {
    setupMs: fetchStarted - startedAt,
    fetchMs: fetchEnded - fetchStarted,
    tailMs: finishedAt - fetchEnded,
  };
}

/** The summary is the head of the report: everything but the per-source lines. */
export function headOf(report: RunReport): Summary {
  const { sources: _sources, ...summary } = report;
  return summary;
}
