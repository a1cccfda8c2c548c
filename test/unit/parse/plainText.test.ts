import { describe, expect, it } from 'vitest';

import { plainText } from '../../../lambda/parse/plainText.js';

describe('plainText', () => {
  it.each([
    ['drops tags', 'Bright <b>Victorian</b> 1930ft<sup>2</sup>', 'Bright Victorian 1930ft2'],
    ['drops script and style with their content', 'a<script>alert(1)</script><style>p{}</style>b', 'ab'],
    ['decodes entities once', 'AT&amp;T &#x0024;4300 &lt;b&gt; &hellip;', 'AT&T $4300 <b> …'],
    ['collapses whitespace', '  one\n\t two  ', 'one two'],
    ['separates blocks with a space', '<p>One</p><p>Two</p>', 'One Two'],
    ['keeps a bare ampersand', 'Tom & Jerry', 'Tom & Jerry'],
  ])('%s', (_, html, expected) => {
    // Act
    const text = plainText(html);

    // Assess
    expect(text).toBe(expected);
  });
});
