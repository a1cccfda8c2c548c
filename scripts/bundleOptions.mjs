import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// How Tributary's code is bundled for Node: the Lambda build (scripts/build.mjs) and the bench
// processes (bench/bundleForNode.ts) both start from these, so a bench measures what Lambda runs.

// sanitize-html require()s htmlparser2 while our modules import it: without this, esbuild bundles
// its CommonJS and ESM builds both (+170 KB). Resolve the require to the ESM build too.
const oneHtmlparser2 = {
  name: 'one-htmlparser2',
  setup(build) {
    build.onResolve({ filter: /^htmlparser2$/ }, (args) =>
      args.kind === 'require-call'
        ? build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir })
        : undefined,
    );
  },
};

// Tributary's modules import undici's types and Agent from 'undici'; the bundle resolves that to the
// small part of undici they use (see undiciCore.cjs).
const undiciCore = {
  name: 'undici-core',
  setup(build) {
    const core = fileURLToPath(new URL('./undiciCore.cjs', import.meta.url));
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.endsWith('undiciCore.cjs') ? undefined : { path: core },
    );
  },
};

// undici's fallback parser, for CPUs without wasm SIMD, is read from a file beside the chunks
// (see llhttpWithoutSimd.cjs): whoever bundles with these options writes it with writeLlhttpWithoutSimd.
const llhttpWithoutSimd = {
  name: 'llhttp-without-simd',
  setup(build) {
    const standIn = fileURLToPath(new URL('./llhttpWithoutSimd.cjs', import.meta.url));
    build.onResolve({ filter: /llhttp\/llhttp-wasm\.js$/ }, () => ({ path: standIn }));
  },
};

// sanitize-html's style parsing, which Tributary turns off (see postcssAbsent.cjs).
const postcssAbsent = {
  name: 'postcss-absent',
  setup(build) {
    const standIn = fileURLToPath(new URL('./postcssAbsent.cjs', import.meta.url));
    build.onResolve({ filter: /^postcss$/ }, () => ({ path: standIn }));
  },
};

/** esbuild options for one minified ESM file run by plain `node`; the caller adds entry and output. */
export const bundleOptions = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Lambda runs Node.js 24; the end-to-end tests run the same file on the developer's Node 20.
  target: 'node20',
  minify: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide it.
  banner: {
    js:
      "import { createRequire as __tributaryCreateRequire } from 'node:module'; " +
      'const require = __tributaryCreateRequire(import.meta.url);',
  },
  logLevel: 'warning',
  plugins: [oneHtmlparser2, undiciCore, postcssAbsent, llhttpWithoutSimd],
});

/**
 * Writes undici's parser for CPUs without wasm SIMD into each folder the bundle's files are in. The
 * stand-in resolves it relative to the file holding esbuild's require helper, which may be any of
 * them; 54 KB on disk per folder, never loaded where SIMD works.
 */
export async function writeLlhttpWithoutSimd(folders) {
  const wasm = createRequire(import.meta.url)('undici/lib/llhttp/llhttp-wasm.js');
  await Promise.all([...new Set(folders)].map((folder) => writeFile(join(folder, 'llhttp-without-simd.wasm'), wasm)));
}
