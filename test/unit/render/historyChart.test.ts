import { describe, expect, it } from 'vitest';
import { historyChart } from '../../../lambda/render/historyChart.js';
import { RUN_HISTORY_LENGTH } from '../../../lambda/render/runHistory.js';
import { aHistoryEntry } from '../../support/builders/runReports.js';
import { HOSTILE_TEXT } from './builders.js';

interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  tooltip: string;
}

function bars(svg: string, kind: 'duration' | 'failures'): Bar[] {
  const pattern = new RegExp(
    `<rect class="${kind}" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"><title>([^<]*)</title></rect>`,
    'g',
  );
  return [...svg.matchAll(pattern)].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
    width: Number(match[3]),
    height: Number(match[4]),
    tooltip: match[5]!,
  }));
}

function viewBoxWidth(svg: string): number {
  return Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
}

describe('historyChart', () => {
  it('scales each panel to its own largest value, on one baseline per panel', () => {
    // Prepare
    const history = [
      aHistoryEntry(0, { durationMs: 1000, failed: 0 }),
      aHistoryEntry(1, { durationMs: 2000, failed: 1 }),
      aHistoryEntry(2, { durationMs: 4000, failed: 2 }),
    ];

    // Act
    const svg = historyChart(history);

    // Assess
    const durations = bars(svg, 'duration');
    const failures = bars(svg, 'failures');
    const tallestDuration = durations[2]!.height;
    const tallestFailures = failures[2]!.height;
    // Within the rounding of coordinates to a tenth of a unit.
    expect(durations.map((bar) => bar.height / tallestDuration)).toEqual(
      [0.25, 0.5, 1].map((share) => expect.closeTo(share, 2)),
    );
    expect(failures.map((bar) => bar.height / tallestFailures)).toEqual(
      [0, 0.5, 1].map((share) => expect.closeTo(share, 2)),
    );
    expect(new Set(durations.map((bar) => bar.y + bar.height)).size).toBe(1);
    expect(new Set(failures.map((bar) => bar.y + bar.height)).size).toBe(1);
    expect(svg).toContain('<tspan class="panel-name">Duration</tspan>: 0 to 4.0 s</text>');
    expect(svg).toContain('<tspan class="panel-name">Failed sources</tspan>: 0 to 2</text>');
  });

  it('draws one run as one narrow bar per panel at the left, as wide as in a full history', () => {
    // Act
    const single = historyChart([aHistoryEntry(0, { durationMs: 1500, failed: 1 })]);
    const full = historyChart(Array.from({ length: RUN_HISTORY_LENGTH }, (_, index) => aHistoryEntry(index)));

    // Assess
    const [duration] = bars(single, 'duration');
    expect(bars(single, 'duration')).toHaveLength(1);
    expect(bars(single, 'failures')).toHaveLength(1);
    expect(duration!.height).toBeGreaterThan(0);
    expect(duration!.width).toBe(bars(full, 'duration')[0]!.width);
    expect(duration!.x).toBe(bars(full, 'duration')[0]!.x);
    expect(single).toContain('Bars for 1 run, oldest first');
  });

  it(`fits ${RUN_HISTORY_LENGTH} runs side by side, oldest on the left, inside the picture`, () => {
    // Prepare
    const history = Array.from({ length: RUN_HISTORY_LENGTH }, (_, index) =>
      aHistoryEntry(index, { durationMs: 1000 + index * 100 }),
    );

    // Act
    const svg = historyChart(history);

    // Assess
    const durations = bars(svg, 'duration');
    expect(durations).toHaveLength(RUN_HISTORY_LENGTH);
    for (const [index, bar] of durations.entries()) {
      const next = durations[index + 1];
      if (next) expect(bar.x + bar.width).toBeLessThan(next.x);
    }
    expect(durations[0]!.x).toBeGreaterThan(0);
    expect(durations.at(-1)!.x + durations.at(-1)!.width).toBeLessThanOrEqual(viewBoxWidth(svg));
    expect(durations[0]!.tooltip).toContain('2025-02-28 00:00 UTC');
    expect(durations.at(-1)!.tooltip).toContain('2025-03-01 05:00 UTC');
  });

  it('draws zero-height bars, not NaN, when every value is zero or unusable', () => {
    // Prepare
    const history = [
      aHistoryEntry(0, { durationMs: 0 }),
      aHistoryEntry(1, { durationMs: -20 }),
      aHistoryEntry(2, { durationMs: Number.NaN }),
    ];

    // Act
    const svg = historyChart(history);

    // Assess
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect([...bars(svg, 'duration'), ...bars(svg, 'failures')].map((bar) => bar.height)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(svg).toContain('Duration</tspan>: 0 to 0 ms</text>');
    // A history without failures still has a scale for them, so its zeros read as zero.
    expect(svg).toContain('Failed sources</tspan>: 0 to 1</text>');
  });

  it('is one image to assistive technology, named and described in words', () => {
    // Prepare
    const history = [
      aHistoryEntry(0, { durationMs: 900 }),
      aHistoryEntry(1, { durationMs: 3000, failed: 2 }),
      aHistoryEntry(2, { durationMs: 1200 }),
    ];

    // Act
    const svg = historyChart(history);

    // Assess
    expect(svg).toMatch(
      /^<svg [^>]*role="img" aria-labelledby="history-chart-title" aria-describedby="history-chart-desc"/,
    );
    expect(svg).toContain('<title id="history-chart-title">Run history: duration and failed sources</title>');
    expect(svg).toContain(
      '<desc id="history-chart-desc">Bars for the last 3 runs, oldest first, ' +
        'from 2025-02-28 00:00 UTC to 2025-02-28 02:00 UTC. ' +
        'Longest run: 3.0 s. Runs with failed sources: 1 of 3. ' +
        'Latest run: 2025-02-28 02:00 UTC, ok, 1.2 s, 0 of 4 sources failed.</desc>',
    );
    expect(svg.match(/<g aria-hidden="true">/g)).toHaveLength(2);
  });

  it('escapes text read back from state', () => {
    // Act
    const svg = historyChart([aHistoryEntry(0, { startedAt: HOSTILE_TEXT })]);

    // Assess
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toMatch(/[\u0000\u0008\uFFFE\uFFFF]/);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});
