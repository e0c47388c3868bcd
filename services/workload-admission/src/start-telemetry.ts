// Imported first by main.ts: tracing must be registered before mongoose, http and https are loaded.
import { startTelemetry } from '@dv/telemetry';

export const SERVICE_NAME = 'workload-admission';
export const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
