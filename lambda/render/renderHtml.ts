import type { Item, RunReport, RunStatus, SourceReport, SourceStatus } from '../model.js';
import { escapeHtml, safeHttpUrl } from './escape.js';
import { publishedItem, type PublishedItem } from './publishedItem.js';
import type { RenderContext } from './renderContext.js';

/** Newest items listed on the page; the feeds carry the rest. */
const MAX_ITEMS_ON_PAGE = 100;

/*
 * Every string on this page comes from someone else's feed or server. All of it is escaped; the
 * policy is the second wall in case escaping ever slips: no script runs (default-src 'none'),
 * nothing is fetched from elsewhere (no tracking pixel, no leak through an image or a font), only
 * the page's own inline <style> applies, an injected <base> cannot redirect links and an injected
 * <form> cannot submit anywhere. It is a <meta> because S3 cannot send a Content-Security-Policy header.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

const RUN_STATUS_LABEL: Readonly<Record<RunStatus, string>> = {
  ok: 'OK',
  partial: 'Partial',
  failed: 'Failed',
};

const SOURCE_STATUS_LABEL: Readonly<Record<SourceStatus, string>> = {
  ok: 'OK',
  not_modified: 'Not modified',
  failed: 'Failed',
  skipped: 'Resting',
};

// The table scrolls sideways inside its box, so a phone shows the page at its own width.
const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--partial:#9a6700;--failed:#cf222e;--muted:#59636e;--line:#d1d9e0}
@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--partial:#d29922;--failed:#f85149;--muted:#9198a1;--line:#3d444d}}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:75rem;padding:1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
a{overflow-wrap:anywhere}
.run{font-size:1.1rem;margin:.25rem 0 1rem}
.status{font-weight:600;white-space:nowrap}
.status-ok{color:var(--ok)}.status-partial{color:var(--partial)}.status-failed{color:var(--failed)}.status-not_modified{color:var(--muted)}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem 1rem;margin:0}
dt{color:var(--muted);font-size:.85rem}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
.scroll:focus-visible{outline:2px solid currentColor}
table{border-collapse:collapse;width:100%}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{white-space:nowrap;font-size:.85rem;color:var(--muted)}
td.number{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.error{min-width:16rem}td.title{min-width:14rem}
.nowrap{white-space:nowrap}.note{color:var(--muted)}
footer{margin-top:2rem;color:var(--muted);font-size:.9rem}
`;

/**
 * The human report page of one run: its status, the counts, every source and the newest items
 * (titles and links only, never item content). Self-contained: inline CSS, no script, no assets.
 * Items are listed in the order given, which is newest first.
 */
export function renderHtml(report: RunReport, items: Item[], context: RenderContext): string {
  const runStatus = RUN_STATUS_LABEL[report.status];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">
<title>${escapeHtml(`${context.title}: run ${runStatus}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(context.title)}</h1>
<p class="run">Last run: <span class="status status-${escapeHtml(report.status)}">${runStatus}</span>${report.dryRun ? ' (dry run: nothing was published)' : ''}. ${escapeHtml(runSentence(report))}</p>
</header>
<main>
${runSection(report)}
${sourcesSection(report.sources)}
${itemsSection(items.slice(0, MAX_ITEMS_ON_PAGE).map(publishedItem), items.length)}
</main>
<footer>
<p>Generated ${time(context.generatedAt)} by Tributary.${feedLinks(context)}</p>
</footer>
</body>
</html>
`;
}

function runSentence(report: RunReport): string {
  const { sources, failed } = report.counts;
  if (report.status === 'ok') return 'No source failed.';
  if (report.status === 'failed') return 'No source could be fetched.';
  return `${failed} of ${sources} sources failed.`;
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
${fact('Items in feed', String(counts.items))}
${fact('New items', String(counts.newItems))}
</dl>
</section>`;
}

function fact(term: string, html: string): string {
  return `<div><dt>${term}</dt><dd>${html}</dd></div>`;
}

function sourcesSection(sources: SourceReport[]): string {
  if (sources.length === 0) {
    return `<section><h2>Sources</h2><p class="note">No sources were fetched in this run.</p></section>`;
  }
  const rows = sources.map(
    (source) => `<tr>
<th scope="row">${linkOrText(source.url, source.id)}</th>
<td><span class="status status-${escapeHtml(source.status)}">${SOURCE_STATUS_LABEL[source.status]}</span></td>
<td class="number">${source.httpStatus ?? '–'}</td>
<td class="number">${source.items}</td>
<td class="number">${source.newItems}</td>
<td class="number">${source.durationMs}</td>
<td class="error">${escapeHtml(source.error ?? '')}</td>
</tr>`,
  );
  return `<section aria-labelledby="sources-heading">
<h2 id="sources-heading">Sources</h2>
<div class="scroll" role="region" aria-labelledby="sources-heading" tabindex="0">
<table>
<thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">HTTP</th><th scope="col">Items</th><th scope="col">New</th><th scope="col">Time (ms)</th><th scope="col">Error</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</section>`;
}

function itemsSection(shown: PublishedItem[], total: number): string {
  if (shown.length === 0) {
    return `<section><h2>Newest items</h2><p class="note">No items yet.</p></section>`;
  }
  const note = shown.length < total ? `<p class="note">The newest ${shown.length} of ${total} items; the feeds have them all.</p>\n` : '';
  const rows = shown.map(
    (item) => `<tr>
<td class="title">${linkOrText(item.url, item.displayTitle)}</td>
<td>${escapeHtml(item.sourceId)}</td>
<td class="nowrap">${optionalTime(item.date_published ?? item.date_modified)}</td>
</tr>`,
  );
  return `<section aria-labelledby="items-heading">
<h2 id="items-heading">Newest items</h2>
${note}<div class="scroll" role="region" aria-labelledby="items-heading" tabindex="0">
<table>
<thead><tr><th scope="col">Title</th><th scope="col">Source</th><th scope="col">Date</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</section>`;
}

function feedLinks(context: RenderContext): string {
  const links = [
    linkOnly(context.feedJsonUrl, 'JSON Feed'),
    linkOnly(context.feedXmlUrl, 'Atom feed'),
  ].filter((link) => link);
  return links.length > 0 ? ` Subscribe: ${links.join(' · ')}.` : '';
}

/** A link when the URL is absolute http(s), else the text alone: no other scheme becomes clickable. */
function linkOrText(url: string | undefined, text: string): string {
  return linkOnly(url, text) || escapeHtml(text);
}

function linkOnly(url: string | undefined, text: string): string {
  const href = safeHttpUrl(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : '';
}

function optionalTime(value: string | undefined): string {
  return value ? time(value) : '';
}

/** RFC 3339 shown as "2025-01-31 14:05 UTC": the same for every reader, wherever the page was made. */
function time(value: string): string {
  const ms = Date.parse(value);
  const readable = Number.isNaN(ms) ? value : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<time datetime="${escapeHtml(value)}">${escapeHtml(readable)}</time>`;
}

function readableDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
