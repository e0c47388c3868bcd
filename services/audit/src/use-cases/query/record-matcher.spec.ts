import { type AuditRecord, DvError } from '@dv/contracts';
import { fieldCondition, normalizeTime, searchCondition } from './record-matcher';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: 7,
  id: 'e-1',
  timestamp: '2025-01-02T03:04:05.000Z',
  recordedAt: '2025-01-02T03:04:06.000Z',
  subject: 'dana@acme.example',
  subjectType: 'user',
  action: 'delete',
  entityType: 'volume',
  entityId: 'v1',
  entityName: 'img.b*',
  relatedIds: ['v1', 'v2'],
  result: 'Succeeded',
  source: 'dv/volume',
  eventType: 'dv.evt.volume.deleted.v1',
  details: {},
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  ...over,
});

const holds = (item: string, r: AuditRecord = record()): boolean => fieldCondition(item).test(r);

describe('fieldCondition', () => {
  it('maps the reference operators on text fields', () => {
    expect(holds('entityId==v1')).toBe(true);
    expect(holds('entityId==v2')).toBe(false);
    expect(holds('result!=Failed')).toBe(true);
    expect(holds('subject=@dana')).toBe(true);
    expect(holds('action!@del')).toBe(false);
    expect(holds('entityName=^img')).toBe(true);
    expect(holds('source=$volume')).toBe(true);
    expect(holds('entityName=@.b*')).toBe(true);
    expect(holds('entityName=@a.b')).toBe(false);
  });
  it('compares seq as a number, and refuses one that is not a whole number', () => {
    expect(holds('seq>=5')).toBe(true);
    expect(holds('seq<=6')).toBe(false);
    expect(holds('seq==7')).toBe(true);
    expect(() => fieldCondition('seq==x')).toThrow(DvError);
    expect(() => fieldCondition('seq==x')).toThrow(/whole number/);
  });
  it('compares times in their UTC form, and refuses one that is no time', () => {
    expect(holds('timestamp>=2025-01-02T04:00:00+01:00')).toBe(true);
    expect(holds('timestamp>=2025-01-02T04:00:00Z')).toBe(false);
    expect(() => fieldCondition('timestamp<=yesterday')).toThrow(/ISO 8601/);
    expect(normalizeTime('2025-01-01T00:00:00+01:00')).toBe('2024-12-31T23:00:00.000Z');
  });
  it('holds for an array when one item matches, and for != and !@ when none does', () => {
    expect(holds('relatedIds==v2')).toBe(true);
    expect(holds('relatedIds!=v2')).toBe(false);
    expect(holds('relatedIds!=v3')).toBe(true);
    expect(holds('relatedIds!@v')).toBe(false);
  });
  it('lets an absent field match only != and !@', () => {
    const r = record({ entityName: undefined });
    expect(holds('entityName==x', r)).toBe(false);
    expect(holds('entityName=@x', r)).toBe(false);
    expect(holds('entityName<=x', r)).toBe(false);
    expect(holds('entityName!=x', r)).toBe(true);
    expect(holds('entityName!@x', r)).toBe(true);
  });
});

describe('searchCondition', () => {
  it('finds the text in any case in the searched fields only', () => {
    expect(searchCondition('DANA')(record())).toBe(true);
    expect(searchCondition('v2')(record())).toBe(true);
    expect(searchCondition('acme.example')(record({ subject: 'x' }))).toBe(false);
    expect(searchCondition('succeeded')(record())).toBe(false);
  });
});
