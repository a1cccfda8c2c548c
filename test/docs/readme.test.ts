// The README is the first page a newcomer reads: short, with the two commands, a picture of the
// page, the test prerequisites named, and a link to every docs/ page (the first hour's friction:
// one 448-line README, Chromium named only in a test file).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const README = readFileSync(new URL('README.md', ROOT), 'utf8');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the README', () => {
  it('stays short: what it is, how to start, a picture, links', () => {
    // Room for a link per new page; the README of the first hour was 448 lines.
    expect(README.split('\n').length).toBeLessThanOrEqual(100);
  });

  it('links every page under docs/', () => {
    const pages = readdirSync(fileURLToPath(new URL('docs/', ROOT))).filter((name) => name.endsWith('.md'));
    expect(pages.filter((page) => !README.includes(`](docs/${page})`))).toEqual([]);
  });

  it('shows a picture of the reading page that is in the repository', () => {
    const images = [...README.matchAll(/!\[([^\]]+)\]\((docs\/images\/[^)]+\.png)\)/g)];
    expect(images.length).toBeGreaterThan(0);
    for (const [, alt, path] of images) {
      expect(alt!.length).toBeGreaterThan(10);
      expect(readFileSync(new URL(path!, ROOT)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }
  });

  it('names what the tests need beyond npm ci: moto_server and Chromium', () => {
    expect(README).toContain('moto_server');
    expect(README).toMatch(/chromium/i);
  });
});
