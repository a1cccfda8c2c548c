// `npm run bench` builds, then runs this: every scenario of issue 7 against a loopback "internet",
// a table on stdout and the full figures in bench/results.json. BENCHMARKS.md explains them.
//   npm run bench -- --quick        smaller, shorter runs (also BENCH_QUICK=1): checks the bench works
//   npm run bench -- --only 1,3     only those scenarios (7 uses whichever of 1–5 ran)
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startLoopbackInternet } from './loopbackInternet.js';
import { describeMachine, measureMemoryTouch } from './machine.js';
import { boundedConcurrency } from './scenarios/boundedConcurrency.js';
import { coldStart } from './scenarios/coldStart.js';
import { hostileSources } from './scenarios/hostileSources.js';
import { type LambdaCostInputs, lambdaCost } from './scenarios/lambdaCost.js';
import { latencySpread } from './scenarios/latencySpread.js';
import { memory } from './scenarios/memory.js';
import { parserComparison } from './scenarios/parserComparison.js';
import { scale } from './scenarios/scale.js';
import type { ScenarioReport } from './scenarios/scenario.js';
import { formatTable, type TableRow } from './table.js';

/** Loopback ports, each one origin: enough that per-host limits never bind unless a scenario wants them to. */
const HOSTS = 64;
const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const quick = values.quick || process.env.BENCH_QUICK === '1';
const only = values.only?.split(',').map((entry) => entry.trim());
const wanted = (scenario: number) => !only || only.includes(String(scenario));

const machineAtStart = describeMachine();
const memoryTouch = measureMemoryTouch();
const rows: TableRow[] = [];
const data: LambdaCostInputs & Record<string, unknown> = {};
const benchStarted = performance.now();

async function step<Data>(
  scenario: number,
  name: keyof typeof data & string,
  run: () => Promise<ScenarioReport<Data>> | ScenarioReport<Data>,
) {
  if (!wanted(scenario)) return;
  const started = performance.now();
  process.stderr.write(`scenario ${scenario} (${name})… `);
  const report = await run();
  rows.push(...report.rows);
  data[name] = report.data;
  process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

const internet = await startLoopbackInternet({ hosts: HOSTS });
const options = { internet, quick };
try {
  await step(1, 'latencySpread', () => latencySpread(options));
  await step(2, 'boundedConcurrency', () => boundedConcurrency(options));
  await step(3, 'scale', () => scale(options));
  await step(4, 'memory', () => memory(options));
  await step(5, 'coldStart', () => coldStart(options));
  await step(6, 'parserComparison', () => parserComparison(options));
  await step(7, 'lambdaCost', () => lambdaCost(data));
  await step(8, 'hostileSources', () => hostileSources(options));
} finally {
  await internet.close();
}

const machine = { ...describeMachine(), loadAverageAtStart: machineAtStart.loadAverage, memoryTouch };
const code = codeVersion();
const durationS = (performance.now() - benchStarted) / 1000;
const mode = quick ? ' (quick mode: not for publishing)' : '';
const freshMsPerMiB = memoryTouch.freshMsPerMiB.toFixed(2);
const reusedMsPerMiB = memoryTouch.reusedMsPerMiB.toFixed(2);
console.log(
  `Tributary benchmarks${mode} · ${machine.cpus} × ${machine.cpuModel}, ` +
    `${machine.memoryGb.toFixed(0)} GB, Node ${machine.node} · writing fresh memory ${freshMsPerMiB} ms/MiB, ` +
    `again ${reusedMsPerMiB} ms/MiB · load average ${machine.loadAverageAtStart.join(' ')} at start, ` +
    `${machine.loadAverage.join(' ')} at end · ${durationS.toFixed(0)} s\n`,
);
console.log(formatTable(rows));
const results = { generatedAt: new Date().toISOString(), quick, durationS, machine, code, scenarios: data };
await writeFile(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nFull figures: ${RESULTS_PATH}`);

/** The commit measured, and which files under lambda/ differed from it: figures belong to code. */
function codeVersion(): { commit: string; uncommittedLambdaFiles: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain', '--', 'lambda');
    return {
      commit: git('rev-parse', 'HEAD'),
      uncommittedLambdaFiles: changed ? changed.split('\n').map((line) => line.slice(3)) : [],
    };
  } catch {
    return { commit: 'unknown (not a git checkout)', uncommittedLambdaFiles: [] };
  }
}
