import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { coldStartFiles } from '../../scripts/coldStartFiles.js';

import { milliseconds } from '../table.js';
import type { ScenarioOptions, ScenarioReport } from './scenario.js';

const BUNDLE = new URL('../../dist/lambda/index.mjs', import.meta.url);
const RUNS = 10;
const QUICK_RUNS = 3;
/** Enough for the handler's start-up code to build its clients, as it does in Lambda. */
const LAMBDA_ENV = {
  OUTPUT_BUCKET: 'bench-bucket',
  AWS_REGION: 'us-east-1',
  // The SDK warns on Node < 22 (an Error built, stderr written), which Lambda's Node 24 never does.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface ColdStartData {
  /** index.mjs and the chunks it imports statically: what a cold start loads. */
  rawBytes: number;
  gzipBytes: number;
  files: number;
  runs: number;
  bareMedianMs: number;
  importMedianMs: number;
  importMs: number;
  /**
   * CPU time (all threads) the import adds, medians: far steadier than wall time on a shared
   * machine, and above it where V8's helper threads compile and collect in parallel.
   */
  importCpuMs: number;
  /** RSS of a process that has imported the bundle and done nothing else. */
  idleRssMb: number;
}

/**
 * Scenario 5: the size of the deployed bundle and what importing it adds to a fresh process.
 * Each figure is a median over whole `node` processes (spawn to exit), bare and importing runs
 * interleaved so drift in the machine's load hits both alike.
 */
export async function coldStart({ quick }: ScenarioOptions): Promise<ScenarioReport<ColdStartData>> {
  const files = [...(await coldStartFiles(fileURLToPath(BUNDLE))).keys()];
  const code = Buffer.concat(files.map((file) => readFileSync(file)));
  const runs = quick ? QUICK_RUNS : RUNS;
  const importing = `await import(${JSON.stringify(BUNDLE.href)});`;
  const bareRuns: NodeTime[] = [];
  const importRuns: NodeTime[] = [];
  for (let run = 0; run < runs; run += 1) {
    bareRuns.push(timeNode(['-e', '']));
    importRuns.push(timeNode(['--input-type=module', '-e', importing]));
  }
  const bare = bareRuns.map((run) => run.wallMs);
  const imported = importRuns.map((run) => run.wallMs);
  const idle = runNode(['--input-type=module', '-e', `${importing} console.log(process.memoryUsage().rss);`]);
  const data: ColdStartData = {
    rawBytes: code.length,
    gzipBytes: gzipSync(code).length,
    files: files.length,
    runs,
    bareMedianMs: median(bare),
    importMedianMs: median(imported),
    importMs: median(imported) - median(bare),
    importCpuMs: median(importRuns.map((run) => run.cpuMs)) - median(bareRuns.map((run) => run.cpuMs)),
    idleRssMb: Number(idle.stdout.trim()) / 2 ** 20,
  };
  const scenario = '5 · cold start';
  return {
    rows: [
      {
        scenario,
        run: 'what a cold start loads: dist/lambda/index.mjs and the chunks it imports statically',
        measured: `${(data.rawBytes / 1024).toFixed(0)} KiB`,
        note: `${data.files} files, ${(data.gzipBytes / 1024).toFixed(0)} KiB gzipped; the rest loads on first use`,
      },
      {
        scenario,
        run: `import, median of ${runs} fresh processes`,
        measured: milliseconds(data.importMs),
        note:
          `${milliseconds(data.importMedianMs)} importing − ${milliseconds(data.bareMedianMs)} for a bare node; ` +
          `CPU +${milliseconds(data.importCpuMs)}; ${data.idleRssMb.toFixed(0)} MiB RSS after import`,
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

export interface NodeTime {
  /** The whole process, spawn to exit. */
  wallMs: number;
  /** CPU time (user + system, every thread) the process had used when its script ended. */
  cpuMs: number;
}

/** A fresh `node` running `args`, whose last element is the script; the Lambda's environment set. */
export function timeNode(args: string[]): NodeTime {
  const report = 'const cpu = process.cpuUsage(); process.stdout.write(String((cpu.user + cpu.system) / 1000));';
  const started = performance.now();
  const { stdout } = runNode([...args.slice(0, -1), `${args.at(-1)} ${report}`]);
  return { wallMs: performance.now() - started, cpuMs: Number(stdout) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
