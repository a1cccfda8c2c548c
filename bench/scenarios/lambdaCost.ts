import { STACK_SETTING_DEFAULTS } from '../../infra/stackSettings.js';
import type { Measurement } from '../measure.js';
import { seconds, type TableRow } from '../table.js';
import type { BoundedConcurrencyData } from './boundedConcurrency.js';
import type { ColdStartData } from './coldStart.js';
import type { LatencySpreadData } from './latencySpread.js';
import type { MemoryData } from './memory.js';
import type { ScaleData } from './scale.js';
import type { ScenarioReport } from './scenario.js';

/** AWS Lambda duration price, arm64, us-east-1, first tier (the first 7.5 billion GB-s a month). */
export const USD_PER_GB_SECOND = 0.0000133334;
const PRICE_NOTE =
  `arm64 duration price $${USD_PER_GB_SECOND} per GB-s (us-east-1, first tier), assumed current on 2026-11-26; ` +
  'the request charge ($0.20 per million) is left out';
/** Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB. */
export const MB_PER_VCPU = 1769;

/** The share of one vCPU Lambda gives a function of `memoryMb`. */
export function vcpuShareAt(memoryMb: number): number {
  return Math.min(1, memoryMb / MB_PER_VCPU);
}

/**
 * The duration Lambda would bill, in ms, for work measured here at full CPU: it cannot finish
 * before its measured wall time, nor before its CPU time at the function's vCPU share.
 */
export function billedMs({ wallMs, cpuMs }: { wallMs: number; cpuMs: number }, memoryMb: number): number {
  return Math.max(wallMs, cpuMs / vcpuShareAt(memoryMb));
}

/** Duration billed at `memoryMb`, in GB-s. */
export function gbSecondsAt(ms: number, memoryMb: number): number {
  return (ms / 1000) * (memoryMb / 1024);
}

export interface CostLine {
  scenario: string;
  /** max(wall here, CPU here ÷ the function's vCPU share): a run cannot go faster than its CPU allows. */
  lambdaMs: number;
  gbSeconds: number;
  usd: number;
  sequentialLambdaMs: number;
  sequentialGbSeconds: number;
  sequentialUsd: number;
  sequentialMeasured: boolean;
}

export interface LambdaCostData {
  memoryMb: number;
  vcpuShare: number;
  usdPerGbSecond: number;
  priceNote: string;
  lines: CostLine[];
  coldStart?: { initMs: number; gbSeconds: number; usd: number };
}

export interface LambdaCostInputs {
  latencySpread?: LatencySpreadData;
  boundedConcurrency?: BoundedConcurrencyData;
  scale?: ScaleData;
  memory?: MemoryData;
  coldStart?: ColdStartData;
}

/**
 * Scenario 7: what each measured run would bill at the function's configured memory, beside the
 * sequential baseline (measured in scenario 1; elsewhere Σ latencies plus the same CPU time,
 * since one-after-another overlaps nothing). Computed from scenarios 1–5, nothing is run.
 */
export function lambdaCost(inputs: LambdaCostInputs): ScenarioReport<LambdaCostData> {
  const memoryMb = STACK_SETTING_DEFAULTS.memoryMb;
  const vcpuShare = vcpuShareAt(memoryMb);
  const gbSeconds = (ms: number) => gbSecondsAt(ms, memoryMb);

  const line = (scenario: string, run: Measurement, sequentialMs: number, sequentialMeasured: boolean): CostLine => {
    const ms = billedMs(run, memoryMb);
    const sequential = sequentialMeasured ? sequentialMs : sequentialMs + run.cpuMs / vcpuShare;
    return {
      scenario,
      lambdaMs: ms,
      gbSeconds: gbSeconds(ms),
      usd: gbSeconds(ms) * USD_PER_GB_SECOND,
      sequentialLambdaMs: sequential,
      sequentialGbSeconds: gbSeconds(sequential),
      sequentialUsd: gbSeconds(sequential) * USD_PER_GB_SECOND,
      sequentialMeasured,
    };
  };

  const lines: CostLine[] = [];
  const { latencySpread, boundedConcurrency, scale, memory, coldStart } = inputs;
  if (latencySpread) {
    const { sequential } = latencySpread;
    lines.push(line('1 · 40 sources', latencySpread.pipeline, billedMs(sequential, memoryMb), true));
  }
  if (boundedConcurrency) {
    lines.push(line('2 · 200 sources', boundedConcurrency.pipeline, boundedConcurrency.sequentialEstimateMs, false));
  }
  if (scale) {
    const { sources } = scale.pipeline;
    const scenario = `3 · ${sources.toLocaleString('en')} sources`;
    lines.push(line(scenario, scale.pipeline.measurement, sources * scale.latencyMs, false));
  }
  if (memory) {
    const measurement = memory.runs.find((run) => run.strategy === 'pipeline' && run.measurement)?.measurement;
    if (measurement)
      lines.push(line(`4 · ${memory.sources} × 5 MB`, measurement, memory.sources * memory.latencyMs, false));
  }
  const cold = coldStart && {
    initMs: coldStart.importMs,
    gbSeconds: gbSeconds(coldStart.importMs),
    usd: gbSeconds(coldStart.importMs) * USD_PER_GB_SECOND,
  };

  const usd = (amount: number) => `$${amount.toFixed(amount < 0.001 ? 6 : 4)}`;
  const rows: TableRow[] = lines.map((cost) => ({
    scenario: `7 · cost per run at ${memoryMb} MB`,
    run: cost.scenario,
    measured: `${cost.gbSeconds.toFixed(2)} GB-s (${usd(cost.usd)})`,
    ideal:
      `sequential ${cost.sequentialGbSeconds.toFixed(2)} GB-s (${usd(cost.sequentialUsd)})` +
      (cost.sequentialMeasured ? '' : ', est.'),
    ratio: cost.gbSeconds / cost.sequentialGbSeconds,
    note:
      `billed ≈ ${seconds(cost.lambdaMs)} = max(wall, CPU ÷ ${vcpuShare.toFixed(2)} vCPU); ` +
      `sequential ${seconds(cost.sequentialLambdaMs)}`,
  }));
  if (cold) {
    rows.push({
      scenario: `7 · cost per run at ${memoryMb} MB`,
      run: '5 · cold start (INIT is billed)',
      measured: `${cold.gbSeconds.toFixed(3)} GB-s (${usd(cold.usd)})`,
      note: `${seconds(cold.initMs)} of import, measured at full CPU; slower at ${vcpuShare.toFixed(2)} vCPU`,
    });
  }
  return {
    rows,
    data: { memoryMb, vcpuShare, usdPerGbSecond: USD_PER_GB_SECOND, priceNote: PRICE_NOTE, lines, coldStart: cold },
  };
}
