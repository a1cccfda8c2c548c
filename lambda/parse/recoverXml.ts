import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';

import { SourceError } from '../core/errors.js';

/**
 * Deepest element nesting the recovery path reads. Real feeds nest a few dozen levels, XHTML
 * content included; htmlparser2 keeps its open elements in an array it shifts, so each level
 * costs as much as the levels above it and a hostile depth would be quadratic.
 */
export const MAX_RECOVERED_DEPTH = 1_000; // elements

/**
 * A broken XML document read the way a browser or Python feedparser's loose parser reads it, and
 * written back as well-formed XML for the strict reader. htmlparser2's XML mode never fails: a
 * bare `&` or `<` stays text, a tag closed out of order or never closed is closed where its
 * parent ends, an unterminated CDATA section runs to the end. Entities are decoded by HTML's
 * rules (`&nbsp;`, `&eacute`), which is what the publisher meant.
 *
 * Safety: htmlparser2 does not read DTDs; declarations, comments and processing instructions are
 * dropped here, and an entity only a DTD defines (`&lol9;`, `&xxe;`) is not an HTML entity, so it
 * stays literal text: nothing is expanded and nothing is fetched. One pass, no tree kept, and the
 * depth is bounded, so the work is linear in the input.
 *
 * @throws SourceError `malformed` when elements nest deeper than MAX_RECOVERED_DEPTH.
 */
export function recoverXml(text: string): string {
  const out: string[] = [];
  // For each open element, the tags written for it, to close in reverse: none when it was left
  // out (a name no XML parser accepts: its content is kept) or written as markup inside a body.
  const open: string[][] = [];
  let inCdata = false;
  /** Depth of the body element whose markup is being written as text (see BODY), or 0. */
  let markupFrom = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (open.length >= MAX_RECOVERED_DEPTH) {
          throw new SourceError('malformed', `elements nested deeper than ${MAX_RECOVERED_DEPTH}`);
        }
        if (markupFrom > 0) {
          out.push(escapeText(`<${localName(name)}${attributesOf(attributes)}>`));
          open.push([]);
          return;
        }
        // An RSS document with its items straight under <rss>: they get the channel they lack.
        const parent = open.at(-1);
        if (parent?.length === 1 && parent[0] === 'rss' && name !== 'channel') {
          out.push('<channel>');
          parent.push('channel');
        }
        let written = VALID_NAME.test(name) ? name : undefined;
        if (written !== undefined && BODY.test(name)) {
          written = 'description';
          if (localName(name).toLowerCase() === 'body') markupFrom = open.length + 1;
        }
        if (written !== undefined) out.push(`<${written}${attributesOf(attributes)}>`);
        open.push(written === undefined ? [] : [written]);
      },
      onclosetag(name) {
        if (markupFrom > 0 && open.length > markupFrom) {
          open.pop();
          out.push(escapeText(`</${localName(name)}>`));
          return;
        }
        if (open.length === markupFrom) markupFrom = 0;
        for (const written of (open.pop() ?? []).reverse()) out.push(`</${written}>`);
      },
      ontext(data) {
        // Text outside the root (stray characters, a DTD's internal subset) is no content.
        if (open.length === 0) return;
        const text = escapeText(inCdata ? data : decodeHTML(data));
        out.push(markupFrom > 0 ? escapeText(text) : text);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false },
  );
  parser.end(text);
  return out.join('');
}

/**
 * Elements that hold an RSS item's body but that feedsmith does not know, read as its
 * description: Netscape's `<fullitem>` and an inline XHTML `<body>` (any prefix), whose markup
 * becomes the description's HTML.
 */
const BODY = /^(?:fullitem|(?:[\w.-]+:)?body)$/i;

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function attributesOf(attributes: Record<string, string>): string {
  let written = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (VALID_NAME.test(name)) written += ` ${name}="${escapeAttribute(decodeHTMLAttribute(value))}"`;
  }
  return written;
}

/** A name a strict XML parser accepts; htmlparser2 also passes on fragments like `"` or `a"b`. */
const VALID_NAME = /^[A-Za-z_][\w.:-]*$/;

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
