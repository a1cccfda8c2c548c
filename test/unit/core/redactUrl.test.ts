import { describe, expect, test } from 'vitest';
import { hasHiddenParts, redactUrl, redactUrls } from '../../../lambda/core/redactUrl.js';

describe('a URL fit to show', () => {
  test('keeps scheme, host, port and path', () => {
    expect(redactUrl('https://feeds.example.com:8443/a/b.xml')).toBe('https://feeds.example.com:8443/a/b.xml');
  });

  test('loses user name, password, query string and fragment', () => {
    expect(redactUrl('https://reader:hunter2@feeds.example.com/private.xml?token=s3cr3t#top')).toBe(
      'https://feeds.example.com/private.xml',
    );
  });

  test.each([
    ["http://host.example/loop'1?token=s3cr3t", "http://host.example/loop'1"],
    ["http://us'er:pw'd@host.example/feed", 'http://host.example/feed'],
    ["http://user:p'w@host.example/feed?k='1'", 'http://host.example/feed'],
  ])('parses %s with URL, so a quote in it hides nothing', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  test('is a placeholder when the text is not a URL at all', () => {
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });

  test('says which URLs have parts it would drop', () => {
    expect(
      ['https://a.example/x', 'https://a.example', 'https://u@a.example/', 'https://a.example/?k'].map(hasHiddenParts),
    ).toEqual([false, false, true, true]);
  });
});

describe('URLs inside free text', () => {
  test('every URL is redacted and the words around it stay', () => {
    expect(redactUrls('redirect from http://a.example/x?k=1 to "https://u:p@b.example/y", which is odd')).toBe(
      'redirect from http://a.example/x to "https://b.example/y", which is odd',
    );
  });

  test("the sentence's punctuation after a URL is not taken for part of it", () => {
    expect(redactUrls('last to https://a.example/x?k=1. Then: https://b.example/y, done')).toBe(
      'last to https://a.example/x. Then: https://b.example/y, done',
    );
  });

  test.each([
    ["more than 5 redirects, last to http://host.example/loop'1?token=s3cr3t", "last to http://host.example/loop'1"],
    ["connection to http://us'er:pw'd@host.example/ failed", 'connection to http://host.example/ failed'],
    ["redirect to 'https://a.example/x?token=s3cr3t'", "redirect to 'https://a.example/x'"],
    ['redirect to ftp://user:s3cr3t@files.example/feed', 'redirect to ftp://files.example/feed'],
  ])('a quote or another scheme hides no credential: %s', (text, kept) => {
    const redacted = redactUrls(text);

    expect(redacted).toContain(kept);
    expect(redacted).not.toMatch(/s3cr3t|pw'd|token/);
  });
});
