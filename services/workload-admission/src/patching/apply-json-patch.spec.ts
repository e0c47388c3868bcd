import { applyJsonPatch } from './apply-json-patch';
import { type JsonPatchOp } from './patch-types';

describe('applyJsonPatch', () => {
  const document = { spec: { volumes: [{ name: 'cache', emptyDir: {} }], 'a/b': { 'c~d': [] as unknown[] } } };

  it('appends with /-, inserts at an index, adds object members, and leaves the input alone', () => {
    const patch: JsonPatchOp[] = [
      { op: 'add', path: '/spec/volumes/-', value: { name: 'data' } },
      { op: 'add', path: '/spec/volumes/0', value: { name: 'first' } },
      { op: 'add', path: '/spec/a~1b/c~0d/-', value: 1 },
      { op: 'add', path: '/metadata', value: { name: 'x' } },
    ];
    const before = JSON.stringify(document);
    expect(applyJsonPatch(document, patch)).toEqual({
      spec: { volumes: [{ name: 'first' }, { name: 'cache', emptyDir: {} }, { name: 'data' }], 'a/b': { 'c~d': [1] } },
      metadata: { name: 'x' },
    });
    expect(JSON.stringify(document)).toBe(before);
  });

  it('does not share the patch values with the result', () => {
    const value = { name: 'data' };
    const result = applyJsonPatch({ list: [] as unknown[] }, [{ op: 'add', path: '/list/-', value }]);
    expect(result.list[0]).toEqual(value);
    expect(result.list[0]).not.toBe(value);
  });

  it('replaces the whole document on the empty path and returns a copy for an empty patch', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
    const copy = applyJsonPatch(document, []);
    expect(copy).toEqual(document);
    expect(copy).not.toBe(document);
  });

  it('throws on a path that does not exist or a bad index', () => {
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/spec/template/spec', value: {} }])).toThrow('"template" does not exist');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/spec/volumes/5', value: {} }])).toThrow('not a valid index');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/spec/volumes/01', value: {} }])).toThrow('not a valid index');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/spec/volumes/7/name', value: 'x' }])).toThrow('"7" does not exist');
    expect(() => applyJsonPatch({ a: 'text' }, [{ op: 'add', path: '/a/b', value: 1 }])).toThrow('not a container');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: 'spec', value: 1 }])).toThrow('Invalid JSON pointer');
  });

  it('refuses operations other than add', () => {
    const remove = { op: 'remove', path: '/spec' } as unknown as JsonPatchOp;
    expect(() => applyJsonPatch(document, [remove])).toThrow('Unsupported JSON patch operation "remove"');
    const noPath = { op: 'add', value: 1 } as unknown as JsonPatchOp;
    expect(() => applyJsonPatch(document, [noPath])).toThrow('needs a string path');
  });

  it('keeps a __proto__ key an own member', () => {
    const result = applyJsonPatch({} as Record<string, unknown>, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]);
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
