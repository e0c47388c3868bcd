/**
 * Where to send spans, following the OTLP exporter spec: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used
 * as is, OTEL_EXPORTER_OTLP_ENDPOINT gets `/v1/traces` appended. Undefined means export nothing.
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const tracesEndpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (tracesEndpoint) return tracesEndpoint;
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}
