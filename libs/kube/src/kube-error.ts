import { DvError, type ErrorCode } from '@dv/contracts';
import { kubeErrorCode } from './kube-error-code';
import { kubeErrorStatus } from './kube-error-status';
import { kubeStatusMessage } from './kube-status-message';

/**
 * A failed Kubernetes API call as a DvError, so it crosses RPC replies with a code callers understand.
 * Keeps the HTTP status and the API server's reason for logs and for callers that need them.
 */
export class KubeError extends DvError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The API server's HTTP status; undefined when it never answered. */
    readonly status: number | undefined,
    /** The Status `reason` (AlreadyExists, NotFound, Invalid, …). */
    readonly reason: string | undefined,
  ) {
    super(code, message, { ...(status !== undefined ? { status } : {}), ...(reason !== undefined ? { reason } : {}) });
  }

  /** Maps whatever a client call threw; `action` says what was attempted (`read namespace dv-proj-a`). */
  static from(error: unknown, action: string): KubeError {
    if (error instanceof KubeError) return error;
    const status = kubeErrorStatus(error);
    const { message, reason } = kubeStatusMessage(error);
    return new KubeError(kubeErrorCode(status), `kubernetes: cannot ${action}: ${message}`, status, reason);
  }
}
