// `npm run screenshot`: the picture of the reading page in the README, taken in headless Chromium
// from the demo's output (npm run demo first; `npm run screenshot` does both). Only file: URLs
// load; any other request is refused, so the picture shows the page as written, offline.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_INSTALL_HINT, hasChromium, launchChromium } from './chromium.js';

const { values } = parseArgs({
  options: {
    page: { type: 'string', default: 'out/demo/index.html' },
    out: { type: 'string', default: 'docs/images/reading-page.png' },
  },
  strict: true,
});
/** The top of the page at a laptop's width: the title, the subscribe links and the first items. */
const VIEWPORT = { width: 900, height: 720 };

const page = resolve(values.page);
if (!existsSync(page)) {
  console.error(`screenshot: ${page} not found: run \`npm run demo\` first`);
  process.exit(2);
}
if (!hasChromium()) {
  console.error(`screenshot: ${CHROMIUM} not found: ${CHROMIUM_INSTALL_HINT}`);
  process.exit(2);
}
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
const browser = await launchChromium(VIEWPORT);
try {
  const tab = browser.context.pages()[0] ?? (await browser.context.newPage());
  await tab.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await tab.goto(pathToFileURL(page).href);
  await tab.screenshot({ path: out });
  console.error(`Wrote ${out}`);
} finally {
  await browser.close();
}
