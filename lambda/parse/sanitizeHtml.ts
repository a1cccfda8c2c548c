import sanitize from 'sanitize-html';

import { resolveUrl } from '../core/resolveUrl.js';

/**
 * Feed HTML made safe to embed in our pages and outputs: ordinary content markup survives;
 * scripts, styles, frames, plugins, forms, event handlers and style attributes do not; links
 * and images keep only http(s) (and mailto for links) URLs, made absolute against `baseUrl`;
 * every link gets rel="noopener noreferrer".
 */
export function sanitizeHtml(html: string, baseUrl: string): string {
  return sanitize(html, {
    // No style attribute is allowed, so none needs parsing; the bundle leaves postcss out (scripts/postcssAbsent.cjs).
    parseStyleAttributes: false,
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    // What the URL checks emptied: an image without a source goes, a link without a target
    // becomes its text.
    exclusiveFilter: (frame) => {
      if (frame.tag === 'img') return !frame.attribs.src;
      if (frame.tag === 'a' && !frame.attribs.href) return 'excludeTag';
      return false;
    },
    // URL resolution runs here, inside the sanitizer and before its scheme check (sanitize-html
    // applies transformTags first, then filters attributes): the check must judge the URL a
    // browser will actually follow. Resolving after sanitizing would let a relative reference
    // turn into something the check never saw, and the URL parser also undoes obfuscations
    // such as "java\tscript:" before the scheme is compared.
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...withResolved(attribs, 'href', baseUrl), rel: 'noopener noreferrer' },
      }),
      img: (tagName, attribs) => ({ tagName, attribs: withResolved(attribs, 'src', baseUrl) }),
    },
  });
}

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'div',
  'span',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'img',
  'figure',
  'figcaption',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'q',
  'cite',
  'pre',
  'code',
  'kbd',
  'samp',
  'var',
  'em',
  'strong',
  'b',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'abbr',
  'time',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'details',
  'summary',
];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  abbr: ['title'],
  time: ['datetime'],
  ol: ['start'],
  th: ['colspan', 'rowspan'],
  td: ['colspan', 'rowspan'],
};

/** Disallowed tags whose text would be noise (code, fallback markup) if the tag went but the text stayed. */
const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'xmp',
  'noscript',
  'noembed',
  'noframes',
  'iframe',
  'object',
  'embed',
  'template',
  'svg',
  'math',
  'title',
  'head',
];

/** The attributes with `name` made absolute, in their original order; dropped if it is no URL. */
function withResolved(attribs: sanitize.Attributes, name: string, baseUrl: string): sanitize.Attributes {
  const result: sanitize.Attributes = {};
  for (const [key, value] of Object.entries(attribs)) {
    const resolved = key === name ? resolveUrl(value, baseUrl) : value;
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}
