import type { BuildOptions } from 'esbuild';

/** esbuild options for one minified ESM file run by plain `node`; the caller adds entry and output. */
export declare const bundleOptions: Readonly<BuildOptions>;
