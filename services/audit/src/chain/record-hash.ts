import { type AuditRecord } from '@dv/contracts';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** A record before its own hash is known: everything the hash covers (prevHash and seq included). */
export type UnhashedRecord = Omit<AuditRecord, 'hash'>;

/** sha256 (hex) over the canonical JSON of the record without its own hash. */
export function recordHash(record: UnhashedRecord): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** Recomputes a record's hash from everything but its `hash` field. */
export function expectedHash(record: AuditRecord): string {
  const { hash: _hash, ...rest } = record;
  return recordHash(rest);
}
