import { ApiException } from '@kubernetes/client-node';
import { isDvError } from '@dv/contracts';
import { KubeError } from './kube-error';
import { isConflict, isNotFound, kubeErrorStatus } from './kube-error-status';

const notFoundBody = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'namespaces "nope" not found',
  reason: 'NotFound',
  code: 404,
});

describe('KubeError.from', () => {
  it('keeps the API server message, reason and status, not the client headers', () => {
    const error = KubeError.from(new ApiException(404, 'Unknown API Status Code!', notFoundBody, { 'audit-id': 'x' }), 'read namespace nope');
    expect(isDvError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, reason: 'NotFound' });
    expect(error.message).toBe('kubernetes: cannot read namespace nope: namespaces "nope" not found');
    expect(error.toBody().details).toEqual({ status: 404, reason: 'NotFound' });
  });

  it('maps a body that is not a Status to its text', () => {
    const error = KubeError.from(new ApiException(502, 'Unknown API Status Code!', 'bad gateway', {}), 'list pods');
    expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 502, reason: undefined, message: 'kubernetes: cannot list pods: bad gateway' });
  });

  it('maps an error without an answer (network) to UNAVAILABLE', () => {
    const error = KubeError.from(new Error('connect ECONNREFUSED 127.0.0.1:6443'), 'list pods');
    expect(error).toMatchObject({ code: 'UNAVAILABLE', status: undefined, message: 'kubernetes: cannot list pods: connect ECONNREFUSED 127.0.0.1:6443' });
  });

  it('returns a KubeError unchanged', () => {
    const original = KubeError.from(new ApiException(409, '', '', {}), 'create namespace a');
    expect(KubeError.from(original, 'something else')).toBe(original);
    expect(original.message).toBe('kubernetes: cannot create namespace a: HTTP 409');
  });
});

describe('kube error status', () => {
  it('reads the status of the client exception only', () => {
    expect(kubeErrorStatus(new ApiException(404, '', undefined, {}))).toBe(404);
    expect(kubeErrorStatus(new Error('404'))).toBeUndefined();
    expect(kubeErrorStatus({ code: 404 })).toBeUndefined();
    expect(isNotFound(new ApiException(404, '', undefined, {}))).toBe(true);
    expect(isConflict(new ApiException(409, '', undefined, {}))).toBe(true);
    expect(isConflict(new ApiException(404, '', undefined, {}))).toBe(false);
  });
});
