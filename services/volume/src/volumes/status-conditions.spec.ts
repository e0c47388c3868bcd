import { mergeConditions, sameStatus } from './status-conditions';

describe('status conditions', () => {
  const t0 = '2025-01-01T00:00:00.000Z';
  const t1 = '2025-01-01T00:01:00.000Z';

  it('keeps the transition time while a condition holds, and moves it when it flips', () => {
    const stored = [{ type: 'PvcsCreated', status: 'False' as const, reason: 'ErrorCreatingPvc', message: 'x', lastTransitionTime: t0 }];
    expect(mergeConditions(stored, [{ type: 'PvcsCreated', status: 'False', reason: 'ErrorCreatingPvc', message: 'y' }], t1)[0]?.lastTransitionTime).toBe(t0);
    expect(mergeConditions(stored, [{ type: 'PvcsCreated', status: 'True' }], t1)).toEqual([{ type: 'PvcsCreated', status: 'True', lastTransitionTime: t1 }]);
  });

  it('compares statuses without transition times', () => {
    const a = { phase: 'Ready' as const, conditions: [{ type: 'A', status: 'True' as const, lastTransitionTime: t0 }] };
    expect(sameStatus(a, { ...a, conditions: [{ type: 'A', status: 'True', lastTransitionTime: t1 }] })).toBe(true);
    expect(sameStatus(a, { ...a, phaseMessage: 'm' })).toBe(false);
  });
});
