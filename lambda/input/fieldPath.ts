import type { z } from 'zod';

/** `["sources", 3, "url"]` → `sources[3].url`, the way users write the path in their heads. */
export function fieldPath(path: readonly PropertyKey[], root = ''): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || '(root)';
}

/** The first problem zod found, as the field it concerns and what is wrong with it. */
export function firstIssue(error: z.ZodError, root = ''): { field: string; problem: string } {
  const issue = error.issues[0];
  if (!issue) return { field: root || '(root)', problem: 'invalid' };
  if (issue.code === 'unrecognized_keys') {
    return { field: fieldPath([...issue.path, issue.keys[0] ?? ''], root), problem: 'unknown key' };
  }
  return { field: fieldPath(issue.path, root), problem: issue.message };
}
