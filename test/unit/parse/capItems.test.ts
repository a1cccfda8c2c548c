import { describe, expect, it } from 'vitest';
import { capItems } from '../../../lambda/parse/capItems.js';

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
const rssItems = (count: number) =>
  Array.from({ length: count }, (_, i) => `<item><title>${i}</title></item>`).join('');

describe('capItems', () => {
  it('keeps the first and the last items of an RSS feed and what surrounds them', () => {
    const kept = [0, 1, 5, 6].map((i) => `<item><title>${i}</title></item>`).join('');

    expect(capItems(rss(rssItems(7)), 2)).toBe(rss(kept));
    expect(capItems(rss(rssItems(4)), 2)).toBe(rss(rssItems(4)));
  });

  it('leaves a feed at or under the cap as it was', () => {
    const text = rss(rssItems(3));

    expect(capItems(text, 2)).toBe(text);
    expect(capItems(text, 10)).toBe(text);
  });

  it('counts Atom entries, prefixed names and empty items', () => {
    const atom = (entries: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>${entries}</feed>`;
    const prefixed = (count: number) =>
      Array.from({ length: count }, () => '<atom:entry><id>x</id></atom:entry>').join('');

    expect(capItems(atom('<entry><id>1</id></entry><entry><id>2</id></entry><entry><id>3</id></entry>'), 1)).toBe(
      atom('<entry><id>1</id></entry><entry><id>3</id></entry>'),
    );
    expect(capItems(atom(prefixed(9)), 3)).toBe(atom(prefixed(6)));
    expect(capItems(rss('<item/><item/><item /><item/>'), 1)).toBe(rss('<item/><item/>'));
  });

  it('does not count item tags inside CDATA or comments', () => {
    const first = '<item><description><![CDATA[</item></item><item/>]]></description><!-- </item> --></item>';
    const last = '<item><title>3</title></item>';

    expect(capItems(rss(`${first}<item><title>2</title></item>${last}`), 1)).toBe(rss(first + last));
  });

  it('keeps the first items of a JSON Feed and the fields after them', () => {
    const feed = (items: string) => `{"version":"https://jsonfeed.org/version/1.1","items":[${items}],"title":"t"}`;
    const text = feed('{"id":"1","title":"a, [b]"},{"id":"2","tags":["x","y"]},{"id":"3"},{"id":"4"},{"id":"5"}');

    expect(capItems(text, 2)).toBe(
      feed('{"id":"1","title":"a, [b]"},{"id":"2","tags":["x","y"]},{"id":"4"},{"id":"5"}'),
    );
    expect(JSON.parse(capItems(text, 1))).toMatchObject({ items: [{ id: '1' }, { id: '5' }], title: 't' });
  });

  it('skips escaped quotes in JSON strings and ignores arrays not named items', () => {
    const text = '{"title":"say \\"items\\"","other":[1,2,3,4],"items":[{"id":"\\\\"},{"id":"2"},{"id":"3"}]}';

    expect(JSON.parse(capItems(text, 1))).toEqual({
      title: 'say "items"',
      other: [1, 2, 3, 4],
      items: [{ id: '\\' }, { id: '3' }],
    });
  });

  it('cuts a top-level JSON array', () => {
    expect(capItems('[{"a":1},{"a":2},{"a":3},{"a":4},{"a":5}]', 2)).toBe('[{"a":1},{"a":2},{"a":4},{"a":5}]');
  });

  it('leaves text it cannot follow to the parser', () => {
    const broken = '{"items":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"unterminated';

    expect(capItems(broken, 1)).toBe(broken);
    expect(capItems('<rss><channel><item><![CDATA[ never closed', 0)).toBe(
      '<rss><channel><item><![CDATA[ never closed',
    );
  });
});
