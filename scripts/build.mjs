// The one build definition: `npm run build` and `cdk deploy` both ship exactly this bundle.

import { copyFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

import { bundleOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/lambda`;

await rm(outdir, { recursive: true, force: true });

const result = await build({
  ...bundleOptions,
  absWorkingDir: root,
  entryPoints: ['lambda/main/handler.ts'],
  outfile: `${outdir}/index.mjs`,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
});

// The bundle embeds the default sources file; the copy beside it shows what was embedded and
// lets the CDK app read its ids without importing the bundle.
await copyFile(`${root}lambda/input/sources.json`, `${outdir}/sources.json`);

const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
