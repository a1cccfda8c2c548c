import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const APP = fileURLToPath(new URL('../../infra/app.ts', import.meta.url));

describe('the CDK app entry', () => {
  it('prints a bad context as what to fix, without a stack trace, and exits 1', async () => {
    // How the CDK CLI hands `-c` values and the output folder to the app.
    const env = {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ memroyMb: '1024', timout: '60' }),
      CDK_OUTDIR: await mkdtemp(join(tmpdir(), 'tributary-cdk-out-')),
    };

    const failure = await promisify(execFile)(TSX, [APP], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      [
        'tributary: the CDK context: 2 problems',
        '  context.memroyMb: unknown key (did you mean "memoryMb"?)',
        '  context.timout: unknown key (did you mean "timeoutSeconds"?)',
        '',
      ].join('\n'),
    );
  });
});
