// The pages as a person sees them: index.html (the reading page) and status.html (the run report),
// written by real pipeline runs against a loopback "internet", opened in headless Chromium. Needs
// Debian's chromium package; nothing is downloaded.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../lambda/adapters/folderStore.js';
import type { SourcesFile } from '../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../lambda/core/sourcesFileSchema.js';
import { parseNetworkPolicy } from '../../lambda/fetch/networkPolicy.js';
import { BROKEN_AFTER_FAILURES } from '../../lambda/process/sourceHealth.js';
import { runPipeline } from '../../lambda/run/runPipeline.js';
import { CHROMIUM, CHROMIUM_INSTALL_HINT, type Chromium, hasChromium, launchChromium } from '../../scripts/chromium.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { serveFixture } from '../support/fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** One more run than it takes to break a source, so the last run shows it resting. */
const RUNS = BROKEN_AFTER_FAILURES + 1;
const SLOW_SOURCE_DELAY_MS = 150; // so the latency bars differ visibly

// The project type-checks without the DOM library; these are the browser globals the in-page probe uses.
interface ProbedElement {
  scrollWidth: number;
  clientWidth: number;
  outerHTML: string;
  closest(selector: string): ProbedElement | null;
  getBoundingClientRect(): { right: number };
  querySelectorAll(selector: string): Iterable<ProbedElement>;
}
declare const document: {
  documentElement: ProbedElement;
  body: ProbedElement;
  querySelector(selector: string): ProbedElement | null;
  querySelectorAll(selector: string): Iterable<ProbedElement & { href: string; type: string }>;
};
declare const window: { innerWidth: number };

if (!hasChromium()) {
  console.warn(
    `Skipping the report page browser test: ${CHROMIUM} not found. Install it with: ${CHROMIUM_INSTALL_HINT}`,
  );
}

const FEED_TITLE = 'Loopback reading';
const FEED_DESCRIPTION = 'Three loopback feeds and one that breaks, read in a browser';

describe.skipIf(!hasChromium())(`the pages in Chromium (needs ${CHROMIUM}: ${CHROMIUM_INSTALL_HINT})`, () => {
  let server: LoopbackServer;
  let outDir: string;
  let browser: Chromium;
  let page: Page;
  let publishedItems: number;
  const consoleErrors: string[] = [];
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    // Prepare: a few real runs, so the page has a history, a failing source that ends up resting,
    // a source that answers 304, and one slower than the rest.
    server = await startLoopbackServer({
      '/news.rss': serveFixture('e2e/news.rss', 'application/rss+xml', { etag: '"news-v1"' }),
      '/blog.atom': async (request: IncomingMessage, response: ServerResponse) => {
        await new Promise((resolve) => setTimeout(resolve, SLOW_SOURCE_DELAY_MS));
        await serveFixture('e2e/blog.atom', 'application/atom+xml')(request, response);
      },
      '/notes.json': serveFixture('e2e/notes.json', 'application/feed+json'),
      '/broken.xml': (_request: IncomingMessage, response: ServerResponse) => void response.writeHead(503).end(),
    });
    const sourcesFile: SourcesFile = {
      settings: { ...DEFAULT_SETTINGS, retries: 0, timeoutMs: 5000 },
      feed: { title: FEED_TITLE, description: FEED_DESCRIPTION },
      sources: [
        { id: 'news', url: server.url('/news.rss'), type: 'feed' },
        { id: 'blog', url: server.url('/blog.atom'), type: 'feed' },
        { id: 'notes', url: server.url('/notes.json'), type: 'feed' },
        { id: 'broken', url: server.url('/broken.xml'), type: 'feed' },
      ],
    };
    outDir = await mkdtemp(join(tmpdir(), 'tributary-report-page-'));
    const store = new FolderStore(outDir);
    for (let run = 0; run < RUNS; run += 1) {
      const now = Date.now();
      await runPipeline(
        {
          sourcesFile,
          request: { dryRun: false, force: false },
          fetchDeadline: now + 30_000,
          hardDeadline: now + 40_000,
        },
        { store, notifier: { publish: async () => undefined }, networkPolicy: parseNetworkPolicy('127.0.0.0/8') },
      );
    }
    publishedItems = JSON.parse(await readFile(join(outDir, 'feed.json'), 'utf8')).items.length;

    browser = await launchChromium(DESKTOP);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // A CSP violation is reported on the console as an error, so this also catches a blocked style or asset.
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => !request.url().startsWith('file:') && outsideRequests.push(request.url()));
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('reading page: shows the feed, items with source names, dates and excerpts, and subscribe links', async () => {
    // Act
    await page.goto(pathToFileURL(join(outDir, 'index.html')).href);

    // Assess
    await expect(page.title()).resolves.toBe(FEED_TITLE);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(FEED_TITLE);
    await expect(page.getByText(FEED_DESCRIPTION).isVisible()).resolves.toBe(true);
    const items = page.locator('ol.items > li');
    await expect(items.count()).resolves.toBe(publishedItems);
    const first = items.filter({ hasText: 'Rivers join in the delta' });
    await expect(first.locator('.meta').innerText()).resolves.toMatch(
      /^Loopback News · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
    await expect(first.locator('.meta a').getAttribute('href')).resolves.toBe('http://news.example/');
    await expect(first.locator('.excerpt').innerText()).resolves.toBe('Water flows.');
    for (const name of ['Loopback News', 'Loopback Blog', 'Loopback Notes']) {
      await expect(page.locator('.meta', { hasText: name }).first().isVisible()).resolves.toBe(true);
    }
    await expect(page.getByRole('link', { name: 'Atom feed' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'JSON Feed' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Run status' }).getAttribute('href')).resolves.toBe('status.html');
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'reading-desktop.png'), fullPage: true });
  });

  it('reading page: its alternate links resolve to the two feeds, as a feed reader finds them', async () => {
    // Act
    const alternates = await page.evaluate(() =>
      [...document.querySelectorAll('link[rel="alternate"]')].map((link) => ({ type: link.type, href: link.href })),
    );

    // Assess
    expect(alternates.map((link) => link.type)).toEqual(['application/atom+xml', 'application/feed+json']);
    const [atom, json] = await Promise.all(alternates.map((link) => readFile(fileURLToPath(link.href), 'utf8')));
    expect(atom).toContain(`<title>${FEED_TITLE}</title>`);
    expect(JSON.parse(json!)).toMatchObject({ title: FEED_TITLE, items: expect.any(Array) });
  });

  it('reading page: fits a phone without sideways scrolling', async () => {
    // Act
    await page.setViewportSize(PHONE);

    // Assess
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      outside: [...document.body.querySelectorAll('*')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((element) => element.outerHTML.slice(0, 80)),
    }));
    expect(overflow).toEqual({ page: 0, outside: [] });
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'reading-phone.png'), fullPage: true });
    await page.setViewportSize(DESKTOP);
  });

  it('status page: shows run status, sources table with names and history chart, no console errors', async () => {
    // Act
    await page.goto(pathToFileURL(join(outDir, 'status.html')).href);

    // Assess
    await expect(page.title()).resolves.toBe(`${FEED_TITLE}: run OK`);
    const sources = page.getByRole('table', { name: /^Every source of this run/ });
    await expect(sources.isVisible()).resolves.toBe(true);
    await expect(sources.getByRole('row').count()).resolves.toBe(1 + 4);
    await expect(sources.getByRole('row', { name: /^news/ }).innerText()).resolves.toContain('Not modified');
    await expect(sources.getByRole('row', { name: /^news/ }).innerText()).resolves.toContain('Loopback News');
    await expect(sources.getByRole('row', { name: /^broken/ }).innerText()).resolves.toMatch(
      new RegExp(`Resting until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+${BROKEN_AFTER_FAILURES} failures in a row`),
    );
    const chart = page.getByRole('img', { name: 'Run history: duration and failed sources' });
    await expect(chart.isVisible()).resolves.toBe(true);
    await expect(chart.boundingBox().then((box) => box?.height ?? 0)).resolves.toBeGreaterThan(50);
    await expect(page.getByRole('link', { name: 'Read the feed' }).getAttribute('href')).resolves.toBe('index.html');
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
  });

  it('status page: charts every run so far, and lists them in the table behind the chart', async () => {
    // Act
    await page.getByText('The same runs as a table').click();

    // Assess
    await expect(page.locator('svg.history-chart rect.duration').count()).resolves.toBe(RUNS);
    const runs = page.getByRole('table', { name: 'Recent runs, newest first' });
    await expect(runs.isVisible()).resolves.toBe(true);
    await expect(runs.getByRole('row').count()).resolves.toBe(1 + RUNS);
  });

  it('status page: fits a phone: only the tables scroll sideways, never the page', async () => {
    // Act
    await page.setViewportSize(PHONE);

    // Assess
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      // Anything sticking out past the right edge, other than inside a table's scroll box.
      outside: [...document.body.querySelectorAll('*')]
        .filter(
          (element) => !element.closest('.scroll') && element.getBoundingClientRect().right > window.innerWidth + 0.5,
        )
        .map((element) => element.outerHTML.slice(0, 80)),
      sourcesScroll: (() => {
        const box = document.querySelector('.scroll:has(table.sources)');
        return box ? box.scrollWidth - box.clientWidth : -1;
      })(),
    }));
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.outside).toEqual([]);
    // The sources table is wider than a phone: it must scroll inside its own box.
    expect(overflow.sourcesScroll).toBeGreaterThan(0);
    const chartBox = await page.getByRole('img', { name: 'Run history: duration and failed sources' }).boundingBox();
    expect(chartBox?.width).toBeLessThanOrEqual(PHONE.width);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-phone.png'), fullPage: true });
  });
});
