import { DvError, HEADERS, type Identity, identitySchema, summarizeIssues } from '@dv/contracts';
import { type MsgHdrs } from '@nats-io/nats-core';

/** The caller's identity from the `dv-identity` header; undefined when absent, VALIDATION_FAILED when malformed. */
export function parseIdentityHeader(headers: MsgHdrs | undefined): Identity | undefined {
  if (!headers?.has(HEADERS.identity)) return undefined;
  const raw = headers.get(HEADERS.identity);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw DvError.validation(`header ${HEADERS.identity} is not JSON`);
  }
  const parsed = identitySchema.safeParse(json);
  if (!parsed.success) throw DvError.validation(`header ${HEADERS.identity} is malformed: ${summarizeIssues(parsed.error)}`);
  return parsed.data;
}
