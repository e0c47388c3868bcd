import { type FastifyRequest } from 'fastify';
import { type ApiOperation } from './api-operation';
import { documentedPathOf, documentedPaths, fastifyPath, urlPathOf } from './documented-paths';

/**
 * Whether a request is served without a bearer token: its route's descriptor says `auth: 'none'` (the
 * API description, the token endpoints), or no route takes it and it falls on a path whose every
 * operation is open (so an unknown method there is answered 405, as for anyone, rather than 401).
 */
export function publicRoutes(operations: readonly ApiOperation[]): (request: Pick<FastifyRequest, 'method' | 'url' | 'routeOptions'>) => boolean {
  const open = new Set(operations.filter((op) => op.auth === 'none').map((op) => `${op.method} ${fastifyPath(op.path)}`));
  const paths = documentedPaths(operations);
  return (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined) return open.has(`${request.method} ${route}`);
    return documentedPathOf(paths, urlPathOf(request.url))?.open === true;
  };
}
