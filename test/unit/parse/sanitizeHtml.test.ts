import { describe, expect, it } from 'vitest';

import { sanitizeHtml } from '../../../lambda/parse/sanitizeHtml.js';

const BASE = 'https://blog.example/posts/entry.html';

describe('sanitizeHtml', () => {
  it('keeps ordinary content markup', () => {
    // Prepare
    const html = [
      '<h2>Title</h2>',
      '<p><em>em</em> <strong>strong</strong> <code>code</code> <sup>1</sup></p>',
      '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>',
      '<blockquote>quote</blockquote>',
      '<pre><code>let x = 1;</code></pre>',
      '<table><thead><tr><th colspan="2">head</th></tr></thead><tbody><tr><td>a</td><td>b</td></tr></tbody></table>',
      '<figure><img src="https://cdn.example/a.jpg" alt="a" width="10" height="20" />' +
        '<figcaption>caption</figcaption></figure>',
    ].join('');

    // Act
    const clean = sanitizeHtml(html, BASE);

    // Assess
    expect(clean).toBe(html);
  });

  it.each([
    ['script', '<p>a</p><script>alert(1)</script>', '<p>a</p>'],
    ['style element', '<style>p { display: none }</style><p>a</p>', '<p>a</p>'],
    ['iframe with fallback text', '<iframe src="https://evil.example/">fallback</iframe><p>a</p>', '<p>a</p>'],
    ['object and embed', '<object data="x.swf"><embed src="x.swf"></object><p>a</p>', '<p>a</p>'],
    ['form and inputs', '<form action="https://evil.example/"><input name="pw"><button>go</button></form>', 'go'],
    ['svg with a script', '<svg onload="alert(1)"><script>alert(2)</script></svg><p>a</p>', '<p>a</p>'],
    [
      'base, meta and link',
      '<base href="https://evil.example/"><meta http-equiv="refresh" content="0">' +
        '<link rel="stylesheet" href="x.css"><p>a</p>',
      '<p>a</p>',
    ],
    ['event handlers', '<p onclick="alert(1)" onmouseover="alert(2)">a</p>', '<p>a</p>'],
    [
      'onerror on an image',
      '<img src="https://cdn.example/a.jpg" onerror="alert(1)">',
      '<img src="https://cdn.example/a.jpg" />',
    ],
    ['style and class attributes', '<p style="position:fixed" class="x" id="y">a</p>', '<p>a</p>'],
    ['javascript: link', '<a href="javascript:alert(1)">a</a>', 'a'],
    ['entity-encoded javascript: link', '<a href="JaVaScRiPt&#x3A;alert(1)">a</a>', 'a'],
    ['javascript: link split by a tab', '<a href="java&#x09;script:alert(1)">a</a>', 'a'],
    ['data: link', '<a href="data:text/html,<script>alert(1)</script>">a</a>', 'a'],
    ['data: image', '<img src="data:image/png;base64,AAAA" alt="x">', ''],
    ['mailto: image', '<img src="mailto:a@b.example">', ''],
  ])('removes %s', (_, html, expected) => {
    // Act
    const clean = sanitizeHtml(html, BASE);

    // Assess
    expect(clean).toBe(expected);
  });

  it('keeps http, https and mailto links and adds rel="noopener noreferrer" to each', () => {
    // Act
    const clean = sanitizeHtml(
      '<a href="http://a.example/">a</a><a href="https://b.example/">b</a><a href="mailto:c@c.example">c</a>',
      BASE,
    );

    // Assess
    expect(clean).toBe(
      '<a href="http://a.example/" rel="noopener noreferrer">a</a>' +
        '<a href="https://b.example/" rel="noopener noreferrer">b</a>' +
        '<a href="mailto:c@c.example" rel="noopener noreferrer">c</a>',
    );
  });

  it('replaces a rel the feed set, so links cannot opt back into window.opener', () => {
    // Act
    const clean = sanitizeHtml('<a href="https://a.example/" rel="opener" target="_blank">a</a>', BASE);

    // Assess
    expect(clean).toBe('<a href="https://a.example/" rel="noopener noreferrer">a</a>');
  });

  it('resolves relative, root-relative and protocol-relative URLs against the base', () => {
    // Act
    const clean = sanitizeHtml(
      '<a href="next.html">n</a><a href="/about">a</a><img src="../img/x.png"><img src="//cdn.example/y.png">',
      BASE,
    );

    // Assess
    expect(clean).toBe(
      '<a href="https://blog.example/posts/next.html" rel="noopener noreferrer">n</a>' +
        '<a href="https://blog.example/about" rel="noopener noreferrer">a</a>' +
        '<img src="https://blog.example/img/x.png" />' +
        '<img src="https://cdn.example/y.png" />',
    );
  });

  it('keeps text as text, escaping what would otherwise be markup', () => {
    // Act
    const clean = sanitizeHtml('<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>', BASE);

    // Assess
    expect(clean).toBe('<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>');
  });
});
