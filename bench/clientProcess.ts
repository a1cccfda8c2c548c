// The process that plays the Lambda: receives one ClientJob from bench/runClient.ts, runs it once
// and reports what it cost. A process of its own keeps the loopback servers' CPU and memory out
// of the figures, and starts every run as cold as a fresh Lambda instance.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { ClientRequest, ClientResult } from './runClient.js';
import { strategies } from './strategies.js';

const NS_PER_MS = 1e6;
const EVENT_LOOP_SAMPLE_MS = 10;

process.once('message', async ({ job, cpuProfilePath }: ClientRequest) => {
  const prepared = await strategies[job.strategy](job);
  // The same V8 sampler as --cpu-prof, started here so start-up and module loading stay out of it.
  const profiler = cpuProfilePath ? await startProfiler() : undefined;
  const rssBeforeBytes = process.memoryUsage().rss;
  const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  delay.enable();
  const outcome = await prepared.run();
  delay.disable();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  if (profiler && cpuProfilePath) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(cpuProfilePath, JSON.stringify(profile));
  }
  await prepared.dispose();

  const result: ClientResult = {
    ...outcome,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopDelayP99Ms: delay.count > 0 ? delay.percentile(99) / NS_PER_MS : 0,
    eventLoopDelayMaxMs: delay.count > 0 ? delay.max / NS_PER_MS : 0,
    rssBeforeMb: rssBeforeBytes / 2 ** 20,
    peakRssMb,
  };
  process.send!(result, () => process.exit(0));
});

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}
