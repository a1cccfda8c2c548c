import { readFile } from 'node:fs/promises';

/** The parts of V8's .cpuprofile JSON (as written by `node --cpu-prof`) that self time needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the non-idle time. */
  share: number;
}

export interface CpuProfileSummary {
  /** Sampled time the thread was busy, in ms. */
  busyMs: number;
  /** Top functions by self time, `name (where)`. */
  functions: SelfTime[];
  /** Self time grouped by where the code lives: an npm package, a Tributary file, Node itself, GC. */
  owners: SelfTime[];
}

/**
 * Self time per function and per owner in a CPU profile. Each sample's time delta is charged to
 * the function on top of the stack at that sample; idle samples are left out of the shares.
 */
export async function summarizeCpuProfile(path: string, top = 10): Promise<CpuProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id)!;
    if (frame.functionName === '(idle)') return;
    // V8 writes each delta as the time before its sample, so the time spent in a sample is the next delta.
    const us = profile.timeDeltas[index + 1] ?? 0;
    busyUs += us;
    const owner = ownerOf(frame.url, frame.functionName);
    const name = `${frame.functionName || '(anonymous)'} (${where(frame.url, frame.lineNumber, owner)})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  });
  const rank = (totals: Map<string, number>, count: number): SelfTime[] =>
    [...totals]
      .sort(([, a], [, b]) => b - a)
      .slice(0, count)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs === 0 ? 0 : us / busyUs }));
  return { busyMs: busyUs / 1000, functions: rank(byFunction, top), owners: rank(byOwner, top) };
}

function ownerOf(url: string, functionName: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1]!;
  const inProject = /\/(lambda|bench)\/(.+)$/.exec(url);
  if (inProject) return `tributary ${inProject[1]}/`;
  if (url.startsWith('node:')) return 'node (JS internals)';
  if (functionName === '(garbage collector)') return 'V8 garbage collector';
  return url === '' ? `V8/native ${functionName.startsWith('(') ? functionName : ''}`.trimEnd() : 'other';
}

function where(url: string, lineNumber: number, owner: string): string {
  if (url === '') return owner;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/(lambda|bench)\//, '$1/');
  return `${file}:${lineNumber + 1}`;
}
