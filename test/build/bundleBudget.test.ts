import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coldStartFiles } from '../../scripts/coldStartFiles.js';

const BUILD_DIR = fileURLToPath(new URL('../../dist/lambda/', import.meta.url));

/**
 * What a cold start loads: index.mjs and every chunk it imports statically, transitively. Chunks
 * reached only through import() load on use: the HTTP client (as the run begins), the SSM and SNS
 * clients, the parse, render and publish stages, the sources file's parser checks, the distributed
 * steps, the SDK's credential providers. undici's parser for CPUs without wasm SIMD is a file
 * beside the chunks. Issue 18's target is 800 KB; measured at 522,869 bytes when this budget was
 * set (1,384,615 before those parts were split off; the single-file bundle before any splitting
 * loaded 2,080,797 + re2js's 155 KB); see BENCHMARKS.md for what is in it.
 */
const COLD_START_BUDGET_BYTES = 540_000;

describe('the built bundle', () => {
  it('loads at most its budget of code at a cold start', async () => {
    const files = await coldStartFiles(join(BUILD_DIR, 'index.mjs'));
    const total = [...files.values()].reduce((sum, size) => sum + size, 0);

    expect(files.size, 'index.mjs imports its shared chunks statically').toBeGreaterThan(1);
    expect(total).toBeLessThanOrEqual(COLD_START_BUDGET_BYTES);
  });

  // Each part by a name its code keeps through minifying.
  it.each([
    ['the HTTP client (undici)', 'llhttp_alloc'],
    ['the SSM client', 'GetParametersCommand'],
    ['the SNS client', 'PublishCommand'],
    ['the feed parser (feedsmith)', 'rdf:RDF'],
    ['the regular-expression engine (re2js)', 'RE2JSSyntaxException'],
    ['the pages', '<!doctype html>'],
    ['the distributed steps', 'startShardedRun'],
  ])('keeps %s out of what a cold start loads', async (_, marker) => {
    const files = await coldStartFiles(join(BUILD_DIR, 'index.mjs'));
    const code = (await Promise.all([...files.keys()].map((file) => readFile(file, 'utf8')))).join('\n');
    const everyChunk = await Promise.all(
      (await readdir(join(BUILD_DIR, 'chunks'))).map((name) => readFile(join(BUILD_DIR, 'chunks', name), 'utf8')),
    );

    expect(everyChunk.join('\n'), 'the marker names the part in the bundle').toContain(marker);
    expect(code).not.toContain(marker);
  });
});
