// Numbers and times as a person reads them on the report page: the same for every reader,
// wherever and whenever the page was made.

/** "850 ms", "2.5 s", "3 min 5 s". */
export function readableDuration(ms: number): string {
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  // Rounded before splitting, so 119.6 s reads "2 min 0 s", not "1 min 60 s".
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** RFC 3339 as "2025-01-31 14:05 UTC"; text that is not a date is returned as it is. */
export function readableTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "812 B", "14.2 KB", "3.1 MB" (powers of 1024, as the size limits are). */
export function readableBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
