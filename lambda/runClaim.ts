import type { RunReport } from './model.js';
import type { Store } from './store/store.js';

/** What an invocation found when it tried to claim its run id. */
export type ClaimResult =
  | { kind: 'claimed' }
  /** An earlier invocation finished this run, notification included: do nothing again. */
  | { kind: 'published'; report: RunReport }
  /** An earlier invocation wrote the outputs but could not notify: only the notification is left. */
  | { kind: 'unpublished'; report: RunReport }
  /** An earlier invocation holds the claim and may still be running. */
  | { kind: 'busy'; claimedAt: string; expiresAt: string };

interface ClaimBody {
  claimedAt: string;
  expiresAt: string;
}

const STATE_JSON = { contentType: 'application/json', cacheControl: 'no-store' };

export const claimKey = (runId: string) => `state/runs/${runId}.claim.json`;
export const publishedKey = (runId: string) => `state/runs/${runId}.published.json`;
export const reportKey = (runId: string) => `runs/${runId}.json`;

/**
 * Scheduled deliveries can be retried or duplicated; the run id is the schedule's time, so the
 * first invocation to create the claim object (an S3 conditional write) owns the run. A claim
 * outlives its owner only until `expiresAt` (the owner's Lambda deadline): after that the owner
 * is dead and a retry takes the run over instead of leaving it undone.
 */
export async function claimRun(store: Store, runId: string, now: number, expiresAt: number): Promise<ClaimResult> {
  const body: ClaimBody = { claimedAt: new Date(now).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
  if (await store.putIfAbsent(claimKey(runId), JSON.stringify(body), STATE_JSON)) return { kind: 'claimed' };

  const report = await readReport(store, runId);
  if (report) {
    const published = await store.get(publishedKey(runId));
    return { kind: published === undefined ? 'unpublished' : 'published', report };
  }
  const earlier = JSON.parse((await store.get(claimKey(runId))) ?? '{}') as Partial<ClaimBody>;
  const earlierExpiry = Date.parse(earlier.expiresAt ?? '');
  if (Number.isFinite(earlierExpiry) && earlierExpiry > now) {
    return { kind: 'busy', claimedAt: earlier.claimedAt ?? '?', expiresAt: earlier.expiresAt ?? '?' };
  }
  // Reserved concurrency 1 means no two invocations race for an expired claim.
  await store.put(claimKey(runId), JSON.stringify(body), STATE_JSON);
  return { kind: 'claimed' };
}

export async function markPublished(store: Store, runId: string, now: number): Promise<void> {
  await store.put(publishedKey(runId), JSON.stringify({ publishedAt: new Date(now).toISOString() }), STATE_JSON);
}

async function readReport(store: Store, runId: string): Promise<RunReport | undefined> {
  const text = await store.get(reportKey(runId));
  return text === undefined ? undefined : (JSON.parse(text) as RunReport);
}
