import type { Source } from '../core/model.js';

/** What the renderers need besides the items. The caller reads the clock, so rendering stays pure. */
export interface RenderContext {
  /** Title of the feeds and of the report page. */
  title: string;
  /** When this rendering was made, RFC 3339; stands in for dates the items lack. */
  generatedAt: string;
  /** Where people read the feed; linked only when absolute http(s). */
  homePageUrl?: string;
  /** Where feed.json is published; linked only when absolute http(s). */
  feedJsonUrl?: string;
  /** Where feed.xml is published; Atom's rel="self" is written only when absolute http(s). */
  feedXmlUrl?: string;
  /** Every configured source, so an entry can name the feed it came from. */
  sources: Source[];
}
