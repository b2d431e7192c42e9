// How the CRM's addresses are packed into Gmail search queries.
import { describe, expect, it } from 'vitest';
import { QUERY_TERM_CHARS, queryGroups } from '../../src/crm/crm-search.ts';

describe('search query groups', () => {
  it('when a thousand addresses are grouped, then each group fits one query and every address is in exactly one', () => {
    const terms = Array.from({ length: 1_000 }, (_, i) => `someone-${i}@company-${i % 37}.test`);
    const groups = queryGroups(terms);
    for (const group of groups) {
      expect(group.reduce((n, t) => n + t.length + 1, 0)).toBeLessThanOrEqual(QUERY_TERM_CHARS);
    }
    expect(groups.flat()).toEqual(terms);
    // Greedy packing leaves less than one address's room at the end of each query.
    const longest = Math.max(...terms.map((t) => t.length + 1));
    expect(groups.length).toBeLessThanOrEqual(
      Math.ceil((terms.join(' ').length + 1) / (QUERY_TERM_CHARS - longest)),
    );
  });

  it('when there are no addresses, then there is no query', () => {
    expect(queryGroups([])).toEqual([]);
  });
});
