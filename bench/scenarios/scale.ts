import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type CpuProfileSummary, summarizeCpuProfile } from '../cpuProfileSummary.js';
import { feedBody } from '../feedBody.js';
import { type Measurement, measure } from '../measure.js';
import type { RunClientOptions } from '../runClient.js';
import { DEFAULT_PARSE_THREADS, type StrategyName } from '../strategies.js';
import { milliseconds, seconds, type TableRow } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const SOURCES = 10_000;
/** The variants and the sweep use fewer sources: they compare rates, and the bench must stay short. */
const SAMPLE_SOURCES = 500;
const QUICK_SOURCES = 1_000;
const QUICK_SAMPLE_SOURCES = 300;
const LATENCY_MS = 20;
const CONCURRENCY = 256;
const SWEEP = [4, 16, 256, 512];
/** One source in this many answers 404, as feeds that moved do. */
const FAILING_EVERY = 100;

interface RateRun {
  sources: number;
  concurrency: number;
  /** Network-bound wall time: ⌈sources ÷ concurrency⌉ rounds of one latency. */
  idealMs: number;
  measurement: Measurement;
}

export interface ScaleData {
  latencyMs: number;
  bodyBytes: number;
  parseThreads: number;
  pipeline: RateRun;
  variants: Record<Exclude<StrategyName, 'pipeline' | 'sequential' | 'promiseAll'>, RateRun>;
  /** The pipeline's way (yield, then parse inline) and the worker pool, the client held to one CPU. */
  oneCpu: Record<'inlineParse' | 'parsePool', RateRun>;
  sweep: RateRun[];
  /** Above this concurrency the CPU, not the network, sets the pace: latency ÷ CPU per source. */
  cpuBoundAboveConcurrency: number;
  profile: CpuProfileSummary & { path: string; strategy: StrategyName; sources: number; concurrency: number };
}

/**
 * Scenario 3: many small feeds on a fast network, where the client's CPU rather than the network
 * sets the pace. The variants (same fetch layer; parsing skipped, inline, inline with a yield
 * before each parse, or on a worker pool) show what parsing costs and whether moving it helps;
 * the sweep shows the concurrency at which the run stops being network-bound; the profile shows
 * what the CPU time goes to.
 */
export async function scale({ internet, quick }: ScenarioOptions): Promise<ScenarioReport<ScaleData>> {
  const total = quick ? QUICK_SOURCES : SOURCES;
  const sampleSize = quick ? QUICK_SAMPLE_SOURCES : SAMPLE_SOURCES;
  const sites = Array.from({ length: total }, (_, index) => {
    const id = `scale-${index}`;
    const status = index % FAILING_EVERY === FAILING_EVERY - 1 ? 404 : 200;
    return { id, latencyMs: LATENCY_MS, body: feedBody({ sourceId: id, items: 10, itemBytes: 300 }), status };
  });
  const sources = internet.publish(sites);
  const sample = sources.slice(0, sampleSize);
  const parseThreads = DEFAULT_PARSE_THREADS;

  const rateRun = async (
    strategy: StrategyName,
    count: number,
    concurrency: number,
    options: RunClientOptions = {},
  ): Promise<RateRun> => {
    const settings = settingsWith({ concurrency, perHostConcurrency: 64 });
    const measurement = await measure(internet, { strategy, sources: sources.slice(0, count), settings }, options);
    return { sources: count, concurrency, idealMs: Math.ceil(count / concurrency) * LATENCY_MS, measurement };
  };

  const pipeline = await rateRun('pipeline', total, CONCURRENCY);
  const variants = {
    fetchOnly: await rateRun('fetchOnly', sample.length, CONCURRENCY),
    inlineParse: await rateRun('inlineParse', sample.length, CONCURRENCY),
    yieldingParse: await rateRun('yieldingParse', sample.length, CONCURRENCY),
    parsePool: await rateRun('parsePool', sample.length, CONCURRENCY),
  };
  // As on a Lambda under 1,769 MB: one vCPU for fetching and parsing, wherever the parse runs.
  const oneCpu = {
    inlineParse: await rateRun('yieldingParse', sample.length, CONCURRENCY, { cpus: '0' }),
    parsePool: await rateRun('parsePool', sample.length, CONCURRENCY, { cpus: '0' }),
  };
  const sweep: RateRun[] = [];
  for (const concurrency of SWEEP) {
    sweep.push(
      concurrency === CONCURRENCY ? variants.inlineParse : await rateRun('inlineParse', sample.length, concurrency),
    );
  }
  const cpuPerSource = variants.inlineParse.measurement.cpuMs / variants.inlineParse.sources;
  const cpuBoundAboveConcurrency = LATENCY_MS / cpuPerSource;
  const profilePath = join(tmpdir(), `tributary-bench-scale-${process.pid}.cpuprofile`);
  await rateRun('inlineParse', sample.length, CONCURRENCY, { cpuProfilePath: profilePath });
  const profile = {
    ...(await summarizeCpuProfile(profilePath)),
    path: profilePath,
    strategy: 'inlineParse' as const,
    sources: sample.length,
    concurrency: CONCURRENCY,
  };

  const scenario = `3 · small feeds × ${LATENCY_MS} ms`;
  const rows: TableRow[] = [
    {
      ...rateRow(scenario, `pipeline, ${total.toLocaleString('en')} feeds, concurrency ${CONCURRENCY}`, pipeline),
      note:
        `fetch phase ${rate(total, pipeline.measurement.fetchPhaseMs!)} sources/s; ` +
        `then ${seconds(pipeline.measurement.wallMs - pipeline.measurement.fetchPhaseMs!)} writing; ` +
        cpuNote(pipeline),
    },
    ...(['fetchOnly', 'inlineParse', 'yieldingParse', 'parsePool'] as const).map((name) => ({
      ...rateRow(
        scenario,
        `${sample.length.toLocaleString('en')} feeds: ${VARIANT_LABELS[name](parseThreads)}`,
        variants[name],
      ),
      note: cpuNote(variants[name]),
    })),
    ...(['inlineParse', 'parsePool'] as const).map((name) => ({
      ...rateRow(
        scenario,
        `${sample.length.toLocaleString('en')} feeds on 1 CPU: ` +
          (name === 'parsePool' ? VARIANT_LABELS.parsePool(1) : VARIANT_LABELS.yieldingParse(1)),
        oneCpu[name],
      ),
      note: cpuNote(oneCpu[name]),
    })),
    ...sweep.map((run) => ({
      ...rateRow(scenario, `sweep: inline parse, concurrency ${run.concurrency}`, run),
      note: `${cpuNote(run)}; ${isCpuBound(run) ? 'CPU-bound' : 'network-bound'}`,
    })),
    {
      scenario,
      run: 'CPU-bound above concurrency',
      measured: cpuBoundAboveConcurrency.toFixed(1),
      note:
        `${LATENCY_MS} ms latency ÷ ${cpuPerSource.toFixed(2)} ms CPU per source (inline parse); ` +
        'scales with latency',
    },
    {
      scenario,
      run: 'profile: inline parse, self time by owner',
      measured: `${milliseconds(profile.busyMs)} busy`,
      note: profile.owners
        .slice(0, 6)
        .map((owner) => `${owner.name} ${(owner.share * 100).toFixed(0)}%`)
        .join(', '),
    },
  ];
  return {
    rows,
    data: {
      latencyMs: LATENCY_MS,
      bodyBytes: sites[0]!.body.length,
      parseThreads,
      pipeline,
      variants,
      oneCpu,
      sweep,
      cpuBoundAboveConcurrency,
      profile,
    },
  };
}

const VARIANT_LABELS: Record<keyof ScaleData['variants'], (threads: number) => string> = {
  fetchOnly: () => 'fetch only, parsing skipped',
  inlineParse: () => 'parse inline (as the pipeline did)',
  yieldingParse: () => 'parse inline, yield before each',
  parsePool: (threads) => `parse on a ${threads}-thread worker pool`,
};

function rate(sources: number, ms: number): string {
  return ((sources / ms) * 1000).toFixed(0);
}

function rateRow(scenario: string, run: string, { sources, concurrency, idealMs, measurement }: RateRun): TableRow {
  return {
    scenario,
    run,
    measured: `${rate(sources, measurement.wallMs)} sources/s`,
    ideal: `${rate(sources, idealMs)} sources/s (⌈${sources}/${concurrency}⌉ × ${LATENCY_MS} ms)`,
    ratio: measurement.wallMs / idealMs,
  };
}

function cpuNote({ sources, measurement }: RateRun): string {
  const perSource = measurement.cpuMs / sources;
  return (
    `CPU ${perSource.toFixed(2)} ms/source, CPU ÷ wall ${(measurement.cpuMs / measurement.wallMs).toFixed(2)}; ` +
    `event-loop p99 ${milliseconds(measurement.eventLoopDelayP99Ms)}; ` +
    `fetch p50 ${milliseconds(measurement.fetchMs.p50)}, ` +
    `p99 ${milliseconds(measurement.fetchMs.p99)} (server ${LATENCY_MS} ms)`
  );
}

/**
 * CPU sets the pace when the client's CPU time alone exceeds the network-bound wall time. Unlike
 * CPU ÷ wall, this holds on a machine other work is also using.
 */
function isCpuBound({ idealMs, measurement }: RateRun): boolean {
  return measurement.cpuMs > idealMs;
}
