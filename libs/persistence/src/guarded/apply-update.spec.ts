import { DvError } from '@dv/contracts';
import { applyUpdate } from './apply-update';

describe('applyUpdate', () => {
  const doc = { _id: 'a', name: 'n', status: { phase: 'Ready', conditions: [{ type: 'X' }] }, when: new Date(0) };

  it('sets top-level and dotted paths on a copy, leaving the input unchanged', () => {
    const next = applyUpdate(doc, { $set: { name: 'm', 'status.phase': 'NotReady', 'extra.deep': 1 } });
    expect(next).toEqual({ _id: 'a', name: 'm', status: { phase: 'NotReady', conditions: [{ type: 'X' }] }, when: new Date(0), extra: { deep: 1 } });
    expect(doc.name).toBe('n');
    expect(doc.status.phase).toBe('Ready');
    expect(Object.prototype.toString.call(next.when)).toBe('[object Date]');
  });

  it('unsets top-level and dotted paths, and ignores missing ones', () => {
    expect(applyUpdate(doc, { $unset: { name: '', 'status.phase': '', 'missing.path': '' } })).toEqual({
      _id: 'a',
      status: { conditions: [{ type: 'X' }] },
      when: new Date(0),
    });
  });

  it('refuses other operators and prototype paths with a typed error', () => {
    expect(() => applyUpdate(doc, { $inc: { n: 1 } } as never)).toThrow(DvError);
    expect(() => applyUpdate(doc, { $set: { '__proto__.polluted': true } })).toThrow(DvError);
    expect(() => applyUpdate(doc, { $set: { 'a..b': 1 } })).toThrow(DvError);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
