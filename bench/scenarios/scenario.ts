import type { Settings } from '../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../lambda/core/sourcesFileSchema.js';
import type { LoopbackInternet } from '../loopbackInternet.js';
import type { TableRow } from '../table.js';

export interface ScenarioOptions {
  internet: LoopbackInternet;
  /** Smaller and shorter: checks the bench works; its figures are not for publishing. */
  quick: boolean;
}

/** What a scenario prints (rows) and records in results.json (data). */
export interface ScenarioReport<Data> {
  rows: TableRow[];
  data: Data;
}

/** The sources file's defaults with a scenario's own choices on top. */
export function settingsWith(overrides: Partial<Settings>): Settings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}
