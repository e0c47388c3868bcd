import { type ApiOperation } from './api-operation';

export interface DocumentedPath {
  /** OpenAPI form: `/api/v1/datavolumes/{id}`. */
  path: string;
  pattern: RegExp;
  /** Its methods, HEAD wherever GET is (Fastify serves it). */
  methods: ReadonlySet<string>;
  /** Every operation of the path needs no token (the API description). */
  open: boolean;
}

/**
 * The descriptors' paths, most specific first (fewer `{param}` segments), so that a path like
 * `/api/v1/datavolumes/count` is found before `/api/v1/datavolumes/{id}`, which it also matches.
 */
export function documentedPaths(operations: readonly ApiOperation[]): DocumentedPath[] {
  const byPath = new Map<string, ApiOperation[]>();
  for (const op of operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const params = (path: string): number => path.split('{').length - 1;
  return [...byPath]
    .sort(([a], [b]) => params(a) - params(b) || a.localeCompare(b))
    .map(([path, ops]) => ({
      path,
      pattern: new RegExp(
        `^${path
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join('[^/]+')}/?$`,
      ),
      methods: new Set(ops.flatMap((op) => (op.method === 'GET' ? ['GET', 'HEAD'] : [op.method]))),
      open: ops.every((op) => op.auth === 'none'),
    }));
}

/** The most specific documented path a request path falls on, if any. */
export function documentedPathOf(paths: readonly DocumentedPath[], urlPath: string): DocumentedPath | undefined {
  return paths.find((p) => p.pattern.test(urlPath));
}

/** `/api/v1/datavolumes/{id}` as Fastify's route: `/api/v1/datavolumes/:id`. */
export function fastifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

/** The path of a request URL, without its query. */
export function urlPathOf(url: string): string {
  return url.split('?', 1)[0] ?? '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
