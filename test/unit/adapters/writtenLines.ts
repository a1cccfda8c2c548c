import { vi } from 'vitest';

export type Json = Record<string, any>;

/**
 * Runs `act` and returns what it wrote to stdout and stderr, in order, one parsed JSON object per
 * line: the form Lambda hands lines to CloudWatch Logs in. Fails the test on a line that is not JSON.
 */
export function jsonLinesWrittenBy(act: () => void): Json[] {
  const chunks: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    act();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Json);
}
