/**
 * What keeps a string from being sent as an HTTP header value (RFC 9110 field-value): a line
 * break or NUL would let it inject headers; other control characters and anything beyond
 * Latin-1 undici refuses outright, which would otherwise surface as a network error on every run.
 */
export function headerValueFlaw(value: string): 'line_break' | 'unsendable' | undefined {
  if (/[\r\n\0]/.test(value)) return 'line_break';
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) return 'unsendable';
  return undefined;
}
