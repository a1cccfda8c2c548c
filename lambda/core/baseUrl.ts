// The one reading of the public base URL, shared by the function's PUBLIC_BASE_URL and the sources
// file's feed.baseUrl: the feeds' self links are this URL plus a file name, so the two must agree on
// what is accepted and how it is spelt.

/** What a public base URL must be; each caller's error names its own field before it. */
export const BASE_URL_RULE = 'must be an http(s) URL without query or fragment';

/**
 * `url` in its one spelling, ending in `/` (so `https://feeds.example/site` and `…/site/` give the
 * same self links), or undefined when it breaks BASE_URL_RULE: a query or fragment would land in
 * the middle of every self link.
 */
export function normalizeBaseUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (!BASE_URL.test(trimmed) || !URL.canParse(trimmed)) return undefined;
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

const BASE_URL = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i;
