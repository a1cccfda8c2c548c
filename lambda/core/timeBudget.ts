/** Writing outputs and publishing after the fetches takes a few S3 and SNS calls. */
const MIN_RESERVE_MS = 3 * 1000; // 3 s
const MAX_RESERVE_MS = 30 * 1000; // 30 s
const RESERVE_SHARE = 0.2;

/**
 * When fetching must be over so the run can still write its outputs and notify before the
 * Lambda is killed: a run always ends with a report, never with a timeout.
 */
export function deadlineForFetching(startedAt: number, hardDeadline: number): number {
  const budget = Math.max(0, hardDeadline - startedAt);
  const reserve = Math.min(MAX_RESERVE_MS, Math.max(MIN_RESERVE_MS, budget * RESERVE_SHARE));
  return startedAt + Math.max(0, budget - reserve);
}
