// What importing the Lambda bundle costs a fresh process, and which parts of it cost what:
//   npm run build && npx tsx bench/importCost.ts          (IMPORT_RUNS=15 processes per figure)
// Each part is bundled alone with the Lambda build's options and imported in fresh `node`
// processes, taking turns with a bare `node`, so drift in the machine's load hits all alike.
// Prints medians less the bare process's: wall time and CPU time, and the code each part adds.
// The parts overlap (the handler imports them all), so they do not add up to the whole.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { coldStartFiles } from '../scripts/coldStartFiles.js';
import { bundleForNode } from './bundleForNode.js';
import { median, type NodeTime, timeNode } from './scenarios/coldStart.js';

const RUNS = Number(process.env.IMPORT_RUNS ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'dist/lambda/index.mjs');
/** A part's code: its imports, then whatever they bring kept, or bundling would shake the unused exports out. */
const part = (imports: string, ...kept: string[]) => `${imports}; globalThis.kept = [${kept.join(', ')}];`;
/** Each part as the code of a one-file entry; the SDK clients built as lambdaRuntime builds them. */
const PARTS: Record<string, string> = {
  'S3 client, imported': part(`import { S3Client } from '@aws-sdk/client-s3'`, 'S3Client'),
  'S3 client, built': part(`import { S3Client } from '@aws-sdk/client-s3'`, 'new S3Client({})'),
  'SNS client, built': part(`import { SNSClient } from '@aws-sdk/client-sns'`, 'new SNSClient({})'),
  'sources-file schema (zod)': part(`import * as schema from '${ROOT}lambda/core/sourcesFileSchema.ts'`, 'schema'),
  'sources-file checks (+ re2js, css-select)': part(
    `import * as checks from '${ROOT}lambda/input/sourceChecks.ts'`,
    'checks',
  ),
  'HTTP client (undici)': part(`import { Agent } from 'undici'`, 'Agent'),
  'parse stage (feedsmith, sanitize-html, …)': part(
    `import * as parse from '${ROOT}lambda/parse/parseSource.ts'`,
    'parse',
  ),
  re2js: part(`import { RE2JS } from 're2js'`, 'RE2JS'),
  'css-select + dom-serializer': part(
    `import { selectAll } from 'css-select'; import render from 'dom-serializer'`,
    'selectAll',
    'render',
  ),
};

// Inside the project, so that the parts' bare package imports resolve to its node_modules.
await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
const folder = await mkdtemp(join(ROOT, 'node_modules/.cache/tributary-import-cost-'));
try {
  const bundles: Record<string, string> = { 'the handler (dist/lambda/index.mjs)': BUILT };
  for (const [name, code] of Object.entries(PARTS)) {
    const entry = join(folder, `${Object.keys(bundles).length}.ts`);
    await writeFile(entry, code);
    bundles[name] = entry.replace(/\.ts$/, '.mjs');
    await bundleForNode(entry, bundles[name]!);
  }
  const loadAtStart = loadavg()[0]!;
  const bare: NodeTime[] = [];
  const timed = new Map<string, NodeTime[]>(Object.keys(bundles).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run += 1) {
    bare.push(timeNode(['-e', '']));
    for (const [name, file] of Object.entries(bundles)) {
      const importing = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
      timed.get(name)!.push(timeNode(['--input-type=module', '-e', importing]));
    }
  }
  const medianOf = (runs: NodeTime[], key: 'wallMs' | 'cpuMs') => median(runs.map((run) => run[key]));
  const bareWallMs = medianOf(bare, 'wallMs');
  console.log(
    `Node ${process.version}; median of ${RUNS} fresh processes each; bare node: ${bareWallMs.toFixed(0)} ms ` +
      `wall, ${medianOf(bare, 'cpuMs').toFixed(0)} ms CPU; load average ${loadAtStart.toFixed(2)} at start, ` +
      `${loadavg()[0]!.toFixed(2)} at end\n`,
  );
  // CPU time (every thread's, V8's compiler and GC helpers included) moves far less with the
  // machine's load than wall time does: the figure to compare variants by on a shared machine.
  console.log(
    `${'part'.padEnd(44)} ${'wall over bare'.padStart(15)} ${'CPU over bare'.padStart(14)} ${'code KB'.padStart(8)}`,
  );
  for (const [name, file] of Object.entries(bundles)) {
    const runs = timed.get(name)!;
    const wall = medianOf(runs, 'wallMs') - medianOf(bare, 'wallMs');
    const cpu = medianOf(runs, 'cpuMs') - medianOf(bare, 'cpuMs');
    // What the import loads: the file and the chunks it imports statically (the handler has some).
    const kb = [...(await coldStartFiles(file)).values()].reduce((sum, size) => sum + size, 0) / 1000;
    const wallOver = `+${wall.toFixed(0)} ms`;
    const cpuOver = `+${cpu.toFixed(0)} ms`;
    console.log(`${name.padEnd(44)} ${wallOver.padStart(15)} ${cpuOver.padStart(14)} ${kb.toFixed(0).padStart(8)}`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
