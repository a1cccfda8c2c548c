/** `ref` made absolute against `base`; undefined when `ref` is empty or cannot be a URL. */
export function resolveUrl(ref: string | undefined, base: string | undefined): string | undefined {
  const trimmed = ref?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base !== undefined && URL.canParse(base) ? base : undefined).href;
  } catch {
    return undefined;
  }
}

/** Like resolveUrl, but only http and https survive: the only links a reader may safely follow. */
export function resolveHttpUrl(ref: string | undefined, base: string | undefined): string | undefined {
  const url = resolveUrl(ref, base);
  return url !== undefined && /^https?:/i.test(url) ? url : undefined;
}
