import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { milliseconds } from '../table.js';
import type { ScenarioOptions, ScenarioReport } from './scenario.js';

const BUNDLE = new URL('../../dist/lambda/index.mjs', import.meta.url);
const RUNS = 10;
const QUICK_RUNS = 3;
/** Enough for the handler's start-up code to build its clients, as it does in Lambda. */
const LAMBDA_ENV = { OUTPUT_BUCKET: 'bench-bucket', AWS_REGION: 'us-east-1' };

export interface ColdStartData {
  rawBytes: number;
  gzipBytes: number;
  runs: number;
  bareMedianMs: number;
  importMedianMs: number;
  importMs: number;
  /** RSS of a process that has imported the bundle and done nothing else. */
  idleRssMb: number;
}

/**
 * Scenario 5: the size of the deployed bundle and what importing it adds to a fresh process.
 * Each figure is a median over whole `node` processes (spawn to exit), bare and importing runs
 * interleaved so drift in the machine's load hits both alike.
 */
export async function coldStart({ quick }: ScenarioOptions): Promise<ScenarioReport<ColdStartData>> {
  const code = readFileSync(BUNDLE);
  const runs = quick ? QUICK_RUNS : RUNS;
  const importing = `await import(${JSON.stringify(BUNDLE.href)});`;
  const bare: number[] = [];
  const imported: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    bare.push(timeNode(['-e', '0']));
    imported.push(timeNode(['--input-type=module', '-e', importing]));
  }
  const idle = runNode(['--input-type=module', '-e', `${importing} console.log(process.memoryUsage().rss);`]);
  const data: ColdStartData = {
    rawBytes: code.length,
    gzipBytes: gzipSync(code).length,
    runs,
    bareMedianMs: median(bare),
    importMedianMs: median(imported),
    importMs: median(imported) - median(bare),
    idleRssMb: Number(idle.stdout.trim()) / 2 ** 20,
  };
  const scenario = '5 · cold start';
  return {
    rows: [
      {
        scenario,
        run: 'dist/lambda/index.mjs size',
        measured: `${(data.rawBytes / 1024).toFixed(0)} KiB`,
        note: `${(data.gzipBytes / 1024).toFixed(0)} KiB gzipped`,
      },
      {
        scenario,
        run: `import, median of ${runs} fresh processes`,
        measured: milliseconds(data.importMs),
        note: `${milliseconds(data.importMedianMs)} importing − ${milliseconds(data.bareMedianMs)} for node -e 0; ${data.idleRssMb.toFixed(0)} MiB RSS after import`,
      },
    ],
    data,
  };
}

function runNode(args: string[]) {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, args, { env: { ...env, ...LAMBDA_ENV }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

function timeNode(args: string[]): number {
  const started = performance.now();
  runNode(args);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
