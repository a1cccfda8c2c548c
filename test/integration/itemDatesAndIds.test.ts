// A feed that dates its items far outside any real publication time, to sit above every other
// item for as long as it is in the feed, and gives them ids that are scripts: through real runs,
// none of it reaches feed.json, feed.xml or the reading page, and the report says what was dropped.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../lambda/core/model.js';
import { serveBody } from '../../scripts/faultRoutes.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const RSS = { 'content-type': 'application/rss+xml' };
const HOSTILE_TITLES = ['Pinned by a bad offset', 'Pinned far in the future', 'Dated before 1970'];
/** What the hostile dates become when taken at face value. */
const HOSTILE_DATES = /\+?0?10000-|9999-|1969-|1960-|Jan 1960|10000/;
const FOREIGN_SCHEMES = /javascript:|data:|vbscript:/;

interface FeedJsonItem {
  id: string;
  title: string;
  date_published?: string;
  _source: { id: string };
}

describe('items dated outside 1970 … now + a day, with ids in foreign schemes', () => {
  let server: LoopbackServer;
  let harness: PipelineHarness;
  let first: RunReport;
  const output = (key: string) => readFile(join(harness.outDir, key), 'utf8');

  beforeAll(async () => {
    server = await startLoopbackServer({
      '/pinned.rss': serveBody(readFixture('hostile/pinned-dates-and-scripted-ids.rss'), RSS),
      '/news.rss': serveBody(readFixture('e2e/news.rss'), RSS),
    });
    harness = await createPipelineHarness({
      sources: () => [source('pinned', server.url('/pinned.rss')), source('news', server.url('/news.rss'))],
    });
    first = await harness.run();
  });

  afterAll(async () => {
    await server?.close();
    if (harness) await rm(harness.outDir, { recursive: true, force: true });
  });

  it('publishes them undated in feed.json, after every dated item, under urn:uuid ids', async () => {
    // Act
    const { items } = JSON.parse(await output('feed.json')) as { items: FeedJsonItem[] };

    // Assess
    const firstUndated = items.findIndex((item) => item.date_published === undefined);
    expect(items.slice(0, firstUndated).map((item) => item.title)).toContain('A real story');
    for (const title of HOSTILE_TITLES) {
      const item = items.find((candidate) => candidate.title === title);
      expect(item).toBeDefined();
      expect(item).not.toHaveProperty('date_published');
      expect(item?.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(items.indexOf(item!)).toBeGreaterThanOrEqual(firstUndated);
    }
    expect(items.find((item) => item.title === 'A real story')?.id).toBe('tag:pinned.example,2026:real');
  });

  it('writes feed.xml and the reading page without those dates or ids', async () => {
    // Act
    const xml = await output('feed.xml');
    const page = await output('index.html');

    // Assess
    expect(xml).not.toMatch(HOSTILE_DATES);
    expect(xml).not.toMatch(FOREIGN_SCHEMES);
    expect(page).not.toMatch(HOSTILE_DATES);
    const { feed } = new XMLParser({ isArray: (name) => name === 'entry' }).parse(xml) as {
      feed: { entry: { id: string; title: string; published?: string }[] };
    };
    const entries = feed.entry.filter((entry) => HOSTILE_TITLES.includes(entry.title));
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry.id).toMatch(/^urn:uuid:/);
      expect(entry).not.toHaveProperty('published');
    }
  });

  it("counts the dropped dates in the source's report line", async () => {
    // Act
    const report = await harness.report(first.runId);

    // Assess
    expect(report.sources.find((line) => line.id === 'pinned')).toMatchObject({ status: 'ok', datesDropped: 3 });
    expect(report.sources.find((line) => line.id === 'news')).not.toHaveProperty('datesDropped');
  });

  it('announces none of them again on the next run: their ids are the same from run to run', async () => {
    // Act
    const next = await harness.run({ force: true });

    // Assess
    expect(first.counts.newItems).toBeGreaterThan(0);
    expect(next.counts.newItems).toBe(0);
  });
});
