import { describe, expect, it } from 'vitest';
import { runTimings } from '../../../lambda/run/summary.js';

describe("a run's timings", () => {
  it('split the run at the start and end of fetching', () => {
    expect(runTimings(1_000, { startedAt: 1_040, endedAt: 2_540 }, 2_650)).toEqual({
      setupMs: 40,
      fetchMs: 1_500,
      tailMs: 110,
    });
  });

  it.each([
    ['fetching began before the run, by another clock', { startedAt: 900, endedAt: 1_500 }],
    ['fetching ended after the report was made', { startedAt: 1_100, endedAt: 2_700 }],
    ['the marks are in the wrong order', { startedAt: 1_600, endedAt: 1_200 }],
    ['both marks lie outside the run', { startedAt: 500, endedAt: 9_000 }],
  ])('never go negative and add up to the duration when %s', (_case, fetchPhase) => {
    const timings = runTimings(1_000, fetchPhase, 2_000);

    expect(timings.setupMs + timings.fetchMs + timings.tailMs).toBe(1_000);
    for (const phase of Object.values(timings)) expect(phase).toBeGreaterThanOrEqual(0);
  });
});
