import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Relative specifiers of the static `import … from "./x.mjs"` statements in minified ESM. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)].map(
    (match) => match[1]!,
  );
}

/**
 * What a cold start loads: `entry` and every chunk it imports statically, transitively, with their
 * sizes in bytes. Chunks reached only through import() load on use, and are not here.
 */
export async function coldStartFiles(entry: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (sizes.has(file)) continue;
    sizes.set(file, (await stat(file)).size);
    for (const specifier of staticImports(await readFile(file, 'utf8'))) pending.push(join(dirname(file), specifier));
  }
  return sizes;
}
