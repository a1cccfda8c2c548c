import { describe, expect, it } from 'vitest';
import type { Item } from '../../../lambda/core/model.js';
import { ItemFilter, MAX_PATTERN_LENGTH } from '../../../lambda/process/itemFilter.js';

const NOW = Date.parse('2024-05-10T00:00:00Z');
const item = (id: string, fields: Partial<Item> = {}): Item => ({ id, sourceId: 's', ...fields });

const items: Item[] = [
  item('k8s', { title: 'Kubernetes 1.30 released', date_published: '2024-05-01T00:00:00Z' }),
  item('html', {
    title: 'Weekly notes',
    content_html: '<p>Our <strong>KUBERNETES</strong> clusters</p>',
    date_published: '2024-05-08T00:00:00Z',
  }),
  item('sponsored', { title: 'Sponsored: Kubernetes hosting', date_published: '2024-05-09T00:00:00Z' }),
  item('old', { title: 'Kubernetes at five', date_published: '2024-01-01T00:00:00Z' }),
  item('undated', { title: 'Release 2.0', content_text: 'Now with kubernetes support' }),
  item('other', { title: 'Office party', summary: 'Cake', date_published: '2024-05-09T00:00:00Z' }),
];
const ids = (kept: Item[]) => kept.map((kept) => kept.id);

describe('ItemFilter', () => {
  it('keeps items whose title, summary or content contains an include keyword, ignoring case and markup', () => {
    const kept = ItemFilter.from({ include: ['kubernetes'] }).apply(items, NOW);

    expect(ids(kept)).toEqual(['k8s', 'html', 'sponsored', 'old', 'undated']);
  });

  it('drops items matching an exclude term, given as a regex with flags', () => {
    const kept = ItemFilter.from({ include: ['kubernetes'], exclude: ['/^sponsored:/i'] }).apply(items, NOW);

    expect(ids(kept)).toEqual(['k8s', 'html', 'old', 'undated']);
  });

  it('drops dated items older than maxAgeDays and keeps undated ones, whose age is unknown', () => {
    const kept = ItemFilter.from({ maxAgeDays: 30 }).apply(items, NOW);

    expect(ids(kept)).toEqual(['k8s', 'html', 'sponsored', 'undated', 'other']);
  });

  it('keeps everything when it has no terms and no age limit', () => {
    expect(ItemFilter.from({}).apply(items, NOW)).toEqual(items);
  });

  it('matches a regex on plain text, not on the markup around it', () => {
    expect(ids(ItemFilter.from({ include: ['/our kubernetes clusters/i'] }).apply(items, NOW))).toEqual(['html']);
    expect(ids(ItemFilter.from({ include: ['strong'] }).apply(items, NOW))).toEqual([]);
  });

  it('reads at most 80,000 characters of HTML: text behind more markup than that is not seen', () => {
    const markup = '<i></i>'.repeat(12_000); // 84,000 characters without a word of text
    const filler = '<p><b>filler</b> words</p>'.repeat(40_000); // 1 MB
    const filter = ItemFilter.from({ include: ['kubernetes'] });
    const content = (id: string, html: string) => item(id, { title: 'Long read', content_html: html });

    const kept = filter.apply(
      [content('first', `<p>Kubernetes first</p>${filler}`), content('buried', `${markup}<p>Kubernetes</p>`)],
      NOW,
    );

    expect(ids(kept)).toEqual(['first']);
  });

  it.each([
    ['kubernetes', undefined],
    ['/kube(rnetes)?\\s+1\\.\\d+/i', undefined],
    ['   ', 'must not be empty'],
    ['/(unclosed/', 'not a valid regular expression: '],
    ['/x/g', 'regular expression flags may only be i, m, s and u (got "g")'],
    ['/(a+)+$/', undefined],
    ['/(\\w+\\s?)*$/', undefined],
    ['/(?<year>\\d{4})/', undefined],
    ['/(a)\\1/', 'not supported by the linear-time engine (RE2: no backreferences or lookaround)'],
    ['/a(?=b)/', 'not supported by the linear-time engine'],
    [`/${'a'.repeat(MAX_PATTERN_LENGTH + 1)}/`, `regular expression longer than ${MAX_PATTERN_LENGTH} characters`],
  ])('judges the term %j', (term, problem) => {
    const found = ItemFilter.termProblem(term);

    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('refuses to build a filter from a term that would not pass validation', () => {
    expect(() => ItemFilter.from({ exclude: ['/(a)\\1/'] })).toThrow(
      'filter term "/(a)\\\\1/": regular expression not supported',
    );
  });

  it('matches a pattern that backtracks catastrophically in linear time, so a long title cannot hang the run', () => {
    // With V8's engine, 30 letters already take seconds, and each one more doubles it.
    const filter = ItemFilter.from({ include: ['/(a|aa)*b/'], exclude: ['/^(\\w+\\s?)*!$/'] });
    const items = [item('long', { title: 'a'.repeat(50_000) }), item('match', { title: `${'a'.repeat(40)}b` })];

    expect(ids(filter.apply(items, NOW))).toEqual(['match']);
  });

  it('reads the i, m and s flags as JavaScript does', () => {
    // Title and summary are read as two lines of one text.
    const kept = (term: string) =>
      ItemFilter.from({ include: [term] }).apply([item('x', { title: 'Rust', summary: 'b' })], NOW).length;

    expect([kept('/RUST/i'), kept('/RUST/')]).toEqual([1, 0]);
    expect([kept('/^b/m'), kept('/^b/')]).toEqual([1, 0]);
    expect([kept('/t.b/s'), kept('/t.b/')]).toEqual([1, 0]);
  });
});
