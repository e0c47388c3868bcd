import { type ApiOperation } from './api-operation';
import { fastifyPath } from './documented-paths';

export interface ServedRoute {
  method: string;
  /** Fastify's form: `/api/v1/datavolumes/:id`. */
  url: string;
}

/**
 * Routes served without a descriptor, descriptors without a route, and descriptors given twice: all
 * empty when the OpenAPI document describes exactly what the gateway serves. HEAD routes (Fastify's
 * own, for every GET) are not operations.
 */
export function routeCoverage(
  routes: readonly ServedRoute[],
  operations: readonly ApiOperation[],
): { undocumented: string[]; unserved: string[]; duplicated: string[] } {
  const served = new Set(routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`));
  const described = operations.map((op) => `${op.method} ${fastifyPath(op.path)}`);
  return {
    undocumented: [...served].filter((r) => !described.includes(r)).sort(),
    unserved: described.filter((d) => !served.has(d)).sort(),
    duplicated: described.filter((d, i) => described.indexOf(d) !== i).sort(),
  };
}
