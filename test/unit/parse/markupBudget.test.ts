import { describe, expect, it } from 'vitest';
import { MAX_MARKUP_DEPTH, MAX_MARKUP_TAGS, MarkupBudget } from '../../../lambda/parse/markupBudget.js';

const tooComplex = (message: string) => expect.objectContaining({ code: 'too_complex', message });

describe('MarkupBudget', () => {
  it('passes ordinary markup through unchanged', () => {
    const html = '<p>One <b>two</b></p><ul><li>a<li>b</ul><img src="x"><br>';

    expect(new MarkupBudget().checked(html)).toBe(html);
  });

  it(`refuses nesting deeper than ${MAX_MARKUP_DEPTH} elements, closed or not`, () => {
    const deep = '<div>'.repeat(MAX_MARKUP_DEPTH + 1);

    expect(() => new MarkupBudget().checked(deep)).toThrow(tooComplex('HTML nested more than 1000 elements deep'));
    expect(() => new MarkupBudget().checked(`${deep}${'</div>'.repeat(MAX_MARKUP_DEPTH + 1)}`)).toThrow(
      tooComplex('HTML nested more than 1000 elements deep'),
    );
  });

  it('is not fooled by closing tags of elements that are not open, nor by <div/>', () => {
    const levels = MAX_MARKUP_DEPTH + 1;

    expect(() => new MarkupBudget().checked('<div></span>'.repeat(levels))).toThrow(tooComplex(expect.any(String)));
    expect(() => new MarkupBudget().checked('<div/>'.repeat(levels))).toThrow(tooComplex(expect.any(String)));
  });

  it('counts what the parser closes by itself as one level, however many there are', () => {
    const html = `<div>${'<p>x<li>y<td>z'.repeat(10_000)}</div>`;

    expect(new MarkupBudget().checked(html)).toBe(html);
  });

  it('lets closing tags bring the depth back, so long documents of shallow markup pass', () => {
    const html = '<div><span><b>x</b></span></div>'.repeat(10_000);

    expect(new MarkupBudget().checked(html)).toBe(html);
  });

  it(`refuses more than ${MAX_MARKUP_TAGS} tags over all of one source's fragments`, () => {
    const budget = new MarkupBudget();
    const fragment = '<b>x</b>'.repeat(MAX_MARKUP_TAGS / 4);

    budget.checked(fragment);
    budget.checked(fragment);

    expect(() => budget.checked(`${fragment}<b>`)).toThrow(tooComplex('HTML with more than 200000 tags in one source'));
    expect(new MarkupBudget().checked(fragment)).toBe(fragment);
  });
});
