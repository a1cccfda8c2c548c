// Single mode against the distributed mode, over the same loopback "internet": 10,000 small feeds
// (or 2,000 with --quick) on several ports, ~20 ms each. The single run is runPipeline itself; the
// sharded run is the distributed mode's own steps (start, one worker per batch, merge), its workers
// in separate Node processes sharing one output folder, as Lambda workers share the bucket. From
// what each step measured, it models the wall time and cost of both modes on AWS.
//
//   npx tsx bench/distributed.ts [--quick] [--sources 10000] [--workers 2] [--batch N] [--max-concurrency N] \
//     [--memory MB]
//
// --batch, --max-concurrency and --memory default to what a deployed stack uses.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FolderStore } from '../lambda/adapters/folderStore.js';
import type { RunReport, Source, SourcesFile } from '../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../lambda/core/sourcesFileSchema.js';
import { mergeShards } from '../lambda/distributed/mergeShards.js';
import { type BatchPointer, settleBatch } from '../lambda/distributed/settleBatch.js';
import type { ShardJob } from '../lambda/distributed/shardFolder.js';
import { startShardedRun } from '../lambda/distributed/startShardedRun.js';
import { parseNetworkPolicy } from '../lambda/fetch/networkPolicy.js';
import type { Notifier } from '../lambda/run/notifier.js';
import { runPipeline } from '../lambda/run/runPipeline.js';
import { feedBody } from './feedBody.js';
import { startLoopbackInternet } from './loopbackInternet.js';

const LATENCY_MS = 20;
const HOSTS = 8;
const ITEMS_PER_FEED = 5;
const ITEM_BYTES = 300;

// Prices (us-east-1, assumed current on 2026-11-26), and what the model assumes about AWS. Lambda's
// duration price and vCPU share are scenario 7's (bench/scenarios/lambdaCost.ts).
const USD_PER_TRANSITION = 0.025 / 1000; // Step Functions standard workflows
const LAMBDA_LIMIT_MS = 15 * 60 * 1000;
const COLD_START_MS = 500; // init of the ~2 MB bundle, billed; once per function instance
const DISPATCH_MS = 100; // Step Functions starting a task or child execution, on the critical path
/** Parent: StartRun, RunStarted, Workers, MergeRun, EveryBatchRan, Published. */
const PARENT_TRANSITIONS = 6;
/** Each child execution of the Distributed Map: entering its one Task state, and its end. */
const CHILD_TRANSITIONS = 2;

const networkPolicy = parseNetworkPolicy('127.0.0.0/8');
const silent: Notifier = { publish: async () => undefined };
const SELF = fileURLToPath(import.meta.url);

interface Measured {
  wallMs: number;
  cpuMs: number;
}

/** What the parent asks a worker process, and what it answers. */
type WorkerRequest = { root: string; sources: Source[]; job: ShardJob };
type WorkerAnswer = Measured & { pointer: BatchPointer };
type LambdaPricing = typeof import('./scenarios/lambdaCost.js');

if (process.argv.includes('--serve')) await serve();
else if (process.argv.includes('--worker')) work();
else await main();

async function main(): Promise<void> {
  // Imported here, not at the top: the server and worker children run this file too, and infra/
  // loads aws-cdk-lib, seconds of start-up that would land inside the measured worker time.
  const [{ STACK_SETTING_DEFAULTS }, pricing] = await Promise.all([
    import('../infra/stackSettings.js'),
    import('./scenarios/lambdaCost.js'),
  ]);
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sources: { type: 'string' },
      workers: { type: 'string', default: String(availableParallelism()) },
      batch: { type: 'string', default: String(STACK_SETTING_DEFAULTS.batchSize) },
      'max-concurrency': { type: 'string', default: String(STACK_SETTING_DEFAULTS.maxConcurrency) },
      memory: { type: 'string', default: String(STACK_SETTING_DEFAULTS.memoryMb) },
    },
  });
  const count = Number(values.sources ?? (values.quick ? 2_000 : 10_000));
  const workers = Number(values.workers);
  const batchSize = Number(values.batch);
  const maxConcurrency = Number(values['max-concurrency']);
  const memoryMb = Number(values.memory);

  const server = fork(SELF, ['--serve', String(count)], { execArgv: ['--import', 'tsx'] });
  const sources = await answer<Source[]>(server);
  const sourcesFile: SourcesFile = { settings: { ...DEFAULT_SETTINGS, retries: 0 }, sources };
  const request = { dryRun: false, force: false };
  const folders: string[] = [];
  const folder = async () => {
    const root = await mkdtemp(join(tmpdir(), 'tributary-bench-distributed-'));
    folders.push(root);
    return root;
  };
  try {
    const { concurrency, perHostConcurrency } = sourcesFile.settings;
    console.log(
      `${count} sources on ${HOSTS} loopback ports, ${LATENCY_MS} ms latency, ` +
        `${ITEMS_PER_FEED} items of ~${ITEM_BYTES} B each; ` +
        `concurrency ${concurrency}, ${perHostConcurrency} per host (per worker in distributed mode)`,
    );

    const singleStore = new FolderStore(await folder());
    const single = await measure(() =>
      runPipeline(
        { sourcesFile, request, fetchDeadline: Date.now() + 10 * 60_000, hardDeadline: Date.now() + 11 * 60_000 },
        { store: singleStore, notifier: silent, networkPolicy },
      ),
    );

    const root = await folder();
    const store = new FolderStore(root);
    const startedAt = Date.now();
    const started = await measure(() =>
      startShardedRun(
        { request, sourcesFile, startedAt, executionDeadline: startedAt + 20 * 60_000, mergeReserveMs: 60_000 },
        { store, notifier: silent },
      ),
    );
    if (started.value.status !== 'started') throw new Error(`the start step did not start: ${started.value.status}`);
    const { job, folder: shardFolder } = started.value;
    const items = JSON.parse((await store.get(shardFolder.sources)) ?? '[]') as Source[];
    const batches: Source[][] = [];
    for (let index = 0; index < items.length; index += batchSize) batches.push(items.slice(index, index + batchSize));

    const pool = Array.from({ length: Math.min(workers, batches.length) }, () =>
      fork(SELF, ['--worker'], { execArgv: ['--import', 'tsx'] }),
    );
    const workerWall = performance.now();
    const batchRuns: WorkerAnswer[] = [];
    let next = 0;
    await Promise.all(
      pool.map(async (child) => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          child.send({ root, sources: batch, job } satisfies WorkerRequest);
          batchRuns.push(await answer<WorkerAnswer>(child));
        }
        child.kill();
      }),
    );
    const workersMs = performance.now() - workerWall;
    const merged = await measure(() =>
      mergeShards(shardFolder, undefined, Date.now() + 20 * 60_000, { store, notifier: silent, networkPolicy }),
    );

    report(
      { single, started, batchRuns, merged, workersMs, workers, batchSize, maxConcurrency, memoryMb, count },
      pricing,
    );
  } finally {
    server.kill();
    await Promise.all(folders.map((root) => rm(root, { recursive: true, force: true })));
  }
}

interface Results {
  single: Measured & { value: RunReport };
  started: Measured;
  batchRuns: WorkerAnswer[];
  merged: Measured & { value: RunReport };
  workersMs: number;
  workers: number;
  batchSize: number;
  maxConcurrency: number;
  memoryMb: number;
  count: number;
}

function report(results: Results, pricing: LambdaPricing): void {
  const { single, started, batchRuns, merged, memoryMb, maxConcurrency } = results;
  const { USD_PER_GB_SECOND, MB_PER_VCPU } = pricing;
  const vcpuShare = pricing.vcpuShareAt(memoryMb);
  const lambdaMs = (step: Measured) => pricing.billedMs(step, memoryMb);
  const usd = (ms: number) => pricing.gbSecondsAt(ms, memoryMb) * USD_PER_GB_SECOND;

  const singleMs = COLD_START_MS + lambdaMs(single);
  const batchMs = batchRuns.map(lambdaMs);
  const coldWorkers = Math.min(batchMs.length, maxConcurrency);
  const waves = makespan(batchMs, maxConcurrency);
  const distributedWallMs =
    COLD_START_MS +
    DISPATCH_MS +
    lambdaMs(started) +
    COLD_START_MS +
    DISPATCH_MS +
    waves +
    COLD_START_MS +
    DISPATCH_MS +
    lambdaMs(merged);
  const billedMs =
    lambdaMs(started) + batchMs.reduce((sum, ms) => sum + ms, 0) + lambdaMs(merged) + (2 + coldWorkers) * COLD_START_MS;
  const transitions = PARENT_TRANSITIONS + CHILD_TRANSITIONS * batchMs.length;
  const cpuMs = batchRuns.reduce((sum, run) => sum + run.cpuMs, 0) + started.cpuMs + merged.cpuMs;

  const same = JSON.stringify(single.value.counts) === JSON.stringify(merged.value.counts);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const $ = (value: number) => `$${value.toFixed(5)}`;
  console.log(`\nsame counts in both modes: ${same ? 'yes' : 'NO'} (${JSON.stringify(merged.value.counts)})`);
  console.log('\n| mode | measured here | CPU here | modelled Lambda wall | modelled cost per run |');
  console.log('|---|---|---|---|---|');
  const timesOut = singleMs > LAMBDA_LIMIT_MS ? ' (over the 15 min limit: times out)' : '';
  console.log(
    `| single, 1 function | ${s(single.wallMs)} | ${s(single.cpuMs)} | ` +
      `${s(singleMs)}${timesOut} | ${$(usd(singleMs))} Lambda |`,
  );
  const stepsMs = started.wallMs + results.workersMs + merged.wallMs;
  const stepFunctionsUsd = transitions * USD_PER_TRANSITION;
  console.log(
    `| distributed, ${batchMs.length} batches of ≤${results.batchSize}, ${results.workers} worker processes here, ` +
      `MaxConcurrency ${maxConcurrency} modelled | ` +
      `${s(stepsMs)} (start ${s(started.wallMs)}, workers ${s(results.workersMs)}, merge ${s(merged.wallMs)}) | ` +
      `${s(cpuMs)} | ${s(distributedWallMs)} | ${$(usd(billedMs))} Lambda + ${$(stepFunctionsUsd)} Step Functions ` +
      `(${transitions} transitions) = ${$(usd(billedMs) + stepFunctionsUsd)} |`,
  );
  const sorted = [...batchMs].sort((a, b) => a - b);
  console.log(
    `\nper batch on Lambda: median ${s(sorted[Math.floor(sorted.length / 2)]!)}, slowest ${s(sorted.at(-1)!)}; ` +
      `merge ${s(lambdaMs(merged))} (reads ${batchMs.length} batch files, renders, writes)`,
  );
  console.log(
    [
      '',
      `Model, at ${memoryMb} MB (vCPU share ${vcpuShare.toFixed(3)} = ${memoryMb}/${MB_PER_VCPU}):`,
      '  step time on Lambda = max(wall measured here, CPU measured here ÷ vCPU share)',
      `  single wall = ${COLD_START_MS} ms cold start + step time`,
      `  distributed wall = 3 × (${COLD_START_MS} ms cold start + ${DISPATCH_MS} ms dispatch) + start + ` +
        `makespan(batches on ${maxConcurrency} slots, in order) + merge`,
      `  Lambda cost = GB-s × $${USD_PER_GB_SECOND} (arm64), ` +
        `GB-s = Σ step time (cold starts billed: ${2 + coldWorkers} instances) × ${memoryMb}/1024; ` +
        'requests ($0.20/M) left out',
      `  Step Functions = transitions × $0.025/1000; ${PARENT_TRANSITIONS} in the parent, ` +
        `${CHILD_TRANSITIONS} per child execution (one per batch), no retries`,
      '  S3 (per run: ~2 GETs and 1 PUT per batch, a LIST and one GET per batch in the merge) ' +
        'costs well under $0.001 and is left out.',
      '  Assumes Lambda CPU ≈ one core of this machine, and that workers on separate instances ' +
        'do not slow each other (they share nothing but S3).',
    ].join('\n'),
  );
}

/**
 * When the last of `durations` ends if each starts on the first free of `slots`, in order (as the Map hands out
 * batches).
 */
function makespan(durations: readonly number[], slots: number): number {
  const free = Array.from({ length: Math.min(slots, durations.length) }, () => 0);
  for (const duration of durations) {
    const slot = free.indexOf(Math.min(...free));
    free[slot]! += duration;
  }
  return Math.max(0, ...free);
}

async function measure<T>(work: () => Promise<T>): Promise<Measured & { value: T }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function answer<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench child exited with ${code} before answering`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

/** The loopback "internet", in a process of its own so its CPU stays out of the pipeline's figures. */
async function serve(): Promise<void> {
  const count = Number(process.argv[process.argv.indexOf('--serve') + 1]);
  const internet = await startLoopbackInternet({ hosts: HOSTS });
  const sites = Array.from({ length: count }, (_, index) => {
    const id = `feed-${String(index).padStart(5, '0')}`;
    return {
      id,
      latencyMs: LATENCY_MS,
      body: feedBody({ sourceId: id, items: ITEMS_PER_FEED, itemBytes: ITEM_BYTES }),
    };
  });
  process.send!(internet.publish(sites));
  process.once('SIGTERM', () => void internet.close().then(() => process.exit(0)));
}

/** One worker process, a warm Lambda instance: settles one batch at a time and says what it cost. */
function work(): void {
  process.on('message', async ({ root, sources, job }: WorkerRequest) => {
    const measured = await measure(() =>
      settleBatch(sources, job, Date.now() + 10 * 60_000, { store: new FolderStore(root), networkPolicy }),
    );
    process.send!({ wallMs: measured.wallMs, cpuMs: measured.cpuMs, pointer: measured.value } satisfies WorkerAnswer);
  });
}
