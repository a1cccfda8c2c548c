import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, safeHttpUrl, stripInvalidXmlChars } from '../../../lambda/render/escape.js';

describe('stripInvalidXmlChars', () => {
  it('removes control characters, U+FFFE/U+FFFF and lone surrogates', () => {
    // Prepare
    const text = 'a\u0000b\u0008c\u001Fd\uFFFEe\uFFFFf\uD800g\uDFFFh';

    // Act
    const stripped = stripInvalidXmlChars(text);

    // Assess
    expect(stripped).toBe('abcdefgh');
  });

  it('keeps tab, newline, carriage return and characters outside the BMP', () => {
    // Prepare
    const text = 'tab\there\nnew\r\nline 🎉 Ünïcödé \uE000\uFFFD';

    // Act
    const stripped = stripInvalidXmlChars(text);

    // Assess
    expect(stripped).toBe(text);
  });
});

describe('escapeXml and escapeHtml', () => {
  it.each([
    ['escapeXml', escapeXml],
    ['escapeHtml', escapeHtml],
  ])('%s escapes the five markup characters, so ]]> cannot appear, and drops illegal characters', (_, escapeText) => {
    // Prepare
    const text = `<a href="x" title='y'>Tom & Jerry ]]>\u0000</a>`;

    // Act
    const escaped = escapeText(text);

    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;Tom &amp; Jerry ]]&gt;&lt;/a&gt;');
  });
});

describe('safeHttpUrl', () => {
  it.each([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['HTTP://Example.COM', 'http://example.com/'],
    ['https://example.com/"><script>', 'https://example.com/%22%3E%3Cscript%3E'],
  ])('accepts and normalizes the http(s) URL %s', (url, expected) => {
    // Act
    const safe = safeHttpUrl(url);

    // Assess
    expect(safe).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'mailto:someone@example.com',
    '/relative/path',
    '//example.com/protocol-relative',
    'not a url',
    '',
    undefined,
  ])('refuses %j', (url) => {
    // Act
    const safe = safeHttpUrl(url);

    // Assess
    expect(safe).toBeUndefined();
  });
});
