import { DvError, HEADERS, type Identity, identitySchema, summarizeIssues } from '@dv/contracts';
import { type MsgHdrs } from '@nats-io/nats-core';

/** Identities already validated, by their header text: a service calls as the same few identities over and over. */
const seen = new Map<string, Identity>();
const SEEN_MAX = 4096;

/** The caller's identity from the `dv-identity` header; undefined when absent, VALIDATION_FAILED when malformed. */
export function parseIdentityHeader(headers: MsgHdrs | undefined): Identity | undefined {
  if (!headers?.has(HEADERS.identity)) return undefined;
  const raw = headers.get(HEADERS.identity);
  const known = seen.get(raw);
  if (known) return structuredCopy(known);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw DvError.validation(`header ${HEADERS.identity} is not JSON`);
  }
  const parsed = identitySchema.safeParse(json);
  if (!parsed.success) throw DvError.validation(`header ${HEADERS.identity} is malformed: ${summarizeIssues(parsed.error)}`);
  // Bounded: past the limit the oldest text is forgotten (Map keeps insertion order).
  if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value as string);
  seen.set(raw, structuredCopy(parsed.data));
  return parsed.data;
}

/** Each request gets its own object (a handler may keep or change it), without re-validating. */
function structuredCopy(identity: Identity): Identity {
  return { ...identity, groups: [...identity.groups] };
}
