// Imported first by main.ts: tracing must be registered before mongoose and http are loaded.
import { startTelemetry } from '@dv/telemetry';

export const SERVICE_NAME = 'sharing';
export const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
