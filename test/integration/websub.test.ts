// WebSub (issue 15 §4): after a run that publishes new items, the feeds' hub hears of both feeds
// once, through the run's network policy, when the feeds it will fetch are already written; a hub
// that fails is a warning, never a failed run.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_CONTROL } from '../../lambda/core/storageLayout.js';
import { serveBody } from '../../scripts/faultRoutes.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { acceptWith, type HubAnswer, type RecordingHub, recordingHub } from '../support/recordingHub.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

const BASE_URL = 'https://feeds.example.org/team/';
const PUBLISH = (feed: string) => [
  ['hub.mode', 'publish'],
  ['hub.url', `${BASE_URL}${feed}`],
];

describe('pinging the WebSub hub', () => {
  let server: LoopbackServer;
  let harness: PipelineHarness;
  let hub: RecordingHub;
  /** What feed.xml and feed.json held when each ping arrived. */
  let feedAtPing: string[];
  /** Each write of the run report: whether it held warnings, and its Cache-Control. */
  let reportWrites: { warned: boolean; cacheControl?: string }[];

  async function start(answer: HubAnswer, hubUrl?: string): Promise<void> {
    hub = recordingHub(answer);
    feedAtPing = [];
    server = await startLoopbackServer({
      '/news.rss': serveBody(readFixture('e2e/news.rss'), { 'content-type': 'application/rss+xml' }),
      '/hub': (request, response) => {
        const written = (name: string) => readFileSync(join(harness.outDir, name), 'utf8');
        feedAtPing.push(`${written('feed.xml')}\n${written('feed.json')}`);
        return hub.handler(request, response);
      },
    });
    harness = await createPipelineHarness({
      sources: () => [source('news', server.url('/news.rss'))],
      feed: { title: 'Team reading', baseUrl: BASE_URL, hub: hubUrl ?? server.url('/hub') },
    });
    reportWrites = [];
    const put = harness.store.put.bind(harness.store);
    harness.store.put = async (key, body, metadata) => {
      if (key.startsWith('runs/')) reportWrites.push({ warned: 'warnings' in JSON.parse(body), ...metadata });
      return put(key, body, metadata);
    };
  }

  afterEach(async () => {
    await server?.close();
    if (harness) await rm(harness.outDir, { recursive: true, force: true });
  });

  describe('a hub that accepts', () => {
    beforeEach(() => start(acceptWith(204)));

    it('hears of feed.xml and feed.json once each after a run with new items, once both are written', async () => {
      // Act
      const report = await harness.run();

      // Assess
      expect(report.counts.newItems).toBeGreaterThan(0);
      expect(hub.pings.map((ping) => ping.form).sort()).toEqual([PUBLISH('feed.json'), PUBLISH('feed.xml')]);
      expect(hub.pings.every((ping) => ping.contentType === 'application/x-www-form-urlencoded')).toBe(true);
      expect(server.requests('/hub')).toBe(2);
      expect(feedAtPing).toHaveLength(2);
      for (const feeds of feedAtPing) expect(feeds.match(/Rivers join in the delta/g)).toHaveLength(2);
      expect(report).not.toHaveProperty('warnings');
      // Written before the ping, which could still have added a warning: not promised immutable.
      expect(reportWrites).toEqual([expect.objectContaining({ warned: false, cacheControl: CACHE_CONTROL.latest })]);
    });

    it('hears nothing of a run without new items', async () => {
      // Prepare
      await harness.run();
      const pings = hub.pings.length;

      // Act
      const report = await harness.run({ force: true });

      // Assess
      expect(report.counts.newItems).toBe(0);
      expect(hub.pings).toHaveLength(pings);
    });

    it('hears nothing of a dry run', async () => {
      // Act
      const report = await harness.run({ dryRun: true });

      // Assess
      expect(report.counts.newItems).toBeGreaterThan(0);
      expect(server.requests('/hub')).toBe(0);
    });
  });

  it.each([
    ['answers 500', acceptWith(500), /: answered HTTP 500$/],
    ['never answers', 'never' as const, /: no answer within 5000 ms$/],
  ])(
    'ends the run ok when the hub %s, with a warning in the summary, the report and the notification',
    async (_, answer, reason) => {
      // Prepare
      await start(answer);

      // Act
      const report = await harness.run();

      // Assess
      expect(report.status).toBe('ok');
      expect(report.warnings).toHaveLength(2);
      for (const warning of report.warnings ?? []) expect(warning).toMatch(reason);
      expect((await harness.report(report.runId)).warnings).toEqual(report.warnings);
      expect(JSON.parse(harness.notifier.sent[0]!.message).warnings).toEqual(report.warnings);
      // Written before the feeds (the contract), then again with the warnings, only then immutable.
      expect(reportWrites).toEqual([
        expect.objectContaining({ warned: false, cacheControl: CACHE_CONTROL.latest }),
        expect.objectContaining({ warned: true, cacheControl: CACHE_CONTROL.immutable }),
      ]);
      await expect(readFile(join(harness.outDir, 'feed.json'), 'utf8')).resolves.toContain('Rivers join in the delta');
    },
  );

  it("gives a hub that never answers only the time left before the invocation's deadline", async () => {
    // Prepare: 3 s in all, 2 s of it kept for what follows the ping
    await start('never');
    const hardDeadline = Date.now() + 3_000;

    // Act
    const report = await harness.run({}, { budgetMs: 1_500, afterFetchMs: 1_500 });

    // Assess
    expect(report.status).toBe('ok');
    for (const warning of report.warnings ?? []) expect(warning).toMatch(/: no answer within \d{1,3} ms$/);
    expect(report.warnings).toHaveLength(2);
    expect(Date.now()).toBeLessThan(hardDeadline);
  });

  it('refuses a hub at the metadata address as it would refuse a source there, and the run ends ok', async () => {
    // Prepare: the harness allows 127.0.0.0/8 only
    await start(acceptWith(204), 'http://169.254.169.254/hub');

    // Act
    const report = await harness.run();

    // Assess
    expect(report.status).toBe('ok');
    expect(report.warnings).toHaveLength(2);
    for (const warning of report.warnings ?? []) expect(warning).toContain('refused to connect to 169.254.169.254');
  });
});
