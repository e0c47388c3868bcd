/**
 * The console's policy: its scripts and styles are files of this origin (Vite's build has no inline
 * script; React sets styles through the DOM, which CSP does not govern), it calls only this origin's
 * API (the token endpoint included: `/api/v2/token`), and it is never framed. Sign-in and sign-out are
 * top-level navigations to the provider, which `connect-src` does not restrict.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
