import { CANONICAL_MAX_DEPTH, CanonicalJsonError, canonicalJson, jsonString } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same text for equal values in any key order', () => {
    expect(canonicalJson({ x: 'é', n: 1.5, t: true, z: null })).toBe(canonicalJson({ z: null, t: true, n: 1.5, x: 'é' }));
  });
  it('writes undefined array items and top-level values as null', () => {
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('writes strings and numbers exactly as JSON.stringify does', () => {
    const strings = [
      '',
      'plain',
      'quote " and \\ backslash',
      'tab\there\nnewline\u0000\u001f',
      'é ☃ 😀',
      '\u2028\u2029',
      'lone \ud800 high',
      'lone \udc00 low',
      '\ud83d\ude00\ud83d',
    ];
    for (const s of strings) expect(jsonString(s)).toBe(JSON.stringify(s));
    for (const n of [0, -0, 1.5, -2e-7, 1e21, 123456789012345680000, Number.MAX_SAFE_INTEGER, NaN, Infinity]) expect(canonicalJson(n)).toBe(JSON.stringify(n));
    // Same text as JSON.stringify for a value whose keys are already sorted.
    const sorted = { a: ['x', 1, true, null, { b: 'y' }], c: 'd\n' };
    expect(canonicalJson(sorted)).toBe(JSON.stringify(sorted));
  });
  it('sorts keys by UTF-16 code units, integer-like keys included', () => {
    expect(canonicalJson({ 10: 'a', 2: 'b', B: 1, a: 2, é: 3 })).toBe('{"10":"a","2":"b","B":1,"a":2,"é":3}');
  });
  it(`refuses a value nested deeper than ${CANONICAL_MAX_DEPTH} levels, whatever the call stack`, () => {
    const nest = (depth: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };
    expect(() => canonicalJson(nest(CANONICAL_MAX_DEPTH))).not.toThrow();
    expect(() => canonicalJson(nest(CANONICAL_MAX_DEPTH + 1))).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(nest(100_000))).toThrow(/nested deeper than 128 levels/);
  });
});
