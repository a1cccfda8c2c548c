import { describe, expect, it } from 'vitest';
import type { FailureCode } from '../../../lambda/core/errors.js';
import { afterFailure, afterSuccess, BROKEN_AFTER_FAILURES } from '../../../lambda/process/sourceHealth.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';

const NOW = Date.parse('2026-11-26T05:00:00Z');
const HOUR = 60 * 60 * 1000;
const withStreak = (failureStreak: number): SourceState => ({ seenIds: [], failureStreak });

describe('source health', () => {
  it.each<FailureCode>(['rate_limited', 'deadline', 'secret_unavailable'])(
    'a %s failure is not the source’s fault: the streak and the resting time stay as they were',
    (code) => {
      const nextAttemptAt = new Date(NOW + 60_000).toISOString();
      const previous = { ...withStreak(BROKEN_AFTER_FAILURES), nextAttemptAt };

      expect(afterFailure(previous, code, NOW)).toEqual({ failureStreak: BROKEN_AFTER_FAILURES, nextAttemptAt });
    },
  );

  it('backs off 30 min, 1 h, 2 h … once broken, and never longer than 24 h', () => {
    const wait = (streak: number) =>
      Date.parse(afterFailure(withStreak(streak - 1), 'http_status', NOW).nextAttemptAt ?? '') - NOW;

    expect(afterFailure(withStreak(BROKEN_AFTER_FAILURES - 2), 'http_status', NOW).nextAttemptAt).toBeUndefined();
    expect([wait(BROKEN_AFTER_FAILURES), wait(BROKEN_AFTER_FAILURES + 1), wait(BROKEN_AFTER_FAILURES + 2)]).toEqual([
      HOUR / 2,
      HOUR,
      2 * HOUR,
    ]);
    expect(wait(BROKEN_AFTER_FAILURES + 10)).toBe(24 * HOUR);
    expect(wait(BROKEN_AFTER_FAILURES + 1000)).toBe(24 * HOUR);
  });

  it('a success forgets the streak and the resting time', () => {
    expect(afterSuccess()).toEqual({ failureStreak: 0, nextAttemptAt: undefined });
  });
});
