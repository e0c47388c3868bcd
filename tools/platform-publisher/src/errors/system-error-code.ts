/**
 * The `code` of a Node system error (ENOENT, EACCES, …). Duck-typed: errors made by node's own
 * modules are not `instanceof Error` inside jest's sandbox.
 */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
