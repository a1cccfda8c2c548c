import { cp, mkdtemp, rm, stat } from 'node:fs/promises';

import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConsoleNotifier } from '../lambda/adapters/consoleNotifier.js';
import { FolderStore } from '../lambda/adapters/folderStore.js';
import type { RunTimings, Settings, Source } from '../lambda/core/model.js';
import { STATE_KEY } from '../lambda/core/storageLayout.js';
import { fetchAll } from '../lambda/fetch/fetchAll.js';
import { fetchSource } from '../lambda/fetch/fetchSource.js';
import { createHttpClient } from '../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../lambda/fetch/networkPolicy.js';
import { mergeItems } from '../lambda/merge/merge.js';
import { parseFeedSource } from '../lambda/parse/parseFeedSource.js';
import { processSource } from '../lambda/process/processSource.js';
import { runPipeline } from '../lambda/run/runPipeline.js';
import { ParsePool } from './parsePool.js';

/**
 * How a client gets through the sources:
 * - `pipeline`: runPipeline itself, writing to a temporary folder; parses on the main thread.
 * - `sequential`: one source after another (fetchSource, then processSource), same HTTP client.
 * - `promiseAll`: every source at once with the global fetch, no bounds, then parseFeedSource.
 * - `fetchOnly`: fetchAll with the pipeline's bounds, bodies dropped unparsed.
 * - `inlineParse`: fetchAll + processSource as runPipeline does it, results dropped rather than
 *   kept and written, so it compares with the two variants below on equal terms.
 * - `yieldingParse`: as `inlineParse`, giving the event loop a turn before each parse.
 * - `parsePool`: fetchAll, each body parsed on a worker_threads pool.
 */
export type StrategyName =
  | 'pipeline'
  | 'sequential'
  | 'promiseAll'
  | 'fetchOnly'
  | 'inlineParse'
  | 'yieldingParse'
  | 'parsePool';

export interface ClientJob {
  strategy: StrategyName;
  sources: Source[];
  settings: Settings;
  /**
   * For `pipeline`: run once untimed first, so the timed run is a warm Lambda's second
   * invocation (code compiled, state from the first run) rather than a cold start.
   */
  warm?: boolean;
  /**
   * For `pipeline`: a folder an earlier run wrote. The run starts from a copy of it, as a
   * scheduled run starts from the state the run before it left.
   */
  startFrom?: string;
}

export interface StrategyOutcome {
  ok: number;
  failed: number;
  /** Items parsed (for `pipeline`: items in the published feed). */
  items: number;
  /** From the start until the last source was settled; the rest of a pipeline run is writing. */
  fetchPhaseMs?: number;
  /** The process's RSS high-water mark when the last source was settled, before any writing. */
  fetchPhasePeakRssMb?: number;
  /**
   * Pages the process first touched after the last source was settled (minor page faults): what
   * rendering and writing cost in fresh memory, at the machine's MemoryTouchCost.
   */
  pageFaultsAfterFetchPhase?: number;
  /** For `pipeline`: the run report's phases (setup, fetch, tail until the report was made). */
  timings?: RunTimings;
  /** Size of the state file the run wrote, serialized at once: validators, seen ids and item digests, not items. */
  stateBytes?: number;
  /**
   * Per source, from sending the request to the last body byte, as the client timed it. Beyond
   * the server's latency this is time the client itself added: a busy event loop leaves
   * arrived bytes unread.
   */
  fetchMs: Percentiles;
  /** For `pipeline`: each source's outcome as its report line says it, `failed (too_complex)` or `ok`. */
  sourceOutcomes?: Record<string, string>;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

/** Set-up is done and not timed; `run` is what the benchmark times. */
export interface PreparedRun {
  run(): Promise<StrategyOutcome>;
  dispose(): Promise<void>;
}

const LOOPBACK = parseNetworkPolicy('127.0.0.0/8');
const RUN_BUDGET_MS = 10 * 60 * 1000; // 10 min: far beyond any scenario, so the deadline never cuts one short
/** One core is left to the main thread, which fetches: more workers than that starve it. */
export const DEFAULT_PARSE_THREADS = Math.max(1, availableParallelism() - 1);
/** Bodies queued per pool thread: one being parsed and one ready, so a thread never waits for work. */
const POOL_QUEUE_PER_THREAD = 2;

export const strategies: Record<StrategyName, (job: ClientJob) => Promise<PreparedRun>> = {
  async pipeline({ sources, settings, warm, startFrom }) {
    const folder = await mkdtemp(join(tmpdir(), 'tributary-bench-'));
    if (startFrom) await cp(startFrom, folder, { recursive: true });
    const store = new FolderStore(folder);
    const runOnce = () => runPipelineInFolder(store, sources, settings);
    if (warm) await runOnce();
    return { run: runOnce, dispose: () => rm(folder, { recursive: true, force: true }) };
  },

  async sequential({ sources, settings }) {
    const client = await createHttpClient({ networkPolicy: LOOPBACK });
    return {
      async run() {
        const tally = newTally();
        for (const source of sources) {
          const outcome = await fetchSource(client, source, { settings, deadline: Date.now() + RUN_BUDGET_MS });
          tally.add(processSource(source, outcome, undefined, settings, Date.now()).report);
        }
        return tally.outcome();
      },
      dispose: () => client.close(),
    };
  },

  async promiseAll({ sources, settings }) {
    return {
      async run() {
        const tally = newTally();
        await Promise.all(
          sources.map(async (source) => {
            const started = performance.now();
            try {
              const response = await fetch(source.url);
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              const body = Buffer.from(await response.arrayBuffer());
              const durationMs = performance.now() - started;
              const contentType = response.headers.get('content-type') ?? undefined;
              // Capped as processSource caps, so both baselines keep the same items.
              const items = mergeItems([parseFeedSource(body, parseContext(source, contentType)).items], {
                maxItems: settings.maxItemsPerSource,
              });
              tally.add({ status: 'ok', items: items.length, durationMs });
            } catch {
              tally.add({ status: 'failed', items: 0, durationMs: performance.now() - started });
            }
          }),
        );
        return tally.outcome();
      },
      dispose: async () => undefined,
    };
  },

  async fetchOnly({ sources, settings }) {
    const client = await createHttpClient({ networkPolicy: LOOPBACK });
    return {
      async run() {
        const tally = newTally();
        for await (const { outcome } of fetchAll(client, sources, { settings, deadline: Date.now() + RUN_BUDGET_MS })) {
          tally.add({ status: outcome.status, items: 0, durationMs: outcome.durationMs });
        }
        return tally.outcome();
      },
      dispose: () => client.close(),
    };
  },

  inlineParse: (job) => settleEach(job, { yieldFirst: false }),
  yieldingParse: (job) => settleEach(job, { yieldFirst: true }),

  async parsePool({ sources, settings }) {
    const client = await createHttpClient({ networkPolicy: LOOPBACK });
    const pool = await ParsePool.start(DEFAULT_PARSE_THREADS);
    return {
      async run() {
        const tally = newTally();
        const parsing: Promise<void>[] = [];
        for await (const { source, outcome } of fetchAll(client, sources, {
          settings,
          deadline: Date.now() + RUN_BUDGET_MS,
        })) {
          if (outcome.status !== 'ok') {
            tally.add({ status: outcome.status, items: 0, durationMs: outcome.durationMs });
            continue;
          }
          // Not taking the next result until the pool has room holds fetchAll's slots, so the
          // bodies in memory stay bounded by concurrency, as with parsing inline.
          await pool.below(POOL_QUEUE_PER_THREAD * DEFAULT_PARSE_THREADS);
          const context = parseContext(source, outcome.contentType);
          const { durationMs } = outcome;
          parsing.push(
            pool.parse(outcome.body, context, settings.maxItemsPerSource).then(
              (items) => tally.add({ status: 'ok', items: items.length, durationMs }),
              () => tally.add({ status: 'failed', items: 0, durationMs }),
            ),
          );
        }
        await Promise.all(parsing);
        return tally.outcome();
      },
      dispose: async () => {
        await pool.close();
        await client.close();
      },
    };
  },
};

async function settleEach({ sources, settings }: ClientJob, options: { yieldFirst: boolean }): Promise<PreparedRun> {
  const client = await createHttpClient({ networkPolicy: LOOPBACK });
  return {
    async run() {
      const tally = newTally();
      for await (const { source, outcome } of fetchAll(client, sources, {
        settings,
        deadline: Date.now() + RUN_BUDGET_MS,
      })) {
        // A macrotask boundary lets sockets that became readable during the last parse be read
        // and timers fire; awaiting the generator alone only runs microtasks.
        if (options.yieldFirst) await nextTurn();
        tally.add(processSource(source, outcome, undefined, settings, Date.now()).report);
      }
      return tally.outcome();
    },
    dispose: () => client.close(),
  };
}

function parseContext(source: Source, contentType: string | undefined) {
  return { contentType, finalUrl: source.url, sourceId: source.id };
}

function newTally() {
  const counts = { ok: 0, failed: 0, items: 0 };
  const durations: number[] = [];
  return {
    add(settled: { status: string; items: number; durationMs: number }) {
      if (settled.status === 'failed') counts.failed += 1;
      else counts.ok += 1;
      counts.items += settled.items;
      durations.push(settled.durationMs);
    },
    outcome: (): StrategyOutcome => ({ ...counts, fetchMs: percentiles(durations) }),
  };
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** One run of the whole pipeline into `store`'s folder, as `npm start` runs it: what the `pipeline` strategy times. */
export async function runPipelineInFolder(
  store: FolderStore,
  sources: Source[],
  settings: Settings,
): Promise<StrategyOutcome> {
  const started = performance.now();
  let fetchPhaseMs: number | undefined;
  let fetchPhasePeakRssMb: number | undefined;
  let pageFaultsAtFetchEnd: number | undefined;
  const report = await runPipeline(
    {
      sourcesFile: { settings, sources },
      request: { dryRun: false, force: false },
      fetchDeadline: Date.now() + RUN_BUDGET_MS,
      hardDeadline: Date.now() + RUN_BUDGET_MS,
    },
    {
      store,
      notifier: new ConsoleNotifier(() => undefined),
      networkPolicy: LOOPBACK,
      onProgress: ({ done, total }) => {
        if (done < total) return;
        fetchPhaseMs = performance.now() - started;
        const usage = process.resourceUsage();
        fetchPhasePeakRssMb = usage.maxRSS / 1024; // maxRSS is in KiB
        pageFaultsAtFetchEnd = usage.minorPageFault;
      },
    },
  );
  const pageFaultsAfterFetchPhase =
    pageFaultsAtFetchEnd === undefined ? undefined : process.resourceUsage().minorPageFault - pageFaultsAtFetchEnd;
  const { ok, failed, items } = report.counts;
  const fetchMs = percentiles(report.sources.map((source) => source.durationMs));
  const stateBytes = (await stat(store.locate(STATE_KEY))).size;
  const sourceOutcomes = Object.fromEntries(
    report.sources.map(({ id, status, errorCode }) => [id, errorCode ? `${status} (${errorCode})` : status]),
  );
  return {
    ok,
    failed,
    items,
    fetchPhaseMs,
    fetchPhasePeakRssMb,
    pageFaultsAfterFetchPhase,
    timings: report.timings,
    fetchMs,
    stateBytes,
    sourceOutcomes,
  };
}
