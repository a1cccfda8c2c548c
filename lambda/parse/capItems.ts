/**
 * Items read from each end of a body per item a source may show: filters and repeats are applied
 * after parsing, so a source whose filter keeps one item in ten still fills its `maxItemsPerSource`.
 */
export const PARSED_ITEMS_PER_KEPT = 10;

/**
 * Feed text with only its first and last `keep` items, found by a linear scan before any parser
 * runs: a parser materialises every item it meets, and 5 MB of `{"title":"a"},` is 350,000
 * objects (hundreds of megabytes) for a feed of which a hundred items will be kept. Both ends are
 * kept because feeds list newest first or, some of them, oldest first; the items in the middle
 * are cut out of the text, so the parser never builds them. What surrounds the items (the
 * channel, the rest of the document) stays, and the text stays as well-formed as it was.
 *
 * The scan only finds where items end; it never decides what is valid. A text it cannot follow
 * (no items, or items it does not recognise) is returned as it was, for the parser to judge.
 */
export function capItems(text: string, keep: number): string {
  const between = /^\s*[{[]/.test(text) ? jsonItemSeparators(text) : xmlItemEnds(text).slice(0, -1);
  // `between[i]` separates item i from item i + 1: cut from after item keep - 1 to before item n - keep.
  const from = between[keep - 1];
  const to = between[between.length - keep];
  if (keep < 1 || from === undefined || to === undefined || to <= from) return text;
  return text.slice(0, from) + text.slice(to);
}

/** RSS and RDF `<item>`, Atom `<entry>`, any namespace prefix; `<item/>` counts too. */
const ITEM_TAG = /^(?:[\w.-]+:)?(?:item|entry)$/;

/** The index just past each item's end tag (or empty-element tag), in order. */
function xmlItemEnds(text: string): number[] {
  const ends: number[] = [];
  let at = text.indexOf('<');
  while (at !== -1) {
    let next: number;
    if (text.startsWith('<![CDATA[', at)) next = endAfter(text, ']]>', at);
    else if (text.startsWith('<!--', at)) next = endAfter(text, '-->', at);
    else {
      next = endAfter(text, '>', at);
      const closing = text.charCodeAt(at + 1) === 0x2f; // "/"
      const name = /^[^\s/>]*/.exec(text.slice(at + (closing ? 2 : 1), at + 200))?.[0] ?? '';
      const empty = !closing && text.charCodeAt(next - 2) === 0x2f;
      if (next !== -1 && (closing || empty) && ITEM_TAG.test(name)) ends.push(next);
    }
    if (next === -1) break;
    at = text.indexOf('<', next);
  }
  return ends;
}

/** The index just past the first `end` after `at`, or -1 when the text ends first. */
function endAfter(text: string, end: string, at: number): number {
  const found = text.indexOf(end, at + 1);
  return found === -1 ? -1 : found + end.length;
}

/**
 * The commas between the elements of a JSON Feed's `items` (a top-level object's), or of a
 * top-level array. Strings are skipped whole, so brackets and commas inside them do not count;
 * empty when the array never closes.
 */
function jsonItemSeparators(text: string): number[] {
  const commas: number[] = [];
  let depth = 0;
  let itemsDepth: number | undefined = /^\s*\[/.test(text) ? 1 : undefined;
  let lastString: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charCodeAt(at);
    if (char === 0x22) {
      const end = stringEnd(text, at);
      if (end === -1) return [];
      if (depth === 1) lastString = text.slice(at + 1, Math.min(end, at + 7));
      at = end;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (char === 0x5b && depth === 2 && itemsDepth === undefined && lastString === 'items') itemsDepth = 2;
    } else if (char === 0x7d || char === 0x5d) {
      if (depth === itemsDepth) return commas;
      depth -= 1;
    } else if (char === 0x2c && depth === itemsDepth) {
      commas.push(at);
    }
  }
  return [];
}

/** The index of the quote that closes the string opening at `at`, or -1 when it never closes. */
function stringEnd(text: string, at: number): number {
  let end = text.indexOf('"', at + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}
