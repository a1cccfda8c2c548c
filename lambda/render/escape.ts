// The one place text from the outside world is made safe to put into markup or a link.

import { resolveHttpUrl } from '../core/resolveUrl.js';

// XML 1.0 §2.2 `Char`, inverted: C0 controls other than tab, LF and CR; lone surrogates; U+FFFE, U+FFFF.
// With the `u` flag a surrogate pair is one code point and survives; a lone half is removed.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const MARKUP_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // The predefined XML entity, not &#39;: some lenient feed parsers decode only the five named ones.
  "'": '&apos;',
};

/**
 * Removes the characters no XML 1.0 document may contain, even escaped; one of them makes the whole
 * document malformed.
 */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

/**
 * Text safe inside an XML element or a quoted attribute value. `>` is escaped too, so `]]>` never
 * appears in character data, which XML forbids.
 */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (char) => MARKUP_ESCAPES[char] ?? char);
}

/**
 * Text safe inside HTML text or a quoted attribute value. HTML5 needs the same five escapes, and the
 * characters XML forbids are parse errors in HTML as well; the separate name keeps each call site
 * saying which language it writes.
 */
export function escapeHtml(text: string): string {
  return escapeXml(text);
}

/**
 * The URL normalized, when it is absolute http or https; otherwise undefined, so `javascript:`,
 * `data:` and relative links are never emitted as links.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  return resolveHttpUrl(url, undefined);
}
