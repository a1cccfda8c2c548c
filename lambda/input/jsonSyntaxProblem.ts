import { jsonErrorOf } from '../parse/parseJsonText.js';

/**
 * What JSON.parse objected to, as a person fixing the file needs it: `line 3, column 8`, the
 * offending line and a caret under the spot. V8 reports a character offset (or nothing, at the
 * end of the input), which an editor cannot jump to.
 */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const { problem, offset = text.length } = jsonErrorOf(error);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  const column = offset - lineStart + 1;
  // A window around the spot on long (minified) lines, so the caret still lines up.
  const from = Math.max(0, column - 60);
  const shown = lineText.slice(from, from + 120);
  const caret = `${' '.repeat(column - 1 - from)}^`;
  return `not valid JSON at line ${line}, column ${column}: ${problem.replace(/ in JSON$/, '')}\n    ${shown}\n    ${caret}`;
}
