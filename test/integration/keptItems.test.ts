import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';

import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { decodeXML } from 'entities';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../lambda/core/errors.js';
import { itemId } from '../../lambda/core/itemId.js';
import type { Item } from '../../lambda/core/model.js';
import { KEPT_ITEMS_FOLDER, STATE_KEY, STATE_SHARDS_FOLDER } from '../../lambda/core/storageLayout.js';
import { keepItems } from '../../lambda/process/keptItems.js';
import type { SourceState } from '../../lambda/process/sourceState.js';
import { packFolder } from '../../lambda/run/keptItemsStore.js';
import { readState } from '../../lambda/run/state.js';
import type { Store } from '../../lambda/run/store.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { readFixture } from '../support/fixtures.js';
import { createPipelineHarness, type PipelineHarness, source } from './support/pipelineHarness.js';

// A run packs the changed sources' items of each state shard into one immutable object under
// state/items/_<shards>-<shard>/, a JSON array per source; state names the pack and the source's byte
// range, and holds only what merging needs of each item. These tests' few sources share one shard.

/** Where each source of these tests is served. */
const PATHS = { news: '/news.rss', notes: '/notes.json', blog: '/blog.atom', scripted: '/scripted.rss' } as const;
type SourceId = keyof typeof PATHS;
/** A feed whose ids are in foreign schemes (`javascript:` …), published as urn:uuid ids since state version 5. */
const SCRIPTED_FIXTURE = 'hostile/pinned-dates-and-scripted-ids.rss';
/** These tests' few sources share one shard. */
const SHARD_KEY = 'state/sources/1-0.json';

/** What feed.json says of an item, content included. */
interface FeedItem {
  id: string;
  title: string;
  content_html?: string;
  content_text?: string;
  _source: { id: string };
}

describe('kept items: one immutable pack per shard and run', () => {
  let server: LoopbackServer;
  let pipeline: PipelineHarness;
  let news: { body: Buffer; version: number };
  /** Per path, one entry per request: whether it carried a validator (a conditional GET). */
  let conditional: Record<string, boolean[]>;

  beforeEach(async () => {
    news = { body: readFixture('e2e/news.rss'), version: 1 };
    conditional = {};
    const notesBody = readFixture('e2e/notes.json');
    const blogBody = readFixture('e2e/blog.atom');
    const scriptedBody = readFixture(SCRIPTED_FIXTURE);
    const record = (request: IncomingMessage) => {
      const path = new URL(request.url ?? '/', server.origin).pathname;
      const validated =
        request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;
      (conditional[path] ??= []).push(validated);
    };
    server = await startLoopbackServer({
      // Honours its ETag, which changes with its content.
      [PATHS.news]: (request: IncomingMessage, response: ServerResponse) => {
        record(request);
        const etag = `"news-v${news.version}"`;
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(news.body);
      },
      // No validators at all: every run gets a 200 with the same body.
      [PATHS.notes]: (request: IncomingMessage, response: ServerResponse) => {
        record(request);
        response.writeHead(200, { 'content-type': 'application/feed+json' }).end(notesBody);
      },
      [PATHS.blog]: (request: IncomingMessage, response: ServerResponse) => {
        record(request);
        response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(blogBody);
      },
      // Ids in foreign schemes, and an ETag it honours.
      [PATHS.scripted]: (request: IncomingMessage, response: ServerResponse) => {
        record(request);
        const etag = '"scripted-v1"';
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(scriptedBody);
      },
    });
    pipeline = await createPipelineHarness({ sources: () => sources('news', 'notes') });
  });

  afterEach(async () => {
    await server.close();
    await rm(pipeline.outDir, { recursive: true, force: true });
  });

  const sources = (...ids: SourceId[]) => ids.map((id) => source(id, server.url(PATHS[id])));
  /** state.json and every shard object, as stored. */
  const stateText = async () => {
    const keys = [STATE_KEY, ...(await pipeline.store.list(STATE_SHARDS_FOLDER))];
    return (await Promise.all(keys.map((key) => pipeline.store.get(key)))).join('\n');
  };
  const state = () => readState(pipeline.store);
  const itemObjects = (folder = '') => pipeline.store.list(`${KEPT_ITEMS_FOLDER}${folder}`);
  const keyOf = async (sourceId: SourceId) => (await state()).sources[sourceId]?.items?.key;
  /** A source's kept items as stored, read from its range of the pack. */
  const keptItemsOf = async (sourceId: SourceId) => {
    const { key, range } = (await state()).sources[sourceId]!.items!;
    return JSON.parse((await pipeline.store.getRange(key, ...range!))!) as Item[];
  };
  const feedItems = async () =>
    (JSON.parse((await pipeline.store.get('feed.json')) ?? '{}') as { items: FeedItem[] }).items;
  const feedTitles = async () => (await feedItems()).map((item) => item.title).sort();
  const changeNews = () => {
    news = {
      body: Buffer.from(news.body.toString('utf8').replace('Older story', 'Older story, corrected')),
      version: news.version + 1,
    };
  };

  const ALL_TITLES = ['A note in JSON', 'Older story', 'Rivers join in the delta'];

  it("keeps no item content in state.json, changed sources' items in a pack per shard; feed.json has all", async () => {
    // Act
    await pipeline.run();

    // Assess
    const text = await stateText();
    const published = await feedItems();
    expect(published.map((item) => item.title).sort()).toEqual(ALL_TITLES);
    expect(published.find((item) => item.id === 'news:news-1')?.content_html).toContain('Water <b>flows</b>');
    expect(published.find((item) => item.id === 'http://notes.example/n/1')?.content_text).toBe('Short and plain.');
    for (const item of published) {
      expect(text).not.toContain(item.title);
      expect(text).not.toContain(JSON.stringify(item.content_html ?? item.content_text).slice(1, -1));
    }
    const pack = await keyOf('news');
    expect(pack?.startsWith(packFolder(0, 1))).toBe(true);
    expect(await keyOf('notes')).toBe(pack);
    expect(await itemObjects()).toEqual([pack]);
    for (const id of ['news', 'notes'] as const) {
      expect(await keptItemsOf(id)).toEqual(
        published
          .filter((item) => item._source.id === id)
          .map(({ id, title }) => expect.objectContaining({ id, title })),
      );
    }
  });

  it('writes no new item object on a rerun over unchanged content, even from a server without validators', async () => {
    // Prepare
    await pipeline.run();
    const keysBefore = await itemObjects();
    const notesKey = (await keyOf('notes'))!;
    const notesFile = await stat(join(pipeline.outDir, notesKey));

    // Act
    const second = await pipeline.run();

    // Assess
    expect((await pipeline.report(second.runId)).sources.find((line) => line.id === 'notes')).toMatchObject({
      status: 'ok',
      httpStatus: 200,
      validators: {},
    });
    expect(conditional[PATHS.notes]).toEqual([false, false]);
    expect(await itemObjects()).toEqual(keysBefore);
    expect(await keyOf('notes')).toBe(notesKey);
    const notesFileAfter = await stat(join(pipeline.outDir, notesKey));
    expect({ ino: notesFileAfter.ino, mtimeMs: notesFileAfter.mtimeMs }).toEqual({
      ino: notesFile.ino,
      mtimeMs: notesFile.mtimeMs,
    });
    expect(await feedTitles()).toEqual(ALL_TITLES);
  });

  it('keeps a pack while a source of its shard names it, deletes it once none does (changed or removed)', async () => {
    // Prepare: one pack of news, notes and blog
    await pipeline.run({}, { sources: sources('news', 'notes', 'blog') });
    const first = await keyOf('news');
    expect(await itemObjects()).toEqual([first]);
    changeNews();

    // Act: news changed and blog removed, but notes (unchanged) still names the first pack
    await pipeline.run({}, { sources: sources('news', 'notes') });
    const second = await keyOf('news');
    const whileNamed = await itemObjects();
    const feedWhileNamed = await feedTitles();
    // Then notes is removed too: nothing names the first pack any more
    await pipeline.run({}, { sources: sources('news') });

    // Assess
    expect(second).not.toBe(first);
    expect(await keyOf('notes')).toBeUndefined();
    expect(whileNamed).toEqual([first, second].sort());
    expect(feedWhileNamed).toEqual(['A note in JSON', 'Older story, corrected', 'Rivers join in the delta']);
    expect(await itemObjects()).toEqual([second]);
    expect(await keptItemsOf('news')).toEqual([
      expect.objectContaining({ title: 'Rivers join in the delta' }),
      expect.objectContaining({ title: 'Older story, corrected' }),
    ]);
  });

  it('deletes superseded objects only once new state is written; a failed delete warns, not fails run', async () => {
    // Prepare: news alone in its pack, so its change leaves the pack unnamed
    const onlyNews = { sources: sources('news') };
    await pipeline.run({}, onlyNews);
    const oldNews = await keyOf('news');
    changeNews();
    const events: string[] = [];
    const warnings: string[] = [];
    const store: Store = {
      ...forwardingTo(pipeline.store),
      replaceIfVersion: async (key, body, metadata, version) => {
        const wrote = await pipeline.store.replaceIfVersion(key, body, metadata, version);
        if (key === STATE_KEY) events.push('state written');
        return wrote;
      },
      delete: async (keys) => {
        events.push(`delete ${keys.join(',')}`);
        throw new StoreError('S3 said AccessDenied');
      },
    };

    // Act
    const summary = await pipeline.run(
      {},
      { ...onlyNews, dependencies: { store, onWarning: (message) => warnings.push(message) } },
    );

    // Assess
    expect(summary.status).toBe('ok');
    expect(events).toEqual(['state written', `delete ${oldNews}`]);
    expect(warnings).toEqual([
      expect.stringContaining('superseded item objects were not deleted: S3 said AccessDenied'),
    ]);
    expect(await itemObjects()).toEqual([oldNews, await keyOf('news')].sort());
  });

  it('writes no item object and no state on a dry run, yet reports as many published items as a real run', async () => {
    // Prepare
    const settings = { maxItems: 2 };
    await pipeline.run({}, { settings });
    const keysBefore = await itemObjects();
    const stateBefore = await stateText();
    changeNews();

    // Act
    const dry = await pipeline.run({ dryRun: true }, { settings });

    // Assess
    expect(dry.counts).toMatchObject({ ok: 2, notModified: 0 });
    expect(await itemObjects()).toEqual(keysBefore);
    expect(await stateText()).toBe(stateBefore);
    const real = await pipeline.run({}, { settings });
    expect(real.counts.items).toBe(2);
    expect(dry.counts.items).toBe(real.counts.items);
    expect(await itemObjects()).not.toEqual(keysBefore);
  });

  it('warns and leaves out items of a source whose object was deleted by hand, refetching it in full', async () => {
    // Prepare
    await pipeline.run();
    await pipeline.store.delete([(await keyOf('news'))!]);
    const warnings: string[] = [];
    const dependencies = { onWarning: (message: string) => warnings.push(message) };

    // Act
    const damaged = await pipeline.run({}, { dependencies });

    // Assess
    expect(damaged.status).toBe('ok');
    expect(warnings).toEqual([expect.stringContaining('news')]);
    expect(warnings[0]).not.toContain('notes');
    expect(await feedTitles()).toEqual(['A note in JSON']);
    expect((await state()).sources.news).not.toHaveProperty('items');
    expect((await state()).sources.news).not.toHaveProperty('validators');

    const healed = await pipeline.run({}, { dependencies });

    expect(conditional[PATHS.news]).toEqual([false, true, false]);
    expect((await pipeline.report(healed.runId)).sources.find((line) => line.id === 'news')).toMatchObject({
      status: 'ok',
      httpStatus: 200,
    });
    expect(await feedTitles()).toEqual(ALL_TITLES);
    expect(await itemObjects()).toEqual([await keyOf('news')]);
    expect(warnings).toHaveLength(1);
  });

  it("fails the run when an item object cannot be written: no state, no feed, the run's claim given up", async () => {
    // Prepare
    const scheduled = { scheduledTime: '2026-11-26T08:00:00.000Z' };
    const refusing = refusingItemWrites(pipeline.store);

    // Act
    const failed = pipeline.run(scheduled, { dependencies: { store: refusing } });

    // Assess
    await expect(failed).rejects.toThrowError(StoreError);
    await expect(failed).rejects.toThrowError(/S3 refused/);
    expect(await pipeline.store.get(STATE_KEY)).toBeUndefined();
    expect(await pipeline.store.get('feed.json')).toBeUndefined();
    const retried = await pipeline.run(scheduled);
    expect(retried).toMatchObject({ runId: '20261126T080000Z-scheduled', status: 'ok' });
    expect(await feedTitles()).toEqual(ALL_TITLES);
  });

  it('converts version-1 state with a warning: fetches every source in full and announces no item as new', async () => {
    // Prepare: the earlier format kept items inline, and validators the news server would honour
    await pipeline.store.put(STATE_KEY, readFixture('e2e/state-version-1.json').toString('utf8'), {
      contentType: 'application/json',
    });
    const warnings: string[] = [];

    // Act
    const summary = await pipeline.run({}, { dependencies: { onWarning: (message) => warnings.push(message) } });

    // Assess
    expect(warnings).toEqual([expect.stringContaining('earlier version')]);
    expect(conditional[PATHS.news]).toEqual([false]);
    expect(summary.counts).toMatchObject({ ok: 2, notModified: 0, newItems: 0, items: 3 });
    expect(JSON.parse(pipeline.notifier.sent.at(-1)?.message ?? '{}').newItems ?? []).toEqual([]);
    expect(await feedTitles()).toEqual(ALL_TITLES);
    expect(JSON.parse((await pipeline.store.get(STATE_KEY)) ?? '{}')).toMatchObject({ version: 5, shards: 1 });
    expect(await keyOf('notes')).toBe(await keyOf('news'));
    expect(await itemObjects()).toEqual([await keyOf('news')]);
  });

  it("sweeps in a day's first full run the day-old item objects of runs that failed before their state", async () => {
    // Prepare: a run stores news's new items and then cannot commit state, leaving them behind
    const DAY = 24 * 60 * 60 * 1000;
    // Half past midnight today, so an hour later is still the same day whenever the test runs.
    let clock = Math.floor(Date.now() / DAY) * DAY + 30 * 60 * 1000;
    const now = () => clock;
    await pipeline.run({}, { dependencies: { now } });
    const kept = await keyOf('news');
    changeNews();
    const failing: Store = {
      ...forwardingTo(pipeline.store),
      replaceIfVersion: async () => {
        throw new StoreError('S3 said 503');
      },
    };
    await expect(pipeline.run({}, { dependencies: { store: failing, now } })).rejects.toThrowError('S3 said 503');
    const [orphan] = (await itemObjects()).filter((key) => key !== kept);
    const ago = (ms: number) => new Date(Date.now() - ms);
    await utimes(pipeline.store.locate(orphan!), ago(2 * DAY), ago(2 * DAY));
    // Unreferenced but written just now: it may be a run in progress's, so it stays.
    const recent = `${KEPT_ITEMS_FOLDER}news/in-progress.json`;
    await mkdir(dirname(pipeline.store.locate(recent)), { recursive: true });
    await writeFile(pipeline.store.locate(recent), '[]');
    await utimes(pipeline.store.locate(recent), ago(-2 * DAY), ago(-2 * DAY));
    conditional[PATHS.news] = [];

    // Act: later the same day nothing is swept; the next day's first full run sweeps
    clock += 60 * 60 * 1000;
    await pipeline.run({ only: ['notes'] }, { dependencies: { now } });
    await pipeline.run({}, { dependencies: { now } });
    const sameDay = await itemObjects();
    clock += DAY;
    await pipeline.run({ only: ['notes'] }, { dependencies: { now } });
    const subsetNextDay = await itemObjects();
    await pipeline.run({}, { dependencies: { now } });

    // Assess

    expect(orphan).toBeDefined();
    expect(sameDay).toContain(orphan);
    expect(subsetNextDay).toContain(orphan);
    expect(await itemObjects()).toEqual([...new Set([await keyOf('news'), await keyOf('notes'), recent])].sort());
    expect(await feedTitles()).toEqual(['A note in JSON', 'Older story, corrected', 'Rivers join in the delta']);
  });

  it('converts version-2 state (one file) to shards silently, keeping validators, seen ids, kept items', async () => {
    // Prepare: what version 2 wrote, one file holding every source's state
    await pipeline.run();
    const { sources, history } = await readState(pipeline.store);
    await pipeline.store.delete(await pipeline.store.list(STATE_SHARDS_FOLDER));
    await pipeline.store.put(STATE_KEY, JSON.stringify({ version: 2, sources, history }), {
      contentType: 'application/json',
    });
    conditional[PATHS.news] = [];
    const warnings: string[] = [];

    // Act
    const summary = await pipeline.run({}, { dependencies: { onWarning: (message) => warnings.push(message) } });

    // Assess: the news server was asked conditionally and answered 304; its kept object still serves the feed
    expect(warnings).toEqual([]);
    expect(conditional[PATHS.news]).toEqual([true]);
    expect(summary.counts).toMatchObject({ ok: 1, notModified: 1, newItems: 0, items: 3 });
    expect(await feedTitles()).toEqual(ALL_TITLES);
    expect(JSON.parse((await pipeline.store.get(STATE_KEY)) ?? '{}')).toMatchObject({ version: 5, shards: 1 });
    expect(await pipeline.store.list(STATE_SHARDS_FOLDER)).toEqual(['state/sources/1-0.json']);
    const converted = await readState(pipeline.store);
    expect(sources.news?.items?.digests.length).toBeGreaterThan(0);
    expect(converted.sources.news?.items).toEqual(sources.news?.items);
    expect(converted.sources.news?.seenIds).toEqual(sources.news?.seenIds);
    expect(converted.history).toHaveLength(2);
  });

  it('converts version-3 state (object per source): unchanged keep objects; changed move into a pack', async () => {
    // Prepare: what version 3 wrote, the same shards with each source's items in an object of their own
    await pipeline.run();
    const shard = JSON.parse((await pipeline.store.get(SHARD_KEY))!) as { sources: Record<string, SourceState> };
    const objects: Record<string, string> = {};
    for (const [id, sourceState] of Object.entries(shard.sources)) {
      const { key: pack, range, digests } = sourceState.items!;
      const text = (await pipeline.store.getRange(pack, ...range!))!;
      const { key } = keepItems(id, JSON.parse(text) as Item[]).kept;
      await pipeline.store.put(key, text, { contentType: 'application/json' });
      sourceState.items = { key, digests };
      objects[id] = key;
    }
    await pipeline.store.delete(await itemObjects('_'));
    await pipeline.store.put(SHARD_KEY, JSON.stringify(shard), { contentType: 'application/json' });
    const { history } = await state();
    await pipeline.store.put(STATE_KEY, JSON.stringify({ version: 3, shards: 1, history }), {
      contentType: 'application/json',
    });
    const warnings: string[] = [];
    const dependencies = { onWarning: (message: string) => warnings.push(message) };

    // Act: news answers 304 and notes the same items again; then news changes
    const unchanged = await pipeline.run({}, { dependencies });
    const afterUnchanged = await itemObjects();
    changeNews();
    await pipeline.run({}, { dependencies });

    // Assess
    expect(warnings).toEqual([]);
    expect(unchanged.counts).toMatchObject({ ok: 1, notModified: 1, newItems: 0, items: 3 });
    expect(afterUnchanged).toEqual([objects.news, objects.notes].sort());
    expect(JSON.parse((await pipeline.store.get(STATE_KEY)) ?? '{}')).toMatchObject({ version: 5, shards: 1 });
    const pack = await keyOf('news');
    expect(pack?.startsWith(packFolder(0, 1))).toBe(true);
    expect(await keyOf('notes')).toBe(objects.notes);
    expect(await itemObjects()).toEqual([objects.notes, pack].sort());
    expect(await feedTitles()).toEqual(['A note in JSON', 'Older story, corrected', 'Rivers join in the delta']);
  });

  const withScripted = () => ({ sources: sources('news', 'scripted') });

  /** A first run, then its state as version 4 wrote it: scripted's ids as its feed wrote them. */
  async function stateAsVersion4() {
    await pipeline.run({}, withScripted());
    const asWritten = new Map(
      [
        ...readFixture(SCRIPTED_FIXTURE)
          .toString('utf8')
          .matchAll(/<guid>([^<]*)<\/guid>/g),
      ].map(([, guid]) => {
        const written = decodeXML(guid!);
        return [itemId('scripted', written, undefined, []), written];
      }),
    );
    const toWritten = (id: string) => asWritten.get(id) ?? id;
    const shard = JSON.parse((await pipeline.store.get(SHARD_KEY))!) as { sources: Record<string, SourceState> };
    const scripted = shard.sources.scripted!;
    const current = { seenIds: scripted.seenIds, items: await keptItemsOf('scripted') };
    const version4Text = JSON.stringify(current.items.map((item) => ({ ...item, id: toWritten(item.id) })));
    const version4Pack = `${packFolder(0, 1)}version-4.ndjson`;
    await pipeline.store.put(version4Pack, version4Text, { contentType: 'application/json' });
    const { kept } = keepItems('scripted', JSON.parse(version4Text) as Item[]);
    scripted.items = { ...kept, key: version4Pack, range: [0, Buffer.byteLength(version4Text)] };
    scripted.seenIds = scripted.seenIds.map(toWritten);
    await pipeline.store.put(SHARD_KEY, JSON.stringify(shard), { contentType: 'application/json' });
    const { history } = await state();
    await pipeline.store.put(STATE_KEY, JSON.stringify({ version: 4, shards: 1, history }), {
      contentType: 'application/json',
    });
    return { scripted, current, version4Pack };
  }

  it('converts version-4 state holding ids as feeds wrote them once: no item announced again, none published', async () => {
    // Prepare
    const { scripted, current, version4Pack } = await stateAsVersion4();
    conditional = {};
    const warnings: string[] = [];
    const dependencies = { onWarning: (message: string) => warnings.push(message) };

    // Act
    const converting = await pipeline.run({}, { ...withScripted(), dependencies });
    const warningsWhenConverting = warnings.splice(0);
    const next = await pipeline.run({}, { ...withScripted(), dependencies });

    // Assess: scripted fetched in full once, news answered 304 as before
    expect(scripted.seenIds.some((id) => id.startsWith('javascript:'))).toBe(true);
    expect(warningsWhenConverting).toEqual([
      expect.stringMatching(/earlier version.*fetched in full once \(scripted\)/),
    ]);
    expect(conditional[PATHS.scripted]).toEqual([false, true]);
    expect(conditional[PATHS.news]).toEqual([true, true]);
    expect(converting.counts).toMatchObject({ ok: 1, notModified: 1, newItems: 0 });
    expect(next.counts).toMatchObject({ notModified: 2, newItems: 0 });
    expect(warnings).toEqual([]);
    const published = await feedItems();
    expect(JSON.stringify(published)).not.toMatch(/javascript:|data:|vbscript:/);
    expect(published.filter((item) => item._source.id === 'scripted').map((item) => item.id)).toEqual(
      current.items.map((item) => item.id),
    );
    expect(JSON.parse((await pipeline.store.get(STATE_KEY)) ?? '{}')).toMatchObject({ version: 5, shards: 1 });
    const converted = (await state()).sources.scripted!;
    expect(new Set(converted.seenIds)).toEqual(new Set(current.seenIds));
    expect(await itemObjects()).not.toContain(version4Pack);
  });

  it('still publishes, in a run of other sources, the items of version-4 state under the ids they will have', async () => {
    // Prepare
    const { current, version4Pack } = await stateAsVersion4();

    // Act
    const subset = await pipeline.run({ only: ['news'] }, withScripted());

    // Assess: scripted was not fetched, its kept items are published, none under a foreign id
    expect(subset.counts).toMatchObject({ sources: 1, newItems: 0 });
    const published = await feedItems();
    expect(JSON.stringify(published)).not.toMatch(/javascript:|data:|vbscript:/);
    expect(published.filter((item) => item._source.id === 'scripted').map((item) => item.id)).toEqual(
      current.items.map((item) => item.id),
    );
    expect(await itemObjects()).toContain(version4Pack);
  });

  it("reads back no object it has just written, and only the unchanged sources' objects on the next run", async () => {
    // Prepare
    const reads = countingItemReads(pipeline.store);

    // Act
    await pipeline.run({}, { dependencies: { store: reads.store } });
    const afterFirst = [...reads.keys];
    await pipeline.run({}, { dependencies: { store: reads.store } });

    // Assess: the news server answered 304, so only its object is read; notes wrote the same key again
    expect(afterFirst).toEqual([]);
    expect(reads.keys).toEqual([await keyOf('news')]);
    expect(await feedTitles()).toEqual(ALL_TITLES);
  });

  it("publishes, in a run of one named source, the other sources' items read from their kept objects", async () => {
    // Prepare
    await pipeline.run();
    changeNews();

    // Act
    const subset = await pipeline.run({ only: ['news'] });

    // Assess
    expect(subset.counts).toMatchObject({ sources: 1, ok: 1 });
    expect(server.requests(PATHS.notes)).toBe(1);
    const notesItem = (await feedItems()).find((item) => item._source.id === 'notes');
    expect(notesItem).toMatchObject({ title: 'A note in JSON', content_text: 'Short and plain.' });
    expect(await feedTitles()).toEqual(['A note in JSON', 'Older story, corrected', 'Rivers join in the delta']);
  });
});

/** The folder store, remembering which item objects were read from it. */
function countingItemReads(store: Store): { store: Store; keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    store: {
      ...forwardingTo(store),
      get: (key) => {
        if (key.startsWith(KEPT_ITEMS_FOLDER)) keys.push(key);
        return store.get(key);
      },
      getRange: (key, start, end) => {
        if (key.startsWith(KEPT_ITEMS_FOLDER)) keys.push(key);
        return store.getRange(key, start, end);
      },
    },
  };
}

/** Every method of the store, as it is. */
function forwardingTo(store: Store): Store {
  return {
    locate: (key) => store.locate(key),
    get: (key) => store.get(key),
    getRange: (key, start, end) => store.getRange(key, start, end),
    put: (key, body, metadata) => store.put(key, body, metadata),
    getVersioned: (key) => store.getVersioned(key),
    putIfAbsent: (key, body, metadata) => store.putIfAbsent(key, body, metadata),
    replaceIfVersion: (key, body, metadata, version) => store.replaceIfVersion(key, body, metadata, version),
    list: (keyPrefix, options) => store.list(keyPrefix, options),
    delete: (keys) => store.delete(keys),
  };
}

/** The folder store, except that S3 refuses every item object: the rest is written as usual. */
function refusingItemWrites(store: Store): Store {
  return {
    ...forwardingTo(store),
    put: async (key, body, metadata) => {
      if (key.startsWith(KEPT_ITEMS_FOLDER))
        throw new StoreError(`cannot write ${store.locate(key)}: S3 refused it (503 Slow Down)`);
      return store.put(key, body, metadata);
    },
  };
}
