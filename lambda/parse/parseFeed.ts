import { type AnyFeed, DetectError, MalformedError, parseFeed as parseAnyFeed, parseJsonFeed } from 'feedsmith';
import { messageOf, SourceError } from '../core/errors.js';
import { parseJsonText } from './parseJsonText.js';

/** A feed as feedsmith reads it: the detected format and that format's own fields. */
export type ParsedFeed = AnyFeed;

/**
 * Reads RSS 0.9x/2.0, RDF (RSS 1.0), Atom 1.0 or JSON Feed 1.0/1.1 from text.
 *
 * feedsmith does not expand DTD entities (a "billion laughs" document yields the literal
 * `&lol9;`) and refuses external entities (XXE) outright, so no guard is needed before it;
 * the tests pin both behaviours.
 *
 * @throws SourceError `unsupported_format` when the text is not a feed (an HTML page, some other
 * XML or JSON), `malformed` when it is a feed that cannot be read (broken XML or JSON).
 */
export function parseFeed(text: string): ParsedFeed {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new SourceError('unsupported_format', 'not a feed: the response is empty');
  // JSON is recognised by its first character rather than left to feedsmith's detection, which
  // tries the XML formats first and would take a JSON Feed whose content mentions "<rss " for RSS.
  if (/^[{[]/.test(trimmed)) return parseJson(trimmed);
  try {
    return parseAnyFeed(trimmed);
  } catch (error) {
    throw explain(error, trimmed);
  }
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

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
