import { escapePointerSegment, parseJsonPointer, toJsonPointer, unescapePointerSegment } from './json-pointer';

describe('json-pointer', () => {
  it('escapes ~ before / so that neither is misread', () => {
    expect(escapePointerSegment('Worker/gpu')).toBe('Worker~1gpu');
    expect(escapePointerSegment('a~b')).toBe('a~0b');
    expect(escapePointerSegment('~/')).toBe('~0~1');
    expect(unescapePointerSegment('~01')).toBe('~1');
    expect(unescapePointerSegment('~0~1')).toBe('~/');
  });

  it('builds pointers from keys and indices', () => {
    expect(toJsonPointer([])).toBe('');
    expect(toJsonPointer(['spec', 'workerGroupSpecs', 1, 'template'])).toBe('/spec/workerGroupSpecs/1/template');
    expect(toJsonPointer(['spec', 'pytorchReplicaSpecs', 'Worker/gpu~a'])).toBe('/spec/pytorchReplicaSpecs/Worker~1gpu~0a');
    expect(toJsonPointer([''])).toBe('/');
  });

  it('parses what it builds and rejects pointers without a leading slash', () => {
    expect(parseJsonPointer('')).toEqual([]);
    expect(parseJsonPointer('/spec/tfReplicaSpecs/PS~1cpu~0x/-')).toEqual(['spec', 'tfReplicaSpecs', 'PS/cpu~x', '-']);
    expect(parseJsonPointer('/')).toEqual(['']);
    expect(() => parseJsonPointer('spec')).toThrow('Invalid JSON pointer "spec"');
  });
});
