import { type Opml, parseOpml } from 'feedsmith';

import { InvalidInputError } from '../core/errors.js';
import type { SourcesFile } from '../core/model.js';
import { resolveHttpUrl } from '../core/resolveUrl.js';
import { validateSourcesFile } from './sourcesFile.js';

/** A sources file made from an OPML list, and what was left out of it and why. */
export interface OpmlImport {
  sourcesFile: SourcesFile;
  /** One line per outline skipped, naming it and the reason. */
  warnings: string[];
}

const MAX_ID_LENGTH = 64; // characters, as the sources file allows

/**
 * The feeds of an OPML subscription list (as feed readers export it) as a sources file. Folders
 * are flattened; each outline with an http(s) `xmlUrl` becomes a feed source whose id is its
 * title (or text) made into a slug, made unique with `-2`, `-3` …. Outlines without a usable
 * `xmlUrl`, and repeats of a URL already listed, are skipped with a warning. The result is
 * validated like any sources file, so it loads as printed.
 *
 * @throws InvalidInputError when the text is not OPML or lists no usable feed.
 */
export function opmlToSourcesFile(xml: string, origin = 'the OPML file'): OpmlImport {
  const { sources, warnings } = opmlFeeds(xml, origin);
  if (sources.length === 0) {
    throw new InvalidInputError('sources', origin, 'no outline has an http(s) xmlUrl, so there is no feed to import');
  }
  return { sourcesFile: validateSourcesFile({ sources }, origin), warnings };
}

/** A feed source as the OPML import writes it. */
export interface FeedSource {
  id: string;
  url: string;
  type: 'feed';
}

/**
 * The feeds of an OPML list as sources, avoiding the ids and URLs of `existing` sources (for adding
 * to a sources file): a feed whose URL is listed already is skipped with a warning.
 */
export function opmlFeeds(
  xml: string,
  origin: string,
  existing: readonly { id: string; url: string }[] = [],
): { sources: FeedSource[]; warnings: string[] } {
  let document: Opml.Document<string>;
  try {
    document = parseOpml(xml);
  } catch (cause) {
    throw new InvalidInputError('sources', origin, 'not an OPML document (expected <opml> with a <body> of outlines)', {
      cause,
    });
  }
  const warnings: string[] = [];
  const ids = new UniqueIds(existing.map((source) => source.id));
  // Where a URL is listed already, as a warning names it.
  const listedAs = new Map(existing.map(({ id, url }) => [url, `"${id}" in the sources file`]));
  const sources: FeedSource[] = [];
  for (const outline of flatten(document.body?.outlines ?? [])) {
    // Titles and URLs are someone else's text, echoed to a terminal: no escape sequences.
    const name = printable(outline.title ?? outline.text ?? '').trim();
    const label = name ? `"${name}"` : 'an outline without a title';
    if (outline.xmlUrl === undefined) {
      if (!outline.outlines?.length) warnings.push(`skipped ${label}: no xmlUrl`);
      continue;
    }
    const url = resolveHttpUrl(outline.xmlUrl, undefined);
    if (url === undefined) {
      warnings.push(`skipped ${label}: xmlUrl ${printable(JSON.stringify(outline.xmlUrl))} is not an http(s) URL`);
      continue;
    }
    const listed = listedAs.get(url);
    if (listed !== undefined) {
      warnings.push(`skipped ${label}: same xmlUrl as ${listed}`);
      continue;
    }
    const id = ids.claim(slug(name) || slug(new URL(url).hostname.replace(/^www\./, '')) || 'feed');
    listedAs.set(url, `"${id}"`);
    sources.push({ id, url, type: 'feed' });
  }
  return { sources, warnings };
}

/** Every outline in document order, folders before their contents. */
function* flatten(outlines: readonly Opml.Outline<string>[]): Generator<Opml.Outline<string>> {
  for (const outline of outlines) {
    yield outline;
    yield* flatten(outline.outlines ?? []);
  }
}

/** "Café & Crème: News" → "cafe-creme-news": letters and digits, accents dropped, joined by "-". */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ID_LENGTH)
    .replace(/-+$/, '');
}

/**
 * C0 and C1 control characters (ESC and CSI start terminal escape sequences: colours, window
 * titles, cursor moves) and bidirectional overrides (which make text read differently from what
 * it is), each shown as U+FFFD.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` safe to print to a terminal. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\ufffd');
}

/**
 * Ids handed out once each: a taken base gets `-2`, `-3` …. Each base remembers the next number
 * to try, so 30,000 outlines with one title take linear time, not one scan of the taken numbers
 * per outline.
 */
class UniqueIds {
  private readonly taken: Set<string>;
  private readonly next = new Map<string, number>();

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  claim(base: string): string {
    let id = base;
    let n = this.next.get(base) ?? 2;
    while (this.taken.has(id)) {
      const suffix = `-${n}`;
      id = `${base.slice(0, MAX_ID_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
      n += 1;
    }
    this.next.set(base, n);
    this.taken.add(id);
    return id;
  }
}
