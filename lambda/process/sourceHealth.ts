import type { FailureCode } from '../core/errors.js';
import type { SourceState } from './sourceState.js';

/** Failures in a row after which a source counts as broken and is tried less often. */
export const BROKEN_AFTER_FAILURES = 3;
const FIRST_BACKOFF_MS = 30 * 60 * 1000; // 30 min
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000; // 24 h: a broken source is still tried daily, never disabled
/** Runs in a row a permanent redirect must be seen before we tell the user the source moved. */
export const MOVED_AFTER_RUNS = 3;

/**
 * Failures that say nothing about the source's health: a 429 is the publisher asking us to slow
 * down, `deadline` is our own run running out of time, and an unreadable secret is ours to fix
 * (resting the source would delay it by hours after the fix).
 */
const NOT_THE_SOURCES_FAULT: ReadonlySet<FailureCode> = new Set(['rate_limited', 'deadline', 'secret_unavailable']);

type Health = Pick<SourceState, 'failureStreak' | 'nextAttemptAt'>;

/** Whether a broken source sits this run out. Sources asked for by name are always tried. */
export function isResting(state: SourceState | undefined, now: number): boolean {
  return state?.nextAttemptAt !== undefined && Date.parse(state.nextAttemptAt) > now;
}

export function afterSuccess(): Health {
  return { failureStreak: 0, nextAttemptAt: undefined };
}

/** Backs off exponentially once broken (30 min, 1 h, 2 h … 24 h); a success resets it. */
export function afterFailure(previous: SourceState | undefined, code: FailureCode, now: number): Health {
  const streak = previous?.failureStreak ?? 0;
  if (NOT_THE_SOURCES_FAULT.has(code)) return { failureStreak: streak, nextAttemptAt: previous?.nextAttemptAt };
  const failureStreak = streak + 1;
  if (failureStreak < BROKEN_AFTER_FAILURES) return { failureStreak, nextAttemptAt: undefined };
  const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failureStreak - BROKEN_AFTER_FAILURES));
  return { failureStreak, nextAttemptAt: new Date(now + backoff).toISOString() };
}

/** Counts the runs in a row that redirected permanently to the same place. */
export function trackRedirect(
  previous: SourceState | undefined,
  permanentRedirect: string | undefined,
): SourceState['redirect'] {
  if (permanentRedirect === undefined) return undefined;
  const runs = previous?.redirect?.to === permanentRedirect ? previous.redirect.runs + 1 : 1;
  return { to: permanentRedirect, runs };
}

export function movedTo(redirect: SourceState['redirect']): string | undefined {
  return redirect && redirect.runs >= MOVED_AFTER_RUNS ? redirect.to : undefined;
}
