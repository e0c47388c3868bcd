// The floor of the gateway benchmark: a bare HTTP server that forwards each call to the same NATS
// subject as the gateway, with no validation, no authentication, no telemetry and no error mapping:
// a fixed caller identity in `dv-identity`, the reply's bytes written back as they came. Run as its own
// process (like the gateway): node -r ./scripts/ts-register.js test/bench/gateway/floor-server.ts '<json config>'.
// It prints one line `{"floorPort": N}` on stdout when it listens.
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { createServer } from 'node:http';

interface FloorConfig {
  natsUrl: string;
  identity: { subjectId: string; subjectType: string };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as FloorConfig;
  const nc = await connect({ servers: config.natsUrl, name: 'bench-gateway-floor' });
  const identity = JSON.stringify(config.identity);
  let requestNumber = 0;
  const forward = (subject: string, body: string): Promise<Uint8Array> => {
    const h = natsHeaders();
    h.set('dv-identity', identity);
    h.set('dv-request-id', `floor-${++requestNumber}`);
    return nc.request(subject, body, { timeout: 30_000, headers: h }).then((m) => m.data);
  };
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const answer = (data: Uint8Array): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(data);
    };
    const fail = (error: unknown): void => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 503, message: String(error) }));
    };
    if (req.method === 'GET' && url.startsWith('/api/v1/datavolumes/')) {
      forward('dv.volume.get', `{"id":"${url.slice('/api/v1/datavolumes/'.length)}"}`).then(answer, fail);
    } else if (req.method === 'GET' && url.startsWith('/api/v1/datavolumes?')) {
      // The query's parameters as they are, but `limit`/`offset` as numbers (the contract's types): no other check.
      const query: Record<string, string | number> = {};
      for (const [key, value] of new URLSearchParams(url.slice(url.indexOf('?') + 1))) query[key] = key === 'limit' || key === 'offset' ? Number(value) : value;
      forward('dv.volume.list-page', JSON.stringify(query)).then(answer, fail);
    } else if (req.method === 'POST' && url === '/api/dv/v1/check') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => forward('dv.authz.check', body).then(answer, fail));
    } else {
      res.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ floorPort: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void nc.drain().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`floor server failed: ${String(error)}\n`);
  process.exit(1);
});
