import { request } from 'node:http';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { type HealthServer, startHealthServer } from './start-health-server';

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

function call(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHealthServer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('listens on the real port when asked for port 0', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: {} });
    expect(server.port).toBeGreaterThan(0);
    const reply = await call(server.port, '/healthz');
    expect(reply).toEqual({ status: 200, type: 'application/json', body: '{"status":"ok"}' });
  });

  it('answers liveness even when readiness fails', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: { nats: () => false } });
    expect((await call(server.port, '/healthz')).status).toBe(200);
    expect((await call(server.port, '/healthz', 'HEAD')).status).toBe(200);
  });

  it('is ready when every check passes', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: { nats: () => true, mongo: () => Promise.resolve(true) } });
    const reply = await call(server.port, '/readyz?verbose=1');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', checks: { nats: 'ok', mongo: 'ok' } });
  });

  it('is not ready, naming the failing checks, when any fails, throws or hangs', async () => {
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      checkTimeoutMs: 50,
      checks: {
        nats: () => true,
        mongo: () => Promise.resolve(false),
        kube: () => {
          throw new Error('no token');
        },
        slow: () => new Promise<boolean>(() => undefined),
      },
    });
    const started = Date.now();
    const reply = await call(server.port, '/readyz');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({
      status: 'unavailable',
      failing: ['mongo', 'kube', 'slow'],
      checks: { nats: 'ok', mongo: 'failed', kube: 'error', slow: 'timeout' },
    });
  });

  it('serves metrics as Prometheus text', async () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'dv_requests_total', help: 'Requests', labelNames: ['outcome'] }).inc({ outcome: 'ok' });
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: {}, metrics: () => registry.render() });
    const reply = await call(server.port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.body).toContain('dv_requests_total{outcome="ok"} 1\n');
  });

  it('returns 404 JSON for other paths, and for /metrics without metrics', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: {} });
    for (const path of ['/', '/metrics', '/healthz/extra']) {
      const reply = await call(server.port, path);
      expect(reply.status).toBe(404);
      expect(reply.type).toBe('application/json');
      expect(JSON.parse(reply.body)).toEqual({ status: 'not found', path });
    }
    expect((await call(server.port, '/readyz', 'POST')).status).toBe(405);
  });

  it('returns 500 when rendering metrics throws', async () => {
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      checks: {},
      metrics: () => {
        throw new Error('broken');
      },
    });
    expect((await call(server.port, '/metrics')).status).toBe(500);
  });

  it('rejects when the port is taken', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: {} });
    await expect(startHealthServer({ port: server.port, host: '127.0.0.1', checks: {} })).rejects.toThrow(/EADDRINUSE/);
  });
});
