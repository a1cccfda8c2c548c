/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a substring
 * of 13 or more characters as a slice of its parent, so an item id kept for the whole run (in
 * seen ids, digests, headlines) would keep the whole feed text it was parsed from alive, and big
 * feeds with it (BENCHMARKS.md, "Figures behind limits").
 * UTF-16 both ways, so even a lone surrogate comes back as it was.
 */
export function ownedString(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
