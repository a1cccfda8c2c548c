import { feedBody } from '../feedBody.js';
import { measure, measureBest, type Measurement } from '../measure.js';
import { milliseconds, seconds } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const SOURCES = 40;
const FASTEST_MS = 50;
const SLOWEST_MS = 1500; // 1.5 s
const QUICK_SCALE = 0.2;
const TARGET = 1.1;

export interface LatencySpreadData {
  sources: number;
  latencyMs: { fastest: number; slowest: number };
  concurrency: number;
  bodyBytes: number;
  idealMs: number;
  pipeline: Measurement;
  /** The pipeline's second run in one process, as a warm Lambda invocation runs. */
  pipelineWarm: Measurement;
  pipelineWithoutParsing: Measurement;
  sequential: Measurement;
  promiseAll: Measurement;
}

/**
 * Scenario 1: 40 sources whose latencies spread evenly from 50 ms to 1.5 s. With a slot for every
 * source the run cannot finish before the slowest answers, so that latency is the ideal. Each run
 * starts in a fresh process, as a cold Lambda does; one more runs twice and times the second.
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
  const pipeline = await measureBest(internet, { strategy: 'pipeline', sources, settings });
  const pipelineWarm = await measure(internet, { strategy: 'pipeline', sources, settings, warm: true });
  const pipelineWithoutParsing = await measure(internet, { strategy: 'fetchOnly', sources, settings });
  const sequential = await measure(internet, { strategy: 'sequential', sources, settings });
  const promiseAll = await measure(internet, { strategy: 'promiseAll', sources, settings });

  const scenario = `1 · ${SOURCES} sources, ${fastest}–${slowest} ms`;
  const ideal = seconds(slowest);
  const ratio = (run: Measurement) => run.wallMs / slowest;
  return {
    rows: [
      {
        scenario,
        run: `pipeline, concurrency ${SOURCES}, best of ${pipeline.repeatsWallMs!.length}`,
        measured: seconds(pipeline.wallMs),
        ideal,
        ratio: ratio(pipeline),
        target: TARGET,
        note: `fetch phase ${seconds(pipeline.fetchPhaseMs!)} (${(pipeline.fetchPhaseMs! / slowest).toFixed(2)}); event-loop p99 ${milliseconds(pipeline.eventLoopDelayP99Ms)}; CPU ${seconds(pipeline.cpuMs)}`,
      },
      {
        scenario,
        run: 'pipeline, warm process (second run)',
        measured: seconds(pipelineWarm.wallMs),
        ideal,
        ratio: ratio(pipelineWarm),
        note: `fetch phase ${seconds(pipelineWarm.fetchPhaseMs!)} (${(pipelineWarm.fetchPhaseMs! / slowest).toFixed(2)}); event-loop p99 ${milliseconds(pipelineWarm.eventLoopDelayP99Ms)}; CPU ${seconds(pipelineWarm.cpuMs)}`,
      },
      {
        scenario,
        run: 'same fan-out, parsing skipped',
        measured: seconds(pipelineWithoutParsing.wallMs),
        ideal,
        ratio: ratio(pipelineWithoutParsing),
        note: `event-loop p99 ${milliseconds(pipelineWithoutParsing.eventLoopDelayP99Ms)}; CPU ${seconds(pipelineWithoutParsing.cpuMs)}`,
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
      pipelineWarm,
      pipelineWithoutParsing,
      sequential,
      promiseAll,
    },
  };
}
