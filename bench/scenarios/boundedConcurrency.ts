import { feedBody } from '../feedBody.js';
import { type Measurement, measure, measureBest } from '../measure.js';
import { DEFAULT_PARSE_THREADS } from '../strategies.js';
import { milliseconds, seconds } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const SOURCES = 200;
const LATENCY_MS = 300;
const CONCURRENCY = 16;
const QUICK_SCALE = 0.2;
const TARGET = 1.1;

export interface BoundedConcurrencyData {
  sources: number;
  latencyMs: number;
  concurrency: number;
  perHostConcurrency: number;
  hosts: number;
  idealMs: number;
  /** Σ latencies: what one-after-another would take at best. */
  sequentialEstimateMs: number;
  pipeline: Measurement;
  /**
   * The pipeline's fan-out and parse without its writing: parsing skipped, inline, inline after a yield, on a worker
   * pool.
   */
  variants: Record<'fetchOnly' | 'inlineParse' | 'yieldingParse' | 'parsePool', Measurement>;
  promiseAll: Measurement;
}

/**
 * Scenario 2: more sources than slots. The sources are dealt over every loopback host, so no host
 * gets more than the per-host limit and the global `concurrency` is the bound that binds: the run
 * takes ⌈sources ÷ concurrency⌉ rounds of one latency each. The variants (the pipeline's
 * fan-out and parse without its writing) show what parsing on the event loop costs the fan-out.
 */
export async function boundedConcurrency({
  internet,
  quick,
}: ScenarioOptions): Promise<ScenarioReport<BoundedConcurrencyData>> {
  const latencyMs = LATENCY_MS * (quick ? QUICK_SCALE : 1);
  const sources = internet.publish(
    Array.from({ length: SOURCES }, (_, index) => {
      const id = `bounded-${index}`;
      return { id, latencyMs, body: feedBody({ sourceId: id, items: 10, itemBytes: 300 }) };
    }),
  );
  const settings = settingsWith({ concurrency: CONCURRENCY });
  const idealMs = Math.ceil(SOURCES / CONCURRENCY) * latencyMs;
  const pipeline = await measureBest(internet, { strategy: 'pipeline', sources, settings });
  const variants = {
    fetchOnly: await measure(internet, { strategy: 'fetchOnly', sources, settings }),
    inlineParse: await measure(internet, { strategy: 'inlineParse', sources, settings }),
    yieldingParse: await measure(internet, { strategy: 'yieldingParse', sources, settings }),
    parsePool: await measure(internet, { strategy: 'parsePool', sources, settings }),
  };
  const promiseAll = await measure(internet, { strategy: 'promiseAll', sources, settings });

  const scenario = `2 · ${SOURCES} × ${latencyMs} ms, concurrency ${CONCURRENCY}`;
  return {
    rows: [
      {
        scenario,
        run:
          `pipeline (per host ${settings.perHostConcurrency}, ${internet.hosts} hosts), ` +
          `best of ${pipeline.repeatsWallMs!.length}`,
        measured: seconds(pipeline.wallMs),
        ideal: `${seconds(idealMs)} (⌈${SOURCES}/${CONCURRENCY}⌉ × ${latencyMs} ms)`,
        ratio: pipeline.wallMs / idealMs,
        target: TARGET,
        note: `fetch phase ${seconds(pipeline.fetchPhaseMs!)} (${(pipeline.fetchPhaseMs! / idealMs).toFixed(2)})`,
      },
      {
        scenario,
        run: 'pipeline: most in flight at the servers, any run',
        measured: String(pipeline.maxInFlight),
        ideal: `≤ ${CONCURRENCY}`,
        ratio: pipeline.maxInFlight / CONCURRENCY,
        target: 1,
        note: `${pipeline.requests} requests over ${pipeline.connections} connections`,
      },
      ...(Object.keys(variants) as (keyof typeof variants)[]).map((name) => ({
        scenario,
        run: VARIANT_LABELS[name],
        measured: seconds(variants[name].wallMs),
        ideal: seconds(idealMs),
        ratio: variants[name].wallMs / idealMs,
        note:
          `event-loop p99 ${milliseconds(variants[name].eventLoopDelayP99Ms)}; ` +
          `fetch p50 ${milliseconds(variants[name].fetchMs.p50)}, ` +
          `p99 ${milliseconds(variants[name].fetchMs.p99)} (server ${latencyMs} ms)`,
      })),
      {
        scenario,
        run: 'baseline: Promise.all + global fetch',
        measured: seconds(promiseAll.wallMs),
        ideal: seconds(idealMs),
        ratio: promiseAll.wallMs / idealMs,
        note: `${promiseAll.maxInFlight} in flight at once: faster only by ignoring the bound`,
      },
      {
        scenario,
        run: 'baseline: sequential (estimated)',
        measured: seconds(SOURCES * latencyMs),
        ideal: seconds(idealMs),
        ratio: (SOURCES * latencyMs) / idealMs,
        note: 'Σ latencies, not run: it would take a minute',
      },
    ],
    data: {
      sources: SOURCES,
      latencyMs,
      concurrency: CONCURRENCY,
      perHostConcurrency: settings.perHostConcurrency,
      hosts: internet.hosts,
      idealMs,
      sequentialEstimateMs: SOURCES * latencyMs,
      pipeline,
      variants,
      promiseAll,
    },
  };
}

const VARIANT_LABELS: Record<keyof BoundedConcurrencyData['variants'], string> = {
  fetchOnly: 'fan-out only, parsing skipped',
  inlineParse: 'fan-out + parse inline (as the pipeline did)',
  yieldingParse: 'fan-out + yield, then parse (as the pipeline)',
  parsePool: `fan-out + parse on ${DEFAULT_PARSE_THREADS} worker thread(s)`,
};
