/**
 * Fixtures where Tributary deliberately reads differently from Python feedparser, each with the
 * reason. A disagreement on a fixture listed here still prints, with the reason, but counts as
 * agreement. Keyed by the fixture's path from the repository root.
 */
export type Allowance = string;

/** Shared reasons, named for what Tributary does. */
const RDF_ABOUT_IS_THE_LINK =
  "RSS 1.0 names each item by rdf:about, which the spec says should be the item's <link>; Tributary uses it as the " +
  'link when <link> is missing (or the item has no other), feedparser never does.';
const RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE =
  'Relative links resolve against the site the feed names (its channel or alternate link), as a reader expects; ' +
  'feedparser resolves them against the URL the feed was fetched from, which is often a feed proxy or CDN.';

export const ALLOWED: Record<string, Allowance> = {
  'test/fixtures/conformance/bodies/feedparser-item_description_not_a_doctype.xml':
    'The item\'s only content is the text <!\' <a href="foo"> as HTML: a broken tag, empty once sanitized, so ' +
    'there is nothing to show; feedparser keeps the raw text.',
  'test/fixtures/conformance/bodies/gofeed-rdf_item_description.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_description_cdata_escaped_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_description_cdata_naked_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_description_escaped_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_description_naked_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_title.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_title_cdata_escaped_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_title_cdata_naked_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_title_escaped_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/bodies/gofeed-rdf_item_title_naked_markup.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/links/feedparser-entry_id_with_attributes.xml':
    'The entry\'s only content is the id "right", which is no URL; feedparser resolves it against the document URL ' +
    'and makes a link of it.',
  'test/fixtures/conformance/links/feedparser-entry_link_no_href_link_priority.xml':
    "Debian's feedparser 6.0.10 predates its own fix: this fixture's expectation is the alternate link, which " +
    'Tributary gives.',
  'test/fixtures/conformance/links/feedparser-entry_link_rel_enclosure_no_href.xml':
    "Debian's feedparser 6.0.10 predates its own fix: this fixture's expectation is the alternate link, which " +
    'Tributary gives.',
  'test/fixtures/conformance/links/feedparser-rdf_item_description.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/links/feedparser-rdf_item_rdf_about.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/links/feedparser-rdf_item_title.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/links/gofeed-rdf_item_links.xml':
    "The first <link> is the item's link; feedparser takes the last, here an Atom-style <link href> that RSS 1.0 " +
    'does not have.',
  'test/fixtures/conformance/links/gofeed-rss_channel_item_guid_no_permalink.xml':
    'The item\'s only content is the guid "abc123", which is no URL; feedparser resolves it against the document ' +
    'URL and makes a link of it. Tributary has nothing to show.',
  'test/fixtures/conformance/links/gofeed-rss_channel_item_links.xml':
    "The first <link> is the item's link; feedparser takes the last, here an Atom-style <link href> that RSS 2.0 " +
    'does not have.',
  'test/fixtures/conformance/links/gofeed-rss_channel_item_uri_at_protocol.xml':
    "The <link> element's text is the link; feedparser drops it because the element also has a uri attribute.",
  'test/fixtures/conformance/links/node-feedparser-rss-with-item-scoped-html-base.xml':
    RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE,
  'test/fixtures/conformance/links/node-feedparser-rss-with-relative-html-urls-no-base.xml':
    RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE,
  'test/fixtures/conformance/links/node-feedparser-tpm-with-empty-base.atom': RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE,
  'test/fixtures/conformance/links/node-feedparser-tpm.atom': RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE,
  'test/fixtures/conformance/unknown-elements/gofeed-issue_217_enclosure_children.xml':
    'The only title is a media:title inside the <enclosure>, which describes the enclosure, not the item; ' +
    "feedparser lets it bleed into the item's title. With nothing else, the item has nothing to show.",
  'test/fixtures/conformance/xml-errors/feedparser-rdf_channel_empty_textinput.xml': RDF_ABOUT_IS_THE_LINK,
  'test/fixtures/conformance/xml-errors/feedparser-rss_incomplete_cdata.xml':
    "The document ends inside an item's title (<![CD); Tributary keeps the item with the text it could read, " +
    'feedparser drops the item.',
  'test/fixtures/conformance/xml-errors/tributary-html-entities.rss':
    '"&D" is no entity, so it is the text &D; feedparser\'s loose parser adds a semicolon (&D;) that is in neither ' +
    'the feed nor what a browser shows.',
  'test/fixtures/feeds/rss-parser/gulp-atom.atom': RELATIVE_LINKS_RESOLVE_AGAINST_THE_SITE,
};
