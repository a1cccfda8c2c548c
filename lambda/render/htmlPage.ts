import { PAGE_CONTENT_SECURITY_POLICY } from '../core/contentSecurityPolicy.js';
import { escapeHtml, safeHttpUrl } from './escape.js';
import { readableTime } from './readable.js';

// What the reading page and the status page share: the document around them, the colours, and
// how a link, a time or a count is written. Both are self-contained: inline CSS, no script, no assets.

// Colours meet WCAG AA contrast on the default light and dark backgrounds.
const BASE_STYLE = `
:root{color-scheme:light dark;
--ok:#1a7f37;--partial:#9a6700;--failed:#cf222e;--muted:#59636e;--line:#d1d9e0;--bar:#0969da;--track:#eff2f5}
@media (prefers-color-scheme:dark){:root{
--ok:#3fb950;--partial:#d29922;--failed:#f85149;--muted:#9198a1;--line:#3d444d;--bar:#4493f8;--track:#262c36}}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:75rem;padding:1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
a{overflow-wrap:anywhere}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.5rem 0;padding:0}
.note{color:var(--muted);font-size:.9rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap;border:0}
footer{margin-top:2rem;color:var(--muted);font-size:.9rem}`;

export interface HtmlPage {
  title: string;
  /** BCP 47. @default 'en' */
  language?: string;
  /** Extra elements for <head>, already escaped. */
  head?: string;
  /** The page's own CSS, after the shared rules. */
  style: string;
  /** Everything inside <body>, already escaped. */
  body: string;
}

export function htmlPage(page: HtmlPage): string {
  return `<!doctype html>
<html lang="${escapeHtml(page.language ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CONTENT_SECURITY_POLICY)}">
<title>${escapeHtml(page.title)}</title>
${page.head ?? ''}<style>${BASE_STYLE}${page.style}</style>
</head>
<body>
${page.body}
</body>
</html>
`;
}

/** A link when the URL is absolute http(s), else the text alone: no other scheme becomes clickable. */
export function linkOrText(url: string | undefined, text: string): string {
  return linkOnly(url, text) || escapeHtml(text);
}

export function linkOnly(url: string | undefined, text: string): string {
  const href = safeHttpUrl(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : '';
}

export function optionalTime(value: string | undefined): string {
  return value ? time(value) : '';
}

export function time(value: string): string {
  return `<time datetime="${escapeHtml(value)}">${escapeHtml(readableTime(value))}</time>`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
