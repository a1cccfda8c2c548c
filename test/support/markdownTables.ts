// Reading the reference tables of README.md and docs/, so tests can hold them to the code that
// defines the same values.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);

/** A table's rows, each keyed by the header's column names. */
export type MarkdownTable = Record<string, string>[];

/** README.md and every page under docs/, by path from the project root. */
export function referencePages(): { path: string; text: string }[] {
  const docs = readdirSync(fileURLToPath(new URL('docs/', ROOT)))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(new URL(path, ROOT), 'utf8') }));
}

/** Every table in `markdown` whose first column is headed `firstColumn`, with backticks taken off the cells. */
export function markdownTables(markdown: string, firstColumn: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = cells(lines[i] ?? '');
    if (header[0] !== firstColumn || !/^\|[\s|:-]+\|$/.test(lines[i + 1]?.trim() ?? '')) continue;
    const rows: MarkdownTable = [];
    for (i += 2; lines[i]?.trim().startsWith('|'); i++) {
      const row = cells(lines[i] ?? '');
      rows.push(Object.fromEntries(header.map((name, column) => [name, row[column] ?? ''])));
    }
    tables.push(rows);
  }
  return tables;
}

function cells(line: string): string[] {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return [];
  return trimmed
    .slice(1, trimmed.endsWith('|') ? -1 : undefined)
    .split('|')
    .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1'));
}
