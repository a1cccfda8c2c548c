import { readFile } from 'node:fs/promises';

import { TributaryError } from '../core/errors.js';
import { opmlToSourcesFile } from '../input/opml.js';

const USAGE = `Usage: tributary import-opml FILE

Prints a sources file (JSON) with one feed source per feed in the OPML subscription list FILE,
as feed readers export it. Folders are flattened; outlines without an http(s) xmlUrl are
skipped with a warning on stderr. Save the output as your sources file, then edit it.`;

/** Where the command writes; the process's streams, or a test's buffers. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `tributary import-opml FILE`: the sources file on stdout, warnings and errors on stderr.
 * Resolves to the exit code: 0 done, 2 bad usage or unreadable input.
 */
export async function importOpml(args: readonly string[], output: CommandOutput): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.stdout(`${USAGE}\n`);
    return 0;
  }
  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0 || file.startsWith('-')) {
    output.stderr(`tributary import-opml: expected exactly one FILE\n\n${USAGE}\n`);
    return 2;
  }
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (error) {
    output.stderr(`tributary import-opml: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const { sourcesFile, warnings } = opmlToSourcesFile(xml, file);
    for (const warning of warnings) output.stderr(`warning: ${warning}\n`);
    output.stdout(`${JSON.stringify(sourcesFile, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TributaryError)) throw error;
    output.stderr(`tributary import-opml: ${error.message}\n`);
    return 2;
  }
}
