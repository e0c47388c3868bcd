// Imported first by main.ts, as in every service. The gateway traces its HTTP requests itself
// (http/trace-context.hook.ts) rather than through the http instrumentation: that one, with the
// AsyncLocalStorage context it makes active for each request, cost about a third of the gateway's CPU
// per request in test/bench/gateway.bench.ts. The gateway makes no MongoDB or other outgoing calls
// worth a client span (the provider's key set is fetched rarely), so no instrumentation is loaded.
import { startTelemetry } from '@dv/telemetry';

export const SERVICE_NAME = 'gateway';
export const telemetry = startTelemetry({ serviceName: SERVICE_NAME, instrumentations: false });
