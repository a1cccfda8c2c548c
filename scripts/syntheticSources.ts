import type { SourcesFile } from '../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../lambda/core/sourcesFileSchema.js';

/** `count` feed sources on hosts of their own, with the default settings: state benches never fetch them. */
export function syntheticSources(count: number): { ids: string[]; sourcesFile: SourcesFile } {
  const ids = Array.from({ length: count }, (_, n) => `source-${n}`);
  const sources = ids.map((id) => ({ id, url: `https://${id}.example/feed`, type: 'feed' }) as const);
  return { ids, sourcesFile: { settings: { ...DEFAULT_SETTINGS }, sources } as SourcesFile };
}
