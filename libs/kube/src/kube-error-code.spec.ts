import { kubeErrorCode } from './kube-error-code';

describe('kubeErrorCode', () => {
  it.each([
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [403, 'FORBIDDEN'],
    [422, 'VALIDATION_FAILED'],
    [400, 'VALIDATION_FAILED'],
    [401, 'UNAVAILABLE'],
    [500, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [undefined, 'UNAVAILABLE'],
  ])('maps %s to %s', (status, code) => {
    expect(kubeErrorCode(status)).toBe(code);
  });
});
