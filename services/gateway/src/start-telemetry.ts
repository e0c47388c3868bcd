// Imported first by main.ts: tracing must be registered before http is loaded, or its calls are not instrumented.
import { startTelemetry } from '@dv/telemetry';

export const SERVICE_NAME = 'gateway';
export const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
