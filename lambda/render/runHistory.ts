import type { RunStatus, Summary } from '../core/model.js';

/** One earlier run as the report page charts it: small, so the last runs fit in the state file. */
export interface RunHistoryEntry {
  runId: string;
  status: RunStatus;
  /** RFC 3339. */
  startedAt: string;
  durationMs: number;
  counts: { sources: number; failed: number };
}

/** Runs the report page charts, the current one included. */
export const RUN_HISTORY_LENGTH = 30;

/**
 * The history with this run last, at most RUN_HISTORY_LENGTH runs, oldest first. A run already in
 * the history (a retried invocation) is replaced, not repeated, so appending twice changes nothing.
 * Dry runs are left out: they publish nothing, so no reader saw them.
 */
export function appendRunHistory(history: readonly RunHistoryEntry[], summary: Summary): RunHistoryEntry[] {
  if (summary.dryRun) return [...history].slice(-RUN_HISTORY_LENGTH);
  const entry: RunHistoryEntry = {
    runId: summary.runId,
    status: summary.status,
    startedAt: summary.startedAt,
    durationMs: summary.durationMs,
    counts: { sources: summary.counts.sources, failed: summary.counts.failed },
  };
  return [...history.filter((earlier) => earlier.runId !== summary.runId), entry].slice(-RUN_HISTORY_LENGTH);
}
