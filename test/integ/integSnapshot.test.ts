import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalTemplates, SNAPSHOT_DIR, synthIntegApp } from '../../scripts/integ.js';

// The integration test cannot run here (no AWS account); what can be checked offline is that the
// stacks it would deploy are the ones its committed snapshot shows. A change to the infrastructure
// changes them: review it, then `npm run integ -- --snapshot` and commit the new snapshot.
const UPDATE_HINT =
  'the integration test app no longer synthesizes its snapshot: review the change, ' +
  'then run `npm run integ -- --snapshot`';

let outdir: string;
let fresh: Record<string, string>;

beforeAll(() => {
  outdir = synthIntegApp();
  fresh = canonicalTemplates(outdir);
}, 300_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the integration test snapshot', () => {
  test('holds the same stacks the app synthesizes: the single, the distributed and the assertion stack', () => {
    expect(Object.keys(fresh), UPDATE_HINT).toEqual(readdirSync(SNAPSHOT_DIR).sort());
    expect(Object.keys(fresh)).toEqual([
      'TributaryIntegDefaultTestDeployAssert17838C79.template.json',
      'TributaryIntegDistributed.template.json',
      'TributaryIntegSingle.template.json',
    ]);
  });

  test.each(readdirSync(SNAPSHOT_DIR).sort())('%s is what the app synthesizes today', (file) => {
    expect(fresh[file], UPDATE_HINT).toBe(readFileSync(join(SNAPSHOT_DIR, file), 'utf8'));
  });

  test('asserts what the issue asks of a deployment', () => {
    const assertions = fresh['TributaryIntegDefaultTestDeployAssert17838C79.template.json']!;
    for (const call of [
      '"api": "receiveMessage"', // the run topic's test subscriber, filtered on status
      '"api": "headObject"', // the run report's and feed.json's content types
      '"api": "describeSchema"', // the console's test events in the schema registry
      '"api": "startExecution"', // a distributed run
      '"api": "describeExecution"', // which succeeds
    ]) {
      expect(assertions).toContain(call);
    }
    const single = fresh['TributaryIntegSingle.template.json']!;
    expect(single).toContain('"FilterPolicy"');
    // The stacks go with their buckets when the test ends.
    expect(single).toContain('"Custom::S3AutoDeleteObjects"');
  });
});
