import { type RunningJaeger, startJaeger } from '@dv/testing';
import { join } from 'node:path';

export interface LocalTracing {
  /** Given to every service: where it sends its spans (OTLP over HTTP); empty when tracing is off. */
  env: Record<string, string>;
  /** What to tell the developer about it. */
  summary: string;
  /** Jaeger's UI, when the local run started it. */
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Where the services' spans go: to the collector OTEL_EXPORTER_OTLP_ENDPOINT names, when it is set; nowhere
 * with DV_TRACING=off; otherwise to a Jaeger all-in-one started here (built once on first use, in-memory,
 * every port on 127.0.0.1), whose UI address the run prints.
 */
export async function startLocalTracing(root: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalTracing> {
  const given = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  if (given) {
    return {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: given },
      summary: `traces: OTEL_EXPORTER_OTLP_ENDPOINT is set, spans go to ${given} (Jaeger not started)`,
      stop: () => Promise.resolve(),
    };
  }
  if (env['DV_TRACING']?.trim().toLowerCase() === 'off') {
    return { env: {}, summary: 'traces: off (DV_TRACING=off)', stop: () => Promise.resolve() };
  }
  const jaeger: RunningJaeger = await startJaeger({ dir: join(root, 'tmp', 'jaeger') });
  return {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl },
    summary: `traces: Jaeger UI ${jaeger.queryUrl} (every service sends its spans to ${jaeger.otlpHttpUrl}; in memory, log tmp/jaeger/jaeger.log)`,
    uiUrl: jaeger.queryUrl,
    stop: () => jaeger.stop(),
  };
}
