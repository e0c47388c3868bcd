import { queryString } from '../api/api-client';
import { CSV_MAX_ROWS, csvCell, toCsv } from './csv';
import { compareCells, formatFilter, matchesFilter } from './filter';
import { localSource } from './local-source';

describe('CSV', () => {
  it('quotes cells with commas, quotes and line breaks (RFC 4180), CRLF between rows', () => {
    expect(
      toCsv(
        ['Role', 'Note'],
        [
          ['a,b', 'say "hi"'],
          ['x', 'two\nlines'],
        ],
      ),
    ).toBe('Role,Note\r\n"a,b","say ""hi"""\r\nx,"two\nlines"\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2,3')).toBe(`"'-2,3"`);
    expect(csvCell('L1 researcher')).toBe('L1 researcher');
  });

  it('caps downloads at the seeds’ 20,000 rows', () => {
    expect(CSV_MAX_ROWS).toBe(20_000);
  });
});

describe('filters', () => {
  it('formats the API’s filterBy items', () => {
    expect(formatFilter({ field: 'name', op: '=@', value: 'mnist' })).toBe('name=@mnist');
  });

  it.each([
    ['==', 'Editor', true],
    ['==', 'editor', true],
    ['!=', 'Editor', false],
    ['=@', 'dit', true],
    ['!@', 'dit', false],
    ['=^', 'Ed', true],
    ['=$', 'or', true],
    ['=$', 'Ed', false],
  ] as const)('%s %s on "Editor" is %s', (op, value, expected) => {
    expect(matchesFilter('Editor', { field: 'name', op, value })).toBe(expected);
  });

  it('compares numbers as numbers and the rest as text', () => {
    expect(compareCells('9', '10')).toBeLessThan(0);
    expect(compareCells('b', 'a')).toBeGreaterThan(0);
    expect(matchesFilter('1710', { field: 'id', op: '>=', value: '373' })).toBe(true);
    expect(matchesFilter('2025-12-01T00:00:00.000Z', { field: 'createdAt', op: '<=', value: '2025-11-30' })).toBe(false);
  });
});

describe('localSource', () => {
  const rows = [
    { name: 'Viewer', by: 'system' },
    { name: 'Editor', by: 'system' },
    { name: 'L1 researcher', by: 'system' },
    { name: 'L2 researcher', by: 'system' },
  ];
  const source = localSource(
    async () => rows,
    (row, field) => (field === 'name' ? row.name : row.by),
    ['name'],
  );
  const base = { offset: 0, limit: 50, sortOrder: 'asc' as const, filters: [], search: '' };

  it('sorts both ways, filters with every filter, searches, and pages', async () => {
    expect((await source.fetch({ ...base, sortBy: 'name' })).rows.map((r) => r.name)).toEqual(['Editor', 'L1 researcher', 'L2 researcher', 'Viewer']);
    expect((await source.fetch({ ...base, sortBy: 'name', sortOrder: 'desc' })).rows.map((r) => r.name)[0]).toBe('Viewer');
    const filtered = await source.fetch({
      ...base,
      filters: [
        { field: 'name', op: '=$', value: 'researcher' },
        { field: 'name', op: '!@', value: 'L2' },
      ],
    });
    expect(filtered).toEqual({ rows: [rows[2]], total: 1, hasMore: false });
    expect((await source.fetch({ ...base, search: 'VIEW' })).rows).toEqual([rows[0]]);
    const page = await source.fetch({ ...base, sortBy: 'name', offset: 1, limit: 2 });
    expect(page).toEqual({ rows: [rows[2], rows[3]], total: 4, hasMore: true });
  });
});

describe('queryString', () => {
  it('repeats array values, leaves out empty ones, encodes', () => {
    expect(queryString({ requestType: 'Originated', filterBy: ['name=@a b', 'phase==Ready'], search: '', offset: 0, x: undefined })).toBe(
      '?requestType=Originated&filterBy=name%3D%40a+b&filterBy=phase%3D%3DReady&offset=0',
    );
    expect(queryString({})).toBe('');
  });
});
