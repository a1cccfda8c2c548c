import { TextDecoder } from 'node:util';

/**
 * The body's bytes as text. The charset comes from, in order: a byte order mark, the XML
 * declaration's `encoding`, the Content-Type `charset`. Feeds served with a wrong Content-Type
 * are common, so what the document says about itself wins over what the server says.
 * With nothing declared the body is read as UTF-8; if it is not valid UTF-8 it is read as
 * windows-1252 instead, the legacy encoding undeclared Western feeds actually use (and the one
 * browsers fall back to), so "Notícias" does not turn into "Not�cias".
 * An unknown charset label never fails the source: it is treated as undeclared.
 */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const declared = bomCharset(body) ?? xmlDeclaredCharset(body) ?? contentTypeCharset(contentType);
  const decoder = declared === undefined ? undefined : decoderFor(declared);
  if (decoder) return decodeWith(decoder, body);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return decodeWith(new TextDecoder('windows-1252'), body);
  }
}

function decodeWith(decoder: TextDecoder, body: Buffer): string {
  const text = decoder.decode(body);
  // Node ≥ 20.18.3 decodes windows-1252 (and the latin1 labels that mean it) as ISO-8859-1,
  // leaving bytes 0x80–0x9F as C1 controls instead of “ ” € … (nodejs/node#60888). Mapping
  // them here gives the WHATWG result whether or not the runtime has the fix.
  return decoder.encoding === 'windows-1252' ? text.replace(/[\u0080-\u009f]/g, windows1252Char) : text;
}

/** WHATWG index-windows-1252 for bytes 0x80–0x9F (the five undefined ones map to themselves). */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252Char(char: string): string {
  return WINDOWS_1252_C1.charAt(char.charCodeAt(0) - 0x80);
}

/** Bytes of the document searched for an XML declaration; it must be at the very start. */
const XML_DECLARATION_WINDOW = 1024; // bytes

function bomCharset(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

function xmlDeclaredCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, XML_DECLARATION_WINDOW).toString('latin1');
  const label = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
  // A declaration we could read as ASCII proves the bytes are not UTF-16, whatever it claims
  // (the WHATWG encoding sniffing rule makes the same correction).
  if (label === undefined || /^utf-?16/i.test(label)) return undefined;
  return label;
}

function contentTypeCharset(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}
