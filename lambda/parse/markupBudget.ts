import { SourceError } from '../core/errors.js';

/**
 * Deepest element nesting one fragment of feed HTML may have. The HTML parser under the sanitizer
 * keeps its open elements in an array it grows at the front, so each level costs as much as all
 * the levels above it: 300,000 levels blocked the event loop for 25 s. Browsers stop nesting
 * at 512 (Blink); content deeper than this is no article anyone wrote.
 */
export const MAX_MARKUP_DEPTH = 1_000; // elements
/**
 * Tags one source's HTML may hold in all, over every title, summary, content and author name:
 * the sanitizer is linear in tags once nesting is bounded, but it costs several microseconds per
 * tag, and all sources share one thread. See BENCHMARKS.md for what this costs at the limit.
 */
export const MAX_MARKUP_TAGS = 200_000; // per source

/**
 * Elements the HTML parser closes by itself when the next one opens (`<li>` after `<li>`) or that
 * never hold content (`<br>`): they never deepen its stack, so they are not counted as levels.
 */
const NEVER_NESTED = new Set(
  (
    'area base br col embed hr img input link meta param source track wbr ' +
    'p li dt dd tr td th option optgroup rb rt rp rtc thead tbody tfoot'
  ).split(' '),
);

/**
 * A tag's name; `[^<>]*` stops at the next `<`, so a `<` that never closes costs only the text up
 * to the next one, and the whole scan stays linear.
 */
const TAG = /<(\/?)([a-z][^\s/<>]*)[^<>]*>/gi;

/**
 * The work one source's HTML may cost the sanitizer, checked by a linear scan before any HTML
 * parser sees it: nesting per fragment and tags per source. Over either, the source fails alone
 * with `too_complex`, before the expensive part starts.
 */
export class MarkupBudget {
  private tags = 0;

  /**
   * @returns `html`, once it is known to fit.
   * @throws SourceError `too_complex` when it nests too deep or the source's tags run out.
   */
  checked(html: string): string {
    if (!html.includes('<')) return html;
    const open: string[] = [];
    const openCount = new Map<string, number>();
    for (const [, closing, rawName = ''] of html.matchAll(TAG)) {
      this.tags += 1;
      if (this.tags > MAX_MARKUP_TAGS) {
        throw new SourceError('too_complex', `HTML with more than ${MAX_MARKUP_TAGS} tags in one source`);
      }
      const name = rawName.toLowerCase();
      // `<div/>` opens a div in HTML: the parser ignores the slash, and so does this count.
      if (NEVER_NESTED.has(name)) continue;
      if (!closing) {
        open.push(name);
        openCount.set(name, (openCount.get(name) ?? 0) + 1);
        if (open.length > MAX_MARKUP_DEPTH) {
          throw new SourceError('too_complex', `HTML nested more than ${MAX_MARKUP_DEPTH} elements deep`);
        }
        continue;
      }
      // As the parser does: a closing tag closes everything opened since its element, or nothing.
      if (!openCount.get(name)) continue;
      for (;;) {
        const top = open.pop()!;
        openCount.set(top, openCount.get(top)! - 1);
        if (top === name) break;
      }
    }
    return html;
  }
}
