import { type AuditRecord } from '@dv/contracts';
import { canonicalJson } from './canonical-json';
import { sealedMessage, sha256Hex } from './record-text';

/** A record before its own hash is known: everything the hash covers (prevHash and seq included). */
export type UnhashedRecord = Omit<AuditRecord, 'hash'>;

/** sha256 (hex) over the canonical JSON of the record without its own hash. */
export function recordHash(record: UnhashedRecord): string {
  return sha256Hex(canonicalJson(record));
}

/** Recomputes a record's hash from everything but its `hash` field. */
export function expectedHash(record: AuditRecord): string {
  const { hash: _hash, ...rest } = record;
  return recordHash(rest);
}

/** A stored record as it is published on DV_AUDIT (see sealedMessage). */
export function recordMessage(record: AuditRecord): string {
  const { hash, ...rest } = record;
  return sealedMessage(canonicalJson(rest), hash);
}
