import { jsonErrorOf } from '../parse/parseJsonText.js';

/**
 * What JSON.parse objected to, as a person fixing the file needs it: `line 3, column 8`, the
 * offending line and a caret under the spot. V8 reports a character offset (or nothing, at the
 * end of the input), which an editor cannot jump to.
 *
 * Sources files hold header values, so nothing here may echo one: the line is shown only up to
 * the spot, with every value masked, and V8's own quote of the text is cut from its message.
 */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const { problem, offset = text.length } = jsonErrorOf(error);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  const column = offset - lineStart + 1;
  // The last 60 characters before the spot on long (minified) lines, so the caret still lines up.
  const shown = lineText
    .slice(Math.max(0, column - 61), column - 1)
    .replace(/:\s*"(?:[^"\\]|\\.)*"?/g, ': "…"')
    .replace(/:\s*[^\s"{[,]+/g, ': …');
  const caret = `${' '.repeat(shown.length)}^`;
  const words = problem.replace(/ in JSON$/, '').replace(/^(Unexpected token '.'),[\s\S]*$/, '$1');
  return `not valid JSON at line ${line}, column ${column}: ${words}\n    ${shown}…\n    ${caret}`;
}
