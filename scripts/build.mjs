// The one build definition: `npm run build` and `cdk deploy` both ship exactly this bundle.

import { copyFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

import { bundleOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/lambda`;

await rm(outdir, { recursive: true, force: true });

const result = await build({
  ...bundleOptions,
  absWorkingDir: root,
  entryPoints: { index: 'lambda/main/handler.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  // What only some runs need (the SSM client) loads from a chunk beside index.mjs on first use,
  // so a cold start does not evaluate it. CDK deploys the whole folder.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
});

// The bundle embeds the default sources file; the copy beside it shows what was embedded and
// lets the CDK app read its ids without importing the bundle.
await copyFile(`${root}lambda/input/sources.json`, `${outdir}/sources.json`);

// undici's parser for CPUs without wasm SIMD, beside the chunk that reads it (llhttpWithoutSimd.cjs).
const [reader] = Object.entries(result.metafile.outputs).find(([, output]) =>
  Object.keys(output.inputs).some((input) => input.endsWith('llhttpWithoutSimd.cjs')),
);
const llhttpWithoutSimd = createRequire(import.meta.url)('undici/lib/llhttp/llhttp-wasm.js');
await writeFile(join(root, dirname(reader), 'llhttp-without-simd.wasm'), llhttpWithoutSimd);

const bytes = result.metafile.outputs['dist/lambda/index.mjs']?.bytes ?? 0;
console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
