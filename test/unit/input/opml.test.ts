import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../lambda/core/errors.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { opmlToSourcesFile } from '../../../lambda/input/opml.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { importOpml } from '../../../lambda/main/importOpml.js';
import { fixturePath, readFixture } from '../../support/fixtures.js';

const SOURCES = fixturePath('sources/');

/** The command as users run it: `npm run import-opml -- FILE` is `tsx lambda/main/cli.ts import-opml FILE`. */
const CLI = fileURLToPath(new URL('../../../lambda/main/cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const SUBSCRIPTIONS = readFixture('sources/subscriptions.opml').toString('utf8');

/** Runs the command and collects what it prints. */
async function runImport(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await importOpml(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('opmlToSourcesFile', () => {
  it('turns every feed outline into a feed source, folders flattened, ids made from titles and unique', () => {
    const { sourcesFile } = opmlToSourcesFile(SUBSCRIPTIONS);

    expect(sourcesFile.sources).toEqual([
      { id: 'hacker-news', url: 'https://news.ycombinator.com/rss', type: 'feed' },
      { id: 'aws-news-blog', url: 'https://aws.amazon.com/blogs/aws/feed/', type: 'feed' },
      { id: 'cafe-creme-kubernetes', url: 'https://cafe.example/k8s.atom', type: 'feed' },
      { id: 'hacker-news-2', url: 'https://hnrss.org/frontpage', type: 'feed' },
      { id: 'nhk-example', url: 'http://www.nhk.example/rss/news.xml', type: 'feed' },
    ]);
    expect(sourcesFile.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('lists what it skipped and why', () => {
    const { warnings } = opmlToSourcesFile(SUBSCRIPTIONS);

    expect(warnings).toEqual([
      'skipped "HN again": same xmlUrl as "hacker-news"',
      'skipped "Old gopher feed": xmlUrl "gopher://old.example/feed" is not an http(s) URL',
      'skipped "A bookmark": no xmlUrl',
      'skipped "Empty folder": no xmlUrl',
    ]);
  });

  it('echoes no control character from a title or URL, so the terminal runs no escape sequence', async () => {
    // A window-title escape (OSC), a colour (CSI, also as its one-byte C1 form) and a bidi override.
    const hostile = 'Evil\u001b]0;owned\u0007 \u001b[31mred\u009b2J\u202etxt.exe';
    const outlines = `<outline text="${hostile}"/><outline text="x" xmlUrl="gopher://\u001b[2J"/>`;
    const xml = `<opml version="2.0"><body>${outlines}</body></opml>`;

    const { warnings } = opmlToSourcesFile(
      `${xml.replace('</body>', '<outline text="ok" xmlUrl="https://ok.example/"/></body>')}`,
    );

    for (const warning of warnings) expect(warning).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(warnings[0]).toBe('skipped "Evil\ufffd]0;owned\ufffd \ufffd[31mred\ufffd2J\ufffdtxt.exe": no xmlUrl');
  });

  it('makes 30,000 outlines with one title into 30,000 ids, numbered in order', () => {
    const outlines = Array.from({ length: 30_000 }, (_, i) => `<outline text="Same" xmlUrl="https://a.example/${i}"/>`);

    const ids = opmlToSourcesFile(
      `<opml version="2.0"><body>${outlines.join('')}</body></opml>`,
    ).sourcesFile.sources.map((source) => source.id);

    expect(new Set(ids).size).toBe(30_000);
    expect([ids[0], ids[1], ids[29_999]]).toEqual(['same', 'same-2', 'same-30000']);
  });

  it('keeps ids within the 64 characters a sources file allows, even with a suffix', () => {
    const title = 'A very long feed title that goes on and on well past sixty-four characters';
    const outline = (url: string) => `<outline text="${title}" xmlUrl="${url}"/>`;
    const outlines = outline('https://a.example/1') + outline('https://a.example/2');
    const xml = `<opml version="2.0"><body>${outlines}</body></opml>`;

    const ids = opmlToSourcesFile(xml).sourcesFile.sources.map((source) => source.id);

    expect(ids).toEqual([
      'a-very-long-feed-title-that-goes-on-and-on-well-past-sixty-four',
      'a-very-long-feed-title-that-goes-on-and-on-well-past-sixty-fou-2',
    ]);
  });

  it.each([
    ['an HTML page', '<html><body>Not OPML</body></html>', 'subs.opml: not an OPML document'],
    [
      'OPML without feeds',
      '<opml version="2.0"><body><outline text="Folder"/></body></opml>',
      'subs.opml: no outline has an http(s) xmlUrl',
    ],
  ])('rejects %s, naming the file', (_case, xml, message) => {
    expect(() => opmlToSourcesFile(xml, 'subs.opml')).toThrow(InvalidInputError);
    expect(() => opmlToSourcesFile(xml, 'subs.opml')).toThrow(message);
  });
});

describe('tributary import-opml', () => {
  it('prints a sources file that loads as it is, and the warnings on stderr', async () => {
    const { code, stdout, stderr } = await runImport([`${SOURCES}subscriptions.opml`]);

    expect(code).toBe(0);
    expect(parseSourcesFile(stdout, 'stdout').sources).toHaveLength(5);
    expect(stderr).toContain(
      'warning: skipped "Old gopher feed": xmlUrl "gopher://old.example/feed" is not an http(s) URL\n',
    );
  });

  it.each([
    ['no file', [], 'expected exactly one FILE'],
    ['two files', ['a.opml', 'b.opml'], 'expected exactly one FILE'],
    ['a file that does not exist', [`${SOURCES}missing.opml`], 'cannot read'],
    ['a file that is not OPML', [`${SOURCES}blog.html`], 'blog.html: not an OPML document'],
  ])('exits 2 with %s, saying why on stderr and printing nothing', async (_case, args, message) => {
    const { code, stdout, stderr } = await runImport(args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('runs as a program: JSON on stdout and exit 0, or exit 2 with the reason on stderr', async () => {
    const run = promisify(execFile);

    const [done, failed] = await Promise.all([
      run(TSX, [CLI, 'import-opml', `${SOURCES}subscriptions.opml`]),
      run(TSX, [CLI, 'import-opml', `${SOURCES}blog.html`]).catch((error: { code: number; stderr: string }) => error),
    ]);

    expect(JSON.parse(done.stdout).sources).toHaveLength(5);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('not an OPML document') });
  });

  describe('with --out', () => {
    const opml = `${SOURCES}subscriptions.opml`;
    const folder = () => mkdtemp(join(tmpdir(), 'tributary-opml-'));

    it("writes the sources file there and nothing on stdout, so npm's banner cannot end up in it", async () => {
      const out = join(await folder(), 'sources.json');

      const { code, stdout, stderr } = await runImport([opml, '--out', out]);

      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(parseSourcesFile(await readFile(out, 'utf8'), out).sources).toHaveLength(5);
      expect(stderr).toContain(`Wrote ${out}`);
    });

    it('refuses to replace an existing file without --force, and replaces it with --force', async () => {
      const out = join(await folder(), 'sources.json');
      await writeFile(out, 'mine');

      const refused = await runImport([opml, '--out', out]);

      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${out} exists: give --force to replace it, or --merge to add the feeds to it`);
      expect(await readFile(out, 'utf8')).toBe('mine');

      expect((await runImport([opml, '--out', out, '--force'])).code).toBe(0);
      expect(parseSourcesFile(await readFile(out, 'utf8'), out).sources).toHaveLength(5);
    });

    it('adds the feeds to an existing file with --merge, keeping its settings and sources as written', async () => {
      const out = join(await folder(), 'sources.json');
      const mine = {
        settings: { retries: 1 },
        sources: [
          { id: 'hacker-news', url: 'https://example.com/mine.rss' },
          { id: 'hn', url: 'https://news.ycombinator.com/rss' },
        ],
      };
      await writeFile(out, JSON.stringify(mine));

      const { code, stderr } = await runImport([opml, '--out', out, '--merge']);

      const merged = JSON.parse(await readFile(out, 'utf8'));
      expect(code).toBe(0);
      expect(merged.settings).toEqual({ retries: 1 });
      expect(merged.sources.slice(0, 2)).toEqual(mine.sources);
      expect(merged.sources.slice(2).map((source: { id: string }) => source.id)).toEqual([
        'aws-news-blog',
        'cafe-creme-kubernetes',
        'hacker-news-2',
        'nhk-example',
      ]);
      expect(stderr).toContain('skipped "Hacker News": same xmlUrl as "hn" in the sources file');
      expect(stderr).toContain(`Added 4 sources to ${out}`);
    });

    it('merges only into a valid sources file, naming its problems', async () => {
      const out = join(await folder(), 'sources.json');
      await writeFile(out, '{"sources": [{"id": "a", "ur": "https://a.example/"}]}');

      const { code, stderr } = await runImport([opml, '--out', out, '--merge']);

      expect(code).toBe(2);
      expect(stderr).toContain('sources[0].ur: unknown key (did you mean "url"?)');
    });
  });
});
