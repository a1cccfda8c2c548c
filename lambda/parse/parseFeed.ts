import { XMLValidator } from 'fast-xml-parser';
import { type AnyFeed, DetectError, MalformedError, parseFeed as parseAnyFeed, parseJsonFeed } from 'feedsmith';
import { messageOf, SourceError } from '../core/errors.js';
import { parseJsonText } from './parseJsonText.js';
import { recoverXml } from './recoverXml.js';

/**
 * A feed as feedsmith reads it: the detected format and that format's own fields; `recovered`
 * says what was wrong with the XML when it could only be read by the recovery path.
 */
export type ParsedFeed = AnyFeed & { recovered?: string };

/**
 * Reads RSS 0.9x/2.0, RDF (RSS 1.0), Atom 1.0 or JSON Feed 1.0/1.1 from text.
 *
 * feedsmith does not expand DTD entities (a "billion laughs" document yields the literal
 * `&lol9;`) and refuses external entities (XXE) outright, so no guard is needed before it;
 * the tests pin both behaviours.
 *
 * XML the strict reader refuses goes through the recovery path (see recoverXml) and is read
 * again; the result says what was wrong and where. The recovery path runs only after a failure,
 * so well-formed feeds cost what they always did. A document declaring an external entity is
 * not recovered: it is an attack, not a mistake.
 *
 * @throws SourceError `unsupported_format` when the text is not a feed (an HTML page, some other
 * XML or JSON), `malformed` when it is a feed that cannot be read even leniently (broken JSON, or
 * XML with nothing a reader could recognise), naming the first problem's line and column.
 */
export function parseFeed(text: string): ParsedFeed {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new SourceError('unsupported_format', 'not a feed: the response is empty');
  // JSON is recognised by its first character rather than left to feedsmith's detection, which
  // tries the XML formats first and would take a JSON Feed whose content mentions "<rss " for RSS.
  if (/^[{[]/.test(trimmed)) return parseJson(trimmed);
  try {
    return withUnknownBodies(parseAnyFeed(trimmed), trimmed);
  } catch (error) {
    const failure = explain(error, trimmed);
    if (failure.code !== 'malformed' || EXTERNAL_ENTITY.test(trimmed)) throw failure;
    return recover(trimmed, failure);
  }
}

/** A start tag of an element that holds an RSS item's body but that feedsmith does not know (see recoverXml). */
const UNKNOWN_BODY_TAG = /<(?:[\w.-]+:)?(?:fullitem|body)[\s>]/i;

/**
 * feedsmith leaves out an RSS item whose only content is an element it does not know, silently.
 * When such an element is there, the recovery path's writer, which reads it as the description,
 * reads the feed again, and its reading wins if it has more items. Other feeds pay one search.
 */
function withUnknownBodies(parsed: ParsedFeed, text: string): ParsedFeed {
  if (parsed.format !== 'rss' || !UNKNOWN_BODY_TAG.test(text)) return parsed;
  const again = parseAnyFeed(recoverXml(text));
  const count = (feed: ParsedFeed) => (feed.format === 'rss' ? (feed.feed.items?.length ?? 0) : 0);
  return count(again) > count(parsed) ? again : parsed;
}

/** An ENTITY declaration with SYSTEM or PUBLIC: one that names something outside the document. */
const EXTERNAL_ENTITY = /<!ENTITY\s[^>]*\b(?:SYSTEM|PUBLIC)\b/;

function recover(text: string, failure: SourceError): ParsedFeed {
  const problem = firstProblem(text);
  try {
    const recovered = problem ?? 'well-formed, but with no channel or items in a form the strict reader knows';
    return { ...parseAnyFeed(recoverXml(text)), recovered };
  } catch (error) {
    if (problem === undefined) throw failure;
    throw new SourceError('malformed', `not valid XML: ${problem}`, { cause: error });
  }
}

/** The first well-formedness error a validator finds, with its line and column. */
function firstProblem(text: string): string | undefined {
  const result = XMLValidator.validate(text);
  if (result === true) return undefined;
  // The validator names elements left open as a JSON list: "Invalid '[\n "rss",\n "channel"]' found."
  const unclosed = /^Invalid '\[([\s\S]*)\]' found/.exec(result.err.msg)?.[1];
  const message = unclosed
    ? `unclosed elements ${unclosed.replace(/[\s"]/g, '').replace(/,/g, ', ')}`
    : lowerFirst(collapse(result.err.msg).replace(/\.$/, ''));
  return `${message} at line ${result.err.line}, column ${result.err.col}`;
}

function parseJson(text: string): ParsedFeed {
  const json = parseJsonText(text);
  try {
    return { format: 'json', feed: parseJsonFeed(json) };
  } catch (error) {
    throw new SourceError('unsupported_format', 'not a feed: JSON without the fields of a JSON Feed', {
      cause: error,
    });
  }
}

/** An HTML doctype or root element, after any declarations and comments (OPML has a <head> too, inside <opml>). */
const HTML_PAGE = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html|head|body)[\s>]/i;

function explain(error: unknown, text: string): SourceError {
  if (error instanceof DetectError) {
    if (HTML_PAGE.test(text)) {
      return new SourceError('unsupported_format', 'not a feed: looks like an HTML page', { cause: error });
    }
    const what = text.startsWith('<') ? 'an XML document that is not RSS, Atom or RDF' : 'neither XML nor JSON';
    return new SourceError('unsupported_format', `not a feed: ${what}`, { cause: error });
  }
  if (error instanceof MalformedError) {
    return new SourceError('malformed', `not valid XML: ${lowerFirst(messageOf(error.cause))}`, { cause: error });
  }
  // feedsmith's ParseError: the root element was recognised but holds no channel or feed.
  return new SourceError('malformed', 'broken feed: found no channel or feed element to read', { cause: error });
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
