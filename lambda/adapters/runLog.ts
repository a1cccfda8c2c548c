import type { RunReport, RunStatus, SourceReport, SourceStatus } from '../core/model.js';
import { redactUrl, redactUrls } from '../core/redactUrl.js';
import type { LogWriter } from './logger.js';

const SOURCE_MESSAGES: Record<SourceStatus, string> = {
  ok: 'source fetched',
  not_modified: 'source not modified',
  failed: 'source failed',
  skipped: 'source skipped: resting after repeated failures',
};
const RUN_LEVELS: Record<RunStatus, 'info' | 'warn' | 'error'> = { ok: 'info', partial: 'warn', failed: 'error' };

/**
 * One line per source outcome, then one line for the run, each carrying `runId` so a Logs
 * Insights query can gather a run. Only the fields named here are written: never response
 * bodies, validators or item content, and URLs without credentials or query strings.
 */
export function logRun(logger: LogWriter, report: RunReport): void {
  for (const source of report.sources) logSource(logger, report.runId, source);
  logger[RUN_LEVELS[report.status]]({
    message: 'run finished',
    runId: report.runId,
    status: report.status,
    dryRun: report.dryRun,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    durationMs: report.durationMs,
    timings: report.timings,
    counts: report.counts,
  });
}

/** A failed source is a warning, not an error: one bad source never fails the run. */
function logSource(logger: LogWriter, runId: string, source: SourceReport): void {
  const line = {
    message: SOURCE_MESSAGES[source.status],
    runId,
    sourceId: source.id,
    status: source.status,
    url: redactUrl(source.url),
    httpStatus: source.httpStatus,
    items: source.items,
    newItems: source.newItems,
    bytes: source.bytes,
    durationMs: source.durationMs,
    attempts: source.attempts,
    failureStreak: source.failureStreak,
    ...(source.errorCode ? { errorCode: source.errorCode } : {}),
    ...(source.error ? { error: redactUrls(source.error) } : {}),
    ...(source.nextAttemptAt ? { nextAttemptAt: source.nextAttemptAt } : {}),
    ...(source.movedTo ? { movedTo: redactUrl(source.movedTo) } : {}),
  };
  if (source.status === 'failed') logger.warn(line);
  else logger.info(line);
}
