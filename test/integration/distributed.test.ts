import { mkdtemp } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../lambda/adapters/folderStore.js';
import { InvalidInputError } from '../../lambda/core/errors.js';
import type { RunReport, Source, SourcesFile } from '../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../lambda/core/sourcesFileSchema.js';
import { mergeShards } from '../../lambda/distributed/mergeShards.js';
import { settleBatch } from '../../lambda/distributed/settleBatch.js';
import { shardFolderAt } from '../../lambda/distributed/shardFolder.js';
import { type StartResult, startShardedRun } from '../../lambda/distributed/startShardedRun.js';
import { parseBatchEvent, parseMergeEvent } from '../../lambda/distributed/stepEvents.js';
import { parseNetworkPolicy } from '../../lambda/fetch/networkPolicy.js';
import type { RunRequest } from '../../lambda/input/event.js';
import { runPipeline } from '../../lambda/run/runPipeline.js';
import { readState } from '../../lambda/run/state.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { RecordingNotifier, source } from './support/pipelineHarness.js';

const networkPolicy = parseNetworkPolicy('127.0.0.0/8');
const MINUTE = 60_000;
/** Served as sources, varied on purpose: RSS, Atom, JSON Feed, relative links, odd and missing dates, unsafe HTML. */
const FIXTURES = [
  'e2e/news.rss',
  'e2e/blog.atom',
  'e2e/notes.json',
  'feeds/json-feed-1.0.json',
  'feeds/json-feed-1.1.json',
  'feeds/atom-relative-links.atom',
  'feeds/odd-dates.rss',
  'feeds/rss-channel-link.rss',
  'feeds/unsafe-content.rss',
  'feeds/utf-8-bom.rss',
  'feeds/unreadable.rss',
];
const BATCH_SIZE = 4;

interface Outputs {
  feedJson: string;
  feedXml: string;
  html: string;
  report: string;
  state: string;
}

describe('the distributed mode, its start, worker and merge steps run in-process', () => {
  let server: LoopbackServer;
  let sourcesFile: SourcesFile;
  /** Every timestamp the pipeline writes comes from this pinned clock, in both modes alike. */
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => unknown> = {
      '/down': (_request, response) => void response.writeHead(503).end(),
    };
    for (const fixture of FIXTURES) {
      const body = readFixture(fixture);
      const etag = `"${fixture}-v1"`;
      routes[`/${fixture}`] = (request, response) => {
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { etag }).end(body);
      };
    }
    server = await startLoopbackServer(routes);
    const sources: Source[] = FIXTURES.map((fixture) =>
      source(fixture.replace(/[/.]/g, '-'), server.url(`/${fixture}`)),
    );
    // The same feed under a second id, in another batch: its items must be deduplicated across batches.
    sources.push(source('news-mirror', server.url('/e2e/news.rss')), source('down', server.url('/down')));
    sourcesFile = { settings: { ...DEFAULT_SETTINGS, retries: 0, timeoutMs: 5000, concurrency: 3 }, sources };
    clock = Math.floor(Date.now() / 1000) * 1000;
  });

  afterEach(async () => {
    await server.close();
  });

  const scheduled = (time: string): RunRequest => ({ scheduledTime: time, dryRun: false, force: false });

  async function outputFolder() {
    const root = await mkdtemp(join(tmpdir(), 'tributary-distributed-'));
    return { root, store: new FolderStore(root), notifier: new RecordingNotifier() };
  }
  type Folder = Awaited<ReturnType<typeof outputFolder>>;

  function runSingle({ store, notifier }: Folder, request: RunRequest): Promise<RunReport> {
    return runPipeline(
      { sourcesFile, request, fetchDeadline: Date.now() + MINUTE, hardDeadline: Date.now() + 2 * MINUTE },
      { store, notifier, networkPolicy, now },
    );
  }

  function start({ store, notifier }: Folder, request: RunRequest, executionId?: string): Promise<StartResult> {
    return startShardedRun(
      {
        request,
        sourcesFile,
        startedAt: clock,
        executionDeadline: Date.now() + 2 * MINUTE,
        mergeReserveMs: MINUTE,
        executionId,
      },
      { store, notifier, now },
    );
  }

  /**
   * What the state machine does after the start step: the Map reads the array the start step
   * wrote, batches it by BATCH_SIZE and runs one worker per batch; `failing` batches (by index)
   * throw instead, and those in `recorded` are exported the way the Map's ResultWriter exports a
   * failed child execution. Then the merge step.
   */
  async function mapAndMerge(
    folder: Folder,
    started: StartResult,
    failing: { batches: number[]; recorded: number[] } = { batches: [], recorded: [] },
    mapEvent: Record<string, unknown> = {},
  ) {
    if (started.status !== 'started') throw new Error(`expected a started run, got ${started.status}`);
    const { store, notifier } = folder;
    const items = JSON.parse((await store.get(started.folder.sources)) ?? '[]') as Source[];
    const batches: Source[][] = [];
    for (let index = 0; index < items.length; index += BATCH_SIZE) batches.push(items.slice(index, index + BATCH_SIZE));

    const failed: unknown[] = [];
    await Promise.all(
      batches.map(async (batch, index) => {
        if (!failing.batches.includes(index))
          return settleBatch(batch, started.job, Date.now() + MINUTE, { store, networkPolicy, now });
        if (failing.recorded.includes(index)) {
          failed.push({
            ExecutionArn: `arn:aws:states:eu-west-1:123456789012:execution:Tributary/Workers:${index}`,
            Input: JSON.stringify({ Items: batch, BatchInput: { job: started.job } }),
            Status: 'FAILED',
            Error: 'Sandbox.Timedout',
            Cause: JSON.stringify({
              errorType: 'Sandbox.Timedout',
              errorMessage: 'Task timed out after 300.00 seconds',
            }),
          });
        }
      }),
    );
    if (failed.length > 0)
      await store.put(`${started.folder.results}/map-run-1/FAILED_0.json`, JSON.stringify(failed), {
        contentType: 'application/json',
      });
    // The merge step's event, as the state machine sends it: its `mapError` when the Map failed as a whole.
    const { root, mapFailure } = parseMergeEvent({ folder: { root: started.folder.root }, ...mapEvent });
    return mergeShards(shardFolderAt(root), mapFailure, now() + 60_000, {
      store,
      notifier,
      networkPolicy: parseNetworkPolicy('127.0.0.0/8'),
      now,
    });
  }

  async function outputs({ store }: Folder, runId: string): Promise<Outputs> {
    const read = async (key: string) => (await store.get(key)) ?? `(missing ${key})`;
    return {
      feedJson: await read('feed.json'),
      feedXml: await read('feed.xml'),
      html: await read('index.html'),
      report: await read(`runs/${runId}.json`),
      // state.json and the shard objects, as one run reads them back.
      state: `${await read('state/state.json')}\n${JSON.stringify(await readState(store))}`,
    };
  }

  /**
   * The only differences two correct runs may show, each replaced by a placeholder:
   * - the output folder's path, in the report's `outputs` (each run writes to its own folder);
   * - each source's fetch time (`durationMs`), measured by the fetch and not by the pinned clock:
   *   in the report, and on the page in the latency column (bar width and label) and the note
   *   naming the slowest source's time; and in state, as `lastFetchMs`.
   * Everything else, timestamps included, comes from the pinned clock and the same scheduled time.
   */
  function normalise(text: string, { root }: Folder): string {
    return (
      text
        .replaceAll(root, '<out>')
        .replace(/"durationMs": \d+/g, '"durationMs": <ms>')
        .replace(/"lastFetchMs":\d+/g, '"lastFetchMs":<ms>')
        // Each worker packs its own batch's items, so packs are named and cut differently.
        .replace(/"key":"state\/items\/_[^"]+"/g, '"key":<pack>')
        .replace(/"range":\[\d+,\d+\]/g, '"range":<range>')
        .replace(/<span class="bar" style="width:[\d.]+%"><\/span><\/span>[^<]*<\/span>/g, '<latency>')
        .replace(/scaled to the slowest source, [^<]*<\/p>/, 'scaled to the slowest source, <ms></p>')
    );
  }

  it('same feeds, page, report, state as a single-function run, byte for byte bar timings, packing', async () => {
    const single = await outputFolder();
    const sharded = await outputFolder();

    for (const time of ['2026-11-26T05:00:00Z', '2026-11-26T06:00:00Z']) {
      const alone = await runSingle(single, scheduled(time));
      const merged = await mapAndMerge(sharded, await start(sharded, scheduled(time)));

      expect(merged.runId).toBe(alone.runId);
      const expected = await outputs(single, alone.runId);
      const actual = await outputs(sharded, merged.runId);
      expect(actual.feedJson).toBe(expected.feedJson);
      expect(actual.feedXml).toBe(expected.feedXml);
      expect(normalise(actual.html, sharded)).toBe(normalise(expected.html, single));
      expect(normalise(actual.report, sharded)).toBe(normalise(expected.report, single));
      expect(normalise(actual.state, sharded)).toBe(normalise(expected.state, single));
    }
    const lastReport = JSON.parse((await outputs(sharded, '20261126T060000Z-scheduled')).report) as RunReport;
    // The second run is incremental in both modes: the workers read the state the first run left.
    expect(lastReport.counts).toMatchObject({ notModified: 11, failed: 2, newItems: 0 });
    expect(lastReport.failures.map((failure) => failure.id).sort()).toEqual(['down', 'feeds-unreadable-rss']);
    expect(sharded.notifier.sent.map((sent) => normalise(sent.message, sharded))).toEqual(
      single.notifier.sent.map((sent) => normalise(sent.message, single)),
    );
    expect(sharded.notifier.sent).toHaveLength(2);
  });

  it("times a sharded run's fetching from the start step's hand-over to the merge step", async () => {
    const folder = await outputFolder();
    const started = await start(folder, scheduled('2026-11-26T05:00:00Z'));
    clock += 2_000;

    const report = await mapAndMerge(folder, started);

    expect(report.timings).toEqual({ setupMs: 0, fetchMs: 2_000, tailMs: 0 });
    expect(report.durationMs).toBe(2_000);
  });

  it('reports each source of a wholly failed batch, with the reason, keeping its last good items', async () => {
    const folder = await outputFolder();
    await mapAndMerge(folder, await start(folder, scheduled('2026-11-26T05:00:00Z')));
    const titlesBefore = JSON.parse((await folder.store.get('feed.json')) ?? '{}').items.map(
      (item: { title: string }) => item.title,
    );
    const started = await start(folder, scheduled('2026-11-26T06:00:00Z'));
    if (started.status !== 'started') throw new Error(`expected a started run, got ${started.status}`);
    const items = JSON.parse((await folder.store.get(started.folder.sources)) ?? '[]') as Source[];
    const batchOf = (index: number) => items.slice(index * BATCH_SIZE, (index + 1) * BATCH_SIZE).map((item) => item.id);

    const report = await mapAndMerge(folder, started, { batches: [0, 2], recorded: [0] });

    const failures = new Map(report.failures.map((failure) => [failure.id, failure]));
    for (const id of batchOf(0)) {
      expect(failures.get(id)).toMatchObject({
        code: 'internal',
        error: 'worker batch failed: Sandbox.Timedout: Task timed out after 300.00 seconds',
      });
    }
    for (const id of batchOf(2)) {
      expect(failures.get(id)).toMatchObject({ code: 'internal', error: 'worker batch failed: no result was written' });
    }
    expect(report.counts.sources).toBe(sourcesFile.sources.length);
    expect(report.status).toBe('partial');
    const titlesAfter = JSON.parse((await folder.store.get('feed.json')) ?? '{}').items.map(
      (item: { title: string }) => item.title,
    );
    expect(titlesAfter).toEqual(titlesBefore);
    expect(folder.notifier.sent).toHaveLength(2);
  });

  it('names why the Map failed as a whole for the sources it left without a result', async () => {
    const folder = await outputFolder();
    const started = await start(folder, scheduled('2026-11-26T05:00:00Z'));
    if (started.status !== 'started') throw new Error(`expected a started run, got ${started.status}`);
    const items = JSON.parse((await folder.store.get(started.folder.sources)) ?? '[]') as Source[];
    const secondBatch = items.slice(BATCH_SIZE, 2 * BATCH_SIZE).map((item) => item.id);
    const mapError = {
      Error: 'States.ExceedToleratedFailureThreshold',
      Cause: 'The specified tolerated failure threshold was exceeded',
    };

    const report = await mapAndMerge(folder, started, { batches: [1], recorded: [] }, { mapError });

    const failed = report.failures.filter((failure) => failure.error.startsWith('worker batch failed'));
    expect(failed.map((failure) => failure.id).sort()).toEqual([...secondBatch].sort());
    expect(new Set(failed.map((failure) => failure.error))).toEqual(
      new Set([
        'worker batch failed: States.ExceedToleratedFailureThreshold: ' +
          'The specified tolerated failure threshold was exceeded',
      ]),
    );
    expect(report.counts.sources).toBe(items.length);
  });

  it('loses only the sources of a batch whose result file is unreadable', async () => {
    const folder = await outputFolder();
    const started = await start(folder, scheduled('2026-11-26T05:00:00Z'));
    if (started.status !== 'started') throw new Error(`expected a started run, got ${started.status}`);
    const items = JSON.parse((await folder.store.get(started.folder.sources)) ?? '[]') as Source[];
    const firstBatch = items.slice(0, BATCH_SIZE).map((item) => item.id);
    const realPut = folder.store.put.bind(folder.store);
    folder.store.put = (key, body, metadata) =>
      realPut(key, key === `${started.folder.batches}${firstBatch[0]}.json` ? '{"results": [trunc' : body, metadata);

    const report = await mapAndMerge(folder, started);

    const lost = report.failures.filter((failure) => failure.error === 'worker batch failed: no result was written');
    expect(lost.map((failure) => failure.id).sort()).toEqual([...firstBatch].sort());
    expect(report.counts.sources).toBe(items.length);
    expect(report.counts.ok + report.counts.notModified).toBeGreaterThan(0);
  });

  it('ignores a duplicated start of the same scheduled time, while the run is in progress or after it', async () => {
    const folder = await outputFolder();
    const request = scheduled('2026-11-26T05:00:00Z');
    const first = await start(folder, request);

    clock += 1000;
    expect(await start(folder, request)).toMatchObject({ status: 'busy', runId: '20261126T050000Z-scheduled' });
    await mapAndMerge(folder, first);
    const requests = server.requests();
    const keys = await folder.store.list('');

    clock += 1000;
    expect(await start(folder, request)).toEqual({ status: 'done', runId: '20261126T050000Z-scheduled' });
    expect(server.requests()).toBe(requests);
    expect(await folder.store.list('')).toEqual(keys);
    expect(folder.notifier.sent).toHaveLength(1);
  });

  it('treats a retried start step of an ad hoc execution as the same run, another execution as new', async () => {
    const folder = await outputFolder();
    const request: RunRequest = { only: ['news'], dryRun: false, force: false };
    const execution = 'arn:aws:states:us-east-1:123456789012:execution:tributary:adhoc-1';
    const first = await start(folder, request, execution);
    await mapAndMerge(folder, first);

    clock += 60_000;
    const retried = await start(folder, request, execution);
    const other = await start(folder, request, `${execution}-other`);

    expect(first.status).toBe('started');
    expect(first.runId).toMatch(/-adhoc-/);
    expect(retried).toEqual({ status: 'done', runId: first.runId });
    expect(other).toMatchObject({ status: 'started' });
    expect(other.runId).not.toBe(first.runId);
    expect(folder.notifier.sent).toHaveLength(1);
  });

  it('refuses a worker batch that is not a valid slice of a sources file, naming the field, before any request', () => {
    const job = {
      runId: 'r',
      folder: 'state/shards/r/a/',
      startedAt: 0,
      fetchDeadline: 0,
      force: false,
      named: false,
      dryRun: false,
      stateShards: 1,
      settings: {},
    };

    expect(() => parseBatchEvent({ Items: [{ id: 'a', url: 'ftp://x' }], BatchInput: { job } })).toThrowError(
      InvalidInputError,
    );
    expect(() => parseBatchEvent({ Items: [{ id: 'a', url: 'ftp://x' }], BatchInput: { job } })).toThrowError(
      /sources\[0\]\.url/,
    );
    expect(() => parseBatchEvent({ Items: [], BatchInput: { job } })).toThrowError(/event\.Items/);
    expect(server.requests()).toBe(0);
  });
});
