import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../lambda/errors.js';
import type { RunRequest } from '../../lambda/event.js';
import { parseNetworkPolicy } from '../../lambda/fetch/networkPolicy.js';
import type { SourcesFile } from '../../lambda/model.js';
import type { Notification, Notifier } from '../../lambda/notify/notifier.js';
import { type PipelineDependencies, runPipeline } from '../../lambda/run.js';
import { DEFAULT_SETTINGS } from '../../lambda/sources.js';
import { FolderStore } from '../../lambda/store/folderStore.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopbackServer.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/e2e/${name}`, import.meta.url));
const ETAG = '"news-v1"';

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failing = false;

  async publish(notification: Notification): Promise<void> {
    if (this.failing) throw new NotifyError('SNS is down');
    this.sent.push(notification);
  }
}

describe('the pipeline over a folder store', () => {
  let server: LoopbackServer;
  let broken: Set<string>;
  let outDir: string;
  let store: FolderStore;
  let notifier: RecordingNotifier;
  let conditionalHits: number;

  beforeEach(async () => {
    broken = new Set();
    conditionalHits = 0;
    server = await startLoopbackServer({
      '/news.rss': async (request: IncomingMessage, response: ServerResponse) => {
        if (broken.has('news')) return void response.writeHead(503).end();
        if (request.headers['if-none-match'] === ETAG) {
          conditionalHits += 1;
          return void response.writeHead(304, { etag: ETAG }).end();
        }
        response.writeHead(200, { 'content-type': 'application/rss+xml', etag: ETAG }).end(await fixture('news.rss'));
      },
      '/notes.json': async (_request: IncomingMessage, response: ServerResponse) => {
        if (broken.has('notes')) return void response.destroy();
        response.writeHead(200, { 'content-type': 'application/feed+json' }).end(await fixture('notes.json'));
      },
      '/hangs': () => undefined,
    });
    outDir = await mkdtemp(join(tmpdir(), 'tributary-pipeline-'));
    store = new FolderStore(outDir);
    notifier = new RecordingNotifier();
  });

  afterEach(async () => {
    await server.close();
  });

  function sourcesFile(ids: string[] = ['news', 'notes']): SourcesFile {
    const paths: Record<string, string> = { news: '/news.rss', notes: '/notes.json', hangs: '/hangs' };
    return {
      settings: { ...DEFAULT_SETTINGS, retries: 0, timeoutMs: 5000 },
      sources: ids.map((id) => ({ id, url: server.url(paths[id] ?? '/'), type: 'feed' as const })),
    };
  }

  function run(request: Partial<RunRequest> = {}, options: { file?: SourcesFile; budgetMs?: number; extra?: Partial<PipelineDependencies> } = {}) {
    const now = Date.now();
    const budget = options.budgetMs ?? 60_000;
    return runPipeline(
      {
        sourcesFile: options.file ?? sourcesFile(),
        request: { dryRun: false, force: false, ...request },
        fetchDeadline: now + budget,
        hardDeadline: now + budget + 10_000,
      },
      { store, notifier, networkPolicy: parseNetworkPolicy('127.0.0.0/8'), ...options.extra },
    );
  }

  const feedTitles = async () =>
    JSON.parse(await readFile(join(outDir, 'feed.json'), 'utf8')).items.map((item: { title: string }) => item.title);

  it('keeps the previous good outputs when every source fails, and still reports and notifies', async () => {
    await run();
    const goodFeed = await readFile(join(outDir, 'feed.json'), 'utf8');
    broken = new Set(['news', 'notes']);

    const summary = await run();

    expect(summary.status).toBe('failed');
    expect(summary.failures.map((failure) => failure.id).sort()).toEqual(['news', 'notes']);
    expect(await readFile(join(outDir, 'feed.json'), 'utf8')).toBe(goodFeed);
    expect(JSON.parse(await readFile(join(outDir, 'runs', `${summary.runId}.json`), 'utf8')).status).toBe('failed');
    expect(notifier.sent.at(-1)?.attributes.status).toBe('failed');
  });

  it("keeps a failing source's last good items in the feed while reporting it failed", async () => {
    await run();
    broken = new Set(['notes']);

    const summary = await run({ force: true });

    expect(summary.status).toBe('partial');
    expect(summary.failures).toEqual([expect.objectContaining({ id: 'notes', code: 'network' })]);
    expect(await feedTitles()).toContain('A note in JSON');
  });

  it('sends the remembered validators, reuses the items on 304, and refetches everything when forced', async () => {
    await run();

    const second = await run();
    expect(conditionalHits).toBe(1);
    expect(second.counts).toMatchObject({ ok: 1, notModified: 1, items: 3, newItems: 0 });
    expect(await feedTitles()).toContain('Rivers join in the delta');

    const forced = await run({ force: true });
    expect(conditionalHits).toBe(1);
    expect(forced.counts).toMatchObject({ ok: 2, notModified: 0, items: 3, newItems: 0 });
  });

  it('counts as new only the items earlier runs have not seen', async () => {
    const first = await run({ only: ['news'] });
    const second = await run({ force: true });

    expect(first.counts.newItems).toBe(2);
    expect(second.counts.newItems).toBe(1);
    expect(JSON.parse(notifier.sent.at(-1)?.message ?? '{}').newItems).toEqual([
      { title: 'A note in JSON', url: 'http://notes.example/n/1', sourceId: 'notes' },
    ]);
  });

  it('ends with a report, not a timeout, when a source hangs past the time budget', async () => {
    const startedAt = Date.now();

    const summary = await run({}, { file: sourcesFile(['news', 'hangs']), budgetMs: 800 });

    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(summary.status).toBe('partial');
    expect(summary.failures).toEqual([expect.objectContaining({ id: 'hangs', code: 'deadline' })]);
    expect(JSON.parse(await readFile(join(outDir, 'runs', `${summary.runId}.json`), 'utf8')).sources).toHaveLength(2);
  });

  it('fails the invocation when the notification cannot be sent, after the outputs are safe; the retry only notifies', async () => {
    const scheduled = { scheduledTime: '2026-11-26T05:00:00.000Z' };
    notifier.failing = true;

    await expect(run(scheduled)).rejects.toThrowError(NotifyError);
    expect(await feedTitles()).toHaveLength(3);
    const requestsAfterFirst = server.requests();

    notifier.failing = false;
    const retried = await run(scheduled);

    expect(retried.runId).toBe('20261126T050000Z-scheduled');
    expect(server.requests()).toBe(requestsAfterFirst);
    expect(notifier.sent).toHaveLength(1);
    expect(await run(scheduled)).toEqual(retried);
    expect(notifier.sent).toHaveLength(1);
  });

  it('starts clean, with a warning, when the state file is corrupt', async () => {
    await mkdir(join(outDir, 'state'), { recursive: true });
    await writeFile(join(outDir, 'state', 'state.json'), '{ not json');
    const warnings: string[] = [];

    const summary = await run({}, { extra: { onWarning: (message) => warnings.push(message) } });

    expect(summary.status).toBe('ok');
    expect(summary.counts.newItems).toBe(3);
    expect(warnings).toEqual([expect.stringContaining('state file unreadable')]);
  });

  it('writes nothing and notifies nobody on a dry run', async () => {
    const summary = await run({ dryRun: true });

    expect(summary).toMatchObject({ dryRun: true, status: 'ok', counts: { items: 3 } });
    expect(await store.list('')).toEqual([]);
    expect(notifier.sent).toHaveLength(0);
  });
});
