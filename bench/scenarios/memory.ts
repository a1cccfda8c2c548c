import { STACK_SETTING_DEFAULTS } from '../../infra/stackSettings.js';
import { feedBody } from '../feedBody.js';
import { type Measurement, measure } from '../measure.js';
import { ClientCrashError } from '../runClient.js';
import { DEFAULT_PARSE_THREADS, type StrategyName } from '../strategies.js';
import { milliseconds, seconds, type TableRow } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const SOURCES = 40;
const QUICK_SOURCES = 10;
const LATENCY_MS = 200;
/** 250 items of 20 KB: about 5 MB, under the default 5 MiB cap; full-content feeds look like this. */
const ITEMS = 250;
const ITEM_BYTES = 20_000;
const TARGET_MB = 256;
/** V8's old-space limit on a machine with the function's memory: a quarter of it, doubled for 64-bit pointers. */
const LAMBDA_HEAP_LIMIT_MB = STACK_SETTING_DEFAULTS.memoryMb / 2;

type MemoryStrategy = Extract<StrategyName, 'pipeline' | 'inlineParse' | 'yieldingParse' | 'parsePool'>;

interface MemoryRun {
  strategy: MemoryStrategy;
  concurrency: number;
  sources: number;
  measurement?: Measurement;
  /** Why the client died before reporting, when it did. */
  crash?: string;
}

export interface MemoryData {
  sources: number;
  bodyBytes: number;
  totalBodyMb: number;
  latencyMs: number;
  targetMb: number;
  /** `--max-old-space-size` for every run. */
  heapLimitMb: number;
  runs: MemoryRun[];
}

/**
 * Scenario 4: 40 sources of 5 MB each. Peak RSS of the client process (getrusage high-water mark)
 * for the pipeline at concurrency 16 (the default), 8 and 4, and at 16 over twice the sources
 * (memory must not follow their number); at 16 without keeping items or writing anything (parse
 * inline, results dropped; the same after a yield, as the pipeline parses) and with parsing on a
 * worker pool. Every run gets the V8 heap a 512 MB function would have: on this larger machine V8
 * would otherwise put off collecting and RSS would measure its laziness; and running out of heap
 * is a result, not an error.
 * Every body is the same feed: the memory is in the bytes, not in their variety.
 */
export async function memory({ internet, quick }: ScenarioOptions): Promise<ScenarioReport<MemoryData>> {
  const count = quick ? QUICK_SOURCES : SOURCES;
  const body = feedBody({ sourceId: 'large', items: ITEMS, itemBytes: ITEM_BYTES });
  const published = internet.publish(
    Array.from({ length: 2 * count }, (_, index) => ({ id: `large-${index}`, latencyMs: LATENCY_MS, body })),
  );

  const plan: [MemoryStrategy, number, number][] = [
    ['pipeline', 16, count],
    ['pipeline', 8, count],
    ['pipeline', 4, count],
    ['pipeline', 16, 2 * count],
    ['inlineParse', 16, count],
    ['yieldingParse', 16, count],
    ['parsePool', 16, count],
  ];
  const runs: MemoryRun[] = [];
  for (const [strategy, concurrency, sources] of plan) {
    const job = { strategy, sources: published.slice(0, sources), settings: settingsWith({ concurrency }) };
    try {
      runs.push({
        strategy,
        concurrency,
        sources,
        measurement: await measure(internet, job, { maxOldSpaceMb: LAMBDA_HEAP_LIMIT_MB }),
      });
    } catch (error) {
      if (!(error instanceof ClientCrashError)) throw error;
      runs.push({ strategy, concurrency, sources, crash: /FATAL ERROR: .*/.exec(error.stderr)?.[0] ?? error.message });
    }
  }

  const totalBodyMb = (body.length * count) / 2 ** 20;
  const bodyMb = body.length / 2 ** 20;
  const scenario =
    `4 · ${count} × ${bodyMb.toFixed(1)} MiB bodies (${totalBodyMb.toFixed(0)} MiB), ` +
    `V8 heap ${LAMBDA_HEAP_LIMIT_MB} MiB`;
  const rows: TableRow[] = runs.map((run) => {
    const someSources = run.sources === count ? '' : `, ${run.sources} sources`;
    const label = `${RUN_LABELS[run.strategy]}, concurrency ${run.concurrency}${someSources}`;
    const { measurement } = run;
    if (!measurement) {
      return { scenario, run: label, measured: 'crashed', ideal: `≤ ${TARGET_MB} MiB`, target: 1, note: run.crash };
    }
    return {
      scenario,
      run: label,
      measured: `${measurement.peakRssMb.toFixed(0)} MiB peak RSS`,
      ideal: `≤ ${TARGET_MB} MiB`,
      ratio: measurement.peakRssMb / TARGET_MB,
      target: run.strategy === 'pipeline' ? 1 : undefined,
      note:
        (measurement.fetchPhasePeakRssMb === undefined
          ? ''
          : `${measurement.fetchPhasePeakRssMb.toFixed(0)} MiB by the end of fetching, ` +
            `then writes a ${(measurement.stateBytes! / 2 ** 10).toFixed(0)} KiB state file; `) +
        `${measurement.rssBeforeMb.toFixed(0)} MiB before the run; ${seconds(measurement.wallMs)}; ` +
        `${measurement.requests - run.sources} retries; ` +
        `event-loop max ${milliseconds(measurement.eventLoopDelayMaxMs)}; ` +
        `fetch p99 ${milliseconds(measurement.fetchMs.p99)} (server ${LATENCY_MS} ms)`,
    };
  });
  return {
    rows,
    data: {
      sources: count,
      bodyBytes: body.length,
      totalBodyMb,
      latencyMs: LATENCY_MS,
      targetMb: TARGET_MB,
      heapLimitMb: LAMBDA_HEAP_LIMIT_MB,
      runs,
    },
  };
}

const RUN_LABELS: Record<MemoryStrategy, string> = {
  pipeline: 'pipeline',
  inlineParse: 'fetch + parse inline, items dropped',
  yieldingParse: 'fetch + yield, then parse (as the pipeline), items dropped',
  parsePool: `fetch + parse on ${DEFAULT_PARSE_THREADS} worker thread(s), items dropped`,
};
