import { type ApiOperation } from './api-operation';
import { documentedPathOf, documentedPaths } from './documented-paths';
import { publicRoutes } from './public-routes';
import { routeCoverage } from './route-coverage';

const op = (method: ApiOperation['method'], path: string, auth?: 'none'): ApiOperation => ({
  operationId: `${method}${path}`,
  method,
  path,
  tags: ['T'],
  summary: 's',
  responses: {},
  errors: [],
  calls: [],
  ...(auth === undefined ? {} : { auth }),
});

describe('routeCoverage', () => {
  it('is empty when every route has one descriptor and every descriptor a route (HEAD is Fastify’s own)', () => {
    expect(
      routeCoverage(
        [
          { method: 'GET', url: '/api/v1/x' },
          { method: 'HEAD', url: '/api/v1/x' },
          { method: 'DELETE', url: '/api/v1/x/:id' },
        ],
        [op('GET', '/api/v1/x'), op('DELETE', '/api/v1/x/{id}')],
      ),
    ).toEqual({ undocumented: [], unserved: [], duplicated: [] });
  });

  it('names routes without a descriptor, descriptors without a route, and descriptors given twice', () => {
    expect(
      routeCoverage(
        [
          { method: 'GET', url: '/api/v1/x' },
          { method: 'POST', url: '/api/v1/x' },
        ],
        [op('GET', '/api/v1/x'), op('GET', '/api/v1/x'), op('PATCH', '/api/v1/x/{id}')],
      ),
    ).toEqual({ undocumented: ['POST /api/v1/x'], unserved: ['PATCH /api/v1/x/:id'], duplicated: ['GET /api/v1/x'] });
  });
});

describe('publicRoutes', () => {
  const isPublic = publicRoutes([op('GET', '/api/openapi.json', 'none'), op('GET', '/api/v1/x/{id}'), op('POST', '/api/v2/token/{kind}', 'none')]);
  const request = (method: string, url: string, route?: string) => ({ method, url, routeOptions: { url: route } }) as Parameters<typeof isPublic>[0];

  it('opens the routes whose descriptors need no token, by method and Fastify route', () => {
    expect(isPublic(request('GET', '/api/openapi.json', '/api/openapi.json'))).toBe(true);
    expect(isPublic(request('POST', '/api/v2/token/x', '/api/v2/token/:kind'))).toBe(true);
    expect(isPublic(request('GET', '/api/v1/x/1', '/api/v1/x/:id'))).toBe(false);
  });

  it('opens a request no route takes only on a path whose every operation is open (its 405 is for anyone)', () => {
    expect(isPublic(request('TRACE', '/api/openapi.json'))).toBe(true);
    expect(isPublic(request('PUT', '/api/v1/x/1'))).toBe(false);
    expect(isPublic(request('GET', '/api/v1/elsewhere'))).toBe(false);
  });
});

describe('documentedPaths', () => {
  const paths = documentedPaths([op('GET', '/api/v1/x/{id}'), op('DELETE', '/api/v1/x/{id}'), op('POST', '/api/v1/x'), op('GET', '/api/v1/x/count')]);
  const of = (path: string) => {
    const found = documentedPathOf(paths, path);
    return found === undefined ? undefined : [found.path, [...found.methods].sort().join(', ')];
  };

  it('matches a path with its parameters as one segment each, and lists its methods (HEAD with GET)', () => {
    expect(of('/api/v1/x/123')).toEqual(['/api/v1/x/{id}', 'DELETE, GET, HEAD']);
    expect(of('/api/v1/x')).toEqual(['/api/v1/x', 'POST']);
    expect(of('/api/v1/x/1/2')).toBeUndefined();
    expect(of('/api/v1/xy')).toBeUndefined();
  });

  it('finds a static path before a path with a parameter it also matches', () => {
    expect(of('/api/v1/x/count')).toEqual(['/api/v1/x/count', 'GET, HEAD']);
  });
});
