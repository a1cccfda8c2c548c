// `npm run integ`: deploys the integration test app (test/integ/integ.tributary.ts) to the account and
// region of the shell's AWS credentials, which runs its assertions, then destroys every stack it
// made, whether the assertions passed or not. `npm run integ -- --snapshot` only synthesizes and
// rewrites the committed snapshot that `npm test` compares offline.
//
// integ-runner would do both, but its newest release cannot read the cloud assembly of the
// aws-cdk-lib this project uses; this is the same deploy, assert, destroy with the project's CDK CLI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const INTEG_APP = fileURLToPath(new URL('../test/integ/integ.tributary.ts', import.meta.url));
export const SNAPSHOT_DIR = `${INTEG_APP}.snapshot`;
const APP_COMMAND = `npx tsx ${INTEG_APP}`;

/** Synthesizes the integration test app into a fresh folder, offline, and returns that folder. */
export function synthIntegApp(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'tributary-integ-'));
  const run = spawnSync('npx', ['tsx', INTEG_APP], {
    env: { ...process.env, CDK_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`synthesizing ${INTEG_APP} failed:\n${run.stderr}`);
  return outdir;
}

/**
 * Each stack's template from a cloud assembly, with asset hashes (which change with every edit of the
 * bundle) and the assertions' salts (the synth time, so that they run on every deploy) replaced by
 * placeholders: the snapshot shows the infrastructure, not the build or the clock.
 */
export function canonicalTemplates(outdir: string): Record<string, string> {
  const templates: Record<string, string> = {};
  for (const file of readdirSync(outdir)
    .filter((name) => name.endsWith('.template.json'))
    .sort()) {
    const text = JSON.stringify(JSON.parse(readFileSync(join(outdir, file), 'utf8')), null, 1);
    const canonical = text.replace(/[0-9a-f]{64}/g, '<asset hash>').replace(/"salt": "\d+"/g, '"salt": "<synth time>"');
    templates[file] = `${canonical}\n`;
  }
  return templates;
}

function writeSnapshot(): void {
  const outdir = synthIntegApp();
  try {
    rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    for (const [file, text] of Object.entries(canonicalTemplates(outdir)))
      writeFileSync(join(SNAPSHOT_DIR, file), text);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  console.log(`wrote ${SNAPSHOT_DIR}: review the diff before committing it`);
}

function cdk(args: string[]): number {
  const run = spawnSync('npx', ['cdk', '--app', APP_COMMAND, ...args], { stdio: 'inherit' });
  return run.status ?? 1;
}

function deployAssertDestroy(): number {
  // Deploying the assertion stack runs the assertions; any that fails fails the deploy.
  const deployed = cdk(['deploy', '--all', '--require-approval', 'never']);
  const destroyed = cdk(['destroy', '--all', '--force']);
  if (destroyed !== 0) {
    console.error('cdk destroy failed: delete the TributaryInteg* stacks in the CloudFormation console');
  }
  console.log(deployed === 0 ? 'integration test passed' : 'integration test failed: see the deploy output above');
  return deployed || destroyed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--snapshot')) writeSnapshot();
  else process.exitCode = deployAssertDestroy();
}
