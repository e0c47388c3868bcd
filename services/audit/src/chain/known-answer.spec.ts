import { type AuditRecord } from '@dv/contracts';
import { canonicalJson } from './canonical-json';
import { expectedHash, recordHash, recordMessage } from './record-hash';
import { renderDraftText, sealedText } from './record-text';

/**
 * A known-answer vector for the chain: a fixed record, its canonical text written out by hand from
 * the rules (keys sorted by code unit, no whitespace, strings as JSON.stringify escapes them, UTF-8
 * bytes hashed), and the sha256 of that text computed outside this code:
 *   printf '%s' '<CANONICAL below>' | sha256sum
 * If the hashing or the canonical form ever changes, every archived chain stops verifying: this test
 * says so before a release does. Nothing here is derived from the code under test.
 */
const RECORD: AuditRecord = {
  seq: 7,
  id: 'evt-0007',
  timestamp: '2026-12-06T10:00:00.000Z',
  recordedAt: '2026-12-06T10:00:00.250Z',
  subject: 'dana "the admin"',
  subjectType: 'user',
  action: 'create',
  entityType: 'volume',
  entityId: 'vol-1',
  entityName: 'coco é',
  scopeType: 'project',
  scopeId: 'p1',
  clusterId: 'c1',
  relatedIds: ['vol-1'],
  result: 'Succeeded',
  requestId: 'req-1',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  source: 'dv/volume',
  eventType: 'dv.evt.volume.created.v1',
  details: { size: 1.5, name: 'coco', tags: ['a', 'b'], origin: { pvc: 'coco', ns: 'dv-p1' } },
  prevHash: 'ab'.repeat(32),
  hash: '0db2d0cf5b47a9cb2489a94704e6261ea4b6f18e4b7f5588d247ff5353cd0099',
};

const CANONICAL =
  '{"action":"create","clusterId":"c1","details":{"name":"coco","origin":{"ns":"dv-p1","pvc":"coco"},"size":1.5,"tags":["a","b"]},' +
  '"entityId":"vol-1","entityName":"coco é","entityType":"volume","eventType":"dv.evt.volume.created.v1","id":"evt-0007",' +
  '"prevHash":"abababababababababababababababababababababababababababababababab","recordedAt":"2026-12-06T10:00:00.250Z",' +
  '"relatedIds":["vol-1"],"requestId":"req-1","result":"Succeeded","scopeId":"p1","scopeType":"project","seq":7,"source":"dv/volume",' +
  '"subject":"dana \\"the admin\\"","subjectType":"user","timestamp":"2026-12-06T10:00:00.000Z","traceId":"0af7651916cd43dd8448eb211c80319c"}';

const SHA256 = '0db2d0cf5b47a9cb2489a94704e6261ea4b6f18e4b7f5588d247ff5353cd0099';

describe('the audit chain against a known answer', () => {
  const { hash: _hash, ...unhashed } = RECORD;

  it('writes the record without its hash as the canonical text written out by hand', () => {
    expect(canonicalJson(unhashed)).toBe(CANONICAL);
  });

  it('hashes it to the sha256 computed outside the code, by both ways the chain seals a record', () => {
    expect(recordHash(unhashed)).toBe(SHA256);
    expect(expectedHash(RECORD)).toBe(SHA256);
    const { seq, recordedAt, prevHash, hash: _h, details, ...fields } = RECORD;
    const draft = renderDraftText(fields, canonicalJson(details));
    expect(sealedText(draft, seq, recordedAt, prevHash)).toBe(CANONICAL);
  });

  it('publishes the canonical text with the hash as its last member', () => {
    expect(recordMessage(RECORD)).toBe(`${CANONICAL.slice(0, -1)},"hash":"${SHA256}"}`);
  });
});
