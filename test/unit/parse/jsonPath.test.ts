import { describe, expect, it } from 'vitest';

import { JsonPathError } from '../../../lambda/core/errors.js';
import { JsonPath } from '../../../lambda/parse/jsonPath.js';

const release = {
  data: {
    releases: [
      { tag_name: 'v2', 'content:encoded': '<p>two</p>', assets: [{ name: 'a.tgz' }, { name: 'b.zip' }] },
      { tag_name: 'v1', assets: [] },
    ],
    total: 2,
  },
};

describe('JsonPath', () => {
  it.each([
    ['$.data.releases[*].tag_name', ['v2', 'v1']],
    ['data.releases[*].tag_name', ['v2', 'v1']],
    ['$.data.releases[1].tag_name', ['v1']],
    ["$.data.releases[0]['content:encoded']", ['<p>two</p>']],
    ['$["data"].total', [2]],
    ['data.releases[*].assets[*].name', ['a.tgz', 'b.zip']],
    ['$.data.*', [release.data.releases, 2]],
    ['$', [release]],
  ])('%s selects what JSONPath would', (path, expected) => {
    expect(JsonPath.parse(path).select(release)).toEqual(expected);
  });

  it('selects nothing, rather than failing, where a key or index is absent or the value has another shape', () => {
    expect(JsonPath.parse('$.data.missing[*]').select(release)).toEqual([]);
    expect(JsonPath.parse('$.data.releases[5]').select(release)).toEqual([]);
    expect(JsonPath.parse('$.data.total.value').select(release)).toEqual([]);
    expect(JsonPath.parse('$.data[0]').select(release)).toEqual([]);
  });

  it('reads only own keys, never the prototype chain', () => {
    expect(JsonPath.parse('constructor').select({})).toEqual([]);
    expect(JsonPath.parse('__proto__').select(JSON.parse('{"a": 1}'))).toEqual([]);
    expect(JsonPath.parse('$[0].length').select(['text'])).toEqual([]);
  });

  it('knows the list behind a trailing wildcard', () => {
    const path = JsonPath.parse('$.data.releases[*]');

    expect(path.endsInWildcard).toBe(true);
    expect(path.withoutWildcard().select(release)).toEqual([release.data.releases]);
    expect(JsonPath.parse('data.releases').endsInWildcard).toBe(false);
  });

  it.each([
    ['', 'empty path'],
    ['$..name', 'recursive descent ".." is not supported (at character 2)'],
    ['$.data[?(@.draft)]', 'filters "[?(...)]" are not supported (at character 7)'],
    ['$.items[0:2]', 'slices and unions ("[0:2]", "[0,1]") are not supported (at character 8)'],
    ['$.items[0,1]', 'slices and unions'],
    ['$.items[-1]', 'negative indexes are not supported'],
    ['$.items[', "expected [number], [*] or ['key'] at character 8"],
    ['$.', 'expected a key after "." at character 3, found the end'],
    ['$ .data', 'expected "." or "[" at character 2, found " "'],
    ['data items', 'expected "." or "[" at character 5, found " "'],
  ])('rejects %j with a message saying what and where', (path, message) => {
    expect(() => JsonPath.parse(path)).toThrow(JsonPathError);
    expect(() => JsonPath.parse(path)).toThrow(message);
  });
});
