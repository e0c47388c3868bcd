import { envField } from './env-field';

/**
 * One or more absolute URLs, comma-separated, each with one of `protocols` (e.g. every server of a
 * NATS cluster: `nats://a:4222,nats://b:4222`). Yields the string as given: the client splits it.
 */
export function envUrlList(protocols: readonly string[]) {
  const allowed = protocols.map((p) => p.toLowerCase().replace(/:$/, ''));
  const one = (raw: string): boolean => URL.canParse(raw) && allowed.includes(new URL(raw).protocol.replace(/:$/, ''));
  return envField<string>(`expected one or more ${allowed.join(' or ')} URLs, comma-separated`, (raw) =>
    raw.split(',').every((entry) => one(entry.trim())) ? { ok: true, value: raw } : { ok: false },
  );
}
