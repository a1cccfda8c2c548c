// `npm run invoke`: the built bundle's handler against moto_server started for the call, as a
// person runs it before deploying. Needs dist/ (npm test builds it first) and moto_server.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { serveFixture } from '../support/fixtures.js';
import { type Exit, exitOf } from '../support/processExit.js';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const INVOKE = fileURLToPath(new URL('../../scripts/invoke.ts', import.meta.url));

function invoke(args: string[]): Promise<Exit> {
  // Not the caller's switch: the script must set it itself.
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _notSet, SOURCES_URI: _notTheCaller, ...env } = process.env;
  return exitOf(TSX, [INVOKE, ...args], { env, timeout: 150_000 });
}

describe('npm run invoke', () => {
  let feeds: LoopbackServer;
  let sources: string;

  beforeAll(async () => {
    feeds = await startLoopbackServer({
      '/news.rss': serveFixture('e2e/news.rss', 'application/rss+xml'),
      '/notes.json': serveFixture('e2e/notes.json', 'application/feed+json'),
    });
    sources = join(await mkdtemp(join(tmpdir(), 'tributary-invoke-')), 'sources.json');
    await writeFile(
      sources,
      JSON.stringify({
        settings: { retries: 0, timeoutMs: 5000 },
        sources: [
          { id: 'news', url: feeds.url('/news.rss') },
          { id: 'notes', url: feeds.url('/notes.json') },
        ],
      }),
    );
  });

  afterAll(async () => {
    await feeds?.close();
  });

  it('runs the built handler on a dry-run event: prints its result, writes nothing, no SDK notice', async () => {
    // Act
    const { code, stdout, stderr } = await invoke(['--event', '{"dryRun":true}', '--sources', sources]);

    // Assess
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ status: 'ok', dryRun: true, counts: { sources: 2, ok: 2 }, outputs: {} });
    expect(result.counts.items).toBeGreaterThan(0);
    expect(feeds.requests('/news.rss')).toBeGreaterThanOrEqual(1);
    expect(stderr).toMatch(/moto_server on http:\/\/127\.0\.0\.1:\d+/);
    expect(stderr).toContain('Nothing written to the bucket.');
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|upgrade to node/);
  }, 180_000);

  it('lists every key a real run wrote to the emulated bucket', async () => {
    // Act
    const { code, stdout, stderr } = await invoke(['--event', '{"sources":["news"]}', '--sources', sources]);

    // Assess
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.status).toBe('ok');
    for (const key of ['feed.json', 'feed.xml', 'index.html', 'status.html', `runs/${result.runId}.json`]) {
      expect(stderr).toMatch(new RegExp(`^  ${key.replace(/\./g, '\\.')} \\(\\d+ bytes\\)$`, 'm'));
    }
  }, 180_000);

  it('exits 2 naming the flag when the event is not JSON, before starting anything', async () => {
    // Act
    const { code, stdout, stderr } = await invoke(['--event', '{dryRun:true}']);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^invoke: --event: not JSON/);
    expect(stderr).not.toContain('moto_server on');
  }, 60_000);

  it('throws as Lambda would on an invalid event, exit 1 with the error naming the field', async () => {
    // Act
    const { code, stderr } = await invoke(['--event', '{"sources":["nope"]}', '--sources', sources]);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/The handler threw \w+.*event\.sources: unknown source id "nope"/);
  }, 180_000);
});
