// Reading the fixtures of the json, html and OPML source tests: one place knows where they live.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCES_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));

export function readSourceFixture(name: string): Buffer {
  return readFileSync(`${SOURCES_FIXTURES_DIR}${name}`);
}
