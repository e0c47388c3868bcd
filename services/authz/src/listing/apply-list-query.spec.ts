import { applyListQuery, csvExport, toCsv } from './apply-list-query';

interface Row {
  id: number;
  name: string;
  note?: string | undefined;
}
const rows: Row[] = [
  { id: 3, name: 'Editor', note: 'edits, "a lot"' },
  { id: 1, name: 'System administrator' },
  { id: 10, name: 'L2 researcher' },
  { id: 2, name: 'L1 researcher' },
];
const fields = { id: (r: Row) => r.id, name: (r: Row) => r.name, note: (r: Row) => r.note };

describe('applyListQuery', () => {
  it('filters with every operator, numbers numerically and strings case-insensitively', () => {
    const ids = (filterBy: string[]) => applyListQuery(rows, { filterBy, sortOrder: 'asc', sortBy: 'id' }, fields, ['name']).map((r) => r.id);
    expect(ids(['id>=3'])).toEqual([3, 10]);
    expect(ids(['id<=2'])).toEqual([1, 2]);
    expect(ids(['id==10'])).toEqual([10]);
    expect(ids(['id!=10'])).toEqual([1, 2, 3]);
    expect(ids(['name=@RESEARCH'])).toEqual([2, 10]);
    expect(ids(['name!@research'])).toEqual([1, 3]);
    expect(ids(['name=^l'])).toEqual([2, 10]);
    expect(ids(['name=$tor'])).toEqual([1, 3]);
    expect(ids(['name==editor'])).toEqual([3]);
    expect(ids(['name=@research', 'id>=5'])).toEqual([10]);
    expect(ids(['note!=x'])).toEqual([1, 2, 3, 10]);
  });

  it('searches and sorts both ways, numbers in natural order', () => {
    expect(applyListQuery(rows, { filterBy: [], search: 'researcher', sortBy: 'name', sortOrder: 'desc' }, fields, ['name']).map((r) => r.name)).toEqual([
      'L2 researcher',
      'L1 researcher',
    ]);
    expect(applyListQuery(rows, { filterBy: [], sortBy: 'id', sortOrder: 'asc' }, fields, ['name']).map((r) => r.id)).toEqual([1, 2, 3, 10]);
  });
});

describe('csvExport', () => {
  it('stops at the row cap and says the download was cut', () => {
    const many = Array.from({ length: 20_001 }, (_, i) => ({ id: i, name: `role ${i}`, note: undefined }));
    const capped = csvExport(many, ['id'], fields, 20_000);
    expect(capped.rows).toBe(20_000);
    expect(capped.truncated).toBe(true);
    const lines = capped.csv.split('\r\n');
    expect(lines[0]).toBe('id');
    expect(lines[20_000]).toBe('19999');
    expect(lines).toHaveLength(20_002); // header, 20,000 rows, and the empty string after the last CRLF
    expect(csvExport(many.slice(0, 20_000), ['id'], fields, 20_000)).toMatchObject({ rows: 20_000, truncated: false });
  });
});

describe('toCsv', () => {
  it('writes a header and quotes fields that need it', () => {
    expect(toCsv(rows.slice(0, 2), ['id', 'name', 'note'], fields)).toBe('id,name,note\r\n3,Editor,"edits, ""a lot"""\r\n1,System administrator,\r\n');
  });
});
