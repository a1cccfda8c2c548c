import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FolderStore } from '../../lambda/adapters/folderStore.js';
import { feedBody } from '../feedBody.js';
import { type Measurement, measure, measureBest } from '../measure.js';
import { runPipelineInFolder } from '../strategies.js';
import { milliseconds, seconds } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const SOURCES = 40;
const FASTEST_MS = 50;
const SLOWEST_MS = 1500; // 1.5 s
const QUICK_SCALE = 0.2;
const TARGET = 1.1;
const PAGE_BYTES = 4096;

export interface LatencySpreadData {
  sources: number;
  latencyMs: { fastest: number; slowest: number };
  concurrency: number;
  bodyBytes: number;
  idealMs: number;
  /** A cold process starting from the state of the run before, as every scheduled run but the first. */
  pipeline: Measurement;
  /** A cold process with no state: the deployment's first run, which knows no source's latency. */
  pipelineFirstRun: Measurement;
  /** The pipeline's second run in one process, as a warm Lambda invocation runs. */
  pipelineWarm: Measurement;
  pipelineWithoutParsing: Measurement;
  sequential: Measurement;
  promiseAll: Measurement;
}

/**
 * Scenario 1: 40 sources whose latencies spread evenly from 50 ms to 1.5 s, the slowest last in
 * the file. With a slot for every source the run cannot finish before the slowest answers, so that
 * latency is the ideal. Each run starts in a fresh process, as a cold Lambda does: from the state
 * the run before left, as an hourly run does, and once from no state, as a deployment's first run
 * does. One more process runs twice and times the second, as a warm Lambda does.
 */
export async function latencySpread({ internet, quick }: ScenarioOptions): Promise<ScenarioReport<LatencySpreadData>> {
  const scale = quick ? QUICK_SCALE : 1;
  const fastest = FASTEST_MS * scale;
  const slowest = SLOWEST_MS * scale;
  const sites = Array.from({ length: SOURCES }, (_, index) => {
    const id = `spread-${index}`;
    const latencyMs = Math.round(fastest + (index * (slowest - fastest)) / (SOURCES - 1));
    return { id, latencyMs, body: feedBody({ sourceId: id, items: 20, itemBytes: 1500 }) };
  });
  const sources = internet.publish(sites);
  const settings = settingsWith({ concurrency: SOURCES });
  // What the hourly run finds: the state and items of the run before, which timed every source.
  const before = await mkdtemp(join(tmpdir(), 'tributary-bench-before-'));
  let pipeline: Measurement;
  try {
    await runPipelineInFolder(new FolderStore(before), sources, settings);
    pipeline = await measureBest(internet, { strategy: 'pipeline', sources, settings, startFrom: before });
  } finally {
    await rm(before, { recursive: true, force: true });
  }
  const pipelineFirstRun = await measureBest(internet, { strategy: 'pipeline', sources, settings });
  const pipelineWarm = await measure(internet, { strategy: 'pipeline', sources, settings, warm: true });
  const pipelineWithoutParsing = await measure(internet, { strategy: 'fetchOnly', sources, settings });
  const sequential = await measure(internet, { strategy: 'sequential', sources, settings });
  const promiseAll = await measure(internet, { strategy: 'promiseAll', sources, settings });

  const scenario = `1 · ${SOURCES} sources, ${fastest}–${slowest} ms`;
  const ideal = seconds(slowest);
  const ratio = (run: Measurement) => run.wallMs / slowest;
  const fetchPhase = (run: Measurement) =>
    `fetch phase ${seconds(run.fetchPhaseMs!)} (${(run.fetchPhaseMs! / slowest).toFixed(2)}); ${afterFetchPhase(run)}`;
  const loopAndCpu = (run: Measurement) =>
    `event-loop p99 ${milliseconds(run.eventLoopDelayP99Ms)}; CPU ${seconds(run.cpuMs)}`;
  return {
    rows: [
      {
        scenario,
        run:
          `pipeline, concurrency ${SOURCES}, cold process, state of the run before, ` +
          `best of ${pipeline.repeatsWallMs!.length}`,
        measured: seconds(pipeline.wallMs),
        ideal,
        ratio: ratio(pipeline),
        target: TARGET,
        note: `${fetchPhase(pipeline)}; ${loopAndCpu(pipeline)}`,
      },
      {
        scenario,
        run: `pipeline, cold process, first run: no state, best of ${pipelineFirstRun.repeatsWallMs!.length}`,
        measured: seconds(pipelineFirstRun.wallMs),
        ideal,
        ratio: ratio(pipelineFirstRun),
        note:
          `no source timed yet: asked in file order, the slowest last; ${fetchPhase(pipelineFirstRun)}; ` +
          `CPU ${seconds(pipelineFirstRun.cpuMs)}`,
      },
      {
        scenario,
        run: 'pipeline, warm process (second run)',
        measured: seconds(pipelineWarm.wallMs),
        ideal,
        ratio: ratio(pipelineWarm),
        note: `${fetchPhase(pipelineWarm)}; ${loopAndCpu(pipelineWarm)}`,
      },
      {
        scenario,
        run: 'same fan-out, parsing skipped',
        measured: seconds(pipelineWithoutParsing.wallMs),
        ideal,
        ratio: ratio(pipelineWithoutParsing),
        note: loopAndCpu(pipelineWithoutParsing),
      },
      {
        scenario,
        run: 'baseline: sequential, same client',
        measured: seconds(sequential.wallMs),
        ideal,
        ratio: ratio(sequential),
        note: `${(sequential.wallMs / pipeline.wallMs).toFixed(1)}× the pipeline's wall time`,
      },
      {
        scenario,
        run: 'baseline: Promise.all + global fetch',
        measured: seconds(promiseAll.wallMs),
        ideal,
        ratio: ratio(promiseAll),
        note: `unbounded (${promiseAll.maxInFlight} in flight), no timeout, size cap or retry`,
      },
    ],
    data: {
      sources: SOURCES,
      latencyMs: { fastest, slowest },
      concurrency: SOURCES,
      bodyBytes: sites[0]!.body.length,
      idealMs: slowest,
      pipeline,
      pipelineFirstRun,
      pipelineWarm,
      pipelineWithoutParsing,
      sequential,
      promiseAll,
    },
  };
}

/**
 * Before the first request (the report's setupMs), and after the last source: how long, and how
 * much memory it touched first (page faults).
 */
function afterFetchPhase(run: Measurement): string {
  if (run.fetchPhaseMs === undefined || run.pageFaultsAfterFetchPhase === undefined) return 'no fetch phase reported';
  const freshMiB = (run.pageFaultsAfterFetchPhase * PAGE_BYTES) / 2 ** 20;
  const setup = run.timings ? `setup ${milliseconds(run.timings.setupMs)}; ` : '';
  return `${setup}then ${milliseconds(run.wallMs - run.fetchPhaseMs)}, ${freshMiB.toFixed(0)} MiB of it fresh memory`;
}
