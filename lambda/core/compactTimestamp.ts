/**
 * A UTC time to the second as `20261126T050000Z`: sorts as the time does and is safe in keys and
 * names, for run ids and the folders named after them.
 */
export function compactTimestamp(time: number | string): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
