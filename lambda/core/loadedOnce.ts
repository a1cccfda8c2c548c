/**
 * What `load` gives, loaded on the first call and shared by every later one: a chunk imported and
 * its client built once, and no trip through the module loader per use.
 */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * Starts `load` (a `loadedOnce`) ahead of its first use, so it loads while the run waits on
 * something else; a failure is left for that use to see, where it is reported.
 */
export function prefetch(load: () => Promise<unknown>): void {
  load().catch(() => undefined);
}
