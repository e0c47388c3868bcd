import { type ErrorCode } from '@dv/contracts';

/**
 * Our error code for an API server status. No status (connection refused, timeout, TLS), our own
 * credentials refused (401) and server-side failures are UNAVAILABLE: the cluster or our set-up, not
 * the caller, is at fault.
 */
export function kubeErrorCode(status: number | undefined): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'VALIDATION_FAILED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    default:
      return 'UNAVAILABLE';
  }
}
