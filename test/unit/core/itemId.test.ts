import { describe, expect, it } from 'vitest';

import { currentItemId, itemId, nameBasedUuid } from '../../../lambda/core/itemId.js';

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('itemId', () => {
  it.each([
    ['http', 'http://site.example/p/1'],
    ['https', 'https://site.example/p/1'],
    ['urn', 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a'],
    ['tag', 'tag:site.example,2024:1'],
    ['an upper-case kept scheme', 'HTTPS://site.example/p/1'],
  ])('keeps a %s id as the feed wrote it', (_, id) => {
    // Act
    const made = itemId('src', id, undefined, []);

    // Assess
    expect(made).toBe(id);
  });

  it.each([
    ['javascript:', 'javascript:alert(3)'],
    ['JavaScript: in any case', 'JavaScript:alert(3)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['file:', 'file:///etc/passwd'],
    ['a scheme of its own', 'yt:video:dQw4w9WgXcQ'],
  ])('publishes a %s id as a urn:uuid instead', (_, id) => {
    // Act
    const made = itemId('src', id, undefined, []);

    // Assess
    expect(made).toMatch(UUID_URN);
    expect(made).not.toContain(id);
  });

  it('makes the same urn:uuid from the same source and id on every run, and a different one for another source', () => {
    // Act
    const first = itemId('alpha', 'javascript:alert(3)', undefined, []);
    const again = itemId('alpha', 'javascript:alert(3)', undefined, []);
    const otherSource = itemId('beta', 'javascript:alert(3)', undefined, []);
    const otherId = itemId('alpha', 'javascript:alert(4)', undefined, []);

    // Assess: a literal, so a change of namespace or name format (new ids for every subscriber) fails
    expect(first).toBe('urn:uuid:2d2bf8be-0a68-56f9-acc7-2ba2f1a722b8');
    expect(again).toBe(first);
    expect(otherSource).not.toBe(first);
    expect(otherId).not.toBe(first);
  });

  it('bounds a megabyte data: id to a UUID', () => {
    // Act
    const made = itemId('src', `data:text/plain,${'x'.repeat(1_000_000)}`, undefined, []);

    // Assess
    expect(made).toMatch(UUID_URN);
  });

  it('prefixes an id without a scheme with the source id', () => {
    // Act
    const made = itemId('src', ' 42 ', undefined, []);

    // Assess
    expect(made).toBe('src:42');
  });
});

describe('currentItemId', () => {
  it('turns a foreign-scheme id an earlier run stored into the id itemId gives the same item now', () => {
    // Act
    const migrated = currentItemId('src', 'javascript:alert(3)');

    // Assess
    expect(migrated).toBe(itemId('src', 'javascript:alert(3)', undefined, []));
  });

  it.each([
    ['a source-prefixed id', 'src:42'],
    ['an http id', 'https://site.example/p/1'],
    ['an id already migrated', itemId('src', 'javascript:alert(3)', undefined, [])],
  ])('leaves %s as it is', (_, id) => {
    // Act
    const current = currentItemId('src', id);

    // Assess
    expect(current).toBe(id);
  });
});

describe('nameBasedUuid', () => {
  it('gives the version 5 UUID of RFC 9562 appendix A.4 (DNS namespace, "www.example.com")', () => {
    // Act
    const uuid = nameBasedUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8');

    // Assess
    expect(uuid).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
