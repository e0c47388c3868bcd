import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';

interface Received {
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

async function listen(handler: (received: Received) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      handler({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const root = join(__dirname, '../../..');

// The OTLP exporter loads node:http with a dynamic import, which jest's CommonJS runtime cannot
// run, and instrumentations hook Node's require; so this runs a fixture in a real node process.
describe('span export (child process)', () => {
  it('exports the service span and an instrumented http client span to the OTLP endpoint', async () => {
    const exported: Received[] = [];
    const targetHits: Received[] = [];
    const collector = await listen((r) => exported.push(r));
    const target = await listen((r) => targetHits.push(r));
    try {
      await new Promise<void>((resolve, reject) => {
        execFile(
          process.execPath,
          ['-r', '@swc-node/register', join(__dirname, 'fixtures/emit-spans.ts')],
          {
            cwd: root,
            env: {
              ...process.env,
              SWC_NODE_PROJECT: join(__dirname, '../tsconfig.json'),
              OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
              FIXTURE_TARGET_URL: `${target.url}/thing`,
            },
            timeout: 20_000,
          },
          (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
        );
      });
    } finally {
      collector.server.close();
      target.server.close();
    }

    expect(exported.map((r) => r.path)).toEqual(['/v1/traces']);
    const body = exported[0]?.body ?? '';
    for (const text of ['"fixture-operation"', '"fixture"', '"0.0.1"']) expect(body).toContain(text);
    // The outgoing request carried the trace context and was recorded as a client span.
    const traceparent = String(targetHits[0]?.headers['traceparent'] ?? '');
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(body).toContain(traceparent.split('-')[1]);
    expect(body).toMatch(/"name":"GET"/);
  }, 30_000);
});
