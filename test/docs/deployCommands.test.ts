// Every `npx cdk deploy|synth` command in README.md and docs/ must be one CDK would accept: its
// `-c` context is read by the stack's own reader, strict as `cdk synth` runs it. A deploy example
// that fails as written (a cron without its period, a misspelt key, a key of the other mode)
// fails here. Only the settings are read, not a whole synth: the context is what an example gets
// wrong, and the stack's tests synthesize every setting.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackSettingsFromContext } from '../../infra/stackSettings.js';
import { referencePages } from '../support/markdownTables.js';

/** The shell commands of every ```sh block, continuation lines joined and comments dropped. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
}

/** `-c key=value` pairs as the CDK CLI passes them: quotes taken off, the value a string. */
function contextOf(command: string): Record<string, string> {
  const pairs = command.matchAll(/-c\s+([A-Za-z0-9]+)=("[^"]*"|'[^']*'|\S+)/g);
  return Object.fromEntries([...pairs].map(([, key, value]) => [key, value!.replace(/^["']|["']$/g, '')]));
}

const deployCommands = referencePages().flatMap(({ path, text }) =>
  shellCommands(text)
    .filter((command) => /^npx cdk (deploy|synth)\b/.test(command))
    .map((command) => ({ path, command })),
);

describe('the deploy commands of the docs', () => {
  it('are found: the docs show how to deploy', () => {
    expect(deployCommands.length).toBeGreaterThanOrEqual(3);
  });

  it.each(deployCommands)('$path: $command is accepted as written', async ({ command }) => {
    // Files an example names (sources files) are the reader's; stand-ins let the context be read.
    const cwd = await mkdtemp(join(tmpdir(), 'tributary-docs-'));
    const context = contextOf(command);
    if (context.sourcesFile) {
      await writeFile(
        join(cwd, context.sourcesFile),
        JSON.stringify({ sources: [{ id: 'a', url: 'https://a.example/' }] }),
      );
    }

    expect(() => stackSettingsFromContext(new App({ context }).node, cwd)).not.toThrow();
  });
});
