import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const CLI = fileURLToPath(new URL('../../lambda/main/cli.ts', import.meta.url));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm start -- …args` as a user runs it, with stdout and stderr not a terminal. */
async function tributary(args: string[]): Promise<Exit> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CLI, ...args], {
      env: { ...process.env, ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as Exit;
    return { code, stdout, stderr };
  }
}

describe('the local CLI', () => {
  let server: LoopbackServer;
  let folder: string;
  const sourcesFile = async (name: string, paths: Record<string, string>) => {
    const path = join(folder, name);
    const sources = Object.entries(paths).map(([id, urlPath]) => ({ id, url: server.url(urlPath) }));
    await writeFile(path, JSON.stringify({ settings: { retries: 0, timeoutMs: 3000 }, sources }));
    return path;
  };

  beforeAll(async () => {
    const news = await readFile(new URL('../fixtures/e2e/news.rss', import.meta.url));
    server = await startLoopbackServer({
      '/news.rss': (_request, response) =>
        void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(news),
      '/gone': (_request, response) => void response.writeHead(410).end(),
    });
    folder = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
  });

  afterAll(async () => {
    await server.close();
  });

  it('runs the pipeline into --out, prints the summary JSON and exits 0 when nothing failed', async () => {
    const sources = await sourcesFile('ok.json', { news: '/news.rss' });
    const out = join(folder, 'ok-out');

    const { code, stdout } = await tributary(['--sources', sources, '--out', out]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', counts: { sources: 1, ok: 1, items: 2 } });
    expect(JSON.parse(await readFile(join(out, 'feed.json'), 'utf8')).items).toHaveLength(2);
  });

  it('exits 1 when the run failed, after writing its report', async () => {
    const sources = await sourcesFile('gone.json', { gone: '/gone' });

    const { code, stdout } = await tributary(['--sources', sources, '--out', join(folder, 'gone-out')]);

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'failed', failures: [{ id: 'gone', code: 'http_status' }] });
  });

  it('runs only the sources given with --only, and --dry-run writes nothing', async () => {
    const sources = await sourcesFile('two.json', { news: '/news.rss', gone: '/gone' });
    const out = join(folder, 'dry-out');

    const { code, stdout } = await tributary(['--sources', sources, '--out', out, '--only', 'news', '--dry-run']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dryRun: true, counts: { sources: 1, ok: 1 } });
    await expect(readFile(join(out, 'feed.json'))).rejects.toThrowError(/ENOENT/);
  });

  it.each([
    ['an unknown option', ['--sorces', 'x.json'], /Unknown option '--sorces'[\s\S]*Usage: tributary/],
    ['an unknown source id', ['--only', 'nope'], /event\.sources\[0\]: unknown source id "nope"/],
    [
      'a sources file that does not exist',
      ['--sources', '/nonexistent/sources.json'],
      /SOURCES_URI: cannot read \/nonexistent\/sources\.json/,
    ],
    [
      'an s3:// sources file, which needs the Lambda environment',
      ['--sources', 's3://bucket/sources.json'],
      /^tributary: --sources: an s3:\/\/ URI needs the Lambda environment; pass a file$/m,
    ],
  ])('exits 2 on %s, saying what is wrong', async (_case, args, message) => {
    const { code, stderr } = await tributary(args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
