import { type DiagLogger, DiagLogLevel } from '@opentelemetry/api';
import { type JsonLogger } from '../logging/json-logger';

/**
 * OpenTelemetry's own diagnostics (failed exports, duplicate registration) as JSON log lines;
 * without a diag logger they are silently dropped and a dead collector goes unnoticed.
 * Extra arguments go into `args`, never into the context.
 */
export function jsonDiagLogger(logger: JsonLogger): DiagLogger {
  const forward =
    (write: (message: string, fields: Record<string, unknown>) => void) =>
    (message: string, ...args: unknown[]) =>
      write(message, args.length > 0 ? { args } : {});
  return {
    error: forward((m, f) => logger.error(m, f)),
    warn: forward((m, f) => logger.warn(m, f)),
    info: forward((m, f) => logger.info(m, f)),
    debug: forward((m, f) => logger.debug(m, f)),
    verbose: forward((m, f) => logger.debug(m, f)),
  };
}

const DIAG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** OTEL_LOG_LEVEL as a diag level; warn when unset or unknown. */
export function parseDiagLevel(raw: string | undefined): DiagLogLevel {
  return DIAG_LEVELS[(raw ?? '').trim().toLowerCase()] ?? DiagLogLevel.WARN;
}
