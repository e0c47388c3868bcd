import { normalizeMountPath, sameMountPath } from './mount-path';

describe('mount-path', () => {
  it('collapses repeated slashes and strips a trailing slash, keeping the root', () => {
    expect(normalizeMountPath('//data///imagenet/')).toBe('/data/imagenet');
    expect(normalizeMountPath('/data')).toBe('/data');
    expect(normalizeMountPath('/')).toBe('/');
    expect(normalizeMountPath('//')).toBe('/');
  });

  it('compares only strings, after normalising', () => {
    expect(sameMountPath('/data/imagenet/', '/data//imagenet')).toBe(true);
    expect(sameMountPath('/data/imagenet-v2', '/data/imagenet')).toBe(false);
    expect(sameMountPath(undefined, '/data')).toBe(false);
    expect(sameMountPath(42, '/data')).toBe(false);
  });
});
