// The one build definition: `npm run build` and `cdk deploy` both ship exactly this bundle.
import { build } from 'esbuild';
import { copyFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/lambda`;

await rm(outdir, { recursive: true, force: true });
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

const result = await build({
  absWorkingDir: root,
  entryPoints: ['lambda/handler.ts'],
  outfile: `${outdir}/index.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Lambda runs Node.js 24; the end-to-end tests run the same file on the developer's Node 20.
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide it.
  banner: {
    js: "import { createRequire as __tributaryCreateRequire } from 'node:module'; const require = __tributaryCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [oneHtmlparser2],
});

// The bundle embeds the default sources file; the copy beside it shows what was embedded and
// lets the CDK app read its ids without importing the bundle.
await copyFile(`${root}lambda/sources.json`, `${outdir}/sources.json`);

const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
