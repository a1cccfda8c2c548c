// `npx tsx bench/opmlImport.ts`: how long importing an OPML list of 30,000 outlines that share one
// title takes (every id after the first needs a number). BENCHMARKS.md records the figure.
import { opmlToSourcesFile } from '../lambda/input/opml.js';

const OUTLINES = 30_000;
const outlines = Array.from({ length: OUTLINES }, (_, i) => `<outline text="Same" xmlUrl="https://a.example/${i}"/>`);
const xml = `<opml version="2.0"><body>${outlines.join('')}</body></opml>`;

const started = performance.now();
const { sourcesFile } = opmlToSourcesFile(xml);
const ms = performance.now() - started;
console.log(`${sourcesFile.sources.length} outlines with one title imported in ${(ms / 1000).toFixed(2)} s`);
