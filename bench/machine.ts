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
