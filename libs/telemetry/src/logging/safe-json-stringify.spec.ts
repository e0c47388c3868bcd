import { safeJsonStringify } from './safe-json-stringify';

describe('safeJsonStringify', () => {
  it('matches JSON.stringify on plain data', () => {
    const value = { a: 1, b: ['x', null, true], c: { d: 'e' }, skipped: undefined };
    expect(safeJsonStringify(value)).toBe(JSON.stringify(value));
  });

  it('marks cycles but keeps repeated acyclic references', () => {
    const a: Record<string, unknown> = { id: 'a' };
    const b: Record<string, unknown> = { id: 'b', a };
    a['b'] = b;
    const leaf = { n: 1 };
    expect(JSON.parse(safeJsonStringify({ a, twice: [leaf, { leaf }] }) ?? '')).toEqual({
      a: { id: 'a', b: { id: 'b', a: '[Circular]' } },
      twice: [{ n: 1 }, { leaf: { n: 1 } }],
    });
  });

  it('renders Maps, Sets, Buffers, bigints and dates', () => {
    const value = {
      map: new Map<unknown, unknown>([
        ['k', 1],
        [2, 'two'],
      ]),
      set: new Set(['x']),
      buf: Buffer.from('abc'),
      big: 2n ** 70n,
      at: new Date(0),
    };
    expect(JSON.parse(safeJsonStringify(value) ?? '')).toEqual({
      map: { k: 1, '2': 'two' },
      set: ['x'],
      buf: '[Buffer 3 bytes]',
      big: '1180591620717411303424',
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('returns undefined instead of throwing', () => {
    expect(
      safeJsonStringify({
        get bad(): never {
          throw new Error('no');
        },
      }),
    ).toBeUndefined();
  });
});
