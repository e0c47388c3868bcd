import { DvError } from '@dv/contracts';
import { KubeError } from './kube-error';
import { kubeErrorCode } from './kube-error-code';
import { kubeErrorStatus } from './kube-error-status';

/**
 * True when a failed call says nothing about the objects asked for: the API server never answered
 * (connection refused, timeout, TLS), failed itself (5xx), throttled (429) or refused our credentials
 * (401). Such a failure is no evidence that a PV or PVC is gone or wrong: keep what is known and try
 * again later. A definite answer (404, 403, 409, 422, …) is evidence.
 */
export function isKubeUnreachable(error: unknown): boolean {
  if (error instanceof KubeError) return error.code === 'UNAVAILABLE';
  if (error instanceof DvError) return false;
  return kubeErrorCode(kubeErrorStatus(error)) === 'UNAVAILABLE';
}
