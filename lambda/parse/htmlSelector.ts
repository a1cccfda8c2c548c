import { compile, selectAll, selectOne } from 'css-select';
import render from 'dom-serializer';
import type { AnyNode, Element } from 'domhandler';
import { innerText } from 'domutils';
import { HtmlSelectorError, messageOf } from '../core/errors.js';

/**
 * A CSS selector, optionally followed by `@attribute`, as written in a sources file for type
 * html: `h2 a` (the text of the first match), `h2 a@href` (its href), `@data-id` or
 * `:scope@data-id` (an attribute of the item element itself), `:scope` (the item's own text).
 * Also parsed when the sources file is read, so a typo rejects the file rather than failing
 * every run.
 */
export class HtmlSelector {
  private constructor(
    private readonly query: Query | undefined,
    /** Lower-cased, as the HTML parser stores attribute names. */
    readonly attribute: string | undefined,
  ) {}

  /** @throws HtmlSelectorError saying what is wrong with the selector. */
  static parse(text: string): HtmlSelector {
    const trimmed = text.trim();
    const at = attributeAt(trimmed);
    const selector = (at === -1 ? trimmed : trimmed.slice(0, at)).trim();
    const attribute = at === -1 ? undefined : trimmed.slice(at + 1).toLowerCase();
    if (selector === '' && attribute === undefined) throw new HtmlSelectorError('empty selector');
    if (attribute !== undefined && !ATTRIBUTE_NAME.test(attribute)) {
      throw new HtmlSelectorError(`"${attribute}" after "@" is not an attribute name`);
    }
    let query: Query | undefined;
    // `:scope` alone is the item element itself, as in CSS; css-select would look only below it.
    if (selector !== '' && selector.toLowerCase() !== ':scope') {
      try {
        // Typed by the elements it can match, which is what selectAll needs to return elements.
        query = compile<AnyNode, Element>(selector) as Query;
      } catch (error) {
        throw new HtmlSelectorError(`not a CSS selector: ${messageOf(error)}`, { cause: error });
      }
    }
    return new HtmlSelector(query, attribute);
  }

  /** Whether it names elements below the page's root, as the list of items must: a CSS query, without `@attribute`. */
  get selectsElements(): boolean {
    return this.query !== undefined && this.attribute === undefined;
  }

  /** Every element under `root` the selector matches, in document order. */
  selectAll(root: AnyNode | AnyNode[]): Element[] {
    return this.query ? selectAll<AnyNode, Element>(this.query, root) : [];
  }

  /** The first element inside `item` the selector matches (`item` itself for `:scope` or a bare `@attribute`). */
  private selectOne(item: Element): Element | undefined {
    return this.query ? (selectOne<AnyNode, Element>(this.query, item) ?? undefined) : item;
  }

  /** The attribute's value, or the element's text when the selector names no attribute. */
  text(item: Element): string | undefined {
    const element = this.selectOne(item);
    if (!element) return undefined;
    return this.attribute === undefined ? innerText(element) : element.attribs[this.attribute];
  }

  /** The attribute's value, or the element's inner HTML when the selector names no attribute. */
  html(item: Element): string | undefined {
    const element = this.selectOne(item);
    if (!element) return undefined;
    return this.attribute === undefined ? render(element.children) : element.attribs[this.attribute];
  }
}

type Query = (element: Element) => boolean;

const ATTRIBUTE_NAME = /^[a-z_:][-a-z0-9_:.]*$/;

/**
 * Where the `@attribute` suffix starts, or -1. An "@" inside an attribute selector's brackets
 * or quotes (`a[href^="mailto:me@example.com"]`) is part of the selector, not the suffix.
 */
function attributeAt(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  let last = -1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === '@' && depth === 0) last = index;
  }
  return last;
}
