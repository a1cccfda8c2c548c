import { describe, expect, it } from 'vitest';
import { aFeedContext, JAVASCRIPT_URL } from './builders.js';

describe('renderContextFor', () => {
  it('keeps only http(s) icon and hub, and authors with a name or an http(s) url', () => {
    // Act
    const context = aFeedContext({
      icon: JAVASCRIPT_URL,
      hub: 'data:text/html,<script>alert(1)</script>',
      authors: [{ url: JAVASCRIPT_URL }, { name: 'Eve', url: JAVASCRIPT_URL }, { name: ' ' }],
    });

    // Assess
    expect(context).toMatchObject({ icon: undefined, hub: undefined });
    expect(context.authors).toEqual([{ name: 'Eve' }]);
  });

  it('sets the hub only beside the self links, which need the public address', () => {
    // Act
    const served = aFeedContext({ hub: 'https://hub.example/' });
    const unserved = aFeedContext({ baseUrl: undefined, hub: 'https://hub.example/' });

    // Assess
    expect(served.hub).toBe('https://hub.example/');
    expect(unserved.hub).toBeUndefined();
  });
});
