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
    const problem = (error as Error).message
      // V8 quotes the start of the body, shortened with "..." when it is longer than a few words.
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
      .replace(/ at position (\d+).*$/s, ' at character $1');
    throw new SourceError('malformed', `not valid JSON: ${problem}`, { cause: error });
  }
}
