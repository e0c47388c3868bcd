import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type ConsoleFile } from './console-files';
import { CONSOLE_CSP } from './console-csp';
import { type ProviderEndpointsCache } from './provider-endpoints';

/** Where the console is served: the same origin as the API, so it needs no CORS and the token endpoint is `/api/v2/token`. */
export const CONSOLE_PREFIX = '/console';

/** What the console reads at start (`/console/config.json`): public facts, no secret. */
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  /** The audience the console asks the provider for (the gateway's). */
  audience: string;
  scopes: string;
  authorizationEndpoint: string;
  endSessionEndpoint?: string;
  revocationEndpoint?: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the config: always asked again, so a new build is picked up at the next load. */
const REVALIDATE = 'no-cache';

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): FastifyReply {
  void reply
    .header('content-type', file.contentType)
    .header('cache-control', file.immutable ? IMMUTABLE : REVALIDATE)
    .header('content-security-policy', CONSOLE_CSP)
    .header('vary', 'accept-encoding');
  if (file.gzip !== undefined && acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * The console's static files at `/console/`: a built file by its path, `index.html` for any other
 * path (the console's own routes: `/console/roles` reloaded), 404 for a missing hashed asset (an old
 * page asking for a file a new build replaced must fail, not get HTML as JavaScript). No token: the
 * files are public; every call the console makes goes to the API with the person's bearer token.
 */
export function registerConsoleRoutes(
  fastify: FastifyInstance,
  options: {
    files: ReadonlyMap<string, ConsoleFile>;
    config: Omit<ConsoleConfig, 'authorizationEndpoint' | 'endSessionEndpoint' | 'revocationEndpoint'>;
    endpoints: ProviderEndpointsCache;
  },
): void {
  const index = options.files.get('index.html');
  if (index === undefined) throw new Error('the console build has no index.html');
  fastify.get(CONSOLE_PREFIX, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
  fastify.get(`${CONSOLE_PREFIX}/config.json`, async (_request, reply) => {
    void reply.header('cache-control', REVALIDATE).header('content-security-policy', CONSOLE_CSP);
    try {
      const endpoints = await options.endpoints.get();
      return reply.send({ ...options.config, ...endpoints } satisfies ConsoleConfig);
    } catch {
      // The provider cannot be reached: the console says "try again", as for any 503.
      return reply.code(503).send({ code: 503, message: 'The identity provider cannot be reached. Please try again in few minutes.' });
    }
  });
  fastify.get(`${CONSOLE_PREFIX}/*`, async (request, reply) => {
    const path = (request.params as { '*'?: string })['*'] ?? '';
    const file = options.files.get(path === '' ? 'index.html' : path);
    if (file !== undefined) return sendFile(request, reply, file);
    if (path.startsWith('assets/')) {
      return reply.code(404).header('cache-control', 'no-store').send({ code: 404, message: 'No such file of the console.' });
    }
    return sendFile(request, reply, index);
  });
}
