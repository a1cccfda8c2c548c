import { SourceError } from '../core/errors.js';

/**
 * JSON.parse, failing as `malformed` with V8's description of the problem but without the text it
 * quotes from the body (`Unexpected token '<', "<html>secr"... is not valid JSON`): that text may
 * be part of a page the source should not have sent, and the message goes into reports and
 * notifications.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { problem, offset } = jsonErrorOf(error);
    throw new SourceError(
      'malformed',
      `not valid JSON: ${problem}${offset === undefined ? '' : ` at character ${offset}`}`,
      { cause: error },
    );
  }
}

/**
 * V8's JSON.parse message split into what is wrong and where (a character offset; none when the
 * input ended early), without the text V8 quotes from the input.
 */
export function jsonErrorOf(error: unknown): { problem: string; offset?: number } {
  const message = error instanceof Error ? error.message : String(error);
  const position = / at position (\d+)/.exec(message);
  const problem = message
    // V8 quotes the start of the input, shortened with "..." when it is longer than a few words.
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    .replace(/ at position \d+.*$/s, '');
  return position ? { problem, offset: Number(position[1]) } : { problem };
}
