import { type FastifyReply } from 'fastify';

/** The API answers JSON only: nothing in it may load or run anything, nor be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The documentation page (HTML): its scripts, styles, fonts and images from this origin only (served as
 * files: no inline script or style), the OpenAPI document fetched from here, nothing from outside.
 */
export const DOCS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers on every answer (Fastify's onSend hook, so 401, 404, 429 and 503 get them too): no MIME
 * sniffing, no framing (X-Frame-Options for old browsers, frame-ancestors for the others), no Referer
 * leaving the console, nothing cached (answers carry per-caller data), a CSP (the docs page's when the
 * answer is HTML and brings none of its own), and HSTS when clients reach us over HTTPS (`GATEWAY_HSTS_MAX_AGE_S`).
 * Called by the gateway's onSend hook (run-gateway.ts).
 */
export function securityHeaders(options: { hstsMaxAgeS: number }) {
  const hsts = options.hstsMaxAgeS > 0 ? `max-age=${options.hstsMaxAgeS}; includeSubDomains` : undefined;
  return (reply: FastifyReply): void => {
    const type = reply.getHeader('content-type');
    const html = typeof type === 'string' && type.startsWith('text/html');
    void reply.header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer');
    // A page that brings a stricter policy of its own (script hashes) keeps it.
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', html ? DOCS_PAGE_CSP : API_CSP);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (hsts !== undefined) void reply.header('strict-transport-security', hsts);
  };
}
