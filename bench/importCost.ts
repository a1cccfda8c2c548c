// What importing the Lambda bundle costs a fresh process, and which parts of it cost what:
//   npx tsx bench/importCost.ts            (builds dist/ first: npm run build)
// Each part is bundled alone with the Lambda build's options and imported in fresh `node`
// processes, taking turns with a bare `node -e 0`, so drift in the machine's load hits all alike.
// Prints the median over RUNS processes, less the bare process's median, and the code each part
// adds. The parts overlap (the handler imports them all), so they do not add up to the whole.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { bundleForNode } from './bundleForNode.js';

const RUNS = Number(process.env.IMPORT_RUNS ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'dist/lambda/index.mjs');
/** Enough for the handler's start-up code to build its clients, as it does in Lambda. */
const LAMBDA_ENV = {
  OUTPUT_BUCKET: 'bench-bucket',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
};

/** Each part as the code a module of the bundle starts with; built clients as lambdaRuntime builds them. */
const PARTS: Record<string, string> = {
  'S3 client, built': `import { S3Client } from '@aws-sdk/client-s3'; new S3Client({});`,
  'SNS client, built': `import { SNSClient } from '@aws-sdk/client-sns'; new SNSClient({});`,
  'sources-file schema (zod)': `import '${ROOT}lambda/core/sourcesFileSchema.ts';`,
  'sources-file checks (+ re2js, css-select)': `import '${ROOT}lambda/input/sourcesFile.ts';`,
  'HTTP client (undici)': `import '${ROOT}lambda/fetch/httpClient.ts';`,
  'parse stage (feedsmith, sanitize-html, …)': `import '${ROOT}lambda/parse/parseSource.ts';`,
  'logger (Powertools)': `import '${ROOT}lambda/adapters/logger.ts';`,
  're2js alone': `import 're2js';`,
  'css-select + dom-serializer': `import 'css-select'; import 'dom-serializer';`,
};

function nodeMs(args: string[]): number {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env: { ...env, ...LAMBDA_ENV }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

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
  const bare: number[] = [];
  const timed = new Map<string, number[]>(Object.keys(bundles).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run += 1) {
    bare.push(nodeMs(['-e', '0']));
    for (const [name, file] of Object.entries(bundles)) {
      timed
        .get(name)!
        .push(nodeMs(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)});`]));
    }
  }
  console.log(
    `Node ${process.version}; median of ${RUNS} fresh processes each; bare node -e 0: ${median(bare).toFixed(0)} ms; ` +
      `load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end\n`,
  );
  console.log(`${'part'.padEnd(44)} ${'import over bare'.padStart(16)} ${'code KB'.padStart(8)}`);
  for (const [name, file] of Object.entries(bundles)) {
    const over = median(timed.get(name)!) - median(bare);
    const kb = (await stat(file)).size / 1000;
    console.log(`${name.padEnd(44)} ${`+${over.toFixed(0)} ms`.padStart(16)} ${kb.toFixed(0).padStart(8)}`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
