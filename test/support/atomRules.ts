// The rules of RFC 4287 (Atom) that a reader relies on, checked on a document as a list of
// violations, each naming the element and the section: empty means the document keeps them.
// XML well-formedness is fast-xml-parser's validator; the rest is read off the parsed tree.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
/** RFC 3339 `date-time`, upper-case T and Z as §3.3 requires. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;
/** An absolute IRI: a scheme, then anything (§4.2.6 atom:id). */
const ABSOLUTE_IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;
const TEXT_TYPES = new Set(['text', 'html', 'xhtml']);

type Element = Record<string, unknown[] | string | undefined>;

/** Every violation found, or none. */
export function atomViolations(xml: string): string[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return [`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`];
  // Every element is a list, so a count is a length; attributes keep an `@` prefix.
  const tree = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  }).parse(xml) as Element;
  const roots = (tree.feed ?? []) as Element[];
  if (roots.length !== 1) return ['the document element must be one atom:feed'];
  const feed = roots[0]!;
  const problems: string[] = [];
  if (feed['@xmlns'] !== ATOM_NAMESPACE) problems.push(`feed: must be in the namespace ${ATOM_NAMESPACE}`);

  const entries = children(feed, 'entry');
  checkHead(feed, 'feed', problems);
  const links = children(feed, 'link');
  const self = links.filter((link) => link['@rel'] === 'self');
  if (self.length !== 1) problems.push(`feed: should have exactly one link rel="self" (§4.1.1), has ${self.length}`);
  const feedHasAuthor = children(feed, 'author').length > 0;
  entries.forEach((entry, index) => {
    const where = `entry[${index}]`;
    checkHead(entry, where, problems);
    for (const name of ['content', 'published', 'rights', 'source', 'summary']) atMostOne(entry, name, where, problems);
    const source = children(entry, 'source')[0];
    if (source) checkSource(source, `${where}.source`, problems);
    const hasAuthor = children(entry, 'author').length > 0 || (source && children(source, 'author').length > 0);
    if (!feedHasAuthor && !hasAuthor) problems.push(`${where}: needs an author, as the feed has none (§4.1.1)`);
    const alternate = children(entry, 'link').some((link) => (link['@rel'] ?? 'alternate') === 'alternate');
    if (children(entry, 'content').length === 0 && !alternate)
      problems.push(`${where}: without content it must have a link rel="alternate" (§4.1.1)`);
    for (const content of children(entry, 'content')) {
      const type = attribute(content, 'type') ?? 'text';
      if (!TEXT_TYPES.has(type) && !type.includes('/'))
        problems.push(`${where}.content: bad type "${type}" (§4.1.3.1)`);
    }
    for (const name of ['published']) checkDates(entry, name, where, problems);
  });
  return problems;
}

/** What atom:feed and atom:entry share: exactly one id, title and updated (§4.1.1, §4.1.2). */
function checkHead(element: Element, where: string, problems: string[]): void {
  for (const name of ['id', 'title', 'updated']) {
    const count = children(element, name).length;
    if (count !== 1) problems.push(`${where}: must have exactly one atom:${name} (§4.1), has ${count}`);
  }
  if (where === 'feed') {
    for (const name of ['generator', 'icon', 'logo', 'rights', 'subtitle']) atMostOne(element, name, where, problems);
  }
  checkCommon(element, where, problems);
}

/** atom:source: the feed's metadata, each at most once (§4.2.11). */
function checkSource(source: Element, where: string, problems: string[]): void {
  for (const name of ['id', 'title', 'updated', 'generator', 'icon', 'logo', 'rights', 'subtitle'])
    atMostOne(source, name, where, problems);
  checkCommon(source, where, problems);
}

function checkCommon(element: Element, where: string, problems: string[]): void {
  for (const id of children(element, 'id')) {
    if (!ABSOLUTE_IRI.test(text(id))) problems.push(`${where}.id: must be an absolute IRI (§4.2.6): "${text(id)}"`);
  }
  checkDates(element, 'updated', where, problems);
  for (const name of ['title', 'subtitle', 'summary', 'rights']) {
    for (const construct of children(element, name)) {
      const type = attribute(construct, 'type') ?? 'text';
      if (!TEXT_TYPES.has(type)) problems.push(`${where}.${name}: type must be text, html or xhtml (§3.1.1)`);
    }
  }
  const alternates = new Set<string>();
  for (const link of children(element, 'link')) {
    if (!attribute(link, 'href')) problems.push(`${where}.link: must have an href (§4.2.7.1)`);
    if ((attribute(link, 'rel') ?? 'alternate') !== 'alternate') continue;
    const key = `${attribute(link, 'type') ?? ''} ${attribute(link, 'hreflang') ?? ''}`;
    if (alternates.has(key))
      problems.push(`${where}: more than one link rel="alternate" with the same type and hreflang (§4.1.1)`);
    alternates.add(key);
  }
  for (const person of [...children(element, 'author'), ...children(element, 'contributor')]) {
    if (children(person, 'name').length !== 1) problems.push(`${where}.author: must have exactly one name (§3.2)`);
    atMostOne(person, 'uri', `${where}.author`, problems);
  }
  for (const category of children(element, 'category')) {
    if (!attribute(category, 'term')) problems.push(`${where}.category: must have a term (§4.2.2.1)`);
  }
}

function checkDates(element: Element, name: string, where: string, problems: string[]): void {
  for (const date of children(element, name)) {
    const value = text(date);
    if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))
      problems.push(`${where}.${name}: not an RFC 3339 date-time (§3.3): "${value}"`);
  }
}

function atMostOne(element: Element, name: string, where: string, problems: string[]): void {
  const count = children(element, name).length;
  if (count > 1) problems.push(`${where}: at most one atom:${name}, has ${count}`);
}

function children(element: Element, name: string): Element[] {
  const value = element[name];
  return Array.isArray(value)
    ? value.map((child) => (typeof child === 'object' ? child : { '#text': [child] }) as Element)
    : [];
}

function attribute(element: Element, name: string): string | undefined {
  const value = element[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function text(element: Element): string {
  const value = element['#text'];
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}
