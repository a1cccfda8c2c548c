// What state costs a run as the number of sources grows: S3 requests and bytes of a full run and of
// one distributed worker, the item objects' PUTs, and a monthly bill that counts Lambda, S3 requests, SNS and
// Step Functions together. Synthetic state (no fetching): each source keeps ITEMS digests and
// SEEN_IDS seen ids, a third of the sources change per run, each with ITEMS items of about
// ITEM_CHARS. The store is in memory and counts every request, so the figures are the pipeline's
// own state and item-packing code (KeptItemsStore), not a guess.
//
//   npm run bench:state -- [--sources 10000,100000] [--batch 100]
import { parseArgs } from 'node:util';
import type { Item, RunReport, SourceReport } from '../lambda/core/model.js';
import { inBatchOrder } from '../lambda/distributed/startShardedRun.js';
import { keepItems } from '../lambda/process/keptItems.js';
import type { SourceState } from '../lambda/process/sourceState.js';
import { KeptItemsStore, ownedByShard } from '../lambda/run/keptItemsStore.js';
import { PublishedPicks } from '../lambda/run/publishedPicks.js';
import { commitState, readState, shardCountFor, shardOf, statesInMemory } from '../lambda/run/state.js';
import { CountingStore } from '../scripts/countingStore.js';
import { syntheticSources } from '../scripts/syntheticSources.js';
import { USD_PER_GB_SECOND } from './scenarios/lambdaCost.js';

const ITEMS = 5;
/** An item's JSON: a title, a link and a paragraph of HTML. */
const ITEM_CHARS = 1000;
const SEEN_IDS = 20;
const CHANGED_SHARE = 1 / 3;
const RUNS_PER_MONTH = 24 * 30;

// Prices (us-east-1, S3 Standard, assumed current on 2026-12-03).
const USD_PER_PUT = 0.005 / 1000; // PUT, COPY, POST, LIST
const USD_PER_GET = 0.0004 / 1000;
const USD_PER_SNS_PUBLISH = 0.5 / 1_000_000;
const USD_PER_TRANSITION = 0.025 / 1000; // Step Functions standard
/** Scenario 7 (BENCHMARKS.md): 10,000 small feeds in one function billed 55.2 GB-s; scaled per source. */
const LAMBDA_GB_SECONDS_PER_SOURCE = 55.2 / 10_000;
/** Parent execution's transitions, and each Map child's (see bench/distributed.ts). */
const PARENT_TRANSITIONS = 6;
const CHILD_TRANSITIONS = 2;

function sourceState(id: string, version: number): SourceState {
  const digests = Array.from({ length: ITEMS }, (_, n) => {
    const itemId = `https://${id}.example/posts/${version}-${n}`;
    return [itemId, itemId, null, Date.UTC(2026, 10, 1) + version * 3_600_000 + n] as [string, string, null, number];
  });
  return {
    items: { key: `state/items/${id}/${version}.json`, digests },
    seenIds: Array.from({ length: SEEN_IDS }, (_, n) => `https://${id}.example/posts/${version}-${n}`),
    validators: { etag: `"${id}-${version}"` },
    lastFetchMs: 120,
  };
}

/** A changed source's items, as the run fetched them. */
function itemsOf(id: string, version: number): Item[] {
  return Array.from({ length: ITEMS }, (_, n) => ({
    id: `https://${id}.example/posts/${version}-${n}`,
    url: `https://${id}.example/posts/${version}-${n}`,
    title: `Post ${n} of ${id}, version ${version}`,
    content_html: `<p>${'Words of a post. '.repeat(Math.round(ITEM_CHARS / 17) - 8)}</p>`,
    date_published: new Date(Date.UTC(2026, 10, 1) + version * 3_600_000 + n).toISOString(),
    sourceId: id,
  }));
}

/**
 * Stores the changed sources' items as the pipeline does, one KeptItemsStore per group (the whole
 * run in one function, or each worker's batch): their new states, and the PUTs it took.
 */
async function keepChanged(
  store: CountingStore,
  groups: readonly string[][],
  shards: number,
  version: number,
): Promise<{ states: Map<string, SourceState>; puts: number; bytes: number }> {
  const { put, bytesWritten } = store.counts;
  const states = new Map<string, SourceState>();
  for (const group of groups) {
    const keeping = new KeptItemsStore(store, { write: true, shards });
    for (const id of group) {
      const { kept, fresh } = keepItems(id, itemsOf(id, version));
      const report = { id } as SourceReport;
      const result = await keeping.keep({
        report,
        newItems: [],
        state: { ...sourceState(id, version), items: kept },
        fresh,
      });
      states.set(id, result.state);
    }
    await keeping.flush();
  }
  return { states, puts: store.counts.put - put, bytes: store.counts.bytesWritten - bytesWritten };
}

function summary(runId: string): RunReport {
  return {
    runId,
    status: 'ok',
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: 1,
    counts: { sources: 0, ok: 0, notModified: 0, failed: 0, items: 0, newItems: 0 },
  } as unknown as RunReport;
}

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;

async function measure(sources: number, batch: number) {
  const store = new CountingStore();
  const { ids, sourcesFile } = syntheticSources(sources);
  const known = new Set(ids);
  const all = (version: number) => new Map(ids.map((id) => [id, sourceState(id, version)]));
  await commitState(store, {
    known,
    settled: statesInMemory(all(1)),
    unreadable: new Map(),
    summary: summary('seed'),
    everyShard: true,
  });
  // What version 2 kept: every source in one file.
  const singleFileBytes = JSON.stringify({ version: 2, sources: Object.fromEntries(all(1)), history: [] }).length;

  // One worker of a distributed run: its batch's state only, batches in the start step's order.
  const shards = shardCountFor(sources);
  const ordered = inBatchOrder(sourcesFile.sources, shards).map(({ id }) => id);
  store.reset();
  const batchIds = ordered.slice(0, batch);
  const workerState = await readState(store, batchIds);
  const worker = {
    ...store.counts,
    sources: Object.keys(workerState.sources).length,
  };

  // The changed sources' items, stored by the workers of a distributed run (each its batch, in
  // the start step's order), and by a single function over the whole run in file order.
  const changedIds = ids.filter((_, n) => n < sources * CHANGED_SHARE);
  const isChanged = new Set(changedIds);
  const batches: string[][] = [];
  for (let start = 0; start < sources; start += batch) {
    batches.push(ordered.slice(start, start + batch).filter((id) => isChanged.has(id)));
  }
  const byWorkers = await keepChanged(new CountingStore(), batches, shards, 2);
  const itemsStarted = performance.now();
  const inOneFunction = await keepChanged(store, [changedIds], shards, 2);
  const itemsMs = performance.now() - itemsStarted;

  // A full run's state work: read, pick the published items, commit a third changed.
  store.reset();
  const started = performance.now();
  await readState(store, ids);
  const changed = inOneFunction.states;
  const picks = new PublishedPicks(sourcesFile);
  picks.consider(changed);
  await picks.pick(store, new Set(changed.keys()));
  const superseded = await commitState(store, {
    known,
    settled: statesInMemory(changed),
    unreadable: new Map(),
    summary: summary('run'),
    everyShard: true,
    ownedByShard,
  });
  const run = { ...store.counts, ms: performance.now() - started, superseded: superseded.length };

  const workers = Math.ceil(sources / batch);
  let workerGets = 0;
  for (let start = 0; start < sources; start += batch) {
    // state.json, then each shard the batch's sources are in.
    workerGets += 1 + new Set(ordered.slice(start, start + batch).map((id) => shardOf(id, shards))).size;
  }
  // Before packing: one PUT per changed source. Packed: the workers' PUTs (a DELETE batch for
  // those superseded is a few requests more).
  const items = {
    perSourcePuts: changed.size,
    workerPuts: byWorkers.puts,
    singleFunctionPuts: inOneFunction.puts,
    bytes: inOneFunction.bytes,
    ms: itemsMs,
  };
  const itemPuts = items.workerPuts;
  const perRun = {
    statePuts: run.put,
    stateGets: run.get,
    itemPuts,
    workerGets,
    lambdaGbSeconds: sources * LAMBDA_GB_SECONDS_PER_SOURCE,
    transitions: PARENT_TRANSITIONS + workers * CHILD_TRANSITIONS,
  };
  const month = {
    lambda: perRun.lambdaGbSeconds * USD_PER_GB_SECOND * RUNS_PER_MONTH,
    s3State: (perRun.statePuts * USD_PER_PUT + perRun.stateGets * USD_PER_GET) * RUNS_PER_MONTH,
    s3Items: perRun.itemPuts * USD_PER_PUT * RUNS_PER_MONTH,
    s3Workers: perRun.workerGets * USD_PER_GET * RUNS_PER_MONTH,
    s3SingleFile: 2 * USD_PER_PUT * RUNS_PER_MONTH, // version 2: one GET and one PUT of the whole file
    sns: USD_PER_SNS_PUBLISH * RUNS_PER_MONTH,
    stepFunctions: perRun.transitions * USD_PER_TRANSITION * RUNS_PER_MONTH,
  };
  return { sources, shards, singleFileBytes, worker, run, items, perRun, month, batch, workers };
}

const { values } = parseArgs({
  options: { sources: { type: 'string', default: '10000,100000' }, batch: { type: 'string', default: '100' } },
});
const batch = Number(values.batch);
for (const sources of values.sources.split(',').map(Number)) {
  const m = await measure(sources, batch);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(`\n## ${sources.toLocaleString('en')} sources: ${m.shards} shards`);
  console.log(
    `version-2 state.json: ${mb(m.singleFileBytes)}, read whole by every worker and written whole by every run`,
  );
  console.log(
    `one worker (${m.batch} sources): ${m.worker.get} GETs, ${mb(m.worker.bytesRead)} read, ` +
      `state of ${m.worker.sources} sources held`,
  );
  console.log(
    `full run, a third changed: ${m.run.get} GETs (${mb(m.run.bytesRead)}), ` +
      `${m.run.put} state PUTs (${mb(m.run.bytesWritten)}), ` +
      `${m.run.ms.toFixed(0)} ms of state work here`,
  );
  console.log(
    `item objects of the ${m.items.perSourcePuts} changed sources (${mb(m.items.bytes)}): ` +
      `${m.items.perSourcePuts} PUTs one per source before; packed per shard ${m.items.workerPuts} PUTs ` +
      `by ${m.workers} workers, ${m.items.singleFunctionPuts} PUTs by one function (${m.items.ms.toFixed(0)} ms here)`,
  );
  console.log(`per month, hourly (${RUNS_PER_MONTH} runs):`);
  const { month } = m;
  const total = month.lambda + month.s3State + month.s3Items + month.s3Workers + month.sns + month.stepFunctions;
  console.log(`| Lambda (${m.perRun.lambdaGbSeconds.toFixed(0)} GB-s a run) | ${usd(month.lambda)} |`);
  console.log(
    `| S3 state, sharded (${m.perRun.statePuts} PUTs + ${m.perRun.stateGets} GETs a run) | ${usd(month.s3State)} |`,
  );
  console.log(
    `| S3 item objects (${m.perRun.itemPuts} PUTs a run, packed per shard by ${m.workers} workers; ` +
      `one per changed source: ${usd(m.items.perSourcePuts * USD_PER_PUT * RUNS_PER_MONTH)}) | ${usd(month.s3Items)} |`,
  );
  console.log(
    `| S3 worker state reads (${m.perRun.workerGets} GETs a run, ${m.workers} workers) | ${usd(month.s3Workers)} |`,
  );
  console.log(`| SNS (1 publish a run) | ${usd(month.sns)} |`);
  console.log(`| Step Functions (${m.perRun.transitions} transitions a run) | ${usd(month.stepFunctions)} |`);
  console.log(`| total | ${usd(total)} |`);
}
