import { escapeXml } from './escape.js';
import { readableDuration, readableTime } from './readable.js';
import { RUN_HISTORY_LENGTH, type RunHistoryEntry } from './runHistory.js';

// Drawing units of the viewBox. The chart scales to its box; at phone width one unit is about one
// CSS pixel, so 12-unit text stays readable there, and the CSS caps how large it grows on a desktop.
const WIDTH = 360;
const HEIGHT = 132;
const PLOT_LEFT = 2; // no axis labels on the left: each panel states its range above it
const PLOT_RIGHT = WIDTH - 8;
const DURATION_PANEL = { top: 18, bottom: 76 };
const FAILURES_PANEL = { top: 98, bottom: 126 };
/** Share of a run's slot its bar fills; the rest is the gap that tells neighbours apart. */
const BAR_SHARE = 0.7;

const TITLE_ID = 'history-chart-title';
const DESC_ID = 'history-chart-desc';

/** The chart's look. It reads the page's colour variables and falls back to its own. */
export const HISTORY_CHART_STYLE = `
.history-chart{display:block;width:100%;max-width:30rem;height:auto}
.history-chart text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:12px;fill:currentColor}
.history-chart .panel-name{font-weight:600}
.history-chart .axis{stroke:var(--line,#d1d9e0);stroke-width:1}
.history-chart .duration{fill:var(--bar,#0969da)}
.history-chart .failures{fill:var(--failed,#cf222e)}
`;

/**
 * A small SVG of the runs, oldest on the left: duration on top, failed sources below, each panel
 * scaled to its own largest value. Two panels rather than two axes on one, so neither reading
 * depends on colour. Every run gets the same slot width up to RUN_HISTORY_LENGTH runs, so a short
 * history does not draw fat bars. Dates are left to the page's caption, where text can wrap.
 * To assistive technology the picture is one `img`, named by its <title> and summed up in its
 * <desc>; the page gives the numbers as a table beside it.
 */
export function historyChart(history: readonly RunHistoryEntry[]): string {
  const runs = history.map((entry) => ({
    entry,
    durationMs: measure(entry.durationMs),
    failed: measure(entry.counts.failed),
  }));
  const slotWidth = (PLOT_RIGHT - PLOT_LEFT) / Math.max(runs.length, RUN_HISTORY_LENGTH);
  const barWidth = round(slotWidth * BAR_SHARE);
  const longest = Math.max(0, ...runs.map((run) => run.durationMs));
  // At least 1, so a history without failures still has a scale and its zeros sit on the baseline.
  const mostFailed = Math.max(1, ...runs.map((run) => run.failed));

  const bars = runs.map((run, index) => {
    const x = round(PLOT_LEFT + index * slotWidth + (slotWidth - barWidth) / 2);
    const tooltip = `<title>${escapeXml(runLabel(run.entry))}</title>`;
    return [
      bar('duration', x, barWidth, DURATION_PANEL, run.durationMs, longest, tooltip),
      bar('failures', x, barWidth, FAILURES_PANEL, run.failed, mostFailed, tooltip),
    ].join('\n');
  });

  const labels = `aria-labelledby="${TITLE_ID}" aria-describedby="${DESC_ID}"`;
  const svg = `class="history-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg"`;
  return `<svg ${svg} role="img" ${labels}>
<title id="${TITLE_ID}">Run history: duration and failed sources</title>
<desc id="${DESC_ID}">${escapeXml(
    description(
      runs.map((run) => run.entry),
      longest,
    ),
  )}</desc>
${panel('Duration', `0 to ${readableDuration(longest)}`, DURATION_PANEL)}
${panel('Failed sources', `0 to ${mostFailed}`, FAILURES_PANEL)}
${bars.join('\n')}
</svg>`;
}

type Panel = { top: number; bottom: number };

/** A panel's name and range above it; the dashed line marks the top of the range. */
function panel(name: string, range: string, { top, bottom }: Panel): string {
  return `<g aria-hidden="true">
<text x="${PLOT_LEFT}" y="${top - 5}"><tspan class="panel-name">${name}</tspan>: ${escapeXml(range)}</text>
<line class="axis" x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${top}" y2="${top}" stroke-dasharray="2 3"/>
<line class="axis" x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${bottom}" y2="${bottom}"/>
</g>`;
}

function bar(
  kind: string,
  x: number,
  width: number,
  { top, bottom }: Panel,
  value: number,
  max: number,
  tooltip: string,
): string {
  const height = max > 0 ? round(((bottom - top) * value) / max) : 0;
  const y = round(bottom - height);
  return `<rect class="${kind}" x="${x}" y="${y}" width="${width}" height="${height}">${tooltip}</rect>`;
}

function description(history: readonly RunHistoryEntry[], longest: number): string {
  const last = history.at(-1);
  if (last === undefined) return 'No runs recorded yet.';
  const withFailures = history.filter((entry) => measure(entry.counts.failed) > 0).length;
  const runs = history.length === 1 ? '1 run' : `the last ${history.length} runs`;
  return (
    `Bars for ${runs}, oldest first, from ${readableTime(history[0]!.startedAt)} to ${readableTime(last.startedAt)}. ` +
    `Longest run: ${readableDuration(longest)}. Runs with failed sources: ${withFailures} of ${history.length}. ` +
    `Latest run: ${runLabel(last)}.`
  );
}

function runLabel(entry: RunHistoryEntry): string {
  const failed = measure(entry.counts.failed);
  const sources = measure(entry.counts.sources);
  const duration = readableDuration(measure(entry.durationMs));
  return `${readableTime(entry.startedAt)}, ${entry.status}, ${duration}, ${failed} of ${sources} sources failed`;
}

/**
 * A negative duration (the wall clock stepped back mid-run) or a non-finite value is drawn as zero,
 * never as NaN geometry.
 */
function measure(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
