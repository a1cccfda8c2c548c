// `npm run screenshot` (after the demo): scripts/screenshot.ts takes the README's picture of a
// page in Chromium, and a page that asks for anything beyond file: gets nothing from outside.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_INSTALL_HINT, hasChromium } from '../../scripts/chromium.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../scripts/screenshot.ts', import.meta.url));

describe.skipIf(!hasChromium())(`npm run screenshot (needs ${CHROMIUM}: ${CHROMIUM_INSTALL_HINT})`, () => {
  let server: LoopbackServer;
  let folder: string;

  beforeAll(async () => {
    server = await startLoopbackServer({ '/pixel.png': (_request, response) => void response.end() });
    folder = await mkdtemp(join(tmpdir(), 'tributary-screenshot-'));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('writes a PNG of the top of the page, loading nothing but file: URLs', async () => {
    // Prepare
    const page = join(folder, 'index.html');
    await writeFile(page, `<!doctype html><title>t</title><h1>Reading</h1><img src="${server.url('/pixel.png')}">`);
    const out = join(folder, 'images', 'page.png');

    // Act
    const { stderr } = await promisify(execFile)(TSX, [SCREENSHOT, '--page', page, '--out', out], { timeout: 90_000 });

    // Assess
    const png = await readFile(out);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 720]);
    expect(server.requests()).toBe(0);
    expect(stderr).toContain(`Wrote ${out}`);
  }, 120_000);

  it('says to run the demo first when there is no page', async () => {
    // Act
    const attempt = promisify(execFile)(TSX, [SCREENSHOT, '--page', join(folder, 'none.html')], { timeout: 60_000 });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('run `npm run demo` first'),
    });
  }, 60_000);
});
