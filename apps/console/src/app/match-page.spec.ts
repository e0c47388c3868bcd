import { matchPage } from './match-page';

const pages = [{ path: '/roles' }, { path: '/roles/:id' }, { path: '/datavolumes' }];

describe('matchPage', () => {
  it('matches static paths and extracts parameters, decoded', () => {
    expect(matchPage(pages, '/roles')).toEqual({ page: pages[0], params: {} });
    expect(matchPage(pages, '/roles/2256')).toEqual({ page: pages[1], params: { id: '2256' } });
    expect(matchPage(pages, '/roles/a%20b')).toEqual({ page: pages[1], params: { id: 'a b' } });
    expect(matchPage(pages, '/datavolumes/')).toEqual({ page: pages[2], params: {} });
  });

  it('matches nothing for unknown, longer or malformed paths', () => {
    expect(matchPage(pages, '/')).toBeUndefined();
    expect(matchPage(pages, '/roles/1/x')).toBeUndefined();
    expect(matchPage(pages, '/roles/%E0%A4%A')).toBeUndefined();
    expect(matchPage(pages, '/audit')).toBeUndefined();
  });
});
