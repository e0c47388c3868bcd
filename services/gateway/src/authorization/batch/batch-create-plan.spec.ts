import { batchCreatePlan } from './batch-create-plan';

const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('batchCreatePlan', () => {
  it('makes a batch within the bound in one call, nothing beyond', () => {
    expect(batchCreatePlan({ subjects: range(4, 's'), scopes: range(25, 'p') })).toEqual({
      calls: [{ subjects: range(4, 's'), scopes: range(25, 'p') }],
      beyond: [],
    });
  });

  it('makes the first pairs, subject by subject, in at most two calls within the bound; the rest fail in order', () => {
    const plan = batchCreatePlan({ subjects: range(13, 's'), scopes: range(13, 'p') });
    expect(plan.calls).toEqual([
      { subjects: range(7, 's'), scopes: range(13, 'p') },
      { subjects: ['s7'], scopes: range(9, 'p') },
    ]);
    for (const call of plan.calls) expect(call.subjects.length * call.scopes.length).toBeLessThanOrEqual(100);
    expect(plan.calls.reduce((n, c) => n + c.subjects.length * c.scopes.length, 0)).toBe(100);
    expect(plan.beyond).toHaveLength(169 - 100);
    expect(plan.beyond[0]).toEqual({ subject: 's7', scope: 'p9' });
    expect(plan.beyond.at(-1)).toEqual({ subject: 's12', scope: 'p12' });
  });

  it('handles more scopes than the bound for one subject, and the largest batch', () => {
    const wide = batchCreatePlan({ subjects: range(2, 's'), scopes: range(100, 'p') });
    expect(wide.calls).toEqual([{ subjects: ['s0'], scopes: range(100, 'p') }]);
    expect(wide.beyond).toHaveLength(100);
    const largest = batchCreatePlan({ subjects: range(100, 's'), scopes: range(100, 'p') });
    expect(largest.calls).toEqual([{ subjects: ['s0'], scopes: range(100, 'p') }]);
    expect(largest.beyond).toHaveLength(9_900);
    const tall = batchCreatePlan({ subjects: range(100, 's'), scopes: ['p'] });
    expect(tall).toEqual({ calls: [{ subjects: range(100, 's'), scopes: ['p'] }], beyond: [] });
  });
});
