import { type AuditRecord, auditRecordSchema } from '@dv/contracts';
import { canonicalJson } from './canonical-json';
import { AFTER_SEQ, BEFORE_PREV_HASH, BEFORE_SEQ, type DraftFields, renderDraftText, sealedMessage, sealedText, sha256Hex } from './record-text';
import { expectedHash, recordHash } from './record-hash';

const full: AuditRecord = {
  seq: 42,
  id: 'e-1',
  timestamp: '2025-01-02T02:04:05.678Z',
  recordedAt: '2025-01-02T02:04:06.000Z',
  subject: 'dana "the admin" \\ é',
  subjectType: 'user',
  action: 'create',
  entityType: 'volume',
  entityId: 'v1',
  entityName: 'imagenet\n😀',
  scopeType: 'project',
  scopeId: 'p1',
  clusterId: 'c1',
  relatedIds: ['v1', 'v2'],
  result: 'Succeeded',
  requestId: 'r1',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  source: 'dv/volume',
  eventType: 'dv.evt.volume.created.v1',
  details: { z: [1, { b: 2, a: null }], a: 'x' },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

function fieldsOf(record: AuditRecord): { fields: DraftFields; detailsJson: string } {
  const { seq: _s, recordedAt: _r, prevHash: _p, hash: _h, details, ...fields } = record;
  return { fields, detailsJson: canonicalJson(details) };
}

describe('sealedText', () => {
  it('splits every member of the record schema but hash, in canonical order', () => {
    const members = Object.keys(auditRecordSchema.shape)
      .filter((k) => k !== 'hash')
      .sort();
    expect([...BEFORE_PREV_HASH, 'prevHash', 'recordedAt', ...BEFORE_SEQ, 'seq', ...AFTER_SEQ]).toEqual(members);
  });

  it('is the canonical JSON of the record without its hash, with every optional member or none', () => {
    const { hash: _hash, ...unhashed } = full;
    const { fields, detailsJson } = fieldsOf(full);
    expect(sealedText(renderDraftText(fields, detailsJson), full.seq, full.recordedAt, full.prevHash)).toBe(canonicalJson(unhashed));

    const bare: AuditRecord = {
      seq: 1,
      id: 'e',
      timestamp: 't',
      recordedAt: 'r',
      subject: 's',
      subjectType: 'system',
      action: 'a',
      entityType: 'x',
      result: 'Failed',
      source: 'src',
      eventType: 'ev',
      details: null,
      prevHash: '0'.repeat(64),
      hash: '',
    };
    const { hash: _h, ...bareUnhashed } = bare;
    const b = fieldsOf(bare);
    expect(sealedText(renderDraftText(b.fields, b.detailsJson), 1, 'r', '0'.repeat(64))).toBe(canonicalJson(bareUnhashed));
  });

  it('hashes as the generic record hash, and publishes a text whose hash can be recomputed', () => {
    const { fields, detailsJson } = fieldsOf(full);
    const text = sealedText(renderDraftText(fields, detailsJson), full.seq, full.recordedAt, full.prevHash);
    const hash = sha256Hex(text);
    const { hash: _hash, ...unhashed } = full;
    expect(hash).toBe(recordHash(unhashed));
    const published = auditRecordSchema.parse(JSON.parse(sealedMessage(text, hash)));
    expect(published).toEqual({ ...full, hash });
    expect(expectedHash(published)).toBe(hash);
  });
});
