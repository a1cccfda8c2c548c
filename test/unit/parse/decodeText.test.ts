import { describe, expect, it } from 'vitest';

import { decodeText } from '../../../lambda/parse/decodeText.js';
import { readCorpusFeed, readFeed } from './feedFixtures.js';

describe('decodeText', () => {
  it('decodes the charset declared in the XML declaration (ISO-8859-1)', () => {
    // Act
    const text = decodeText(readFeed('iso-8859-1-declared.rss'), undefined);

    // Assess
    expect(text).toContain('<title>Coração, ação e pão</title>');
  });

  it('decodes windows-1252 smart quotes, dashes and the euro sign from bytes 0x80–0x9F', () => {
    // Act
    const text = decodeText(readFeed('windows-1252-declared.rss'), undefined);

    // Assess
    expect(text).toContain('<title>“Price” – 10 € … naïve</title>');
    expect(text).toContain('It’s done.');
  });

  it('reads ISO-8859-1 labels as windows-1252, as browsers do', () => {
    // Prepare: 0x93 0x94 are quotes in windows-1252 and C1 controls in strict ISO-8859-1
    const body = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>'),
      Buffer.from([0x93, 0x41, 0x94]),
      Buffer.from('</t>'),
    ]);

    // Act
    const text = decodeText(body, undefined);

    // Assess
    expect(text).toContain('<t>“A”</t>');
  });

  it('uses the Content-Type charset when the document declares none', () => {
    // Act
    const text = decodeText(readFeed('koi8-r-content-type.rss'), 'application/rss+xml; charset="KOI8-R"');

    // Assess
    expect(text).toContain('<title>Привет, мир</title>');
  });

  it('prefers the XML declaration over a contradicting Content-Type charset', () => {
    // Act
    const text = decodeText(readFeed('iso-8859-1-declared.rss'), 'text/xml; charset=utf-8');

    // Assess
    expect(text).toContain('Coração');
  });

  it('lets a UTF-8 byte order mark outrank a wrong declaration, and strips the mark', () => {
    // Act
    const text = decodeText(readFeed('utf-8-bom.rss'), 'text/xml; charset=iso-8859-1');

    // Assess
    expect(text).toContain('<title>Café crème</title>');
    expect(text.startsWith('<?xml')).toBe(true);
  });

  it('decodes UTF-16 announced by its byte order mark', () => {
    // Prepare
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss>Grüße</rss>', 'utf16le')]);

    // Act
    const text = decodeText(body, undefined);

    // Assess
    expect(text).toBe('<rss>Grüße</rss>');
  });

  it('ignores a UTF-16 declaration in a document that is readable as ASCII', () => {
    // Prepare
    const body = Buffer.from('<?xml version="1.0" encoding="UTF-16"?><rss>Grüße</rss>', 'utf8');

    // Act
    const text = decodeText(body, undefined);

    // Assess
    expect(text).toContain('<rss>Grüße</rss>');
  });

  it('falls back instead of crashing on an unknown charset label', () => {
    // Prepare
    const body = Buffer.from('<?xml version="1.0" encoding="x-no-such-charset"?><rss>Grüße</rss>', 'utf8');

    // Act
    const text = decodeText(body, 'text/xml; charset=also-unknown');

    // Assess
    expect(text).toContain('<rss>Grüße</rss>');
  });

  it('reads undeclared bytes that are not valid UTF-8 as windows-1252 (uolNoticias.rss)', () => {
    // Act
    const text = decodeText(readCorpusFeed('uolNoticias.rss'), undefined);

    // Assess
    expect(text).toContain('<description>Últimas Notícias</description>');
    expect(text).not.toContain('\uFFFD');
  });

  it('defaults to UTF-8 when nothing is declared', () => {
    // Act
    const text = decodeText(Buffer.from('<rss>日本語</rss>', 'utf8'), undefined);

    // Assess
    expect(text).toBe('<rss>日本語</rss>');
  });
});
