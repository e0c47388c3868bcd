/** When to refresh: a minute before expiry, or at three quarters of a short lifetime (epoch ms in, ms to wait out). */
export function refreshDelayMs(tokens: { issuedAt: number; expiresAt: number }, nowMs: number): number {
  const lifetime = tokens.expiresAt - tokens.issuedAt;
  const margin = Math.min(60_000, lifetime / 4);
  return Math.max(0, tokens.expiresAt - margin - nowMs);
}
