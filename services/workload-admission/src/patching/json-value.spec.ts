import { cloneJson, describeJsonType, isAbsent, isRecord, jsonEqual, ownProperty, setOwnProperty } from './json-value';

describe('json-value', () => {
  it('tells objects from arrays, null and primitives', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([[], null, undefined, 'x', 1, true].map(isRecord)).toEqual([false, false, false, false, false, false]);
  });

  it('deep-copies without sharing structure', () => {
    const original = { spec: { volumes: [{ name: 'a', emptyDir: {} }] }, count: 2, flag: null };
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    expect(copy.spec).not.toBe(original.spec);
    expect(copy.spec.volumes[0]).not.toBe(original.spec.volumes[0]);
  });

  it('copies a __proto__ key as a plain key and reads only own properties', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"polluted": true}, "name": "x"}');
    const copy = cloneJson(parsed);
    expect(isRecord(copy) && Object.keys(copy)).toEqual(['__proto__', 'name']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(ownProperty({ name: 'x' }, 'constructor')).toBeUndefined();
    const target: Record<string, unknown> = {};
    setOwnProperty(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__']);
  });

  it('compares JSON structurally, key order ignored, array order kept', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, null)).toBe(false);
    expect(jsonEqual('a', 'a')).toBe(true);
  });

  it('describes JSON types for messages and spots unset values', () => {
    expect([null, undefined, [], {}, 'x', 3, false].map(describeJsonType)).toEqual([
      'null',
      'nothing',
      'an array',
      'an object',
      'a string',
      'a number',
      'a boolean',
    ]);
    expect([undefined, null, 0, '', false].map(isAbsent)).toEqual([true, true, false, false, false]);
  });
});
