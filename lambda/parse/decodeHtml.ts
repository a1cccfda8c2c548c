import { decodeText } from './decodeText.js';

/** Bytes searched for a `<meta>` charset declaration; HTML requires it within the first 1024. */
const META_CHARSET_WINDOW = 1024; // bytes

/**
 * An HTML page's bytes as text. Like decodeText (byte order mark, then the Content-Type
 * charset), with one step HTML adds: without a charset in the Content-Type, a
 * `<meta charset>` or `<meta http-equiv="Content-Type">` near the top of the page names it.
 */
export function decodeHtml(body: Buffer, contentType: string | undefined): string {
  if (contentType !== undefined && /;\s*charset\s*=/i.test(contentType)) return decodeText(body, contentType);
  const head = body.subarray(0, META_CHARSET_WINDOW).toString('latin1');
  const label = /<meta\s[^>]*?charset\s*=\s*["']?\s*([-\w:.]+)/i.exec(head)?.[1];
  return decodeText(body, label === undefined ? contentType : `text/html; charset=${label}`);
}
