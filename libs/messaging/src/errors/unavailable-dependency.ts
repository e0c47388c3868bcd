/**
 * Errors that mean a server we depend on cannot be reached right now (the MongoDB-wire server down or
 * unreachable, a connection refused or reset): the request may succeed later, so the caller gets
 * UNAVAILABLE, not INTERNAL. Recognized by name and code, so the transport needs no database driver.
 */
const UNREACHABLE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
]);

const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

export function isUnavailableDependencyError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREACHABLE_ERROR_NAMES.has(error.name)) return true;
  // mongoose queues operations while disconnected and gives up with this message.
  if (error.name === 'MongooseError' && /buffering timed out/.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_SOCKET_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isUnavailableDependencyError(cause);
}
