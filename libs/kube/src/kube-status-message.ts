import { ApiException } from '@kubernetes/client-node';

/**
 * The API server's own words for a failure: the `message` and `reason` of the Status object it
 * answered with. The client's exception message embeds the whole body and every header, which is
 * no message to show anyone.
 */
export function kubeStatusMessage(error: unknown): { message: string; reason?: string } {
  if (!(error instanceof ApiException)) return { message: error instanceof Error ? error.message : String(error) };
  const status = parseStatus(error.body);
  const message = status?.message ?? `HTTP ${error.code}`;
  return status?.reason === undefined ? { message } : { message, reason: status.reason };
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : { message: body.trim().slice(0, 500) };
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = 'message' in value && typeof value.message === 'string' ? value.message : undefined;
  const reason = 'reason' in value && typeof value.reason === 'string' ? value.reason : undefined;
  return { ...(message !== undefined ? { message } : {}), ...(reason !== undefined ? { reason } : {}) };
}
