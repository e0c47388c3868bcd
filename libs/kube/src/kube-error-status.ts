import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of an API server answer the client threw, or undefined for anything else (network, bugs). */
export function kubeErrorStatus(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return kubeErrorStatus(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return kubeErrorStatus(error) === 409;
}
