// Imported first by main.ts: tracing must be registered before mongoose and http are loaded,
// or their calls are not instrumented.
import { startTelemetry } from '@dv/telemetry';

export const SERVICE_NAME = 'audit';
export const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
