import { type AuditRecord } from '@dv/contracts';
import { type Collection, type Connection } from 'mongoose';

/**
 * A record as stored: `_id` is the event id (a second copy of an event cannot be stored), `seq` is
 * unique (two writers cannot fork the chain), and the event's data is kept as its canonical JSON text
 * (`detailsJson`) so no key of the data (dots, `$`) can trouble the database and the hashed form
 * round-trips byte for byte.
 */
export interface AuditRecordDoc extends Omit<AuditRecord, 'id' | 'details'> {
  _id: string;
  detailsJson: string;
}

/** Chain bookkeeping: `head` (the last sealed seq and hash, a lower bound), `archive` (checkpoint), `relay` (published seq). */
export interface ChainStateDoc {
  _id: 'head' | 'archive' | 'relay';
  seq: number;
  hash?: string;
  file?: string;
}

export const AUDIT_RECORDS_COLLECTION = 'audit_records';
export const AUDIT_CHAIN_COLLECTION = 'audit_chain';

export interface AuditCollections {
  records: Collection<AuditRecordDoc>;
  chain: Collection<ChainStateDoc>;
}

/** The service's collections (the driver's, not mongoose models: records are written as they are hashed). */
export async function auditCollections(connection: Connection): Promise<AuditCollections> {
  const records = connection.collection<AuditRecordDoc>(AUDIT_RECORDS_COLLECTION);
  const chain = connection.collection<ChainStateDoc>(AUDIT_CHAIN_COLLECTION);
  await records.createIndex({ seq: 1 }, { unique: true, name: 'seq_unique' });
  await records.createIndex({ timestamp: 1, seq: 1 }, { name: 'timestamp_seq' });
  await records.createIndex({ entityId: 1 }, { name: 'entity_id' });
  await records.createIndex({ relatedIds: 1 }, { name: 'related_ids' });
  return { records, chain };
}

export function toAuditRecord(doc: AuditRecordDoc): AuditRecord {
  const { _id, detailsJson, ...rest } = doc;
  return { ...rest, id: _id, details: JSON.parse(detailsJson) as unknown };
}

export function toAuditRecordDoc(record: AuditRecord, detailsJson: string): AuditRecordDoc {
  const { id, details: _details, ...rest } = record;
  return { _id: id, detailsJson, ...rest };
}
