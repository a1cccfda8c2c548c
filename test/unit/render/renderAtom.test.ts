import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '../../../lambda/render/renderAtom.js';
import { atomViolations } from '../../support/atomRules.js';
import { anItem, manyItems } from '../../support/builders/items.js';
import {
  aContext,
  aFeedContext,
  aNamedSource,
  aSource,
  HOSTILE_TEXT,
  HOSTILE_TEXT_VISIBLE,
  JAVASCRIPT_URL,
  published,
} from './builders.js';

// XML 1.0 §2.2: what may not appear in a document at all, escaped or not.
const ILLEGAL_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// Atom declares no DTD, so only the five predefined entities and character references resolve.
const UNDECLARED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i;

/** Fails unless the document is well-formed XML 1.0: checks fast-xml-parser's validator leaves out. */
function expectWellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toMatch(ILLEGAL_XML_CHAR);
  expect(xml).not.toMatch(UNDECLARED_ENTITY);
  // `]]>` is forbidden in character data; this document writes no CDATA sections.
  expect(xml).not.toContain(']]>');
}

type Node = Record<string, unknown>;

/** The document as a tree of elements; attributes under `@name`, text under `#text` when mixed. */
function xmlTree(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    isArray: (name) => ['entry', 'link', 'author', 'category'].includes(name),
  });
  return parser.parse(xml) as Node;
}

function entriesOf(xml: string): Node[] {
  return ((xmlTree(xml).feed as Node).entry ?? []) as Node[];
}

function textOf(node: unknown): unknown {
  return typeof node === 'object' && node !== null ? (node as Node)['#text'] : node;
}

describe('renderAtom', () => {
  it('writes a well-formed Atom feed that feedsmith reads back', () => {
    // Prepare
    const items = manyItems(3);

    // Act
    const xml = renderAtom(published(items), aContext());

    // Assess
    expectWellFormed(xml);
    const parsed = parseFeed(xml);
    expect(parsed.format).toBe('atom');
    if (parsed.format !== 'atom') return;
    expect(parsed.feed.id).toBe('https://feeds.example.org/feed.xml');
    expect(parsed.feed.title).toEqual({ value: 'Tributary test feed' });
    expect(parsed.feed.entries?.map((entry) => entry.id)).toEqual(items.map((item) => item.id));
  });

  it('gives the feed the elements Atom requires: id, title, updated, an author, and a generator', () => {
    // Act
    const feed = xmlTree(renderAtom(published(manyItems(2)), aContext())).feed as Node;

    // Assess
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://feeds.example.org/feed.xml');
    expect(feed.title).toBe('Tributary test feed');
    expect(feed.updated).toBe('2025-03-01T00:00:00.000Z');
    expect(feed.author).toEqual([{ name: 'Tributary' }]);
    expect(feed.generator).toBe('Tributary');
    expect(feed.link).toEqual([
      { '@rel': 'self', '@type': 'application/atom+xml', '@href': 'https://feeds.example.org/feed.xml' },
      { '@rel': 'alternate', '@type': 'text/html', '@href': 'https://feeds.example.org/' },
    ]);
  });

  it('writes rel="self" only when the feed URL is absolute, and still has an IRI for an id', () => {
    // Act
    const feed = xmlTree(
      renderAtom(published([anItem()]), aContext({ feedXmlUrl: 'feed.xml', homePageUrl: undefined })),
    ).feed as Node;

    // Assess
    expect(feed.link).toBeUndefined();
    expect(feed.id).toBe('urn:tributary:feed:Tributary%20test%20feed');
  });

  it('dates the feed by its newest entry, but never later than generatedAt', () => {
    // Prepare
    const context = aContext({ generatedAt: '2025-03-05T00:00:00Z' });
    const older = anItem({ date_published: '2025-03-01T00:00:00Z' });
    const modified = anItem({ date_published: '2025-02-01T00:00:00Z', date_modified: '2025-03-03T00:00:00Z' });
    const future = anItem({ date_published: '2099-01-01T00:00:00Z' });

    // Act
    const byNewest = xmlTree(renderAtom(published([older, modified]), context)).feed as Node;
    const withFuture = xmlTree(renderAtom(published([older, future]), context)).feed as Node;
    const undated = xmlTree(renderAtom(published([anItem({ date_published: undefined })]), context)).feed as Node;
    const empty = xmlTree(renderAtom(published([]), context)).feed as Node;

    // Assess
    expect(byNewest.updated).toBe('2025-03-03T00:00:00Z');
    expect(withFuture.updated).toBe('2025-03-05T00:00:00Z');
    expect(undated.updated).toBe('2025-03-05T00:00:00Z');
    expect(empty.updated).toBe('2025-03-05T00:00:00Z');
  });

  it('gives every entry id, title, updated and a source with id, title and link', () => {
    // Prepare
    const context = aContext({ sources: [aSource(), aSource({ id: 'other', url: 'https://other.example/rss' })] });
    const items = [...manyItems(2), anItem({ id: 'x', sourceId: 'other' })];

    // Act
    const entries = entriesOf(renderAtom(published(items), context));

    // Assess
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry.id).toEqual(expect.any(String));
      expect(textOf(entry.title)).toEqual(expect.any(String));
      expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(entry.source).toMatchObject({
        id: expect.any(String),
        title: expect.any(String),
        link: [{ '@href': expect.any(String) }],
      });
    }
    expect(entries[2]!.source).toEqual({
      id: 'https://other.example/rss',
      title: 'other',
      link: [{ '@rel': 'self', '@href': 'https://other.example/rss' }],
    });
  });

  it('names a source that is no longer configured by its id, without a link', () => {
    // Act
    const [entry] = entriesOf(renderAtom(published([anItem({ sourceId: 'gone away' })]), aContext()));

    // Assess
    expect(entry!.source).toEqual({ id: 'urn:tributary:source:gone%20away', title: 'gone away' });
  });

  it('maps the item to entry elements', () => {
    // Prepare
    const item = anItem({
      summary: 'Short',
      date_modified: '2025-03-02T00:00:00Z',
      authors: [{ name: 'Ada', url: 'https://ada.example/' }, { url: 'https://anon.example/' }],
      tags: ['news', ' '],
    });

    // Act
    const [entry] = entriesOf(renderAtom(published([item]), aContext()));

    // Assess
    expect(entry).toMatchObject({
      id: 'https://example.com/posts/1',
      title: 'First post',
      updated: '2025-03-02T00:00:00Z',
      published: '2025-03-01T10:00:00Z',
      link: [{ '@rel': 'alternate', '@href': 'https://example.com/posts/1' }],
      author: [
        { name: 'Ada', uri: 'https://ada.example/' },
        { name: 'https://anon.example/', uri: 'https://anon.example/' },
      ],
      category: [{ '@term': 'news' }],
      content: { '@type': 'html', '#text': '<p>Hello</p>' },
      summary: { '@type': 'text', '#text': 'Short' },
    });
  });

  it('writes HTML content escaped, so a reader gets the markup back exactly', () => {
    // Prepare
    const html = '<p>a &amp; b <a href="https://x.example/?a=1&b=2">link</a></p>';

    // Act
    const xml = renderAtom(published([anItem({ content_html: html })]), aContext());

    // Assess
    expect(xml).toContain('<content type="html">&lt;p&gt;a &amp;amp; b');
    const parsed = parseFeed(xml);
    expect(parsed.format === 'atom' && parsed.feed.entries?.[0]?.content?.value).toBe(html);
  });

  it('writes plain content as type text, falling back to the summary', () => {
    // Act
    const [text, summaryOnly] = entriesOf(
      renderAtom(
        published([
          anItem({ content_html: undefined, content_text: 'plain' }),
          anItem({ content_html: undefined, summary: 'sum' }),
        ]),
        aContext(),
      ),
    );

    // Assess
    expect(text!.content).toEqual({ '@type': 'text', '#text': 'plain' });
    expect(summaryOnly!.content).toEqual({ '@type': 'text', '#text': 'sum' });
  });

  it.each([
    [
      'the start of its text when there is no title',
      { title: '  ', content_html: '<p>Hello &amp; <b>bye</b></p>' },
      'Hello & bye',
    ],
    [
      'its text cut to a line',
      { title: undefined, content_html: undefined, content_text: 'word '.repeat(40) },
      `${'word '.repeat(16).slice(0, 79)}…`,
    ],
    [
      'the link when there is no title and no text',
      { title: '  ', content_html: undefined },
      'https://example.com/posts/1',
    ],
    [
      '"(untitled)" when there is none of them',
      { title: undefined, url: undefined, content_html: undefined },
      '(untitled)',
    ],
  ])('titles an entry with %s', (_, overrides, expected) => {
    // Act
    const [entry] = entriesOf(renderAtom(published([anItem(overrides)]), aContext()));

    // Assess
    expect(entry!.title).toBe(expected);
  });

  it('dates an entry by date_modified, else date_published, else generatedAt', () => {
    // Prepare
    const items = [
      anItem({ date_published: '2025-01-01T00:00:00Z', date_modified: '2025-01-02T00:00:00Z' }),
      anItem({ date_published: '2025-01-01T00:00:00Z' }),
      anItem({ date_published: undefined }),
    ];

    // Act
    const entries = entriesOf(renderAtom(published(items), aContext()));

    // Assess
    expect(entries.map((entry) => entry.updated)).toEqual([
      '2025-01-02T00:00:00Z',
      '2025-01-01T00:00:00Z',
      '2025-03-01T10:05:02.500Z',
    ]);
    expect(entries[2]).not.toHaveProperty('published');
  });

  it('turns an item id that is not an IRI into a stable URN', () => {
    // Act
    const [entry] = entriesOf(renderAtom(published([anItem({ id: 'guid 42/ä' })]), aContext()));

    // Assess
    expect(entry!.id).toBe('urn:tributary:item:guid%2042%2F%C3%A4');
  });

  it('stays well-formed, and shows the text as it was, when every field is hostile', () => {
    // Prepare
    const item = anItem({
      id: HOSTILE_TEXT,
      title: HOSTILE_TEXT,
      url: JAVASCRIPT_URL,
      content_html: HOSTILE_TEXT,
      summary: HOSTILE_TEXT,
      authors: [{ name: HOSTILE_TEXT, url: JAVASCRIPT_URL }],
      tags: [HOSTILE_TEXT],
      sourceId: HOSTILE_TEXT,
    });
    const context = aContext({ title: HOSTILE_TEXT, sources: [aSource({ id: HOSTILE_TEXT, url: JAVASCRIPT_URL })] });

    // Act
    const xml = renderAtom(published([item]), context);

    // Assess
    expectWellFormed(xml);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('javascript:');
    const [entry] = entriesOf(xml);
    expect(entry).toMatchObject({
      title: HOSTILE_TEXT_VISIBLE,
      content: { '#text': HOSTILE_TEXT_VISIBLE },
      summary: { '#text': HOSTILE_TEXT_VISIBLE },
      author: [{ name: HOSTILE_TEXT_VISIBLE }],
      category: [{ '@term': HOSTILE_TEXT_VISIBLE }],
      source: { title: HOSTILE_TEXT_VISIBLE },
    });
    expect(entry).not.toHaveProperty('link');
    expect(parseFeed(xml).format).toBe('atom');
  });

  it('carries the feed identity: subtitle, authors, icon, language, and the hub beside the self link', () => {
    // Prepare
    const context = aFeedContext({
      description: 'What the team reads',
      icon: 'https://feeds.example.org/icon.png',
      authors: [{ name: 'The team', url: 'https://team.example/' }, { url: JAVASCRIPT_URL }],
      language: 'en-GB',
      hub: 'https://hub.example/',
    });

    // Act
    const xml = renderAtom(published(manyItems(2)), context);

    // Assess
    expect(atomViolations(xml)).toEqual([]);
    const feed = xmlTree(xml).feed as Node;
    expect(feed['@xml:lang']).toBe('en-GB');
    expect(feed.subtitle).toBe('What the team reads');
    expect(feed.icon).toBe('https://feeds.example.org/icon.png');
    expect(feed.author).toEqual([{ name: 'The team', uri: 'https://team.example/' }]);
    expect(feed.link).toContainEqual({ '@rel': 'hub', '@href': 'https://hub.example/' });
    expect(feed.link).toContainEqual({
      '@rel': 'self',
      '@type': 'application/atom+xml',
      '@href': 'https://feeds.example.org/feed.xml',
    });
  });

  it('announces no hub without a self link, as WebSub needs both', () => {
    // Act
    const feed = xmlTree(
      renderAtom(
        published([anItem()]),
        aFeedContext({ baseUrl: undefined, homePageUrl: 'https://feeds.example.org/', hub: 'https://hub.example/' }),
      ),
    ).feed as Node;

    // Assess
    expect(feed.link).toEqual([{ '@rel': 'alternate', '@type': 'text/html', '@href': 'https://feeds.example.org/' }]);
  });

  it("gives each entry's source the source's own title, site link and feed link", () => {
    // Prepare
    const context = aContext({
      sources: [aNamedSource()],
    });

    // Act
    const xml = renderAtom(published([anItem()]), context);

    // Assess
    expect(atomViolations(xml)).toEqual([]);
    expect(entriesOf(xml)[0]!.source).toEqual({
      id: 'https://example.com/feed.xml',
      title: 'Example Weblog',
      link: [
        { '@rel': 'alternate', '@type': 'text/html', '@href': 'https://example.com/' },
        { '@rel': 'self', '@href': 'https://example.com/feed.xml' },
      ],
    });
  });

  it.each([
    ['with a public address', aContext()],
    ['without one', aContext({ feedXmlUrl: undefined, homePageUrl: undefined })],
  ])('keeps the RFC 4287 rules %s, undated, untitled and hostile entries included', (_, context) => {
    // Prepare
    const items = [
      anItem({ title: HOSTILE_TEXT, content_html: HOSTILE_TEXT, sourceId: HOSTILE_TEXT }),
      anItem({ id: 'plain-id', title: undefined, url: undefined, date_published: undefined, content_html: undefined }),
      ...manyItems(3),
    ];

    // Act
    const xml = renderAtom(published(items), context);

    // Assess: only the self link is missing when there is no public address
    const expected = context.feedXmlUrl ? [] : ['feed: should have exactly one link rel="self" (§4.1.1), has 0'];
    expect(atomViolations(xml)).toEqual(expected);
  });
});
