import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BUILD_DIR = new URL('../dist/lambda/', import.meta.url);

// Calls the handler the way the Lambda runtime does and records what the runtime would record.
// The outcome goes to a file because stdout carries the function's own log and metric lines.
const RUNNER = `
import { writeFileSync } from 'node:fs';
const [eventJson, remainingMs, outcomePath, awsRequestId] = process.argv.slice(2);
const deadline = Date.now() + Number(remainingMs);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'tributary-local';
const context = {
  getRemainingTimeInMillis: () => deadline - Date.now(),
  awsRequestId,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn:
    \`arn:aws:lambda:\${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:\${functionName}\`,
  memoryLimitInMB: '512',
  logGroupName: \`/aws/lambda/\${functionName}\`,
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: true,
};
try {
  const { handler } = await import('./index.mjs');
  const result = await handler(JSON.parse(eventJson), context);
  writeFileSync(outcomePath, JSON.stringify({ result }));
} catch (error) {
  writeFileSync(outcomePath, JSON.stringify({ error: { type: error.name, code: error.code, message: error.message } }));
}
`;

export interface Invocation {
  result?: Record<string, any>;
  error?: { type: string; code?: string; message: string };
  /** The JSON lines the function wrote to stdout and stderr: logs and embedded metrics. */
  lines: Array<Record<string, any>>;
  stderr: string;
}

/**
 * Copies the built bundle to a fresh folder with nothing above it (no node_modules), makes the
 * folder read-only and runs it in a separate node process as an unprivileged user when we can:
 * the conditions the Lambda runtime gives it.
 */
export async function prepareBundle(buildDir: string | URL = BUILD_DIR): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tributary-bundle-'));
  // The whole build folder, as CDK deploys it: index.mjs loads its chunks from beside it.
  await cp(buildDir, folder, { recursive: true });
  await writeFile(join(folder, 'runner.mjs'), RUNNER);
  await run('chmod', ['-R', 'a+rX,a-w', folder]);
  return folder;
}

export interface InvokeOptions {
  /** What the context's `getRemainingTimeInMillis` starts from: the function's timeout. */
  remainingMs?: number;
  /**
   * Lambda's request id for this delivery: a fresh one per invocation, as Lambda gives, unless
   * the caller plays a retried delivery (which keeps its request id).
   */
  requestId?: string;
  /**
   * Run as the calling user with the caller's whole environment (a real account's profile and
   * credentials), rather than as an unprivileged user with only `env`.
   */
  asCaller?: boolean;
}

/** Calls the bundle's handler in `folder` (from {@link prepareBundle}) with `event` and a fake Lambda context. */
export async function invokeBundle(
  folder: string,
  event: unknown,
  env: Record<string, string>,
  { remainingMs = 60_000, requestId = randomUUID(), asCaller = false }: InvokeOptions = {},
): Promise<Invocation> {
  const asNobody = !asCaller && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  // Like Lambda's /tmp: the one place the function could write, not the code folder.
  const scratch = await mkdtemp(join(tmpdir(), 'tributary-invocation-'));
  await chmod(scratch, 0o777);
  const outcomePath = join(scratch, 'outcome.json');
  const { stdout, stderr } = await run(
    process.execPath,
    ['runner.mjs', JSON.stringify(event), String(remainingMs), outcomePath, requestId],
    {
      cwd: folder,
      // Only what Lambda would set: no inherited AWS profile, no developer's node options.
      env: asCaller
        ? { ...process.env, ...env }
        : { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', TZ: 'UTC', ...env },
      ...asNobody,
      timeout: remainingMs + 30_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const outcome = JSON.parse(await readFile(outcomePath, 'utf8')) as Pick<Invocation, 'result' | 'error'>;
  await rm(scratch, { recursive: true, force: true });
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
  return { ...outcome, lines, stderr };
}
