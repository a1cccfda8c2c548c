// The shell commands the docs show, for the tests that run or synthesize every one of them.
import { referencePages } from './markdownTables.js';

/** Blocks of commands, one a line. */
const SCRIPT = /^(sh|bash|shell|zsh)$/;
/** A terminal transcript: commands after a `$ ` prompt, the other lines their output. */
const TRANSCRIPT = 'console';

/** Every fenced block: its info string (language) and text. */
const fencedBlocks = (markdown: string) =>
  [...markdown.matchAll(/^```(\S*)[^\n]*\n([\s\S]*?)^```/gm)].map(([, info = '', text = '']) => ({ info, text }));

/**
 * The commands of every ```sh block (continuation lines joined, comments dropped) and the `$ `
 * lines of every ```console transcript.
 */
export function shellCommands(markdown: string): string[] {
  return fencedBlocks(markdown).flatMap(({ info, text }) => {
    const lines = text.replace(/\s*\\\n\s*/g, ' ').split('\n');
    if (info === TRANSCRIPT) return lines.filter((line) => line.startsWith('$ ')).map((line) => line.slice(2).trim());
    if (!SCRIPT.test(info)) return [];
    return lines.map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
  });
}

/** Lines that look like commands in blocks of another language or none, where `shellCommands` misses them. */
export function commandsOutsideShellBlocks(markdown: string): string[] {
  return fencedBlocks(markdown)
    .filter(({ info }) => info !== TRANSCRIPT && !SCRIPT.test(info))
    .flatMap(({ text }) => text.split('\n').filter((line) => /^\s*(\$\s+)?(npm|npx|aws|cdk|node|tsx) /.test(line)));
}

export interface DocumentedCommand {
  /** README.md or docs/<page>.md */
  path: string;
  command: string;
}

/** Every shell command of README.md and docs/*.md, by page. */
export function documentedCommands(): DocumentedCommand[] {
  return referencePages().flatMap(({ path, text }) => shellCommands(text).map((command) => ({ path, command })));
}

/** `npx cdk deploy|synth …`: the commands test/docs/deployCommands.test.ts synthesizes. */
export const isCdkDeployOrSynth = (command: string): boolean => /^npx cdk (deploy|synth)\b/.test(command);
