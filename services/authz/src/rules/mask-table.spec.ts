import { RESOURCE_TYPES } from '@dv/contracts';
import { MaskTable } from './mask-table';

function mask(values: Record<number, number>): Uint8Array {
  const out = new Uint8Array(RESOURCE_TYPES.length);
  for (const [i, v] of Object.entries(values)) out[Number(i)] = v;
  return out;
}

describe('MaskTable', () => {
  it('stores each distinct mask once and reads it back by id', () => {
    const table = new MaskTable();
    const a = table.intern(mask({ 0: 3, 5: 15 }));
    const b = table.intern(mask({ 0: 3 }));
    expect(table.intern(mask({ 0: 3, 5: 15 }))).toBe(a);
    expect(b).not.toBe(a);
    expect(table.size).toBe(2);
    expect(table.grants(a, 5, 8)).toBe(true);
    expect(table.grants(a, 5, 16)).toBe(false);
    expect(table.grants(b, 5, 1)).toBe(false);
    expect(table.grants(b, 0, 2)).toBe(true);
  });

  it('interns the OR of several masks', () => {
    const table = new MaskTable();
    const union = table.union([mask({ 0: 1, 2: 4 }), mask({ 0: 2, 3: 8 })]);
    expect(union).toBe(table.intern(mask({ 0: 3, 2: 4, 3: 8 })));
  });

  it('grows past its first allocation without losing masks', () => {
    const table = new MaskTable();
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(table.intern(mask({ [i % RESOURCE_TYPES.length]: (i % 15) + 1, 35: Math.floor(i / 15) })));
    expect(new Set(ids).size).toBe(300);
    ids.forEach((id, i) => {
      expect(table.bytes[id * table.stride + (i % RESOURCE_TYPES.length)]).toBe(i % RESOURCE_TYPES.length === 35 ? Math.floor(i / 15) : (i % 15) + 1);
    });
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => new MaskTable().intern(new Uint8Array(3))).toThrow(/bytes/);
  });
});
