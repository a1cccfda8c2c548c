import { SourceError } from '../core/errors.js';
import type { FetchedBody, Settings, Source } from '../core/model.js';
import { dateWindow } from './dateWindow.js';
import type { ParseContext, ParsedSource } from './parseContext.js';
import { parseFeedSource } from './parseFeedSource.js';
import { parseHtmlSource } from './parseHtmlSource.js';
import { type JsonMapping, parseJsonSource } from './parseJsonSource.js';

/**
 * Every item of a fetched body, by the reader for the source's type; dedup, filter and cap come
 * after. Only a feed names itself; an API or a page leaves the name to the sources file.
 * `now` (epoch ms, the run's clock) bounds the dates items may carry (see dateWindow).
 *
 * @throws SourceError when the body is not what the source's type promises.
 */
export function parseSource(source: Source, fetched: FetchedBody, settings: Settings, now: number): ParsedSource {
  const { contentType, finalUrl } = fetched;
  const context: ParseContext = {
    contentType,
    finalUrl,
    sourceId: source.id,
    maxItemsPerSource: settings.maxItemsPerSource,
    dates: dateWindow(now, settings.futureDateToleranceHours),
  };
  switch (source.type) {
    case 'feed':
      return parseFeedSource(fetched.body, context);
    case 'json':
      return parseJsonSource(fetched.body, context, mappingOf(source));
    case 'html':
      return parseHtmlSource(fetched.body, context, mappingOf(source));
  }
}

/** The sources file guarantees a mapping for json and html sources; this only convinces the types. */
function mappingOf(source: Source): JsonMapping {
  if (source.items === undefined || source.fields === undefined) {
    throw new SourceError('internal', `source of type ${source.type} without items and fields`);
  }
  return { items: source.items, fields: source.fields };
}
