import { DvError } from '@dv/contracts';
import { volumeListQuery } from './volume-list-query';

function refusal(query: Record<string, string | string[]>): { message: string; fields: string[] } {
  try {
    volumeListQuery(query);
  } catch (error) {
    if (!(error instanceof DvError)) throw error;
    expect(error.code).toBe('VALIDATION_FAILED');
    const issues = (error.details?.['issues'] ?? []) as { field: string }[];
    return { message: error.message, fields: issues.map((i) => i.field) };
  }
  throw new Error('accepted');
}

describe('volumeListQuery', () => {
  it('maps the reference query to the list request, integers parsed, filterBy single or repeated', () => {
    expect(
      volumeListQuery({
        requestType: 'Originated',
        offset: '50',
        limit: '500',
        sortBy: 'name',
        sortOrder: 'desc',
        'filterBy[]': ['name=@co', 'phase==Ready'],
        search: 'x',
      }),
    ).toEqual({
      requestType: 'Originated',
      offset: 50,
      limit: 500,
      sortBy: 'name',
      sortOrder: 'desc',
      filterBy: ['name=@co', 'phase==Ready'],
      search: 'x',
    });
    expect(volumeListQuery({ requestType: 'UsableInProject', usableInProjectId: 'p1', filterBy: 'clusterId==c1' })).toEqual({
      requestType: 'UsableInProject',
      usableInProjectId: 'p1',
      filterBy: ['clusterId==c1'],
    });
  });

  it('refuses bad paging, sort fields, filter operators and fields, naming the parameter', () => {
    expect(refusal({ requestType: 'Originated', limit: '501' }).fields).toEqual(['limit']);
    expect(refusal({ requestType: 'Originated', limit: '0' }).fields).toEqual(['limit']);
    expect(refusal({ requestType: 'Originated', limit: 'ten' }).fields).toEqual(['limit']);
    expect(refusal({ requestType: 'Originated', offset: '-1' }).fields).toEqual(['offset']);
    expect(refusal({ requestType: 'Originated', sortBy: 'size' }).fields).toEqual(['sortBy']);
    expect(refusal({ requestType: 'Originated', sortOrder: 'up' }).fields).toEqual(['sortOrder']);
    expect(refusal({ requestType: 'Originated', filterBy: ['name==a', 'name~~b'] }).fields).toEqual(['filterBy[1]']);
    expect(refusal({ requestType: 'Originated', filterBy: 'size>=3' }).fields).toEqual(['filterBy[0]']);
  });

  it('requires requestType (and the project with UsableInProject), refuses unknown and repeated parameters', () => {
    expect(refusal({}).fields).toEqual(['requestType']);
    expect(refusal({ requestType: 'Everything' }).fields).toEqual(['requestType']);
    expect(refusal({ requestType: 'UsableInProject' }).fields).toEqual(['usableInProjectId']);
    expect(refusal({ requestType: 'Originated', page: '2' })).toEqual({ message: 'page: is not a parameter of this call', fields: ['page'] });
    expect(refusal({ requestType: 'Originated', limit: ['1', '2'] }).fields).toEqual(['limit']);
    expect(refusal({ requestType: ['Originated', 'Originated'] }).fields).toEqual(['requestType']);
  });
});
