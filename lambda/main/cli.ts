import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConsoleNotifier } from '../adapters/consoleNotifier.js';
import { FolderStore } from '../adapters/folderStore.js';
import { didYouMean } from '../core/closestMatch.js';
import { InvalidInputError, messageOf, TributaryError } from '../core/errors.js';
import type { RunReport } from '../core/model.js';
import { parseNetworkPolicy } from '../fetch/networkPolicy.js';
import { type RunRequestFields, readRunRequest } from '../input/readSources.js';
import type { Progress } from '../run/pipelineDependencies.js';
import { headOf } from '../run/summary.js';
import { ssmSecretCache } from './awsClients.js';
import { importOpml } from './importOpml.js';
import { runFromEvent } from './runFromEvent.js';
import { formatSourcesTable } from './sourcesTable.js';

/** A local run gets the longest budget a Lambda can have, so it behaves like one. */
const LOCAL_BUDGET_MS = 15 * 60 * 1000; // 15 min

const USAGE = `Usage: npm start -- [--sources FILE] [--out DIR] [--only id,id] [--dry-run] [--force] [--json]
       npm start -- --check [--sources FILE] [--only id,id]    (also: npm run check -- [FILE])
       npm run import-opml -- FILE --out sources.json [--force | --merge]

Runs the pipeline once and writes feed.json, feed.xml, index.html and runs/<runId>.json to DIR.
The sources table goes to stderr; stdout carries only what --json asks for.
  --sources FILE  sources file (default: $SOURCES_URI, else the bundled lambda/input/sources.json)
  --out DIR       output folder (default: ./out)
  --only ids      only these source ids, comma-separated
  --dry-run       fetch and transform, write and notify nothing
  --force         ignore cached validators (refetch everything)
  --json          print the run summary as JSON on stdout
  --check         check the sources file (and --only) without any request, then exit
Exit codes: 0 ok or partial, 1 every source failed, 2 bad input.
Environment: ALLOW_PRIVATE_NETWORKS, SOURCES_URI (see docs/cli.md); header secrets are read from SSM
with the AWS SDK's usual credentials and region.`;

const OPTIONS = {
  sources: { type: 'string' },
  out: { type: 'string', default: 'out' },
  only: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  check: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What the CLI calls the run request's inputs, so an error names the flag the user typed. */
const FLAGS: RunRequestFields = { sourceIds: '--only', sourcesUri: '--sources' };

export interface CliOptions {
  sources?: string;
  out: string;
  only?: string[];
  dryRun: boolean;
  force: boolean;
}

interface Command extends CliOptions {
  json: boolean;
  check: boolean;
}

/** `check [FILE]` is `--check --sources FILE`, for `npm run check -- FILE`. */
function parseCliArgs(args: string[], env: NodeJS.ProcessEnv): Command | 'help' {
  const checkCommand = args[0] === 'check';
  const { values, positionals } = parseArgs({
    args: checkCommand ? args.slice(1) : args,
    options: OPTIONS,
    allowPositionals: checkCommand,
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new Error(`check takes one FILE, got ${positionals.length}`);
  return {
    sources: positionals[0] ?? values.sources ?? (env.SOURCES_URI || undefined),
    out: values.out,
    only: values.only
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    dryRun: values['dry-run'],
    force: values.force,
    json: values.json,
    check: checkCommand || values.check,
  };
}

/** Node's message for an unknown flag, with the flag it was probably meant to be. */
function usageProblem(error: unknown): string {
  const message = messageOf(error);
  const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
  if (unknown === undefined) return message;
  const flags = Object.keys(OPTIONS).map((name) => `--${name}`);
  return `unknown option ${unknown}${didYouMean(unknown, flags)}`;
}

/** Runs the pipeline into a folder: the same code path as the Lambda, with local edges. */
export async function runLocally(options: CliOptions, env: NodeJS.ProcessEnv = process.env): Promise<RunReport> {
  return runFromEvent(
    { sources: options.only, dryRun: options.dryRun, force: options.force },
    {
      sourcesUri: options.sources,
      readS3: noS3,
      fields: FLAGS,
      budgetMs: LOCAL_BUDGET_MS,
      dependencies: {
        store: new FolderStore(options.out),
        notifier: new ConsoleNotifier(),
        networkPolicy: parseNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS),
        // SSM is only asked when a source's headers reference a secret.
        secrets: ssmSecretCache(),
        onProgress: process.stderr.isTTY ? showProgress : undefined,
        onWarning: (message) => console.error(`warning: ${message}`),
      },
    },
  );
}

async function noS3(): Promise<never> {
  throw new InvalidInputError('config', '--sources', 'an s3:// URI needs the Lambda environment; pass a file');
}

function showProgress({ done, total, failed }: Progress): void {
  process.stderr.write(`\r${done}/${total} sources done, ${failed} failed`);
  if (done === total) process.stderr.write('\n');
}

/**
 * The AWS SDK warns, the first time a process builds a client under Node 20, that its releases
 * from 2027 on need Node 22. The lockfile's SDK supports Node 20, which package.json's engines
 * allows, so at a terminal the notice is noise; the SDK's own switch silences exactly it, and every
 * other warning still shows. Set before any client exists (`env`: a child process's environment).
 */
export function quietSdkNodeNotice(env: Record<string, string | undefined> = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

async function main(): Promise<void> {
  quietSdkNodeNotice();
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'import-opml') {
    process.exitCode = await importOpml(rest, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }
  let options: Command | 'help';
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`tributary: ${usageProblem(error)}\nRun with --help for the options.`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  try {
    if (options.check) {
      const { sourcesFile } = await readRunRequest({ sources: options.only }, options.sources, noS3, FLAGS);
      console.error(
        `${options.sources ?? 'the bundled sources.json'}: ${sourcesFile.sources.length} sources, no problems`,
      );
      return;
    }
    const report = await runLocally(options);
    console.error(
      `${formatSourcesTable(report.sources, { color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR })}\n`,
    );
    for (const line of afterword(report)) console.error(line);
    if (options.json) console.log(JSON.stringify(headOf(report), null, 2));
    if (report.status === 'failed') process.exitCode = 1;
  } catch (error) {
    console.error(error instanceof TributaryError ? `tributary: ${error.message}` : error);
    process.exitCode = 2;
  }
}

/** What a person needs after the table: where the outputs are, and a hint when nothing could connect. */
export function afterword(report: RunReport): string[] {
  const written = Object.values(report.outputs);
  const lines = [written.length === 0 ? 'Nothing written (dry run).' : `Wrote ${written.join(', ')}`];
  const tried = report.sources.filter((source) => source.status !== 'skipped');
  const unreachable = tried.filter((source) => source.errorCode === 'dns' || source.errorCode === 'network');
  if (tried.length > 0 && unreachable.length === tried.length) {
    lines.push(
      `No source could be reached (DNS or connection errors): this machine looks offline. ` +
        `Try \`npm run demo\`, which needs no network.`,
    );
  }
  return lines;
}

// Node loads a module from its real path, so a script reached through a symlink (a linked
// checkout, macOS's /tmp) is compared by its real path too, or the CLI would silently do nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
