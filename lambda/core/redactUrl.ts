/**
 * http(s) URLs inside free text such as an error message: quotes and spaces end one, and
 * punctuation at its end belongs to the sentence.
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)\]]/gi;

/**
 * A URL fit for a log line: scheme, host and path only. User names, passwords and query strings
 * are where feed URLs carry their credentials (`?token=…`), so they never reach the logs; the run
 * report keeps the full URL for whoever may read the bucket.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** `text` with every http(s) URL in it redacted as {@link redactUrl} does. */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}
