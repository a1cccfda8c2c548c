// Every shell command of README.md and docs/ works as written: each is run here (RUN), synthesized
// (`npx cdk deploy|synth`, by deployCommands.test.ts), or listed in SKIPPED with the reason a test
// cannot run it (an AWS account, the network, a system package). A new command that is none of
// these fails the first test, so an example cannot join the docs untested.
//
// A command runs with `sh -c` in a sandbox folder that links the project's files, so what it
// writes (out/, summary.json, my-sources.json) lands in the sandbox; the files it names are
// written there first, as a reader would have them. The environment is a newcomer's without
// network: the caller's, minus npm's own variables, with SOURCES_URI naming a sources file of
// loopback feeds, which every command that reads sources honours. Nothing leaves 127.0.0.1.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourcesFile } from '../../lambda/input/sourcesFile.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture, serveFixture } from '../support/fixtures.js';
import { referencePages } from '../support/markdownTables.js';
import { type Exit, exitOf } from '../support/processExit.js';
import { commandsOutsideShellBlocks, documentedCommands, isCdkDeployOrSynth } from '../support/shellCommands.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Sandbox {
  dir: string;
  stdout: string;
  stderr: string;
  read(path: string): Promise<string>;
}

interface Run {
  /** What runs in place of the command as written, and why: a part that needs the network left out. */
  instead?: { command: string; why: string };
  /** The files the command names, as a reader would have them. */
  files?: (feeds: LoopbackServer) => Record<string, string>;
  /** What the docs say the command does. */
  check(sandbox: Sandbox, command: string): Promise<void> | void;
}

const loopbackSources = (feeds: LoopbackServer) =>
  JSON.stringify({
    settings: { retries: 0, timeoutMs: 5000 },
    sources: [
      { id: 'news', url: feeds.url('/news.rss') },
      { id: 'blog', url: feeds.url('/blog.atom') },
      { id: 'notes', url: feeds.url('/notes.json') },
    ],
  });

const feedItems = async (sandbox: Sandbox, path: string) =>
  (JSON.parse(await sandbox.read(path)) as { items: unknown[] }).items.length;

/** The commands run as written (or as `instead` says), each with what it must have done. */
const RUN: Record<string, Run> = {
  'npm ci && npm start': {
    instead: { command: 'npm start', why: 'npm ci reinstalls node_modules from the registry' },
    async check(sandbox) {
      expect(await feedItems(sandbox, 'out/feed.json')).toBeGreaterThan(0);
      expect(existsSync(join(sandbox.dir, 'out/index.html'))).toBe(true);
    },
  },
  'npm start -- [--sources FILE] [--out DIR] [--only id,id] [--dry-run] [--force] [--json]': {
    instead: { command: 'npm start -- --help', why: "a synopsis: the CLI's usage must show the same flags" },
    check(sandbox, command) {
      expect(sandbox.stdout).toContain(command);
    },
  },
  'npm start --silent -- --dry-run --json > summary.json': {
    async check(sandbox) {
      const summary = JSON.parse(await sandbox.read('summary.json'));
      expect(summary).toMatchObject({ status: 'ok', dryRun: true, outputs: {}, counts: { sources: 3, ok: 3 } });
    },
  },
  'npm run check -- my-sources.json': {
    files: (feeds) => ({ 'my-sources.json': loopbackSources(feeds) }),
    check(sandbox) {
      expect(sandbox.stderr).toContain('my-sources.json: 3 sources, no problems');
    },
  },
  'npm run demo': {
    async check(sandbox) {
      expect(await feedItems(sandbox, 'out/demo/feed.json')).toBeGreaterThan(0);
      expect(existsSync(join(sandbox.dir, 'out/demo/index.html'))).toBe(true);
    },
  },
  'npm run import-opml -- subscriptions.opml --out my-sources.json': {
    files: () => ({ 'subscriptions.opml': readFixture('sources/subscriptions.opml').toString('utf8') }),
    async check(sandbox) {
      const { sources } = parseSourcesFile(await sandbox.read('my-sources.json'), 'my-sources.json');
      expect(sources.map((source) => source.url)).toContain('https://news.ycombinator.com/rss');
      expect(sandbox.stderr).toContain('Wrote my-sources.json');
    },
  },
  'npm run import-opml -- more-subscriptions.opml --out my-sources.json --merge': {
    files: (feeds) => ({
      'my-sources.json': loopbackSources(feeds),
      'more-subscriptions.opml': `<?xml version="1.0"?><opml version="2.0"><body>
        <outline type="rss" text="News again" xmlUrl="${feeds.url('/news.rss')}"/>
        <outline type="rss" text="Elsewhere" xmlUrl="https://elsewhere.example/feed.xml"/>
      </body></opml>`,
    }),
    async check(sandbox) {
      const merged = parseSourcesFile(await sandbox.read('my-sources.json'), 'my-sources.json');
      expect(merged.sources.map((source) => source.id)).toEqual(['news', 'blog', 'notes', 'elsewhere']);
      expect(merged.settings).toMatchObject({ retries: 0, timeoutMs: 5000 });
    },
  },
  'npm run invoke -- --event \'{"dryRun":true}\'': {
    check(sandbox) {
      // After npm's banner, which echoes the command (braces included), the result's JSON.
      const result = JSON.parse(sandbox.stdout.slice(sandbox.stdout.search(/^\{$/m)));
      expect(result).toMatchObject({ status: 'ok', dryRun: true, counts: { sources: 3, ok: 3 } });
      expect(sandbox.stderr).toContain('Nothing written to the bucket.');
    },
  },
};

/** The commands no test can run, each with the reason. */
const SKIPPED: Record<string, string> = {
  'npm test': 'the command running this test',
  'npm run build': 'npm test builds dist/ before the tests; a rebuild would swap the bundle under tests that run it',
  'npm run lint:deps':
    "npm test's lint step runs it before the tests; the transcript shows its output for a broken import",
  'npx cdk bootstrap': 'needs an AWS account',
  ['aws lambda invoke --function-name <FunctionName> --cli-binary-format raw-in-base64-out --cli-read-timeout 0 ' +
    '--payload \'{"sources":["hn"],"dryRun":true}\' /dev/stdout']:
    'needs a deployed stack; npm run invoke runs the same handler locally',
  'aws ssm put-parameter --name /tributary/github-token --type SecureString --value "Bearer ghp_…"':
    'needs an AWS account; test/integration/secrets.test.ts reads such a parameter from moto_server',
  'apt-get install python3-feedparser': 'installs a system package',
  'npm run conformance': 'needs Python feedparser; not part of npm test by design (docs/conformance.md)',
  'npm run integ': 'deploys a stack to an AWS account',
  'npm run build && npm run integ -- --snapshot': 'deploys a stack to an AWS account',
  'npm run smoke -- --stack Tributary': 'reads a deployed stack',
  'npm run smoke -- --stack Tributary --max-age-minutes 180': 'reads a deployed stack',
};

const commands = documentedCommands();

describe('the shell commands of README.md and docs/', () => {
  it('are each run here, synthesized by deployCommands.test.ts, or skipped with a reason', () => {
    const unaccounted = commands.filter(
      ({ command }) => !(command in RUN) && !(command in SKIPPED) && !isCdkDeployOrSynth(command),
    );
    expect(unaccounted, 'add each to RUN (with what it must do) or SKIPPED (with why) in this file').toEqual([]);
  });

  it('list no command the docs no longer show', () => {
    const shown = new Set(commands.map(({ command }) => command));
    expect([...Object.keys(RUN), ...Object.keys(SKIPPED)].filter((command) => !shown.has(command))).toEqual([]);
  });

  it('are all in ```sh blocks, where this test finds them', () => {
    const elsewhere = referencePages().flatMap(({ path, text }) =>
      commandsOutsideShellBlocks(text).map((line) => `${path}: ${line}`),
    );
    expect(elsewhere).toEqual([]);
  });
});

describe('the documented commands, run as written without network', () => {
  let feeds: LoopbackServer;
  let sourcesUri: string;
  const folders: string[] = [];

  beforeAll(async () => {
    feeds = await startLoopbackServer({
      '/news.rss': serveFixture('e2e/news.rss', 'application/rss+xml'),
      '/blog.atom': serveFixture('e2e/blog.atom', 'application/atom+xml'),
      '/notes.json': serveFixture('e2e/notes.json', 'application/feed+json'),
    });
    folders.push(await mkdtemp(join(tmpdir(), 'tributary-docs-sources-')));
    sourcesUri = join(folders[0]!, 'sources.json');
    await writeFile(sourcesUri, loopbackSources(feeds));
  });

  afterAll(async () => {
    await feeds?.close();
    // The links go; what they point to stays (rm does not follow symlinks).
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  const runnable = commands.filter(({ command }) => command in RUN);

  it.each(runnable)(
    '$path: $command',
    async ({ command }) => {
      // Prepare
      const run = RUN[command]!;
      const dir = await sandbox(Object.keys(run.files?.(feeds) ?? {}));
      folders.push(dir);
      for (const [name, text] of Object.entries(run.files?.(feeds) ?? {})) await writeFile(join(dir, name), text);

      // Act
      const { code, stdout, stderr } = await shell(run.instead?.command ?? command, dir, sourcesUri);

      // Assess
      expect(code, stderr).toBe(0);
      await run.check({ dir, stdout, stderr, read: (path) => readFile(join(dir, path), 'utf8') }, command);
      // What a person sees carries no notice from the AWS SDK about Node versions.
      expect(stderr).not.toMatch(/NodeVersionSupportWarning|upgrade to node/);
    },
    180_000,
  );
});

/**
 * A folder linking every top-level entry of the project but what the commands write or name. A
 * command that wrote inside a linked folder (docs/, dist/) would write into the project: such a
 * command needs its output redirected into the sandbox before it joins RUN.
 */
async function sandbox(named: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-docs-'));
  const written = new Set(['.git', 'out', 'cdk.out', 'summary.json', 'my-sources.json', ...named]);
  for (const entry of readdirSync(ROOT)) {
    if (!written.has(entry)) await symlink(join(ROOT, entry), join(dir, entry));
  }
  return dir;
}

function shell(command: string, cwd: string, sourcesUri: string): Promise<Exit> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_/i.test(name) && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
    ),
  );
  return exitOf('sh', ['-c', command], {
    cwd,
    env: { ...env, SOURCES_URI: sourcesUri, ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' },
    timeout: 150_000,
  });
}
