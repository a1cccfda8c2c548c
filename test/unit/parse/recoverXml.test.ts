import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { MAX_RECOVERED_DEPTH, recoverXml } from '../../../lambda/parse/recoverXml.js';
import { readFeed } from './feedFixtures.js';

describe('recoverXml', () => {
  it.each([
    ['a bare ampersand', '<t>A & B</t>', '<t>A &amp; B</t>'],
    ['an HTML entity XML does not define', '<t>A&nbsp;B &eacute; &D</t>', '<t>A\u00a0B é &amp;D</t>'],
    ['a stray less-than sign', '<t>1 < 2</t>', '<t>1 &lt; 2</t>'],
    ['a tag closed out of order', '<a><t>x</b></t></a>', '<a><t>x</t></a>'],
    ['an unclosed tag', '<a><t>x</a>', '<a><t>x</t></a>'],
    ['an unterminated CDATA section', '<a><t><![CDATA[x <b>', '<a><t>x &lt;b&gt;</t></a>'],
    ['a CDATA end in text', '<a>x ]]> y</a>', '<a>x ]]&gt; y</a>'],
    ['single-quoted and spaced attributes', "<e url = 'http://x/?a=1&b=2' />", '<e url="http://x/?a=1&amp;b=2"></e>'],
  ])('writes %s as well-formed XML', (_, broken, expected) => {
    // Act
    const written = recoverXml(broken);

    // Assess
    expect(written).toBe(expected);
    expect(XMLValidator.validate(written)).toBe(true);
  });

  it('drops the DTD and leaves its entities unexpanded: no billion laughs', () => {
    // Act
    const written = recoverXml(readFeed('billion-laughs.rss').toString('utf8'));

    // Assess
    expect(written).not.toContain('ENTITY');
    expect(written).toContain('<title>&amp;lol9;</title>');
    expect(written).not.toContain('lollol');
  });

  it('never reads an external entity: XXE stays a literal reference', () => {
    // Act
    const written = recoverXml(readFeed('xxe.rss').toString('utf8'));

    // Assess
    expect(written).toContain('<title>&amp;xxe;</title>');
    expect(written).not.toMatch(/root:|SYSTEM|file:/);
  });

  it('refuses a hostile nesting depth, which would cost quadratic time, as malformed', () => {
    // Prepare
    const deep = (depth: number) => `<rss>${'<a>'.repeat(depth - 1)}x`;

    // Act
    const act = () => recoverXml(deep(MAX_RECOVERED_DEPTH + 1));

    // Assess
    expect(recoverXml(deep(MAX_RECOVERED_DEPTH))).toMatch(/^<rss><channel>(<a>)+x(<\/a>)+<\/channel><\/rss>$/);
    expect(act).toThrow(expect.objectContaining({ code: 'malformed', message: 'elements nested deeper than 1000' }));
  });
});
