import { envField } from './env-field';

/**
 * An absolute URL whose scheme is one of `protocols` (written with or without the colon, e.g.
 * `['nats', 'tls']`). Yields the URL string as given, since clients take strings and
 * normalizing would e.g. add a trailing slash.
 */
export function envUrl(protocols: readonly string[], defaultUrl?: string) {
  const allowed = protocols.map((p) => p.toLowerCase().replace(/:$/, ''));
  return envField<string>(
    `expected a ${allowed.join(' or ')} URL`,
    (raw) => {
      if (!URL.canParse(raw)) return { ok: false };
      const scheme = new URL(raw).protocol.replace(/:$/, '');
      return allowed.length === 0 || allowed.includes(scheme) ? { ok: true, value: raw } : { ok: false };
    },
    defaultUrl,
  );
}
