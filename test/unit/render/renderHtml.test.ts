import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../lambda/render/renderHtml.js';
import { HOSTILE_TEXT, JAVASCRIPT_URL, aContext, aRunReport, aSourceReport, anItem, manyItems } from './builders.js';

const CSP_META =
  `<meta http-equiv="Content-Security-Policy" content="default-src &apos;none&apos;; style-src &apos;unsafe-inline&apos;; ` +
  `img-src &apos;self&apos; data:; base-uri &apos;none&apos;; form-action &apos;none&apos;">`;

function failedSource(error: string) {
  return aSourceReport({ id: 'broken', status: 'failed', httpStatus: 503, items: 0, newItems: 0, error, errorCode: 'http_status' });
}

/** The <tr> of the sources table whose row header names `id`. */
function sourceRow(html: string, id: string): string {
  const row = html.split('<tr>').find((part) => part.includes(`>${id}</a></th>`) || part.includes(`>${id}</th>`));
  if (row === undefined) throw new Error(`no row for source ${id}`);
  return row.slice(0, row.indexOf('</tr>'));
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
}

describe('renderHtml', () => {
  it('is a self-contained page: CSP, lang, viewport, title, inline style, no script or external asset', () => {
    // Act
    const html = renderHtml(aRunReport(), manyItems(3), aContext());

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(CSP_META);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>Tributary test feed: run OK</title>');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
  });

  it.each([
    ['ok', [aSourceReport()], 'OK', 'No source failed.'],
    ['partial', [aSourceReport(), failedSource('HTTP 503 Service Unavailable')], 'Partial', '1 of 2 sources failed.'],
    ['failed', [failedSource('HTTP 503 Service Unavailable')], 'Failed', 'No source could be fetched.'],
  ] as const)('shows a %s run status in words, not only in colour', (status, sources, label, sentence) => {
    // Act
    const html = renderHtml(aRunReport([...sources]), [], aContext());

    // Assess
    expect(html).toContain(`Last run: <span class="status status-${status}">${label}</span>. ${sentence}`);
  });

  it('says when the run was a dry run', () => {
    // Act
    const html = renderHtml(aRunReport(undefined, { dryRun: true }), [], aContext());

    // Assess
    expect(html).toContain('(dry run: nothing was published)');
  });

  it('shows the run id, start time, duration and counts', () => {
    // Prepare
    const report = aRunReport([aSourceReport({ items: 7, newItems: 3 }), failedSource('timed out')], { durationMs: 2500 });

    // Act
    const html = renderHtml(report, [], aContext());

    // Assess
    expect(html).toContain('<dt>Run id</dt><dd>2025-03-01T10-05-00Z-abc123</dd>');
    expect(html).toContain('<dt>Started</dt><dd><time datetime="2025-03-01T10:05:00.000Z">2025-03-01 10:05 UTC</time></dd>');
    expect(html).toContain('<dt>Duration</dt><dd>2.5 s</dd>');
    expect(html).toContain('<dt>Sources</dt><dd>2</dd>');
    expect(html).toContain('<dt>Failed</dt><dd>1</dd>');
    expect(html).toContain('<dt>Items in feed</dt><dd>7</dd>');
    expect(html).toContain('<dt>New items</dt><dd>3</dd>');
  });

  it('lists each source with a link, status text, HTTP status, items, new items, time and error', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: 'good', url: 'https://good.example/feed', items: 12, newItems: 4, durationMs: 321 }),
      aSourceReport({ id: 'same', status: 'not_modified', httpStatus: 304, items: 0, newItems: 0 }),
      aSourceReport({ id: 'down', status: 'failed', httpStatus: null, items: 0, newItems: 0, error: 'could not connect' }),
    ]);

    // Act
    const html = renderHtml(report, [], aContext());

    // Assess
    expect(sourceRow(html, 'good')).toBe(`
<th scope="row"><a href="https://good.example/feed">good</a></th>
<td><span class="status status-ok">OK</span></td>
<td class="number">200</td>
<td class="number">12</td>
<td class="number">4</td>
<td class="number">321</td>
<td class="error"></td>
`);
    expect(sourceRow(html, 'same')).toContain('<span class="status status-not_modified">Not modified</span>');
    expect(sourceRow(html, 'down')).toContain('<span class="status status-failed">Failed</span>');
    expect(sourceRow(html, 'down')).toContain('<td class="number">–</td>');
    expect(sourceRow(html, 'down')).toContain('<td class="error">could not connect</td>');
  });

  it('puts the tables in regions that scroll sideways, so the page fits a phone', () => {
    // Act
    const html = renderHtml(aRunReport(), manyItems(1), aContext());

    // Assess
    expect(html).toContain('.scroll{overflow-x:auto');
    expect(html.match(/<div class="scroll" role="region" aria-labelledby="[a-z-]+" tabindex="0">\n<table>/g)).toHaveLength(2);
  });

  it('lists the newest items, at most 100, in the order given, and says how many were left out', () => {
    // Prepare
    const items = manyItems(150);

    // Act
    const html = renderHtml(aRunReport(), items, aContext());

    // Assess
    const listed = [...html.matchAll(/<td class="title"><a href="[^"]+">(Post number \d+)<\/a><\/td>/g)].map((match) => match[1]);
    expect(listed).toEqual(items.slice(0, 100).map((item) => item.title));
    expect(html).toContain('The newest 100 of 150 items');
  });

  it('shows an item with its link, source and date, but never its content', () => {
    // Prepare
    const item = anItem({ content_html: '<p>SECRET BODY</p>', content_text: 'SECRET TEXT', summary: 'SECRET SUMMARY' });

    // Act
    const html = renderHtml(aRunReport(), [item], aContext());

    // Assess
    expect(html).toContain(`<tr>
<td class="title"><a href="https://example.com/posts/1">First post</a></td>
<td>example</td>
<td class="nowrap"><time datetime="2025-03-01T10:00:00Z">2025-03-01 10:00 UTC</time></td>
</tr>`);
    expect(html).not.toContain('SECRET');
  });

  it('links the feeds in the footer only when their URLs are absolute http(s)', () => {
    // Act
    const linked = renderHtml(aRunReport(), [], aContext());
    const relative = renderHtml(aRunReport(), [], aContext({ feedJsonUrl: 'feed.json', feedXmlUrl: undefined }));

    // Assess
    expect(linked).toContain(
      'Subscribe: <a href="https://feeds.example.org/feed.json">JSON Feed</a> · <a href="https://feeds.example.org/feed.xml">Atom feed</a>.',
    );
    expect(relative).not.toContain('Subscribe');
  });

  it('escapes hostile text everywhere and never emits a javascript: link', () => {
    // Prepare
    const report = aRunReport([
      aSourceReport({ id: HOSTILE_TEXT, url: JAVASCRIPT_URL, status: 'failed', error: HOSTILE_TEXT }),
    ], { runId: HOSTILE_TEXT });
    const items = [anItem({ title: HOSTILE_TEXT, url: JAVASCRIPT_URL, sourceId: HOSTILE_TEXT })];

    // Act
    const html = renderHtml(report, items, aContext({ title: HOSTILE_TEXT, feedJsonUrl: JAVASCRIPT_URL }));

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/[\u0000\u0008\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(html).not.toContain('javascript:');
    expect(hrefs(html).every((href) => href.startsWith('https://'))).toBe(true);
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ]]&gt; &amp; &apos;single&apos; &quot;double&quot;  end';
    expect(html).toContain(`<td class="error">${escaped}</td>`);
    expect(html).toContain(`<th scope="row">${escaped}</th>`);
    expect(html).toContain(`<td class="title">${escaped}</td>`);
    expect(html).toContain(`<h1>${escaped}</h1>`);
  });

  it('shows an untitled item by its link, or as "(untitled)" without one', () => {
    // Act
    const html = renderHtml(aRunReport(), [anItem({ title: undefined }), anItem({ title: '', url: undefined })], aContext());

    // Assess
    expect(html).toContain('<a href="https://example.com/posts/1">https://example.com/posts/1</a>');
    expect(html).toContain('<td class="title">(untitled)</td>');
  });
});
