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
  // For each open element, whether it was written: a name no XML parser accepts is left out, its content kept.
  const open: boolean[] = [];
  let inCdata = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (open.length >= MAX_RECOVERED_DEPTH) {
          throw new SourceError('malformed', `elements nested deeper than ${MAX_RECOVERED_DEPTH}`);
        }
        const written = VALID_NAME.test(name);
        if (written) out.push(`<${name}${attributesOf(attributes)}>`);
        open.push(written);
      },
      onclosetag(name) {
        if (open.pop()) out.push(`</${name}>`);
      },
      ontext(data) {
        // Text outside the root (stray characters, a DTD's internal subset) is no content.
        if (open.length > 0) out.push(escapeText(inCdata ? data : decodeHTML(data)));
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
