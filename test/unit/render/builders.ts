// Small builders for the render tests: each returns a complete, valid value, and a test overrides only
// what it is about.

import type { Item, RunReport, Source, SourceReport } from '../../../lambda/core/model.js';
import { type PublishedItem, publishedItem } from '../../../lambda/render/publishedItem.js';
import type { RenderContext } from '../../../lambda/render/renderContext.js';
import { summarize } from '../../../lambda/run/summary.js';

/** Every way a feed we aggregate might try to break our markup, in one string. */
export const HOSTILE_TEXT = `<script>alert("x")</script> ]]> & 'single' "double" \u0000\u0008\uFFFE\uFFFF\uD800 end`;
/** HOSTILE_TEXT after its characters illegal in XML 1.0 are removed: what a reader should see. */
export const HOSTILE_TEXT_VISIBLE = `<script>alert("x")</script> ]]> & 'single' "double"  end`;
export const JAVASCRIPT_URL = 'javascript:alert(1)';

export function aSource(overrides: Partial<Source> = {}): Source {
  return { id: 'example', url: 'https://example.com/feed.xml', type: 'feed', ...overrides };
}

export function anItem(overrides: Partial<Item> = {}): Item {
  return {
    id: 'https://example.com/posts/1',
    url: 'https://example.com/posts/1',
    title: 'First post',
    content_html: '<p>Hello</p>',
    date_published: '2025-03-01T10:00:00Z',
    sourceId: 'example',
    ...overrides,
  };
}

/** The items as the pipeline hands them to the renderers. */
export function published(items: Item[]): PublishedItem[] {
  return items.map(publishedItem);
}

/** `count` distinct items, newest first, one hour apart, from the source `example`. */
export function manyItems(count: number): Item[] {
  return Array.from({ length: count }, (_, index) =>
    anItem({
      id: `https://example.com/posts/${index}`,
      url: `https://example.com/posts/${index}`,
      title: `Post number ${index}`,
      date_published: new Date(Date.UTC(2025, 2, 1) - index * 3_600_000).toISOString(),
    }),
  );
}

export function aSourceReport(overrides: Partial<SourceReport> = {}): SourceReport {
  return {
    id: 'example',
    url: 'https://example.com/feed.xml',
    status: 'ok',
    httpStatus: 200,
    items: 1,
    newItems: 1,
    bytes: 1234,
    durationMs: 87,
    attempts: 1,
    failureStreak: 0,
    ...overrides,
  };
}

/** A run report whose counts and failures agree with its sources, as the pipeline builds it. */
export function aRunReport(sources: SourceReport[] = [aSourceReport()], overrides: Partial<RunReport> = {}): RunReport {
  const report = summarize({
    runId: '2025-03-01T10-05-00Z-abc123',
    dryRun: false,
    startedAt: Date.parse('2025-03-01T10:05:00.000Z'),
    finishedAt: Date.parse('2025-03-01T10:05:02.500Z'),
    reports: sources,
    publishedItems: sources.reduce((sum, source) => sum + source.items, 0),
    outputs: { feedJson: 'feed.json', feedXml: 'feed.xml', html: 'index.html', report: 'runs/x.json' },
  });
  return { ...report, ...overrides };
}

export function aContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    title: 'Tributary test feed',
    generatedAt: '2025-03-01T10:05:02.500Z',
    homePageUrl: 'https://feeds.example.org/',
    feedJsonUrl: 'https://feeds.example.org/feed.json',
    feedXmlUrl: 'https://feeds.example.org/feed.xml',
    sources: [aSource()],
    ...overrides,
  };
}
