// A distributed run up to its merge step, without fetching: the run before it committed every
// source's state, the start step ran for real, and each batch of `batchSize` sources is written as a
// worker writes it (its items packed through KeptItemsStore; a third of the sources changed, the
// others not modified). For the merge step's bench and tests.
import type { Item, SourceReport, SourcesFile } from '../lambda/core/model.js';
import type { BatchFile } from '../lambda/distributed/settleBatch.js';
import { type StartResult, startShardedRun } from '../lambda/distributed/startShardedRun.js';
import { keepItems } from '../lambda/process/keptItems.js';
import type { SourceState } from '../lambda/process/sourceState.js';
import { KeptItemsStore } from '../lambda/run/keptItemsStore.js';
import { commitState, statesInMemory } from '../lambda/run/state.js';
import { INTERNAL_JSON, type Store } from '../lambda/run/store.js';
import { syntheticSources } from './syntheticSources.js';

const ITEMS = 5;
const SEEN_IDS = 20;
const CHANGED_EVERY = 3;

export interface SyntheticShardedRun {
  ids: string[];
  sourcesFile: SourcesFile;
  /** The start step's result, with every batch file written. */
  started: Extract<StartResult, { status: 'started' }>;
  /** The batch file keys, in the order the Map cut the batches. */
  batchKeys: string[];
}

/** Writes, into `store`, a run over `sources` synthetic sources up to the merge step. */
export async function syntheticShardedRun(
  store: Store,
  sources: number,
  { batchSize = 100, startedAt = Date.now() }: { batchSize?: number; startedAt?: number } = {},
): Promise<SyntheticShardedRun> {
  const { ids, sourcesFile } = syntheticSources(sources);
  const notifier = { publish: async () => undefined };
  // The run before: every source known, so this run's state writes replace, as every hourly run's do.
  await commitState(store, {
    known: new Set(ids),
    settled: statesInMemory(new Map(ids.map((id) => [id, stateOf(id, 1)]))),
    unreadable: new Map(),
    summary: {
      runId: 'seed',
      status: 'ok',
      startedAt: new Date(startedAt - 3_600_000).toISOString(),
      durationMs: 1,
      counts: { sources, failed: 0 },
    } as never,
    everyShard: true,
  });
  const started = await startShardedRun(
    {
      request: { scheduledTime: new Date(startedAt).toISOString(), dryRun: false, force: false },
      sourcesFile,
      startedAt,
      executionDeadline: startedAt + 3_600_000,
      mergeReserveMs: 600_000,
    },
    { store, notifier },
  );
  if (started.status !== 'started') throw new Error(`start step said ${started.status}`);
  const ordered = (JSON.parse((await store.get(started.folder.sources))!) as { id: string }[]).map(({ id }) => id);
  const batchKeys: string[] = [];
  for (let start = 0; start < ordered.length; start += batchSize) {
    batchKeys.push(await writeBatch(store, ordered.slice(start, start + batchSize), started));
  }
  return { ids, sourcesFile, started, batchKeys };
}

/** What one worker writes for `ids`: their items packed by state shard, then the batch file. */
async function writeBatch(store: Store, ids: string[], { folder, runId, job }: SyntheticShardedRun['started']) {
  const keeping = new KeptItemsStore(store, { write: true, shards: job.stateShards });
  const results: BatchFile['results'] = [];
  for (const id of ids) {
    const changed = Number(id.slice('source-'.length)) % CHANGED_EVERY === 0;
    const items = itemsOf(id, changed ? 2 : 1);
    const { kept, fresh } = keepItems(id, items);
    const state = { ...stateOf(id, changed ? 2 : 1), items: kept };
    const newItems = changed
      ? items.map(({ id: itemId, url, title, sourceId }) => ({ id: itemId, url, title, sourceId }))
      : [];
    results.push({ id, result: await keeping.keep({ report: reportOf(id, changed, state), newItems, state, fresh }) });
  }
  await keeping.flush();
  const key = `${folder.batches}${ids[0]}.json`;
  await store.put(key, JSON.stringify({ runId, results } satisfies BatchFile), INTERNAL_JSON);
  return key;
}

function itemsOf(id: string, version: number): Item[] {
  return Array.from({ length: ITEMS }, (_, n) => ({
    id: `https://${id}.example/posts/${version}-${n}`,
    url: `https://${id}.example/posts/${version}-${n}`,
    title: `Post ${n} of ${id}, version ${version}`,
    content_html: `<p>${'Words of a post. '.repeat(50)}</p>`,
    date_published: new Date(Date.UTC(2026, 10, 1) + version * 3_600_000 + n).toISOString(),
    sourceId: id,
  }));
}

function stateOf(id: string, version: number): SourceState {
  return {
    seenIds: Array.from({ length: SEEN_IDS }, (_, n) => `https://${id}.example/posts/${version}-${n}`),
    validators: { etag: `"${id}-${version}"` },
    failureStreak: 0,
    lastFetchMs: 120,
    title: `Feed ${id}`,
  };
}

function reportOf(id: string, changed: boolean, state: SourceState): SourceReport {
  return {
    id,
    url: `https://${id}.example/feed`,
    status: changed ? 'ok' : 'not_modified',
    httpStatus: changed ? 200 : 304,
    items: ITEMS,
    newItems: changed ? ITEMS : 0,
    bytes: changed ? 6000 : 0,
    durationMs: 120,
    attempts: 1,
    failureStreak: 0,
    validators: state.validators,
  };
}
