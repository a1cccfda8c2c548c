// How soon a cold Lambda process sends its first feed request, and finishes: the cold start as a
// run feels it, where import cost alone (bench/importCost.ts) cannot tell code evaluated during
// init from code evaluated while the run waits on the network.
//   npm run build && npx tsx bench/firstRequest.ts [other-build-folder]   (FIRST_REQUEST_RUNS=9)
// Each run is a fresh process running the bundle as Lambda does (scripts/bundleInvoker.ts), with
// its outputs and sources file on S3 (moto_server on loopback) and one feed that answers after
// 300 ms. Given another build folder (say, an older commit's dist/lambda), the two take turns.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import { invokeBundle, prepareBundle } from '../scripts/bundleInvoker.js';
import { startLoopbackServer } from '../scripts/loopbackServer.js';
import { createMotoBucket, lambdaEnvironment, startMotoServer } from '../scripts/motoServer.js';
import { median } from './scenarios/coldStart.js';

const RUNS = Number(process.env.FIRST_REQUEST_RUNS ?? 9);
const FEED_DELAY_MS = 300;
const BUCKET = 'first-request';
const RSS =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title></item></channel></rss>';

const builds = [fileURLToPath(new URL('../dist/lambda/', import.meta.url)), ...process.argv.slice(2)];
const moto = await startMotoServer();
let firstRequestAt: number | undefined;
const feeds = await startLoopbackServer({
  '/feed.rss': async (_request, response) => {
    firstRequestAt ??= Date.now();
    await new Promise((resolve) => setTimeout(resolve, FEED_DELAY_MS));
    response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
  },
});
try {
  const bucket = await createMotoBucket(moto, BUCKET);
  await bucket.put('sources.json', JSON.stringify({ sources: [{ id: 'feed', url: feeds.url('/feed.rss') }] }));
  const env = {
    ...lambdaEnvironment(moto, { bucket: BUCKET, prefix: 'out', sourcesKey: 'sources.json' }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const folders = await Promise.all(builds.map((build) => prepareBundle(build)));
  const timings = folders.map(() => ({ firstRequest: [] as number[], done: [] as number[] }));
  const bare: number[] = [];
  const loadAtStart = loadavg()[0]!;
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    bare.push(performance.now() - started);
    for (const [index, folder] of folders.entries()) {
      firstRequestAt = undefined;
      const spawnedAt = Date.now();
      const { error, stderr } = await invokeBundle(folder, {}, env);
      if (error) throw new Error(`${builds[index]}: ${error.message}\n${stderr}`);
      timings[index]!.firstRequest.push(firstRequestAt! - spawnedAt);
      timings[index]!.done.push(Date.now() - spawnedAt);
    }
  }
  const bareMs = median(bare);
  console.log(
    `Node ${process.version}; median of ${RUNS} fresh processes; a bare node lives ${bareMs.toFixed(0)} ms; ` +
      `load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end\n`,
  );
  console.log(`${'build'.padEnd(48)} ${'first request'.padStart(14)} ${'whole run'.padStart(10)}  (from spawn)`);
  for (const [index, build] of builds.entries()) {
    const { firstRequest, done } = timings[index]!;
    console.log(
      `${build.padEnd(48)} ${`${median(firstRequest).toFixed(0)} ms`.padStart(14)} ` +
        `${`${median(done).toFixed(0)} ms`.padStart(10)}`,
    );
  }
} finally {
  await feeds.close();
  await moto.stop();
}
