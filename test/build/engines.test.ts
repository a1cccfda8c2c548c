// package.json's engines.node is the range on which `npm ci && npm test` and the CLI really work:
// every Node it admits satisfies every locked package's own engines (no EBADENGINE, no tool that
// refuses to start), and each of its floors is one some package needs (not set higher than that).
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
const ours: string = read('package.json').engines.node;
const lock: { packages: Record<string, { engines?: { node?: string } | string[] }> } = read('package-lock.json');

/** Every locked package with a node range, by name: what `npm ci` installs, dev tools included. */
const needs = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  return path && node && semver.validRange(node) ? [{ name: path.replace(/^.*node_modules\//, ''), node }] : [];
});

/** The highest version below a range's floor: 20.18.x below ^20.19.0, 23.x below >=24. */
function justBelow(floor: semver.SemVer): string {
  if (floor.patch > 0) return `${floor.major}.${floor.minor}.${floor.patch - 1}`;
  if (floor.minor > 0) return `${floor.major}.${floor.minor - 1}.9999`;
  return `${floor.major - 1}.9999.9999`;
}

describe("package.json's engines.node", () => {
  it('reads the lockfile: there are ranges to hold it to', () => {
    expect(needs.length).toBeGreaterThan(50);
    expect(needs.map(({ name }) => name)).toEqual(expect.arrayContaining(['undici', 'vitest', '@aws-sdk/client-s3']));
  });

  it('admits only Node versions every locked package supports', () => {
    const unmet = needs.filter(({ node }) => !semver.subset(ours, node));
    expect(unmet, `${ours} admits versions these packages refuse`).toEqual([]);
  });

  it.each(new semver.Range(ours).set.map((comparators) => comparators.map(String).join(' ')))(
    'floor of "%s" is needed: the version just below it is refused by a locked package',
    (alternative) => {
      const floor = semver.minVersion(alternative);
      expect(floor).not.toBeNull();
      const below = justBelow(floor!);
      expect(needs.filter(({ node }) => !semver.satisfies(below, node)).length, below).toBeGreaterThan(0);
    },
  );

  it('is the range the README states', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`Node.js \`${ours}\``);
  });
});
