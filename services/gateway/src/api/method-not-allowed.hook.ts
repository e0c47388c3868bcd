import { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { type ApiOperation } from './api-operation';
import { documentedPathOf, documentedPaths, urlPathOf } from './documented-paths';

/**
 * A method the API does not have on a path it has: 405 with `Allow` (RFC 9110), not 404, which would
 * say the resource does not exist, nor the answer of a route the path only looks like (PATCH
 * `/datavolumes/count` is not an update of a volume whose id is "count"). Runs after the bearer hook,
 * so a caller without a token learns nothing of the paths. Only requests no route takes, or taken by a
 * route with parameters, are looked at: a static route is its own path.
 */
export function methodNotAllowedHook(operations: readonly ApiOperation[]) {
  const paths = documentedPaths(operations);
  // A callback hook (no promise per request); an early answer does not call `done`.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const route = request.routeOptions.url;
    if (request.method === 'OPTIONS' || (route !== undefined && !route.includes(':'))) return done();
    const documented = documentedPathOf(paths, urlPathOf(request.url));
    if (documented === undefined || documented.methods.has(request.method)) return done();
    const allow = [...documented.methods].sort().join(', ');
    void reply
      .code(405)
      .header('allow', allow)
      .send({ code: 405, message: `${request.method} is not a method of this path; it allows ${allow}` });
  };
}
