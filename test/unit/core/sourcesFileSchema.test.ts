import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsSchema } from '../../../lambda/core/sourcesFileSchema.js';
import { markdownTables, referencePages } from '../../support/markdownTables.js';

const SETTING_NAMES = Object.keys(settingsSchema.shape).sort();

/** `1–1024`, as the docs write a setting's range, read from the schema. */
function documentedRange(name: keyof typeof settingsSchema.shape): string {
  const { minValue, maxValue } = settingsSchema.shape[name].unwrap();
  return `${minValue}–${maxValue}`;
}

const settingsTables = referencePages().flatMap(({ path, text }) =>
  markdownTables(text, 'setting').map((rows) => ({ path, rows })),
);

describe('the settings tables of the docs', () => {
  it('include the one in docs/sources.md', () => {
    expect(settingsTables.map(({ path }) => path)).toContain('docs/sources.md');
  });

  it.each(settingsTables)('$path lists every setting of the schema, and no other', ({ rows }) => {
    expect(rows.map((row) => row.setting).sort()).toEqual(SETTING_NAMES);
  });

  it.each(settingsTables)("$path gives each setting the schema's default and range", ({ rows }) => {
    for (const row of rows) {
      const name = row.setting as keyof typeof settingsSchema.shape;
      expect({ setting: name, default: row.default, range: row.range }).toEqual({
        setting: name,
        default: String(DEFAULT_SETTINGS[name]),
        range: documentedRange(name),
      });
    }
  });
});
