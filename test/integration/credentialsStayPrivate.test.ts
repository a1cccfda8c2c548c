import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../lambda/core/model.js';
import { redirectTo, serveBody } from '../../scripts/faultRoutes.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

// Credentials in a source URL (`?api_key=…`, `user:pass@`) are the user's: subscribers, readers of
// the page and whoever gets the notification must never see them, wherever the URL turns up —
// as the source's link, inside an error message, even after a `'` that once ended redaction.

const NEWS = readFixture('e2e/news.rss');
const SECRETS = ['KEY-IN-QUERY', 'PASSWORD-IN-USERINFO', 'TOKEN-AFTER-QUOTE', 'PW-WITH-QUOTE'];

describe('credentials in source URLs', () => {
  let server: LoopbackServer;
  let harness: PipelineHarness;
  let report: RunReport;
  const output = (key: string) => readFile(join(harness.outDir, key), 'utf8');

  beforeAll(async () => {
    server = await startLoopbackServer({
      '/feed': serveBody(NEWS, { 'content-type': 'application/rss+xml' }),
      "/loop'1": redirectTo("/loop'1?token=TOKEN-AFTER-QUOTE"),
    });
    const { host } = new URL(server.origin);
    harness = await createPipelineHarness({
      sources: () => [
        source('keyed', `http://reader:PASSWORD-IN-USERINFO@${host}/feed?api_key=KEY-IN-QUERY`),
        source('looping', `http://${host}/loop'1?token=TOKEN-AFTER-QUOTE`),
        source('quoted-user', `http://us'er:PW-WITH-QUOTE'@${host}/missing`),
      ],
    });
    report = await harness.run();
  });

  afterAll(() => server?.close());

  it('runs as configured: the keyed source is read, the others fail with the URL in their error', () => {
    expect(report.sources.map(({ id, status }) => [id, status])).toEqual([
      ['keyed', 'ok'],
      ['looping', 'failed'],
      ['quoted-user', 'failed'],
    ]);
    expect(report.sources[1]?.error).toBe(
      `more than 5 redirects, last to ${server.origin}/loop'1?token=TOKEN-AFTER-QUOTE`,
    );
  });

  it.each(['index.html', 'status.html', 'feed.xml', 'feed.json'])(
    'keeps them out of %s, showing scheme, host and path',
    async (key) => {
      const text = await output(key);

      for (const secret of SECRETS) expect(text).not.toContain(secret);
      if (key === 'status.html' || key === 'feed.xml') expect(text).toContain(`${server.origin}/feed`);
    },
  );

  it('keeps them out of the notification, which is also the head of the report', () => {
    const [notification] = harness.notifier.sent;
    const message = JSON.parse(notification?.message ?? '{}') as { failures?: { url: string; error: string }[] };

    for (const secret of SECRETS) expect(`${notification?.subject} ${notification?.message}`).not.toContain(secret);
    expect(message.failures?.map((failure) => failure.url)).toEqual([
      `${server.origin}/loop'1`,
      `${server.origin}/missing`,
    ]);
  });

  it('keeps the full URL only in the per-source lines of the private run report, as documented', async () => {
    const stored = JSON.parse(await output(`runs/${report.runId}.json`)) as RunReport;

    expect(stored.sources[0]?.url).toContain('api_key=KEY-IN-QUERY');
    for (const secret of SECRETS) expect(JSON.stringify({ ...stored, sources: [] })).not.toContain(secret);
  });
});
