/** `["sources", 3, "url"]` → `sources[3].url`, the way users write the path in their heads. */
export function fieldPath(path: readonly PropertyKey[], root = ''): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || '(root)';
}
