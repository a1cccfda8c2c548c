import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-, 5- and 15-minute load averages: other work on the machine shows up in wall times. */
  loadAverage: number[];
}

/** What the figures were measured on, read when asked (the load average changes). */
export function describeMachine(): Machine {
  return {
    cpuModel: cpuModelName(),
    cpus: availableParallelism(),
    memoryGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

function cpuModelName(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall through to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** What writing memory costs here, per MiB: memory the process never touched, and the same again. */
export interface MemoryTouchCost {
  /** Page faults included: every first write to a page traps to the kernel (and to the hypervisor). */
  freshMsPerMiB: number;
  reusedMsPerMiB: number;
}

const TOUCHED_MIB = 64;

/**
 * Measures MemoryTouchCost on a 64 MiB buffer. A fresh process pays the first figure for every
 * page its heap and buffers grow into, so it is what separates a cold run from a warm one.
 */
export function measureMemoryTouch(): MemoryTouchCost {
  // Zero-filled by the allocator's fresh pages, not by writing them: nothing is touched yet.
  const buffer = Buffer.alloc(TOUCHED_MIB * 2 ** 20);
  const timeFill = (value: number) => {
    const started = performance.now();
    buffer.fill(value);
    return (performance.now() - started) / TOUCHED_MIB;
  };
  const freshMsPerMiB = timeFill(1);
  return { freshMsPerMiB, reusedMsPerMiB: timeFill(2) };
}
