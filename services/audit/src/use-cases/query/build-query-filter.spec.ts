import { buildQueryFilter } from './build-query-filter';

describe('buildQueryFilter', () => {
  const range = { from: '2025-01-01T00:00:00+01:00', to: '2025-01-02T00:00:00Z' };
  it('always bounds the event time (normalized to UTC)', () => {
    expect(buildQueryFilter({ ...range, filterBy: [] })).toEqual({ timestamp: { $gte: '2024-12-31T23:00:00.000Z', $lte: '2025-01-02T00:00:00.000Z' } });
  });
  it('maps the reference operators', () => {
    const f = buildQueryFilter({ ...range, filterBy: ['entityId==v1', 'result!=Failed', 'seq>=5', 'subject=@dana', 'action!@del', 'entityName=^img', 'source=$volume'] });
    expect(f).toEqual({
      $and: [
        { timestamp: { $gte: '2024-12-31T23:00:00.000Z', $lte: '2025-01-02T00:00:00.000Z' } },
        { entityId: 'v1' },
        { result: { $ne: 'Failed' } },
        { seq: { $gte: 5 } },
        { subject: { $regex: 'dana' } },
        { $nor: [{ action: { $regex: 'del' } }] },
        { entityName: { $regex: '^img' } },
        { source: { $regex: 'volume$' } },
      ],
    });
  });
  it('escapes regex characters and refuses a non-numeric seq', () => {
    expect(buildQueryFilter({ ...range, filterBy: ['entityName=@a.b*'] })).toMatchObject({ $and: [{}, { entityName: { $regex: 'a\\.b\\*' } }] });
    expect(() => buildQueryFilter({ ...range, filterBy: ['seq==x'] })).toThrow(/whole number/);
  });
});
