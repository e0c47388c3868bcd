import { DvError } from '@dv/contracts';
import { ApiException } from '@kubernetes/client-node';
import { KubeError } from './kube-error';
import { isKubeUnreachable } from './kube-unreachable';

describe('isKubeUnreachable', () => {
  it('is true when the API server did not answer about the object', () => {
    expect(isKubeUnreachable(KubeError.from(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }), 'read pv x'))).toBe(
      true,
    );
    expect(isKubeUnreachable(KubeError.from(new ApiException(503, 'unavailable', undefined, {}), 'read pv x'))).toBe(true);
    expect(isKubeUnreachable(KubeError.from(new ApiException(429, 'slow down', undefined, {}), 'read pv x'))).toBe(true);
    expect(isKubeUnreachable(new ApiException(500, 'boom', undefined, {}))).toBe(true);
    expect(isKubeUnreachable(new Error('socket hang up'))).toBe(true);
  });

  it('is false for a definite answer, and for our own typed findings', () => {
    expect(isKubeUnreachable(KubeError.from(new ApiException(404, 'not found', undefined, {}), 'read pv x'))).toBe(false);
    expect(isKubeUnreachable(KubeError.from(new ApiException(403, 'forbidden', undefined, {}), 'read pv x'))).toBe(false);
    expect(isKubeUnreachable(new ApiException(409, 'conflict', undefined, {}))).toBe(false);
    expect(isKubeUnreachable(DvError.precondition("pvc 'a' is not Bound"))).toBe(false);
    expect(isKubeUnreachable(DvError.notFound("pvc 'a' does not exist"))).toBe(false);
  });
});
