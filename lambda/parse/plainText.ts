import sanitize from 'sanitize-html';

/**
 * Text a person reads from a fragment of HTML: tags dropped (script and style with their
 * content), entities decoded, whitespace collapsed. For titles and summaries, which are plain
 * text in the model but arrive as HTML from RSS and from Atom `type="html"`.
 */
export function plainText(html: string): string {
  if (!/[<&]/.test(html)) return collapseWhitespace(html);
  // Block boundaries become spaces, or "<p>One</p><p>Two</p>" would read "OneTwo".
  const spaced = html.replace(BLOCK_TAG, ' $&');
  const escaped = sanitize(spaced, { allowedTags: [], allowedAttributes: {}, parseStyleAttributes: false });
  return collapseWhitespace(unescapeText(escaped));
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const BLOCK_TAG = /<\/?(?:p|div|br|hr|li|dt|dd|h[1-6]|tr|td|th|blockquote|pre|section|article|figure|figcaption)\b/gi;

/** sanitize-html decodes every entity, then re-escapes exactly these in text. */
function unescapeText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
