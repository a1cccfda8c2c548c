import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { messageOf, TributaryError } from '../core/errors.js';
import { opmlFeeds, opmlToSourcesFile } from '../input/opml.js';
import { parseSourcesFile, validateSourcesFile } from '../input/sourcesFile.js';

const USAGE = `Usage: npm run import-opml -- FILE --out sources.json [--force | --merge]

Makes a sources file with one feed source per feed in the OPML subscription list FILE, as feed
readers export it. Folders are flattened; outlines without an http(s) xmlUrl are skipped with a
warning on stderr.
  --out FILE  write the sources file there (without it: print it on stdout)
  --force     overwrite --out if it exists
  --merge     add the feeds to the sources file at --out, keeping its settings and sources;
              feeds whose URL it lists already are skipped`;

/** Where the command writes; the process's streams, or a test's buffers. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Bad usage or input: the reason goes to stderr and the exit code is 2. */
class ImportProblem extends Error {}

/**
 * `import-opml FILE [--out FILE] [--force | --merge]`: warnings and errors on stderr, the sources
 * file written to --out (or on stdout). Resolves to the exit code: 0 done, 2 bad usage or input.
 */
export async function importOpml(args: readonly string[], output: CommandOutput): Promise<number> {
  try {
    const options = parseImportArgs(args);
    if (options === 'help') {
      output.stdout(`${USAGE}\n`);
      return 0;
    }
    const xml = await readText(options.file);
    const { text, added, warnings } =
      options.merge && options.out !== undefined
        ? await mergeInto(options.out, xml, options.file)
        : { ...fresh(xml, options.file), added: 0 };
    for (const warning of warnings) output.stderr(`warning: ${warning}\n`);
    if (options.out === undefined) {
      output.stdout(text);
      return 0;
    }
    await writeOut(options.out, text, options.force || options.merge);
    output.stderr(
      options.merge
        ? `Added ${added} sources to ${options.out}\n`
        : `Wrote ${options.out}; check it with: npm run check -- ${options.out}\n`,
    );
    return 0;
  } catch (error) {
    // parseArgs's own errors carry a code: a flag it does not know, a missing value.
    const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof TributaryError || error instanceof ImportProblem || usage)) throw error;
    output.stderr(`tributary import-opml: ${messageOf(error)}${usage ? `\n\n${USAGE}` : ''}\n`);
    return 2;
  }
}

interface ImportOptions {
  file: string;
  out?: string;
  force: boolean;
  merge: boolean;
}

function parseImportArgs(args: readonly string[]): ImportOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      merge: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new ImportProblem(`expected exactly one FILE\n\n${USAGE}`);
  if (values.force && values.merge) throw new ImportProblem('--force and --merge exclude each other');
  if (values.merge && values.out === undefined) throw new ImportProblem('--merge needs --out, the file to add to');
  return { file, out: values.out, force: values.force, merge: values.merge };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ImportProblem(`cannot read ${path}: ${messageOf(error)}`);
  }
}

function fresh(xml: string, origin: string): { text: string; warnings: string[] } {
  const { sourcesFile, warnings } = opmlToSourcesFile(xml, origin);
  return { text: `${JSON.stringify(sourcesFile, null, 2)}\n`, warnings };
}

/** The file at `path` as written, plus the new feeds: its settings and sources are left as they are. */
async function mergeInto(
  path: string,
  xml: string,
  origin: string,
): Promise<{ text: string; added: number; warnings: string[] }> {
  const existingText = await readText(path);
  const existing = parseSourcesFile(existingText, path);
  const { sources, warnings } = opmlFeeds(xml, origin, existing.sources);
  const raw = JSON.parse(existingText) as { sources: unknown[] };
  const merged = { ...raw, sources: [...raw.sources, ...sources] };
  validateSourcesFile(merged, path);
  return { text: `${JSON.stringify(merged, null, 2)}\n`, added: sources.length, warnings };
}

async function writeOut(path: string, text: string, overwrite: boolean): Promise<void> {
  try {
    await writeFile(path, text, { flag: overwrite ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ImportProblem(`${path} exists: give --force to replace it, or --merge to add the feeds to it`);
    }
    throw new ImportProblem(`cannot write ${path}: ${messageOf(error)}`);
  }
}
