import { CliError } from './cli-error';
import { outputFormat, parseColumns, render, table, valueAt } from './output';

const COLUMNS = [
  { header: 'NAME', path: 'name' },
  { header: 'PHASE', path: 'status.phase' },
];

describe('output', () => {
  it('aligns a table, upper-case headers, no trailing spaces, <none> for missing values', () => {
    const rows = [
      { name: 'imagenet', status: { phase: 'Ready' } },
      { name: 'coco', status: {} },
    ];
    expect(table(rows, COLUMNS, { headers: true })).toBe('NAME      PHASE\nimagenet  Ready\ncoco      <none>\n');
    expect(table(rows, COLUMNS, { headers: false })).toBe('imagenet  Ready\ncoco      <none>\n');
    expect(table([], COLUMNS, { headers: true })).toBe('NAME  PHASE\n');
  });

  it('flattens newlines in cells so one row stays one line', () => {
    expect(table([{ name: 'a\nb', status: { phase: 'x' } }], COLUMNS, { headers: false })).toBe('a b  x\n');
  });

  it('picks columns by path or header, and refuses what is not a field path', () => {
    expect(parseColumns('status.phase,name', COLUMNS).map((c) => c.header)).toEqual(['PHASE', 'NAME']);
    expect(parseColumns('description', COLUMNS)).toEqual([{ header: 'DESCRIPTION', path: 'description' }]);
    expect(parseColumns(undefined, COLUMNS)).toEqual(COLUMNS);
    expect(() => parseColumns('name;rm', COLUMNS)).toThrow(CliError);
    expect(() => parseColumns(',', COLUMNS)).toThrow('--columns names no column');
  });

  it('takes one output format, by -o or by flag', () => {
    expect(outputFormat({})).toBe('table');
    expect(outputFormat({ json: true })).toBe('json');
    expect(outputFormat({ output: 'yaml' })).toBe('yaml');
    expect(outputFormat({ output: 'json', json: true })).toBe('json');
    expect(() => outputFormat({ output: 'xml' })).toThrow('--output must be table, json or yaml, not xml');
    expect(() => outputFormat({ json: true, yaml: true })).toThrow('choose one output format');
  });

  it('renders JSON that parses back and YAML', () => {
    const value = { datavolumes: [{ name: 'imagenet' }] };
    expect(JSON.parse(render(value, 'json'))).toEqual(value);
    expect(render(value, 'yaml')).toBe('datavolumes:\n  - name: imagenet\n');
    expect(valueAt(value, 'datavolumes.0.name')).toBe('imagenet');
  });
});
