// `npm run demo`: the whole pipeline in seconds with no network. The test fixture feeds are
// served from a loopback server, alongside a source that fails and one that hangs, so a newcomer
// sees real outputs and how failures are reported.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quietSdkNodeNotice, runLocally } from '../lambda/main/cli.js';
import { formatSourcesTable } from '../lambda/main/sourcesTable.js';
import { startLoopbackServer } from './loopbackServer.js';

const fixtures = new URL('../test/fixtures/', import.meta.url);
const FEEDS: Record<string, { file: string; contentType: string }> = {
  'loopback-news': { file: 'e2e/news.rss', contentType: 'application/rss+xml' },
  'loopback-blog': { file: 'e2e/blog.atom', contentType: 'application/atom+xml' },
  'loopback-notes': { file: 'e2e/notes.json', contentType: 'application/feed+json' },
  guardian: { file: 'feeds/rss-parser/guardian.rss', contentType: 'application/rss+xml' },
  heise: { file: 'feeds/rss-parser/heise.atom', contentType: 'application/atom+xml' },
  'science-rdf': { file: 'feeds/rss-parser/rss-1.rss', contentType: 'application/rdf+xml' },
  'latin-1': { file: 'feeds/iso-8859-1-declared.rss', contentType: 'text/xml' },
};
const OUT = resolve('out/demo');
const DEMO_BASE_URL = 'https://feeds.example.org/demo/';

/** What a feed reader subscribed to feed.json would show: the feed's own title, self link and source names. */
async function feedIdentity(): Promise<string> {
  const feed = JSON.parse(await readFile(join(OUT, 'feed.json'), 'utf8')) as {
    title: string;
    feed_url?: string;
    items: { _source: { id: string; title: string } }[];
  };
  const names = new Map(feed.items.map(({ _source }) => [_source.id, _source.title]));
  return [
    `Feed "${feed.title}", self link ${feed.feed_url ?? '(none: no baseUrl)'}`,
    `Its items come from: ${[...names].map(([id, title]) => (id === title ? id : `${title} (${id})`)).join(', ')}`,
  ].join('\n');
}

const serveFile = (file: string, contentType: string) => async (_request: unknown, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': contentType }).end(await readFile(new URL(file, fixtures)));
};

quietSdkNodeNotice();
const server = await startLoopbackServer({
  ...Object.fromEntries(
    Object.entries(FEEDS).map(([id, { file, contentType }]) => [`/${id}`, serveFile(file, contentType)]),
  ),
  '/gone': (_request, response) => void response.writeHead(410).end(),
  '/hangs': () => undefined,
  '/not-a-feed': serveFile('hostile/plain-page.html', 'text/html'),
});

try {
  const sourcesFile = {
    settings: { concurrency: 8, perHostConcurrency: 8, timeoutMs: 1500, retries: 0 },
    // Where the outputs would be served from: the feeds' self links hang off it (see docs/publishing.md).
    feed: { title: 'Tributary demo', description: 'The test fixture feeds, merged', baseUrl: DEMO_BASE_URL },
    sources: [...Object.keys(FEEDS), 'gone', 'hangs', 'not-a-feed'].map((id) => ({ id, url: server.url(`/${id}`) })),
  };
  const sourcesPath = join(await mkdtemp(join(tmpdir(), 'tributary-demo-')), 'sources.json');
  await writeFile(sourcesPath, JSON.stringify(sourcesFile, null, 2));

  const report = await runLocally(
    { sources: sourcesPath, out: OUT, dryRun: false, force: false },
    { ...process.env, ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' },
  );
  // As the CLI prints it: for people, on stderr.
  console.error(formatSourcesTable(report.sources, { color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR }));
  console.error(`\n${await feedIdentity()}`);
  console.error(`\nOpen ${join(OUT, 'index.html')} in a browser; the feeds are beside it.`);
} finally {
  await server.close();
}
