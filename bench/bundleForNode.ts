import { dirname } from 'node:path';

import { bundleOptions, writeLlhttpWithoutSimd } from '../scripts/bundleOptions.mjs';

/**
 * Bundles `entry` into one ESM file for plain `node`, with the Lambda build's options: what a bench
 * process measures is then the code Lambda runs, with no TypeScript loader in its memory or its
 * start-up. `external` packages are left to node_modules (esbuild itself, which cannot be bundled).
 */
export async function bundleForNode(entry: string, outfile: string, external: string[] = []): Promise<void> {
  // Loaded when asked for: a bench client imports this module with the parse pool, and only the
  // pool's run bundles anything, so no other client should carry esbuild in its memory.
  const { build } = await import('esbuild');
  await build({ ...bundleOptions, entryPoints: [entry], outfile, external });
  await writeLlhttpWithoutSimd([dirname(outfile)]);
}
