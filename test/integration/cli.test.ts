import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { type Exit, exitOf } from '../support/processExit.js';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const CLI = fileURLToPath(new URL('../../lambda/main/cli.ts', import.meta.url));

/** `npm start -- …args` as a user runs it, with stdout and stderr not a terminal. */
function tributary(args: string[], extraEnv: Record<string, string> = {}): Promise<Exit> {
  const { SOURCES_URI: _notTheCaller, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _notSet, ...env } = process.env;
  return exitOf(TSX, [CLI, ...args], { env: { ...env, ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8', ...extraEnv } });
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
    const news = readFixture('e2e/news.rss');
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

  it('runs the pipeline into --out, prints the summary JSON with --json and exits 0 when nothing failed', async () => {
    const sources = await sourcesFile('ok.json', { news: '/news.rss' });
    const out = join(folder, 'ok-out');

    const { code, stdout, stderr } = await tributary(['--sources', sources, '--out', out, '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', counts: { sources: 1, ok: 1, items: 2 } });
    expect(JSON.parse(await readFile(join(out, 'feed.json'), 'utf8')).items).toHaveLength(2);
    expect(stderr).toMatch(/^source +status +http/m);
    expect(stderr).toContain(`Wrote ${join(out, 'feed.json')}, ${join(out, 'feed.xml')}, ${join(out, 'index.html')}`);
  });

  it('prints the table on stderr and nothing on stdout without --json, even off a terminal', async () => {
    const sources = await sourcesFile('table.json', { news: '/news.rss' });

    const { code, stdout, stderr } = await tributary(['--sources', sources, '--out', join(folder, 'table-out')]);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^news +ok +200 +2 +2 /m);
  });

  it("keeps the AWS SDK's notice about Node versions off stderr, and every other warning on it", async () => {
    // Prepare: a header secret makes the CLI build an SSM client, which is when the SDK warns (on
    // Node 20; later Nodes get no notice). SSM's endpoint is a closed loopback port. The canary is a
    // warning the CLI's own process emits as it finishes, which hiding all warnings would also hide.
    const closed = await startLoopbackServer({});
    await closed.close();
    const path = join(folder, 'secret.json');
    const headers = { Authorization: { fromSsm: '/tributary/token' } };
    await writeFile(
      path,
      JSON.stringify({ settings: { retries: 0 }, sources: [{ id: 'private', url: server.url('/news.rss'), headers }] }),
    );
    const canary = join(folder, 'canary.mjs');
    await writeFile(
      canary,
      "if (process.argv[1]?.endsWith('cli.ts')) " +
        "process.once('beforeExit', () => process.emitWarning('still shown', 'CanaryWarning'));",
    );

    // Act
    const { stderr } = await tributary(['--sources', path, '--dry-run'], {
      NODE_OPTIONS: `--import=${canary}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_SSM: closed.origin,
    });

    // Assess
    expect(stderr).toMatch(/^private +failed .*SSM parameter "\/tributary\/token" could not be read/m);
    expect(stderr.match(/CanaryWarning: still shown/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|upgrade to node/);
  });

  it('says the machine looks offline when no source could connect, and lists only the report as written', async () => {
    const closed = await startLoopbackServer({});
    const refused = closed.url('/feed');
    await closed.close();
    const path = join(folder, 'offline.json');
    await writeFile(path, JSON.stringify({ settings: { retries: 0 }, sources: [{ id: 'a', url: refused }] }));
    const out = join(folder, 'offline-out');

    const { code, stdout, stderr } = await tributary(['--sources', path, '--out', out, '--json']);

    expect(code).toBe(1);
    expect(stderr).toContain('this machine looks offline. Try `npm run demo`');
    expect(Object.keys(JSON.parse(stdout).outputs)).toEqual(['report']);
    expect(stderr).toMatch(new RegExp(`^Wrote ${join(out, 'runs')}/[^,]+\\.json$`, 'm'));
  });

  it('exits 1 when the run failed, after writing its report', async () => {
    const sources = await sourcesFile('gone.json', { gone: '/gone' });

    const { code, stdout, stderr } = await tributary([
      '--sources',
      sources,
      '--out',
      join(folder, 'gone-out'),
      '--json',
    ]);

    expect(code).toBe(1);
    expect(stderr).not.toContain('offline'); // the source answered, with an error
    expect(JSON.parse(stdout)).toMatchObject({ status: 'failed', failures: [{ id: 'gone', code: 'http_status' }] });
  });

  it('runs only the sources given with --only, and --dry-run writes nothing', async () => {
    const sources = await sourcesFile('two.json', { news: '/news.rss', gone: '/gone' });
    const out = join(folder, 'dry-out');

    const { code, stdout, stderr } = await tributary([
      ...['--sources', sources, '--out', out, '--only', 'news', '--dry-run', '--json'],
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dryRun: true, counts: { sources: 1, ok: 1 }, outputs: {} });
    await expect(readFile(join(out, 'feed.json'))).rejects.toThrowError(/ENOENT/);
    expect(stderr).toContain('Nothing written (dry run).');
    expect(stderr).not.toContain('Wrote');
  });

  it.each([
    ['an unknown option', ['--dryrun'], /^tributary: unknown option --dryrun \(did you mean "--dry-run"\?\)$/m],
    [
      'unknown source ids',
      ['--only', 'news,newz,lobster'],
      /--only: unknown source ids "newz" \(did you mean "news"\?\), "lobster"; valid ids: news, gone$/m,
    ],
    [
      'a sources file that does not exist',
      ['--sources', '/nonexistent/sources.json'],
      /^tributary: --sources: cannot read \/nonexistent\/sources\.json/m,
    ],
    [
      'an s3:// sources file, which needs the Lambda environment',
      ['--sources', 's3://bucket/sources.json'],
      /^tributary: --sources: an s3:\/\/ URI needs the Lambda environment; pass a file$/m,
    ],
  ])('exits 2 on %s, naming the flag', async (_case, args, message) => {
    const sources = await sourcesFile('flags.json', { news: '/news.rss', gone: '/gone' });

    const { code, stderr } = await tributary(['--sources', sources, ...args]);

    // Every path from a bad flag to here exits 2; any other code came from elsewhere (tsx, Node,
    // the machine), and what the process printed says where.
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('checks a sources file without any request: exit 0 when it is good', async () => {
    const sources = await sourcesFile('check-ok.json', { checked: '/only-checked' });

    const { code, stderr } = await tributary(['check', sources]);

    expect(code).toBe(0);
    expect(stderr).toContain(`${sources}: 1 sources, no problems`);
    expect(server.requests('/only-checked')).toBe(0);
  });

  it('checks a sources file with --check and exits 2 naming every problem', async () => {
    const path = join(folder, 'check-bad.json');
    const bad = { settings: { concurency: 4 }, sources: [{ id: 'a', ur: server.url('/news.rss') }] };
    await writeFile(path, JSON.stringify(bad));

    const { code, stderr } = await tributary(['--check', '--sources', path]);

    expect(code).toBe(2);
    expect(stderr).toContain('settings.concurency: unknown key (did you mean "concurrency"?)');
    expect(stderr).toContain('sources[0].ur: unknown key (did you mean "url"?)');
  });
});
