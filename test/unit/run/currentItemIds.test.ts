import { describe, expect, it } from 'vitest';
import { itemId } from '../../../lambda/core/itemId.js';
import type { ItemDigest } from '../../../lambda/process/keptItems.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import { withCurrentItemIds } from '../../../lambda/run/currentItemIds.js';

const SCRIPTED = 'javascript:alert(3)';
/** The id this version gives the item the feed calls SCRIPTED. */
const CONVERTED = itemId('src', SCRIPTED, undefined, []);
const digest = (id: string): ItemDigest => [id, null, null, null];
const validators = { etag: '"v1"' };

describe('withCurrentItemIds', () => {
  it('converts seen ids stored as the feed wrote them, keeping their order, newest last', () => {
    // Prepare
    const sources: Record<string, SourceState> = { src: { seenIds: [SCRIPTED, 'src:2', 'https://site.example/3'] } };

    // Act
    const { sources: converted, refetched } = withCurrentItemIds(sources);

    // Assess
    expect(CONVERTED).toMatch(/^urn:uuid:/);
    expect(converted.src?.seenIds).toEqual([CONVERTED, 'src:2', 'https://site.example/3']);
    expect(refetched).toEqual([]);
  });

  it('keeps one of an id seen both as written and converted, at its newer place', () => {
    // Act
    const { sources } = withCurrentItemIds({ src: { seenIds: [SCRIPTED, 'src:2', CONVERTED] } });

    // Assess
    expect(sources.src?.seenIds).toEqual(['src:2', CONVERTED]);
  });

  it('keeps kept items holding such an id but lets the validators go, so the source is fetched in full', () => {
    // Prepare
    const items = {
      key: 'state/items/_1-0/pack.ndjson',
      range: [0, 10] as [number, number],
      digests: [digest(SCRIPTED)],
    };
    const sources: Record<string, SourceState> = { src: { seenIds: [SCRIPTED], items, validators, title: 'Src' } };

    // Act
    const { sources: converted, refetched } = withCurrentItemIds(sources);

    // Assess
    expect(converted.src).toEqual({ seenIds: [CONVERTED], items, title: 'Src' });
    expect(refetched).toEqual(['src']);
  });

  it('leaves a source whose ids are all in this version’s form as it was', () => {
    // Prepare
    const items = { key: 'state/items/_1-0/pack.ndjson', digests: [digest('src:1'), digest(CONVERTED)] };
    const state: SourceState = { seenIds: ['src:1', CONVERTED], items, validators };

    // Act
    const { sources, refetched } = withCurrentItemIds({ src: state });

    // Assess
    expect(sources.src).toEqual(state);
    expect(refetched).toEqual([]);
  });

  it('converts what it converted already to the same state: converting twice is converting once', () => {
    // Prepare
    const items = { key: 'k', digests: [digest(SCRIPTED)] };
    const once = withCurrentItemIds({ src: { seenIds: [SCRIPTED, 'src:2'], items, validators } }).sources;

    // Act
    const twice = withCurrentItemIds(once);

    // Assess
    expect(twice).toEqual({ sources: once, refetched: [] });
  });
});
