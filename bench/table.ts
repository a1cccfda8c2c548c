/** One line of the printed results: a figure beside its ideal, the ratio, and the target it must meet. */
export interface TableRow {
  scenario: string;
  run: string;
  measured: string;
  ideal?: string;
  ratio?: number;
  /** The largest acceptable ratio; the row shows ✓ or ✗ against it. */
  target?: number;
  note?: string;
}

const HEADER = ['scenario', 'run', 'measured', 'ideal', 'ratio', 'target', 'note'];

/** A plain-text table, columns sized to their widest cell, for stdout and for pasting into Markdown. */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.run,
    row.measured,
    row.ideal ?? '',
    row.ratio === undefined ? '' : row.ratio.toFixed(2),
    row.target === undefined
      ? ''
      : `≤ ${row.target.toFixed(2)} ${row.ratio !== undefined && row.ratio <= row.target ? '✓' : '✗'}`,
    row.note ?? '',
  ]);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(HEADER), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function milliseconds(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}
