import { auditFileSearch, auditLogSearch, isoOfLocal } from './audit-query';

const query = {
  start: '2026-12-06T10:00:00.000Z',
  end: '2026-12-06T12:00:00.000Z',
  filters: [
    { field: 'action' as const, op: '==' as const, value: 'create' },
    { field: 'subject' as const, op: '=@' as const, value: '' },
  ],
  search: ' coco ',
  sortBy: 'seq' as const,
  sortOrder: 'desc' as const,
  offset: 40,
  pageSize: 20,
};

describe('audit queries', () => {
  it('sends the range, the filters with a value, the search, the sort and the page', () => {
    const params = new URLSearchParams(auditLogSearch(query));
    expect([...params.entries()]).toEqual([
      ['start', query.start],
      ['end', query.end],
      ['filterBy', 'action==create'],
      ['search', 'coco'],
      ['sortBy', 'seq'],
      ['sortOrder', 'desc'],
      ['offset', '40'],
      ['numberOfSamples', '20'],
    ]);
  });

  it('exports the same range and filters, without sort or page', () => {
    const params = new URLSearchParams(auditFileSearch(query, 'CSV'));
    expect(params.get('file_type')).toBe('CSV');
    expect(params.getAll('filterBy')).toEqual(['action==create']);
    expect(params.has('offset')).toBe(false);
  });

  it('reads a datetime-local value, empty or invalid as none', () => {
    expect(isoOfLocal('')).toBeUndefined();
    expect(isoOfLocal('nonsense')).toBeUndefined();
    expect(isoOfLocal('2026-12-06T10:00')).toBe(new Date(2026, 11, 6, 10, 0).toISOString());
  });
});
