import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTables } from '../support/markdownTables.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** The stage folders under lambda/, as the tree has them. */
const stages = readdirSync(new URL('lambda/', ROOT), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `lambda/${entry.name}/`)
  .sort();

// A newcomer reads the map before the tree: a folder added, moved or renamed must show in both.
describe.each(['README.md', 'docs/architecture.md'])('the map of stages in %s', (page) => {
  it('lists every folder under lambda/, each once, and none that is gone; nothing sits at its root', () => {
    const [table] = markdownTables(read(page), 'folder');

    const listed = (table ?? []).map((row) => row.folder).filter((folder) => folder?.startsWith('lambda/'));

    expect([...listed].sort()).toEqual(stages);
    expect(
      readdirSync(new URL('lambda/', ROOT))
        .filter((name) => !name.startsWith('.'))
        .sort(),
    ).toEqual(stages.map((folder) => folder.slice('lambda/'.length, -1)).sort());
  });
});
