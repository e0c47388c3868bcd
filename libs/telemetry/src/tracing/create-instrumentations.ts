import { type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Which libraries get client spans; all on by default. */
export interface InstrumentationChoice {
  /** node:http(s), which the Kubernetes client uses through node-fetch. */
  http?: boolean;
  /** The MongoDB driver under mongoose. */
  mongodb?: boolean;
  /** Node's global fetch. */
  undici?: boolean;
}

// Probes and scrapes would otherwise create a root span every few seconds.
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function createInstrumentations(choice: InstrumentationChoice): Instrumentation[] {
  const instrumentations: Instrumentation[] = [];
  if (choice.http !== false) {
    instrumentations.push(new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? '') }));
  }
  // Statements are not recorded: they can hold user data. Only the command's field names are kept:
  // the default serializer walks (and masks) the whole command, documents included, on every call.
  if (choice.mongodb !== false) {
    instrumentations.push(new MongoDBInstrumentation({ enhancedDatabaseReporting: false, dbStatementSerializer: (command) => Object.keys(command).join(' ') }));
  }
  if (choice.undici !== false) instrumentations.push(new UndiciInstrumentation());
  return instrumentations;
}
