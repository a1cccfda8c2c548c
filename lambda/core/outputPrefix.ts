// The one reading of the key prefix, shared by the function (OUTPUT_PREFIX) and the stack (the
// outputPrefix context key, from which it sets OUTPUT_PREFIX and scopes grants and expiry): if
// the two read it differently, the function would write where it has no rights.

/** `site`, `site/` and `/site/` all mean the folder `site/`; empty means the bucket root. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}
