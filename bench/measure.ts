import type { InternetStats, LoopbackInternet } from './loopbackInternet.js';
import { type ClientResult, type RunClientOptions, runClient } from './runClient.js';
import type { ClientJob } from './strategies.js';

/** A client run as both ends saw it. */
export interface Measurement extends ClientResult, InternetStats {
  /** CPU the loopback servers (this process) spent meanwhile: they share the machine's cores. */
  internetCpuMs: number;
  /** Wall time of every repeat when this is the best of several. */
  repeatsWallMs?: number[];
}

/** Runs `job` against `internet` and adds what the servers observed. */
export async function measure(
  internet: LoopbackInternet,
  job: ClientJob,
  options?: RunClientOptions,
): Promise<Measurement> {
  internet.resetStats();
  const cpuBefore = process.cpuUsage();
  const result = await runClient(job, options);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...result, ...internet.stats(), internetCpuMs: (cpu.user + cpu.system) / 1000 };
}

const DEFAULT_REPEATS = 3;

/**
 * The fastest of `repeats` runs of `job`. Other work on the machine only ever adds time, so the
 * minimum is the run it disturbed least: the figure to hold against an ideal. `maxInFlight` is
 * the most seen in any of the runs, since a bound must hold in all of them.
 */
export async function measureBest(
  internet: LoopbackInternet,
  job: ClientJob,
  repeats = DEFAULT_REPEATS,
): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) runs.push(await measure(internet, job));
  const best = runs.reduce((fastest, run) => (run.wallMs < fastest.wallMs ? run : fastest));
  return {
    ...best,
    maxInFlight: Math.max(...runs.map((run) => run.maxInFlight)),
    repeatsWallMs: runs.map((run) => run.wallMs),
  };
}
