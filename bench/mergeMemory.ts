// What the merge step of a distributed run holds as the number of sources grows, and how many GETs
// it makes. Synthetic (no fetching, see syntheticShardedRun): the start step runs for real, each
// batch of 100 sources is written as a worker writes it, and mergeShards ends the run over an
// in-memory store. The live heap (after a full collection, at most every SAMPLE_MS) is sampled at
// the store requests the merge makes: between batch files, when what it keeps is largest. The
// store's own objects are in the heap before the merge starts, so the figure is what the merge adds.
//
//   npm run bench:merge -- [--sources 10000,100000]
import { parseArgs } from 'node:util';
import { mergeShards } from '../lambda/distributed/mergeShards.js';
import { parseNetworkPolicy } from '../lambda/fetch/networkPolicy.js';
import { CountingStore } from '../scripts/countingStore.js';
import { syntheticShardedRun } from '../scripts/syntheticShardedRun.js';

const MiB = 2 ** 20;

/** A full collection is dear over a heap of gigabytes: often enough to see the peak, not at every request. */
const SAMPLE_MS = 200;

/** The live heap in use: without a collection first, heapUsed measures how lazy V8 is, not what is kept. */
function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:merge does)');
  gc();
  return process.memoryUsage().heapUsed;
}

/** Samples the live heap at the store requests the merge makes, so the peak between batch files is seen. */
class SamplingStore extends CountingStore {
  peakHeap = 0;
  #sampledAt = 0;
  sample(): void {
    if (performance.now() - this.#sampledAt < SAMPLE_MS) return;
    this.peakHeap = Math.max(this.peakHeap, liveHeap());
    this.#sampledAt = performance.now();
  }
  override async getVersioned(key: string) {
    this.sample();
    return super.getVersioned(key);
  }
  override async getRange(key: string, start: number, end: number) {
    this.sample();
    return super.getRange(key, start, end);
  }
  override async put(key: string, body: string, metadata: Parameters<CountingStore['put']>[2]) {
    this.sample();
    return super.put(key, body, metadata);
  }
}

async function measure(sources: number) {
  const store = new SamplingStore();
  const { started } = await syntheticShardedRun(store, sources);
  const notifier = { publish: async () => undefined };

  store.reset();
  const heapBefore = liveHeap();
  store.peakHeap = heapBefore;
  const time = performance.now();
  const cpu = process.cpuUsage();
  const report = await mergeShards(started.folder, undefined, Date.now() + 3_600_000, {
    store,
    notifier,
    networkPolicy: parseNetworkPolicy('127.0.0.0/8'),
  });
  const ms = performance.now() - time;
  // CPU time, GC threads included: what the merge costs, whatever else the machine is running.
  const { user, system } = process.cpuUsage(cpu);
  store.sample();
  return {
    sources,
    ms,
    cpuMs: (user + system) / 1000,
    peakHeapMb: (store.peakHeap - heapBefore) / MiB,
    gets: store.counts.get,
    status: report.status,
    items: report.counts.items,
  };
}

const { values } = parseArgs({ options: { sources: { type: 'string', default: '10000,100000' } } });
for (const sources of values.sources.split(',').map(Number)) {
  const m = await measure(sources);
  console.log(
    `${sources.toLocaleString('en')} sources: the merge step's live heap peaked ` +
      `${m.peakHeapMb.toFixed(0)} MiB above where ` +
      `it started; ${(m.ms / 1000).toFixed(1)} s here (${(m.cpuMs / 1000).toFixed(1)} s of CPU), ` +
      `${m.gets.toLocaleString('en')} GETs; ` +
      `run ${m.status}, ${m.items} items published`,
  );
}
