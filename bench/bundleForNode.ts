import { build } from 'esbuild';

/**
 * Bundles `entry` into one ESM file for plain `node`, as the Lambda build does: what a bench
 * process measures is then the code Lambda runs, with no TypeScript loader in its memory or its
 * start-up. `external` packages are left to node_modules (esbuild itself, which cannot be bundled).
 */
export async function bundleForNode(entry: string, outfile: string, external: string[] = []): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
