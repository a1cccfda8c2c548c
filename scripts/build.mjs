// The one build definition: `npm run build` and `cdk deploy` both ship exactly this bundle.

import { copyFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

import { bundleOptions, writeLlhttpWithoutSimd } from './bundleOptions.mjs';

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

await writeLlhttpWithoutSimd(Object.keys(result.metafile.outputs).map((output) => join(root, dirname(output))));

const bytes = result.metafile.outputs['dist/lambda/index.mjs']?.bytes ?? 0;
console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
