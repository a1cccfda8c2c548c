import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const APP = fileURLToPath(new URL('../../infra/app.ts', import.meta.url));

/** Runs `infra/app.ts` as the CDK CLI does, with `context` as the `-c` values. */
async function synthApp(context: Record<string, unknown>): Promise<{ code: number; stderr: string }> {
  // How the CDK CLI hands `-c` values and the output folder to the app.
  const env = {
    ...process.env,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_OUTDIR: await mkdtemp(join(tmpdir(), 'tributary-cdk-out-')),
  };
  return promisify(execFile)(TSX, [APP], { env }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );
}

describe('the CDK app entry', () => {
  it('refuses a site certificate outside us-east-1 in one line, before building anything', async () => {
    const failure = await synthApp({
      site: 'public',
      domainName: 'feeds.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    });

    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      'tributary: context.certificateArn: is in eu-west-1, but CloudFront takes certificates from us-east-1 only: ' +
        'request or import the certificate in us-east-1 and give that ARN\n',
    );
  });

  it('prints a bad context as what to fix, without a stack trace, and exits 1', async () => {
    const failure = await synthApp({ memroyMb: '1024', timout: '60' });

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
