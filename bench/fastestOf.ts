export interface FastestOfOptions {
  /** Timed rounds; each contender's best is kept, the run least disturbed by GC and the machine. */
  runs: number;
  /** Untimed rounds first, so every contender is timed with its code compiled and its caches warm. */
  warmupRuns: number;
}

/**
 * The best time of each contender, in ms, over `runs` rounds after `warmupRuns` untimed ones.
 * Every round times all of them one after another, so a change in the machine's load falls on
 * each alike.
 */
export async function fastestOf<Contenders extends { [name: string]: () => unknown }>(
  contenders: Contenders,
  { runs, warmupRuns }: FastestOfOptions,
): Promise<{ [Name in keyof Contenders]: number }> {
  if (!Number.isInteger(runs) || runs < 1)
    throw new TypeError(`Expected \`runs\` to be a positive integer, got \`${runs}\``);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) {
    throw new TypeError(`Expected \`warmupRuns\` to be a non-negative integer, got \`${warmupRuns}\``);
  }
  const entries = Object.entries(contenders);
  const best = new Map(entries.map(([name]) => [name, Number.POSITIVE_INFINITY]));
  for (let round = 0; round < warmupRuns + runs; round += 1) {
    for (const [name, run] of entries) {
      const started = performance.now();
      await run();
      if (round >= warmupRuns) best.set(name, Math.min(best.get(name)!, performance.now() - started));
    }
  }
  return Object.fromEntries(best) as { [Name in keyof Contenders]: number };
}
