import type { RunReport, RunStatus, SourceReport, SourceStatus } from '../core/model.js';
import { redactUrl, redactUrls } from '../core/redactUrl.js';
import { OUTPUT_KEYS } from '../core/storageLayout.js';
import { escapeHtml } from './escape.js';
import { HISTORY_CHART_STYLE, historyChart } from './historyChart.js';
import { htmlPage, linkOrText, plural, time } from './htmlPage.js';
import { readableBytes, readableDuration } from './readable.js';
import { perSource, type RenderContext, sourceName } from './renderContext.js';
import type { RunHistoryEntry } from './runHistory.js';

/** Failing sources named in the sentence at the top; the table has them all. */
const MAX_NAMED_FAILURES = 5;

// Each status has a word and a mark, so none is told apart by colour alone.
const RUN_STATUS_LABEL: Readonly<Record<RunStatus, { mark: string; text: string }>> = {
  ok: { mark: '✓', text: 'OK' },
  partial: { mark: '!', text: 'Partial' },
  failed: { mark: '✕', text: 'Failed' },
};

const SOURCE_STATUS_LABEL: Readonly<Record<SourceStatus, { mark: string; text: string }>> = {
  ok: { mark: '✓', text: 'OK' },
  not_modified: { mark: '✓', text: 'Not modified' },
  failed: { mark: '✕', text: 'Failed' },
  skipped: { mark: '‖', text: 'Resting' },
};

// The tables scroll sideways inside their own box, with the row headers pinned, so a phone shows
// the page at its width.
const STYLE = `
.run{font-size:1.1rem;margin:.25rem 0 1rem}
.status{font-weight:600;white-space:nowrap}
.status-ok{color:var(--ok)}.status-partial{color:var(--partial)}.status-failed{color:var(--failed)}
.status-not_modified,.status-skipped{color:var(--muted)}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem 1rem;margin:0}
dt{color:var(--muted);font-size:.85rem}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
.scroll:focus-visible{outline:2px solid currentColor}
table{border-collapse:collapse;width:100%}
caption{text-align:left}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{white-space:nowrap;font-size:.85rem;color:var(--muted)}
tbody th{font-weight:600}
.sources tbody th,.sources thead th:first-child{position:sticky;left:0;background:Canvas}
.sources tbody th a{overflow-wrap:normal}
.runs tbody th{white-space:nowrap}
td.number{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.details{min-width:16rem}
.latency{display:flex;align-items:center;gap:.5rem;white-space:nowrap;font-variant-numeric:tabular-nums}
.track{flex:none;width:6rem;height:.6rem;background:var(--track);border-radius:3px;overflow:hidden}
.bar{display:block;height:100%;background:var(--bar)}
td .note,th .note{display:block}th .note{font-weight:400}
figure{margin:0}
figcaption{color:var(--muted);font-size:.9rem;margin-top:.25rem}
details{margin-top:.75rem}summary{cursor:pointer}
${HISTORY_CHART_STYLE}`;

const PAGES_NAV = `<nav aria-label="Pages"><ul>${[
  [OUTPUT_KEYS.html, 'Read the feed'],
  [OUTPUT_KEYS.feedXml, 'Atom feed'],
  [OUTPUT_KEYS.feedJson, 'JSON Feed'],
]
  .map(([href, text]) => `<li><a href="${href}">${text}</a></li>`)
  .join('')}</ul></nav>`;

const readable = (ms: number) => escapeHtml(readableDuration(ms));

/**
 * The run report for whoever runs the feed (status.html): how the last run went, every source
 * with its latency and its trouble in plain words, and the recent runs as a chart. The items are
 * on the reading page (index.html), which links here.
 *
 * @param history The runs to chart, oldest first, this one included (appendRunHistory); none:
 *   the page has no history section.
 */
export function renderStatusPage(
  report: RunReport,
  context: RenderContext,
  history: readonly RunHistoryEntry[] = [],
): string {
  const runStatus = RUN_STATUS_LABEL[report.status];
  const nameOf = perSource(context, (id, source) => sourceName(source, id));
  return htmlPage({
    title: `${context.title}: run ${runStatus.text}`,
    language: context.language,
    style: STYLE,
    body: `<header>
<h1>${escapeHtml(context.title)}: status</h1>
${PAGES_NAV}
<p class="run">${lastRun(report, runStatus)}</p>
</header>
<main>
${runSection(report)}
${sourcesSection(report.sources, nameOf)}
${historySection(history)}
</main>
<footer>
<p>Generated ${time(context.generatedAt)} by Tributary.</p>
</footer>`,
  });
}

function lastRun(report: RunReport, label: { mark: string; text: string }): string {
  const dryRun = report.dryRun ? ' (dry run: nothing was published)' : '';
  const when = `started ${time(report.startedAt)}, took ${readable(report.durationMs)}`;
  const sentences = escapeHtml(runSentences(report).join(' '));
  return `Last run: ${statusLabel(report.status, label)}${dryRun}, ${when}. ${sentences}`;
}

function runSentences(report: RunReport): string[] {
  const { sources, failed, skipped } = report.counts;
  const sentences: string[] = [];
  if (report.status === 'ok') sentences.push('No source failed.');
  else if (report.status === 'failed') sentences.push('No source could be fetched.');
  else sentences.push(`${failed} of ${sources} sources failed: ${namedFailures(report)}.`);
  if (skipped > 0) sentences.push(`${plural(skipped, 'source is', 'sources are')} resting after repeated failures.`);
  if (report.moved.length > 0)
    sentences.push(`${plural(report.moved.length, 'source has', 'sources have')} moved: update the sources file.`);
  return sentences;
}

function namedFailures(report: RunReport): string {
  const ids = report.failures.map((failure) => failure.id);
  const named = ids.slice(0, MAX_NAMED_FAILURES).join(', ');
  return ids.length > MAX_NAMED_FAILURES ? `${named} and ${ids.length - MAX_NAMED_FAILURES} more` : named;
}

function runSection(report: RunReport): string {
  const { counts } = report;
  return `<section aria-labelledby="run-heading">
<h2 id="run-heading">Run</h2>
<dl>
${fact('Run id', escapeHtml(report.runId))}
${fact('Started', time(report.startedAt))}
${fact('Duration', escapeHtml(readableDuration(report.durationMs)))}
${fact('Sources', String(counts.sources))}
${fact('OK', String(counts.ok))}
${fact('Not modified', String(counts.notModified))}
${fact('Failed', String(counts.failed))}
${fact('Resting', String(counts.skipped))}
${fact('Items in feed', String(counts.items))}
${fact('New items', String(counts.newItems))}
${fact('Downloaded', escapeHtml(readableBytes(counts.bytes)))}
</dl>
</section>`;
}

function fact(term: string, html: string): string {
  return `<div><dt>${term}</dt><dd>${html}</dd></div>`;
}

function sourcesSection(sources: SourceReport[], nameOf: (sourceId: string) => string): string {
  if (sources.length === 0) {
    return `<section><h2>Sources</h2><p class="note">No sources were fetched in this run.</p></section>`;
  }
  const slowest = Math.max(...sources.map((source) => source.durationMs));
  const rows = sources.map(
    (source) => `<tr>
<th scope="row">${sourceCell(source, nameOf(source.id))}</th>
<td>${sourceStatus(source)}</td>
<td class="number">${source.httpStatus ?? '–'}</td>
<td class="number">${source.items}</td>
<td class="number">${source.newItems}</td>
<td>${latency(source, slowest)}</td>
<td class="details">${sourceDetails(source)}</td>
</tr>`,
  );
  return tableSection({
    id: 'sources',
    heading: 'Sources',
    note: `<p class="note">Latency bars are scaled to the slowest source, ${readable(slowest)}.</p>\n`,
    tableClass: 'sources',
    caption: 'Every source of this run: status, HTTP status, items, new items, latency and what went wrong',
    columns: ['Source', 'Status', 'HTTP', 'Items', 'New', 'Latency', 'Details'],
    rows,
  });
}

/** The id links to the source's URL; a name other than the id is shown under it. */
function sourceCell(source: SourceReport, name: string | undefined): string {
  const named = name && name !== source.id ? `<span class="note">${escapeHtml(name)}</span>` : '';
  return `${linkOrText(redactUrl(source.url), source.id)}${named}`;
}

function sourceStatus(source: SourceReport): string {
  const label = statusLabel(source.status, SOURCE_STATUS_LABEL[source.status]);
  const until = source.nextAttemptAt ? time(source.nextAttemptAt) : undefined;
  const notes = [
    source.failureStreak === 1
      ? 'first failure'
      : source.failureStreak > 1
        ? `${source.failureStreak} failures in a row`
        : '',
    // A source that just became broken rests from the next run on; say when it is tried again.
    source.status === 'failed' && until ? `next attempt ${until}` : '',
    source.recovered ? 'broken XML, read leniently' : '',
  ].filter((note) => note);
  const resting = source.status === 'skipped' && until ? ` until ${until}` : '';
  return `${label}${resting}${notes.map((note) => `<span class="note">${note}</span>`).join('')}`;
}

function statusLabel(status: string, label: { mark: string; text: string }): string {
  const mark = `<span aria-hidden="true">${label.mark} </span>`;
  return `<span class="status status-${escapeHtml(status)}">${mark}${label.text}</span>`;
}

/** A bar as long as this source's share of the slowest one's time; none for a source not fetched. */
function latency(source: SourceReport, slowest: number): string {
  if (source.status === 'skipped') return '–';
  const share = slowest > 0 ? Math.round((1000 * source.durationMs) / slowest) / 10 : 0;
  const attempts = source.attempts > 1 ? `<span class="note">${source.attempts} attempts</span>` : '';
  const bar = `<span class="track" aria-hidden="true"><span class="bar" style="width:${share}%"></span></span>`;
  return `<span class="latency">${bar}${readable(source.durationMs)}</span>${attempts}`;
}

function sourceDetails(source: SourceReport): string {
  const lines = source.error ? [escapeHtml(redactUrls(source.error))] : [];
  if (source.recovered) {
    lines.push(`Not well-formed XML (${escapeHtml(source.recovered)}): worth telling the feed's publisher.`);
  }
  if (source.datesDropped) {
    const dates = plural(source.datesDropped, 'item', 'items');
    lines.push(`${dates} published undated: the date was no date, or too far in the past or future.`);
  }
  const movedTo = source.movedTo && redactUrl(source.movedTo);
  if (movedTo) lines.push(`Moved to ${linkOrText(movedTo, movedTo)}: update the sources file.`);
  return lines.join('<br>');
}

const HISTORY_COLUMNS = ['Started', 'Status', 'Duration', 'Failed'];

function historySection(history: readonly RunHistoryEntry[]): string {
  const first = history[0];
  const last = history.at(-1);
  if (!first) return '';
  const span =
    first && last && history.length > 1
      ? `, from ${time(first.startedAt)} on the left to ${time(last.startedAt)} on the right`
      : '';
  const rows = [...history].reverse().map(
    (entry) => `<tr>
<th scope="row">${time(entry.startedAt)}</th>
<td>${RUN_STATUS_LABEL[entry.status].text}</td>
<td class="number">${readable(entry.durationMs)}</td>
<td class="number">${entry.counts.failed} of ${entry.counts.sources}</td>
</tr>`,
  );
  return `<section aria-labelledby="history-heading">
<h2 id="history-heading">Run history</h2>
<figure>
${historyChart(history)}
<figcaption>${plural(history.length, 'run', 'runs')}${span}. \
Top: how long each run took. Bottom: how many sources failed.</figcaption>
</figure>
<details>
<summary>The same runs as a table</summary>
<div class="scroll" role="region" aria-labelledby="history-caption" tabindex="0">
<table class="runs">
<caption id="history-caption" class="visually-hidden">Recent runs, newest first</caption>
<thead><tr>${HISTORY_COLUMNS.map((name) => `<th scope="col">${name}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</details>
</section>`;
}

/** A titled section holding one table that scrolls sideways in its own box on narrow screens. */
function tableSection(table: {
  id: string;
  heading: string;
  note: string;
  tableClass?: string;
  caption: string;
  columns: string[];
  rows: string[];
}): string {
  const headingId = `${table.id}-heading`;
  const header = table.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('');
  return `<section aria-labelledby="${headingId}">
<h2 id="${headingId}">${escapeHtml(table.heading)}</h2>
${table.note}<div class="scroll" role="region" aria-labelledby="${headingId}" tabindex="0">
<table${table.tableClass ? ` class="${table.tableClass}"` : ''}>
<caption class="visually-hidden">${escapeHtml(table.caption)}</caption>
<thead><tr>${header}</tr></thead>
<tbody>
${table.rows.join('\n')}
</tbody>
</table>
</div>
</section>`;
}
