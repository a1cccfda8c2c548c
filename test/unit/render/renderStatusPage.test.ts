import { describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../../lambda/render/renderStatusPage.js';
import { appendRunHistory, RUN_HISTORY_LENGTH } from '../../../lambda/render/runHistory.js';
import { aHistoryEntry, aRunReport, aSourceReport } from '../../support/builders/runReports.js';
import { aContext, HOSTILE_TEXT, JAVASCRIPT_URL } from './builders.js';

const CSP_META =
  '<meta http-equiv="Content-Security-Policy" content="default-src &apos;none&apos;; ' +
  'style-src &apos;unsafe-inline&apos;; ' +
  `img-src &apos;self&apos; data:; base-uri &apos;none&apos;; form-action &apos;none&apos;">`;

function failedSource(error: string) {
  return aSourceReport({
    id: 'broken',
    status: 'failed',
    httpStatus: 503,
    items: 0,
    newItems: 0,
    error,
    errorCode: 'http_status',
  });
}

/** The <tr> of the sources table whose row header names `id`. */
function sourceRow(html: string, id: string): string {
  const row = html
    .split('<tr>')
    .find((part) => [`>${id}</a></th>`, `>${id}</a><span`, `>${id}</th>`].some((end) => part.includes(end)));
  if (row === undefined) throw new Error(`no row for source ${id}`);
  return row.slice(0, row.indexOf('</tr>'));
}

/** The rows of the run history table, newest first, as their cells' text. */
function historyRows(html: string): string[][] {
  const table = html.slice(
    html.indexOf('<caption id="history-caption"'),
    html.indexOf('</table>', html.indexOf('history-caption')),
  );
  return [...table.matchAll(/<tr>\n([\s\S]*?)\n<\/tr>/g)].map((row) =>
    row[1]!.split('\n').map((cell) => cell.replace(/<[^>]+>/g, '')),
  );
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
}

describe('renderStatusPage', () => {
  it('is a self-contained page: CSP, lang, viewport, title, inline style, no script or external asset', () => {
    // Act
    const html = renderStatusPage(aRunReport(), aContext());

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(CSP_META);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>Tributary test feed: run OK</title>');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
  });

  it.each([
    ['ok', [aSourceReport()], '✓ ', 'OK', 'No source failed.'],
    [
      'partial',
      [aSourceReport(), failedSource('HTTP 503 Service Unavailable')],
      '! ',
      'Partial',
      '1 of 2 sources failed: broken.',
    ],
    ['failed', [failedSource('HTTP 503 Service Unavailable')], '✕ ', 'Failed', 'No source could be fetched.'],
  ] as const)(
    'shows a %s run status in words and a mark, not only in colour, with its time',
    (status, sources, mark, label, sentence) => {
      // Act
      const html = renderStatusPage(aRunReport([...sources]), aContext());

      // Assess
      expect(html).toContain(
        `Last run: <span class="status status-${status}"><span aria-hidden="true">${mark}</span>${label}</span>, ` +
          `started <time datetime="2025-03-01T10:05:00.000Z">2025-03-01 10:05 UTC</time>, took 2.5 s. ${sentence}</p>`,
      );
    },
  );

  it('names at most five failing sources at the top, and says which sources rest or moved', () => {
    // Prepare
    const failing = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) =>
      aSourceReport({ id, status: 'failed', error: 'timed out', errorCode: 'timeout' }),
    );
    const report = aRunReport([
      aSourceReport({ movedTo: 'https://new.example/feed' }),
      aSourceReport({ id: 'tired', status: 'skipped', nextAttemptAt: '2025-03-01T11:00:00Z', failureStreak: 3 }),
      ...failing,
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(html).toContain(
      '7 of 9 sources failed: a, b, c, d, e and 2 more. 1 source is resting after repeated failures. ' +
        '1 source has moved: update the sources file.</p>',
    );
  });

  it('says when the run was a dry run', () => {
    // Act
    const html = renderStatusPage(aRunReport(undefined, { dryRun: true }), aContext());

    // Assess
    expect(html).toContain('(dry run: nothing was published)');
  });

  it('shows the run id, start time, duration, counts and bytes downloaded', () => {
    // Prepare
    const report = aRunReport(
      [
        aSourceReport({ items: 7, newItems: 3, bytes: 20_480 }),
        failedSource('timed out'),
        aSourceReport({ id: 'tired', status: 'skipped', items: 0, newItems: 0, bytes: 0 }),
      ],
      { durationMs: 2500 },
    );

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(html).toContain('<dt>Run id</dt><dd>2025-03-01T10-05-00Z-abc123</dd>');
    expect(html).toContain(
      '<dt>Started</dt><dd><time datetime="2025-03-01T10:05:00.000Z">2025-03-01 10:05 UTC</time></dd>',
    );
    expect(html).toContain('<dt>Duration</dt><dd>2.5 s</dd>');
    expect(html).toContain('<dt>Sources</dt><dd>3</dd>');
    expect(html).toContain('<dt>Failed</dt><dd>1</dd>');
    expect(html).toContain('<dt>Resting</dt><dd>1</dd>');
    expect(html).toContain('<dt>Downloaded</dt><dd>21.2 KB</dd>');
    expect(html).toContain('<dt>Items in feed</dt><dd>7</dd>');
    expect(html).toContain('<dt>New items</dt><dd>3</dd>');
  });

  it('lists each source with a link, status in words, HTTP status, items, new items, latency and error', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'good', url: 'https://good.example/feed', items: 12, newItems: 4, durationMs: 321 }),
      aSourceReport({ id: 'same', status: 'not_modified', httpStatus: 304, items: 0, newItems: 0, durationMs: 642 }),
      aSourceReport({
        id: 'down',
        status: 'failed',
        httpStatus: null,
        items: 0,
        newItems: 0,
        error: 'could not connect',
        failureStreak: 1,
      }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'good')).toBe(`
<th scope="row"><a href="https://good.example/feed">good</a></th>
<td><span class="status status-ok"><span aria-hidden="true">✓ </span>OK</span></td>
<td class="number">200</td>
<td class="number">12</td>
<td class="number">4</td>
<td><span class="latency"><span class="track" aria-hidden="true"><span class="bar" \
style="width:50%"></span></span>321 ms</span></td>
<td class="details"></td>
`);
    expect(sourceRow(html, 'same')).toContain('<span aria-hidden="true">✓ </span>Not modified</span>');
    expect(sourceRow(html, 'down')).toContain(
      '<span aria-hidden="true">✕ </span>Failed</span><span class="note">first failure</span>',
    );
    expect(sourceRow(html, 'down')).toContain('<td class="number">–</td>');
    expect(sourceRow(html, 'down')).toContain('<td class="details">could not connect</td>');
  });

  it('draws each latency as a bar scaled to the slowest source, and says how many attempts it took', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'slow', durationMs: 8000, attempts: 3 }),
      aSourceReport({ id: 'quick', durationMs: 2000 }),
      aSourceReport({ id: 'instant', durationMs: 0 }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(html).toContain('Latency bars are scaled to the slowest source, 8.0 s.');
    expect(sourceRow(html, 'slow')).toContain(
      'style="width:100%"></span></span>8.0 s</span><span class="note">3 attempts</span>',
    );
    expect(sourceRow(html, 'quick')).toContain('style="width:25%"></span></span>2.0 s</span></td>');
    expect(sourceRow(html, 'instant')).toContain('style="width:0%"');
  });

  it('shows a resting source as "Resting until" its next attempt, with its failure streak and no latency', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({
        id: 'tired',
        status: 'skipped',
        httpStatus: null,
        items: 0,
        newItems: 0,
        durationMs: 0,
        attempts: 0,
        failureStreak: 4,
        nextAttemptAt: '2025-03-01T12:05:00.000Z',
      }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'tired')).toContain(
      '<td><span class="status status-skipped"><span aria-hidden="true">‖ </span>Resting</span> until ' +
        '<time datetime="2025-03-01T12:05:00.000Z">2025-03-01 12:05 UTC</time>' +
        '<span class="note">4 failures in a row</span></td>',
    );
    expect(sourceRow(html, 'tired')).toContain('<td>–</td>');
    expect(sourceRow(html, 'tired')).not.toContain('class="bar"');
  });

  it('says when a source that just became broken will be tried again', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({
        id: 'broke',
        status: 'failed',
        error: 'HTTP 500 Internal Server Error',
        errorCode: 'http_status',
        failureStreak: 3,
        nextAttemptAt: '2025-03-01T10:35:00.000Z',
      }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'broke')).toContain(
      '<span class="note">3 failures in a row</span>' +
        '<span class="note">next attempt <time datetime="2025-03-01T10:35:00.000Z">2025-03-01 10:35 UTC</time></span>',
    );
  });

  it('says where a moved source now lives, linking it only when it is http(s)', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'moved', movedTo: 'https://new.example/feed.xml' }),
      aSourceReport({ id: 'odd', movedTo: JAVASCRIPT_URL }),
      aSourceReport({
        id: 'both',
        status: 'failed',
        error: 'HTTP 410 Gone',
        errorCode: 'http_status',
        movedTo: 'https://elsewhere.example/',
      }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'moved')).toContain(
      '<td class="details">Moved to <a href="https://new.example/feed.xml">https://new.example/feed.xml</a>: ' +
        'update the sources file.</td>',
    );
    expect(sourceRow(html, 'odd')).toContain(
      '<td class="details">Moved to javascript:alert(1): update the sources file.</td>',
    );
    expect(sourceRow(html, 'both')).toContain(
      '<td class="details">HTTP 410 Gone<br>Moved to <a href="https://elsewhere.example/">',
    );
  });

  it('marks a source read only by the recovery path, and says what to tell its publisher', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'broken', recovered: "char '&' is not expected at line 3, column <9>" }),
      aSourceReport({ id: 'fine' }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'broken')).toContain('<span class="note">broken XML, read leniently</span>');
    expect(sourceRow(html, 'broken')).toContain(
      '<td class="details">Not well-formed XML (char &apos;&amp;&apos; is not expected at line 3, column ' +
        "&lt;9&gt;): worth telling the feed's publisher.</td>",
    );
    expect(sourceRow(html, 'fine')).not.toContain('read leniently');
  });

  it('says how many items of a source lost a date that was none, or out of range', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'odd', datesDropped: 3 }),
      aSourceReport({ id: 'one', datesDropped: 1 }),
      aSourceReport({ id: 'fine' }),
    ]);

    // Act
    const html = renderStatusPage(report, aContext());

    // Assess
    expect(sourceRow(html, 'odd')).toContain('3 items published undated: the date was no date, or too far');
    expect(sourceRow(html, 'one')).toContain('1 item published undated');
    expect(sourceRow(html, 'fine')).not.toContain('undated');
  });

  it('gives every table a caption and scoped header cells', () => {
    // Prepare: a published page charts at least its own run
    const report = aRunReport();

    // Act
    const html = renderStatusPage(report, aContext(), appendRunHistory([], report));

    // Assess
    expect(html.match(/<table[^>]*>\n<caption/g)).toHaveLength(2);
    expect(html.match(/<th(?=[ >])/g)?.length).toBeGreaterThan(0);
    expect(html.match(/<th(?=[ >])(?! scope="(col|row)")/g)).toBeNull();
  });

  it('puts the tables in regions that scroll sideways, so the page fits a phone', () => {
    // Prepare: a published page charts at least its own run
    const report = aRunReport();

    // Act
    const html = renderStatusPage(report, aContext(), appendRunHistory([], report));

    // Assess
    expect(html).toContain('.scroll{overflow-x:auto');
    expect(
      html.match(/<div class="scroll" role="region" aria-labelledby="[a-z-]+" tabindex="0">\n<table[ >]/g),
    ).toHaveLength(2);
  });

  it('charts the run history with the current run last, and gives the same runs as a table, newest first', () => {
    // Prepare
    const report = aRunReport([aSourceReport(), failedSource('HTTP 503 Service Unavailable')]);

    // Act
    const html = renderStatusPage(
      report,
      aContext(),
      appendRunHistory(
        [aHistoryEntry(0), aHistoryEntry(1, { status: 'partial', counts: { sources: 3, failed: 2 } })],
        report,
      ),
    );

    // Assess
    expect(html).toMatch(/<figure>\n<svg class="history-chart"[^>]* role="img"/);
    expect(html.match(/<rect class="duration"/g)).toHaveLength(3);
    expect(html).toContain(
      '<figcaption>3 runs, from <time datetime="2025-02-28T00:00:00.000Z">2025-02-28 00:00 UTC</time> on the left ' +
        'to <time datetime="2025-03-01T10:05:00.000Z">2025-03-01 10:05 UTC</time> on the right.',
    );
    expect(html).toContain('<details>\n<summary>The same runs as a table</summary>');
    expect(historyRows(html)).toEqual([
      ['2025-03-01 10:05 UTC', 'Partial', '2.5 s', '1 of 2'],
      ['2025-02-28 01:00 UTC', 'Partial', '1.0 s', '2 of 3'],
      ['2025-02-28 00:00 UTC', 'OK', '1.0 s', '0 of 4'],
    ]);
  });

  it('charts exactly the runs it is given, at most the last 30 with the current one', () => {
    // Prepare
    const report = aRunReport();
    const long = appendRunHistory(
      Array.from({ length: 40 }, (_, index) => aHistoryEntry(index)),
      report,
    );

    // Act
    const html = renderStatusPage(report, aContext(), long);

    // Assess
    expect(historyRows(html)).toHaveLength(RUN_HISTORY_LENGTH);
    expect(historyRows(html)[0]?.[0]).toBe('2025-03-01 10:05 UTC');
    expect(historyRows(html).at(-1)?.[0]).toBe('2025-02-28 11:00 UTC');
    expect(html.match(/<rect class="duration"/g)).toHaveLength(RUN_HISTORY_LENGTH);
  });

  it('charts a first run alone, and has no history section without runs to chart', () => {
    // Prepare
    const report = aRunReport();

    // Act
    const first = renderStatusPage(report, aContext(), appendRunHistory([], report));
    const none = renderStatusPage(report, aContext());

    // Assess
    expect(first.match(/<rect class="duration"/g)).toHaveLength(1);
    expect(first).toContain('<figcaption>1 run. Top: how long each run took.');
    expect(none).not.toContain('Run history');
  });

  it('links the reading page and both feeds by relative links, which work wherever the outputs are', () => {
    // Act
    const html = renderStatusPage(aRunReport(), aContext());

    // Assess
    expect(html).toContain(
      '<nav aria-label="Pages"><ul><li><a href="index.html">Read the feed</a></li>' +
        '<li><a href="feed.xml">Atom feed</a></li>' +
        '<li><a href="feed.json">JSON Feed</a></li></ul></nav>',
    );
  });

  it("shows a source's name beside its id when it has one", () => {
    // Prepare
    const context = aContext({
      sources: [{ id: 'example', url: 'https://example.com/feed.xml', title: 'Example Weblog' }],
    });

    // Act
    const html = renderStatusPage(aRunReport(), context);

    // Assess
    expect(sourceRow(html, 'example')).toContain(
      '<th scope="row"><a href="https://example.com/feed.xml">example</a><span class="note">Example Weblog</span></th>',
    );
  });

  it('escapes hostile text everywhere and never emits a javascript: link', () => {
    // Prepare
    const report = aRunReport(
      [
        aSourceReport({
          id: HOSTILE_TEXT,
          url: JAVASCRIPT_URL,
          status: 'failed',
          error: HOSTILE_TEXT,
          movedTo: HOSTILE_TEXT,
        }),
      ],
      { runId: HOSTILE_TEXT },
    );
    const history = [aHistoryEntry(0, { startedAt: HOSTILE_TEXT })];

    // Act
    const html = renderStatusPage(report, aContext({ title: HOSTILE_TEXT, feedJsonUrl: JAVASCRIPT_URL }), history);

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/[\u0000\u0008\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(html).not.toContain('javascript:');
    expect(hrefs(html).every((href) => /^(https:\/\/|(index\.html|feed\.xml|feed\.json)$)/.test(href))).toBe(true);
    const escaped =
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ]]&gt; &amp; &apos;single&apos; &quot;double&quot;  end';
    // A "moved to" that is no URL is not shown: only a parsed URL can be shown without its credentials.
    expect(html).toContain(
      `<td class="details">${escaped}<br>Moved to (unparsable URL): update the sources file.</td>`,
    );
    expect(html).toContain(`<th scope="row"><time datetime="${escaped}">${escaped}</time></th>`);
    expect(html).toContain(`<th scope="row">${escaped}</th>`);
    expect(html).toContain(`<h1>${escaped}: status</h1>`);
  });
});
