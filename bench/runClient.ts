import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { bundleForNode } from './bundleForNode.js';
import type { ClientJob, StrategyOutcome } from './strategies.js';

/** What one client run cost, measured inside the client process. */
export interface ClientResult extends StrategyOutcome {
  wallMs: number;
  /** User + system CPU of the whole client process (every thread) during the run. */
  cpuMs: number;
  /** Sampled every 10 ms while the run was going. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** RSS after set-up, just before the run started. */
  rssBeforeMb: number;
  /** The process's high-water mark (getrusage maxrss), set-up included. */
  peakRssMb: number;
}

/** What the parent sends the client process. */
export interface ClientRequest {
  job: ClientJob;
  /** Where to write a .cpuprofile of the run (V8's sampler, as `node --cpu-prof` uses). */
  cpuProfilePath?: string;
}

const CLIENT_SOURCE = fileURLToPath(new URL('./clientProcess.ts', import.meta.url));
/** Beside its source, so that paths it resolves from import.meta.url still hold; ignored by git. */
const CLIENT_BUNDLE = fileURLToPath(new URL('./clientProcess.bundle.mjs', import.meta.url));
/**
 * Left out of the client bundle, and imported from scripts/ at run time: it finds its stand-in
 * modules beside itself (import.meta.url), which a copy inlined into bench/ would not.
 */
const BUILD_OPTIONS = fileURLToPath(new URL('../scripts/bundleOptions.mjs', import.meta.url));
let clientBuilt: Promise<void> | undefined;

export interface RunClientOptions {
  /** Where to write a .cpuprofile of the run. */
  cpuProfilePath?: string;
  /** V8's old-space limit (`--max-old-space-size`), to hold the heap to what a Lambda would allow. */
  maxOldSpaceMb?: number;
  /**
   * The CPUs the process may run on, as `taskset -c` takes them (`0`: one vCPU, as a Lambda under
   * 1,769 MB has at most). Linux only. @default every CPU
   */
  cpus?: string;
}

/** The client process ended without reporting; `stderr` holds what it said, such as V8's out-of-memory report. */
export class ClientCrashError extends Error {
  constructor(
    readonly strategy: string,
    readonly exit: string,
    readonly stderr: string,
  ) {
    const reason = /FATAL ERROR: .*|^\w*Error: .*/m.exec(stderr)?.[0] ?? 'no error message';
    super(`client for ${strategy} exited with ${exit} before reporting: ${reason}`);
  }
}

/**
 * Runs `job` in a fresh Node process, bundled as Lambda's code is (built once per bench run), and
 * resolves once it has exited. A profiled run runs the sources through tsx instead, so that the
 * profile can tell which package each function belongs to. Rejects with ClientCrashError when the
 * process dies first.
 */
export async function runClient(job: ClientJob, options: RunClientOptions = {}): Promise<ClientResult> {
  const fromSource = options.cpuProfilePath !== undefined;
  // esbuild starts a native service, which cannot be bundled; the parse pool uses it and the build options.
  if (!fromSource) await (clientBuilt ??= bundleForNode(CLIENT_SOURCE, CLIENT_BUNDLE, ['esbuild', BUILD_OPTIONS]));
  const heapLimit = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const nodeArgs = [...(fromSource ? ['--import', 'tsx'] : []), ...heapLimit];
  // taskset runs node in its place, so the IPC channel fork sets up reaches node as usual.
  const pinned =
    options.cpus === undefined
      ? {}
      : { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath, ...nodeArgs] };
  const child = fork(fromSource ? CLIENT_SOURCE : CLIENT_BUNDLE, [], {
    execArgv: nodeArgs,
    ...pinned,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<ClientResult>((resolve, reject) => {
    let result: ClientResult | undefined;
    child.once('message', (message) => (result = message as ClientResult));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (!result) return reject(new ClientCrashError(job.strategy, signal ?? `code ${code}`, stderr));
      // Warnings the client printed are part of what the run did; pass them on.
      if (stderr) process.stderr.write(stderr);
      resolve(result);
    });
    child.send({ job, cpuProfilePath: options.cpuProfilePath } satisfies ClientRequest);
  });
}
