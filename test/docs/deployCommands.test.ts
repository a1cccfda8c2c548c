// Every `npx cdk deploy|synth` command in README.md and docs/ synthesizes as written: its `-c`
// context is read by the stack's own (strict) reader and the stack built from it in-process, as
// `cdk synth` would. A deploy example that fails as written (a cron without its period, a misspelt
// key, a key of the other mode) fails here. The other commands of the docs are run by
// runCommands.test.ts.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthTributary } from '../infra/synthTributary.js';
import { documentedCommands, isCdkDeployOrSynth } from '../support/shellCommands.js';

/** `-c key=value` pairs as the CDK CLI passes them: quotes taken off, the value a string. */
function contextOf(command: string): Record<string, string> {
  const pairs = command.matchAll(/-c\s+([A-Za-z0-9]+)=("[^"]*"|'[^']*'|\S+)/g);
  return Object.fromEntries([...pairs].map(([, key, value]) => [key, value!.replace(/^["']|["']$/g, '')]));
}

const deployCommands = documentedCommands().filter(({ command }) => isCdkDeployOrSynth(command));

describe('the deploy commands of the docs', () => {
  it('are found: the docs show how to deploy', () => {
    expect(deployCommands.length).toBeGreaterThanOrEqual(3);
  });

  it.each(deployCommands)(
    '$path: $command synthesizes as written',
    async ({ command }) => {
      // Files an example names (sources files) are the reader's; stand-ins take their place.
      const cwd = await mkdtemp(join(tmpdir(), 'tributary-docs-'));
      const context = contextOf(command);
      if (context.sourcesFile) {
        await writeFile(
          join(cwd, context.sourcesFile),
          JSON.stringify({ sources: [{ id: 'a', url: 'https://a.example/' }] }),
        );
      }

      const { template } = synthTributary(context, cwd);

      // The stack the command asks for: its mode, its schedule.
      template.resourceCountIs('AWS::StepFunctions::StateMachine', context.mode === 'distributed' ? 1 : 0);
      if (context.schedule) {
        template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: context.schedule });
      }
    },
    60_000,
  );
});
