import type { SourceReport, SourceStatus } from '../core/model.js';

const COLOR_OF_STATUS: Record<SourceStatus, string> = {
  ok: '\x1b[32m', // green
  not_modified: '\x1b[36m', // cyan
  failed: '\x1b[31m', // red
  skipped: '\x1b[33m', // yellow
};
const RESET = '\x1b[0m';
const HEADER = ['source', 'status', 'http', 'items', 'new', 'ms', 'error'] as const;
const RIGHT_ALIGNED = new Set<number>([2, 3, 4, 5]);

/** The sources of a run as an aligned text table; colour only for terminals that show it. */
export function formatSourcesTable(sources: readonly SourceReport[], options: { color: boolean }): string {
  const rows = sources.map((source) => [
    source.id,
    source.status,
    source.httpStatus === null ? '-' : String(source.httpStatus),
    String(source.items),
    String(source.newItems),
    String(source.durationMs),
    source.status === 'skipped'
      ? `resting until ${source.nextAttemptAt ?? '?'}`
      : (source.error ?? (source.movedTo ? `moved to ${source.movedTo}` : '')),
  ]);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : RIGHT_ALIGNED.has(column)
            ? cell.padStart(widths[column]!)
            : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const body = rows.map((row, index) => {
    const text = line(row);
    return options.color ? `${COLOR_OF_STATUS[sources[index]!.status]}${text}${RESET}` : text;
  });
  return [line(HEADER), ...body].join('\n');
}
