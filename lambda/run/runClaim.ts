import type { Item, RunReport } from '../core/model.js';
import { RUN_CLAIMS_FOLDER, reportKey } from '../core/storageLayout.js';
import { INTERNAL_JSON, type Store } from './store.js';

/** What an invocation found when it tried to claim its run id. */
export type ClaimResult =
  | { kind: 'claimed' }
  /** An earlier invocation finished this run, notification included: do nothing again. */
  | { kind: 'published'; report: RunReport }
  /**
   * An earlier invocation wrote the report, outputs and state but could not notify: only the
   * notification is left, with the new items it was to list.
   */
  | { kind: 'unpublished'; report: RunReport; newItems: Item[] }
  /** An earlier invocation holds the claim and may still be running. */
  | { kind: 'busy'; claimedAt: string; expiresAt: string };

interface ClaimBody {
  claimedAt: string;
  expiresAt: string;
}

interface WrittenBody {
  writtenAt: string;
  newItems: readonly Item[];
}

/** Where an ad hoc run's id is recorded under the invocation that started it. */
const invocationKey = (invocationId: string) =>
  `${RUN_CLAIMS_FOLDER}invocations/${invocationId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
const claimKey = (runId: string) => `${RUN_CLAIMS_FOLDER}${runId}.claim.json`;
/** Written after the last output and state: the run's data is complete. */
const writtenKey = (runId: string) => `${RUN_CLAIMS_FOLDER}${runId}.written.json`;
const publishedKey = (runId: string) => `${RUN_CLAIMS_FOLDER}${runId}.published.json`;

/**
 * The run id an invocation goes by: the one its first delivery recorded, or `candidate`, now
 * recorded. Lambda retries an asynchronous event with the same request id (and Step Functions
 * retries a step within the same execution), but a minute later: the id, not the clock, tells a
 * retry from a new run, and the recorded name keeps run ids sorting by time.
 */
export async function runIdForInvocation(store: Store, invocationId: string, candidate: string): Promise<string> {
  const key = invocationKey(invocationId);
  if (await store.putIfAbsent(key, JSON.stringify({ runId: candidate }), INTERNAL_JSON)) return candidate;
  const { runId } = JSON.parse((await store.get(key)) ?? '{}') as { runId?: unknown };
  return typeof runId === 'string' && runId.length > 0 ? runId : candidate;
}

/**
 * Scheduled deliveries can be retried or duplicated; the run id is the schedule's time, so the
 * first invocation to create the claim object (an S3 conditional write) owns the run. A claim
 * outlives its owner only until `expiresAt` (the owner's Lambda deadline): after that the owner
 * is dead and a retry takes the run over instead of leaving it undone.
 */
export async function claimRun(store: Store, runId: string, now: number, expiresAt: number): Promise<ClaimResult> {
  const body: ClaimBody = { claimedAt: new Date(now).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
  if (await store.putIfAbsent(claimKey(runId), JSON.stringify(body), INTERNAL_JSON)) return { kind: 'claimed' };

  // The report is written first, so it alone proves nothing: only the marker written after the
  // outputs and state says the data is complete and just the notification may be missing.
  const written = await store.get(writtenKey(runId));
  if (written !== undefined) {
    const report = JSON.parse((await store.get(reportKey(runId))) ?? '{}') as RunReport;
    if ((await store.get(publishedKey(runId))) !== undefined) return { kind: 'published', report };
    const { newItems } = JSON.parse(written) as Partial<WrittenBody>;
    return { kind: 'unpublished', report, newItems: Array.isArray(newItems) ? newItems : [] };
  }
  const earlier = JSON.parse((await store.get(claimKey(runId))) ?? '{}') as Partial<ClaimBody>;
  const earlierExpiry = Date.parse(earlier.expiresAt ?? '');
  if (Number.isFinite(earlierExpiry) && earlierExpiry > now) {
    return { kind: 'busy', claimedAt: earlier.claimedAt ?? '?', expiresAt: earlier.expiresAt ?? '?' };
  }
  // Reserved concurrency 1 means no two invocations race for an expired claim.
  await store.put(claimKey(runId), JSON.stringify(body), INTERNAL_JSON);
  return { kind: 'claimed' };
}

/**
 * An invocation that failed before its data was complete gives the run up at once, so Lambda's
 * retry a minute later takes it over instead of finding it "busy" until the dead owner's
 * deadline. Best effort: the claim still expires by itself.
 */
export async function releaseClaim(store: Store, runId: string, now: number): Promise<void> {
  const body: ClaimBody = { claimedAt: new Date(now).toISOString(), expiresAt: new Date(now).toISOString() };
  await store.put(claimKey(runId), JSON.stringify(body), INTERNAL_JSON).catch(() => undefined);
}

/** @param newItems what the notification lists (headlines, a few), kept for a retry that only notifies */
export async function markWritten(store: Store, runId: string, now: number, newItems: readonly Item[]): Promise<void> {
  const body: WrittenBody = { writtenAt: new Date(now).toISOString(), newItems };
  await store.put(writtenKey(runId), JSON.stringify(body), INTERNAL_JSON);
}

export async function markPublished(store: Store, runId: string, now: number): Promise<void> {
  await store.put(publishedKey(runId), JSON.stringify({ publishedAt: new Date(now).toISOString() }), INTERNAL_JSON);
}
