/**
 * An absolute URL inside free text such as an error message: a scheme, `//`, and everything up to
 * white space, a double quote or an angle bracket. A single quote does not end it, since paths and
 * user names may hold one (`http://host/it's?token=…`); `URL` then decides what the parts are.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"<>]*/gi;
/** Punctuation that ends the sentence a URL stands in rather than the URL. */
const SENTENCE_END = /[.,;:!?)\]']+$/;

/**
 * A URL fit for logs, pages, feeds and notifications: scheme, host (with port) and path only. User
 * names, passwords, query strings and fragments are where feed URLs carry their credentials
 * (`?api_key=…`, `user:pass@`), so none of them is ever shown. Parsed with `URL`, so whatever a
 * hostile URL holds, what is kept is what a client would send as scheme, host and path.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  // A URL without an authority (`javascript:…`, `mailto:…`) is scheme and path alone.
  const authority = parsed.href.startsWith(`${parsed.protocol}//`) ? `//${parsed.host}` : '';
  return `${parsed.protocol}${authority}${parsed.pathname}`;
}

/** `text` with every absolute URL in it redacted as {@link redactUrl} does. */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const end = SENTENCE_END.exec(match)?.[0] ?? '';
    return redactUrl(match.slice(0, match.length - end.length)) + end;
  });
}

/** Whether `url` has a part {@link redactUrl} drops: user name, password, query or fragment. */
export function hasHiddenParts(url: string): boolean {
  try {
    const { username, password, search, hash } = new URL(url);
    return Boolean(username || password || search || hash);
  } catch {
    return true;
  }
}
