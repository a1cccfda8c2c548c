import { describe, expect, test } from 'vitest';
import { redactUrl, redactUrls } from '../../../lambda/core/redactUrl.js';

describe('a URL for the logs', () => {
  test('keeps scheme, host, port and path', () => {
    expect(redactUrl('https://feeds.example.com:8443/a/b.xml')).toBe('https://feeds.example.com:8443/a/b.xml');
  });

  test('loses user name, password, query string and fragment, and shows that a query was there', () => {
    expect(redactUrl('https://reader:hunter2@feeds.example.com/private.xml?token=s3cr3t#top')).toBe(
      'https://feeds.example.com/private.xml?…',
    );
  });

  test('is a placeholder when the text is not a URL at all', () => {
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });

  test('inside free text: every URL is redacted and the words around it stay', () => {
    expect(redactUrls('redirect from http://a.example/x?k=1 to "https://u:p@b.example/y", which is odd')).toBe(
      'redirect from http://a.example/x?… to "https://b.example/y", which is odd',
    );
  });

  test("inside free text: the sentence's punctuation after a URL is not taken for part of it", () => {
    expect(redactUrls('last to https://a.example/x?k=1. Then: https://b.example/y, done')).toBe(
      'last to https://a.example/x?…. Then: https://b.example/y, done',
    );
  });
});
