import { randomBytes } from 'node:crypto';
import { compactTimestamp } from '../core/compactTimestamp.js';
import type { RunRequest } from '../input/event.js';
import { runIdForInvocation } from './runClaim.js';
import type { Store } from './store.js';

/**
 * The run's id: by its schedule time, or for an ad hoc run retried under the same invocation id,
 * the id its first delivery chose (a dry run writes nothing, so it records nothing either).
 */
export async function runIdOf(
  request: RunRequest,
  now: number,
  invocationId: string | undefined,
  store: Store,
): Promise<string> {
  const candidate = runIdFor(request, now);
  if (request.scheduledTime || request.dryRun || invocationId === undefined) return candidate;
  return runIdForInvocation(store, invocationId, candidate);
}

/**
 * Scheduled runs are named by their schedule time, so a retried delivery is the same run; ad hoc
 * runs get a fresh name. Names sort by time, so `runs/` lists in order.
 */
export function runIdFor(request: RunRequest, now: number): string {
  if (request.scheduledTime) return `${compactTimestamp(request.scheduledTime)}-scheduled`;
  return `${compactTimestamp(now)}-adhoc-${randomBytes(3).toString('hex')}`;
}
