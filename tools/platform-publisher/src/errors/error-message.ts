/**
 * The first line of a thrown value's message, for one-line CLI errors. Duck-typed like
 * systemErrorCode: node's own errors are not `instanceof Error` inside jest's sandbox.
 */
export function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}
