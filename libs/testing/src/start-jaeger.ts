import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureCachedBuild } from './cached-build';
import { cacheRoot } from './cache-root';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { jaegerBuild } from './jaeger-build';
import { type ProgressLog, stderrProgressLog } from './progress-log';
import { retryStart } from './retry-start';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartJaegerOptions {
  /** A folder of its own: the config goes to <dir>/jaeger.yaml, output to <dir>/jaeger.log. */
  dir: string;
  /** The binary; built (once, cached in cacheRoot()) when not given. */
  binary?: string;
  /** Traces kept in memory (oldest dropped first). */
  maxTraces?: number;
  log?: ProgressLog;
  timeoutMs?: number;
}

export interface RunningJaeger {
  /** OTLP over HTTP: what a service's OTEL_EXPORTER_OTLP_ENDPOINT is set to (spans go to `/v1/traces`). */
  otlpHttpUrl: string;
  /** OTLP over gRPC (host:port), for exporters that speak gRPC. */
  otlpGrpcEndpoint: string;
  /** The UI and its query API (`/api/services`, `/api/traces/<trace id>`). */
  queryUrl: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/** The path of the Jaeger binary, building it first when the cache lacks it (many minutes: see docs/architecture.md). */
export async function ensureJaegerBinary(log: ProgressLog = stderrProgressLog, root = cacheRoot()): Promise<string> {
  return join(await ensureCachedBuild(jaegerBuild(), root, log), 'jaeger');
}

/**
 * Jaeger v2 all-in-one with a config of our own rather than its built-in one: in-memory storage, the OTLP
 * receivers (gRPC and HTTP) and the query API/UI, each on a free port of 127.0.0.1 and nothing else. The
 * built-in config also opens Jaeger/Zipkin receivers, remote sampling, health, expvar, zpages and its own
 * metrics on fixed ports (8888…), which two runs side by side would fight over, and which no one here reads.
 */
export async function startJaeger(options: StartJaegerOptions): Promise<RunningJaeger> {
  const binary = options.binary ?? (await ensureJaegerBinary(options.log));
  await mkdir(options.dir, { recursive: true });
  return retryStart(2, async () => {
    const [otlpHttp, otlpGrpc, queryHttp, queryGrpc] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const config = {
      service: {
        extensions: ['jaeger_storage', 'jaeger_query'],
        pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
        // The collector's own metrics would listen on localhost:8888 for every instance.
        telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      },
      extensions: {
        jaeger_storage: { backends: { memory_store: { memory: { max_traces: options.maxTraces ?? 100_000 } } } },
        jaeger_query: {
          storage: { traces: 'memory_store' },
          http: { endpoint: `127.0.0.1:${queryHttp}` },
          grpc: { endpoint: `127.0.0.1:${queryGrpc}` },
        },
      },
      receivers: {
        otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpHttp}` }, grpc: { endpoint: `127.0.0.1:${otlpGrpc}` } } },
      },
      // Spans are stored within a fraction of a second of arriving: a test reads them back soon after.
      processors: { batch: { timeout: '200ms' } },
      exporters: { jaeger_storage_exporter: { trace_storage: 'memory_store' } },
    };
    const configPath = join(options.dir, 'jaeger.yaml');
    await writeFile(configPath, stringify(config));
    const server = await spawnServer({ name: 'jaeger', command: binary, args: ['--config', configPath], logPath: join(options.dir, 'jaeger.log') });
    const queryUrl = `http://127.0.0.1:${queryHttp}`;
    const otlpHttpUrl = `http://127.0.0.1:${otlpHttp}`;
    try {
      await waitFor(
        async () =>
          (await httpRequest(`${queryUrl}/api/services`).catch(() => ({ status: 0 }))).status === 200 &&
          // The receiver answers a GET with 405: listening is what counts here.
          (await httpRequest(`${otlpHttpUrl}/v1/traces`).catch(() => ({ status: 0 }))).status !== 0,
        {
          timeoutMs: options.timeoutMs ?? 60_000,
          what: `Jaeger to answer at ${queryUrl}/api/services (log ${server.logPath})`,
          bailOut: () => server.exitedError(),
        },
      );
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return { otlpHttpUrl, otlpGrpcEndpoint: `127.0.0.1:${otlpGrpc}`, queryUrl, process: server, stop: () => server.stop() };
  });
}
