import { canonicalJson } from './canonical-json';

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
});
