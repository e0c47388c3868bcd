import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus-text';
import { type HealthCheck, runChecks } from './run-checks';

export interface HealthServerOptions {
  /** 0 picks a free port; the handle reports the real one. */
  port: number;
  /** Defaults to all interfaces, since probes come from the kubelet. */
  host?: string;
  /** Readiness checks by name, e.g. `{ nats: () => nc.isConnected(), mongo: () => ping() }`. */
  checks: Readonly<Record<string, HealthCheck>>;
  /** Prometheus text for GET /metrics, e.g. `() => registry.render()`; without it /metrics is 404. */
  metrics?: () => string;
  /** Per-check limit for /readyz; 2000 ms by default, below the kubelet's usual 1–5 s probe timeout. */
  checkTimeoutMs?: number;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves GET /healthz (liveness: 200 while the event loop answers), /readyz (200 when every check
 * passes, else 503 naming the failing ones) and /metrics on a port of its own, apart from any
 * API, so probes keep working whatever the app does.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const server = createServer((request, response) => {
    handle(request, response, options, timeoutMs).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { status: 'error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('health server is not listening on a TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (Prometheus, kubelet) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions, timeoutMs: number): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const known = path === '/healthz' || path === '/readyz' || (path === '/metrics' && options.metrics !== undefined);
  if (!known) return sendJson(response, 404, { status: 'not found', path });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendJson(response, 405, { status: 'method not allowed' });
  }
  if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    const checks = await runChecks(options.checks, timeoutMs);
    const failing = Object.keys(checks).filter((name) => checks[name] !== 'ok');
    return failing.length === 0 ? sendJson(response, 200, { status: 'ok', checks }) : sendJson(response, 503, { status: 'unavailable', failing, checks });
  }
  const text = options.metrics?.() ?? '';
  response.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  response.end(request.method === 'HEAD' ? undefined : text);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
