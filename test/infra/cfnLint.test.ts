import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCUMENTED_MODES, type DocumentedMode, synthMode } from './synthTributary.js';

/** What cfn-lint's `--format json` reports per finding (the fields this test reads). */
interface Finding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

/**
 * Warnings the templates keep on purpose, each with why. Any other warning, and every error,
 * fails the test; an entry here that no template raises any more fails it too, so the list stays true.
 */
const KEPT_WARNINGS: readonly { rule: string; message: RegExp; reason: string }[] = [
  {
    rule: 'W3005',
    // A function's (or state machine's) DependsOn on its own role, beside the GetAtt of that role.
    message: /^'\w+Role\w*' dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/Role(Arn)?'$/,
    reason:
      'aws-cdk-lib writes the DependsOn itself (lambda.Function and sfn.StateMachine depend on their role construct) ' +
      'so that the role and its default policy exist before the resource; redundant for CloudFormation, harmless, ' +
      'and not ours to remove without an escape hatch on every function.',
  },
];

const INSTALL_HINT =
  'cfn-lint is not installed, so the templates were not linted. Install it with: pip install cfn-lint';
const installed = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!installed) console.warn(INSTALL_HINT);

const modes = Object.keys(DOCUMENTED_MODES) as DocumentedMode[];
let dir: string;
let findings: Finding[];

beforeAll(() => {
  if (!installed) return;
  dir = mkdtempSync(join(tmpdir(), 'tributary-cfn-lint-'));
  const files = modes.map((mode) => {
    const file = join(dir, `${mode}.template.json`);
    writeFileSync(file, JSON.stringify(synthMode(mode).template.toJSON(), null, 1));
    return file;
  });
  // One process for every template: cfn-lint's start-up (loading the resource specs) is most of its time.
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is cfn-lint itself failing.
  if (run.status === null || run.status & 1) throw new Error(`cfn-lint failed to run: ${run.stderr || run.error}`);
  findings = JSON.parse(run.stdout || '[]');
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const describe_ = installed ? describe : describe.skip;
const kept = (f: Finding) => KEPT_WARNINGS.find((k) => k.rule === f.Rule.Id && k.message.test(f.Message));
const shown = (f: Finding) => `${f.Filename} ${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`;

describe_('cfn-lint over every documented mode', () => {
  test.each(modes)('the %s template has no error and only the warnings kept with a reason', (mode) => {
    const own = findings.filter((f) => f.Filename.endsWith(`${mode}.template.json`));
    expect(own.filter((f) => f.Level === 'Error').map(shown)).toEqual([]);
    expect(own.filter((f) => f.Level !== 'Error' && !kept(f)).map(shown)).toEqual([]);
  });

  test('every kept warning is still raised by some template', () => {
    for (const warning of KEPT_WARNINGS) {
      expect(
        findings.some((f) => kept(f) === warning),
        `${warning.rule} ${warning.message}`,
      ).toBe(true);
    }
  });
});
