/** What the webhook knows of a caller after the TLS handshake. */
export interface TlsPeer {
  /** The client presented a certificate the configured CA signed. */
  authorized: boolean;
  /** Why it is not authorized (Node's verification error). */
  authorizationError?: unknown;
  /** The certificate's subject CN (an array when repeated). */
  commonName?: unknown;
}

/**
 * Why this connection is not the API server's, or undefined when it is: a client certificate that
 * the configured CA signed (and, when names are configured, with one of those common names).
 */
export function clientRefusal(peer: TlsPeer, names: readonly string[]): { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string } | undefined {
  if (!peer.authorized) {
    const why = peer.authorizationError ? ` (${String(peer.authorizationError)})` : '';
    return { code: 'UNAUTHENTICATED', message: `the webhook answers only the Kubernetes API server: a client certificate from its CA is required${why}` };
  }
  if (names.length === 0) return undefined;
  const cn = peer.commonName;
  const commonNames = (Array.isArray(cn) ? (cn as unknown[]) : [cn]).filter((name): name is string => typeof name === 'string');
  if (commonNames.some((name) => names.includes(name))) return undefined;
  return { code: 'FORBIDDEN', message: `the client certificate of ${JSON.stringify(commonNames.join(', '))} is not one the webhook answers` };
}
