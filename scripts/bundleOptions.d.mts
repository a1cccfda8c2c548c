import type { BuildOptions } from 'esbuild';

/** esbuild options for one minified ESM file run by plain `node`; the caller adds entry and output. */
export declare const bundleOptions: Readonly<BuildOptions>;

/** Writes undici's parser for CPUs without wasm SIMD into each of `folders` (see llhttpWithoutSimd.cjs). */
export declare function writeLlhttpWithoutSimd(folders: Iterable<string>): Promise<void>;
